import type { AppConfig } from './config';
import { migrateToLatest } from './db/migrator';
import { withSystem } from './db/system-scope';
import { seedDemoData } from './domains/demo-data';
import { DEMO_PASSWORD } from './domains/identity/demo-data';
import { syncBuiltinRoles } from './domains/identity/roles';
import { createTenant } from './domains/identity/tenants';
import { MODULES } from './platform/modules';
import { startHttpServer, type RunningServer } from './server';
import { createServices, type ServiceOverrides, type Services } from './services';

export interface RunningApp {
  services: Services;
  http: RunningServer;
  stop(): Promise<void>;
}

export const DEMO_TENANT = { slug: 'demo', name: 'Balcão Demonstração', ownerEmail: 'dono@demo.balcao.test', ownerName: 'Dona Demo' };

/** Brings the whole process up; a failed migration stops it before it serves anything. */
export async function bootstrap(config: AppConfig, overrides: ServiceOverrides = {}): Promise<RunningApp> {
  const startedAt = Date.now();
  const services = await createServices(config, overrides);
  const { logger } = services;
  try {
    const applied = await migrateToLatest(services.database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    await syncBuiltinRoles(services.db);
    const demoCreated = config.demoTenant ? await ensureDemoTenant(services) : false;
    await services.hub.start();
    const http = await startHttpServer(services, { port: config.port, host: config.host });
    if (config.jobsEnabled) await services.scheduler.start();
    if (config.deliveries.enabled) await services.deliveries.start();
    const url = config.publicUrl.replace(`:${config.port}`, `:${http.port}`);
    logger.info(
      { url, database: services.database.kind, redis: Boolean(services.redis), readyInMs: Date.now() - startedAt },
      'balcão ready',
    );
    if (config.demoTenant) printDemoLogin(url, demoCreated);
    return {
      services,
      http,
      stop: async () => {
        await http.close();
        await services.close();
      },
    };
  } catch (error) {
    await services.close().catch(() => undefined);
    throw error;
  }
}

async function ensureDemoTenant(services: Services): Promise<boolean> {
  const anyTenant = await withSystem(services.db, (trx) => trx.selectFrom('tenants').select('id').limit(1).executeTakeFirst());
  if (anyTenant) return false;
  const created = await createTenant(services.db, {
    slug: DEMO_TENANT.slug,
    name: DEMO_TENANT.name,
    modules: [...MODULES],
    owner: { email: DEMO_TENANT.ownerEmail, name: DEMO_TENANT.ownerName, password: DEMO_PASSWORD },
  });
  await seedDemoData(
    services.db,
    { id: created.tenantId, slug: created.slug, modules: [...MODULES] },
    { secrets: services.secrets, publicUrl: services.config.publicUrl, permissions: services.catalogue.permissions },
  );
  return true;
}

function printDemoLogin(url: string, created: boolean): void {
  process.stdout.write(
    [
      '',
      `  Balcão em ${url}`,
      `  ${created ? 'Empresa de demonstração criada.' : 'Empresa de demonstração:'} entre com`,
      `    empresa: ${DEMO_TENANT.slug}   e-mail: ${DEMO_TENANT.ownerEmail}   senha: ${DEMO_PASSWORD}`,
      '',
      '',
    ].join('\n'),
  );
}
