import type { AppConfig } from './config';
import { migrateToLatest } from './db/migrator';
import { withSystem } from './db/system-scope';
import { seedDemoData } from './domains/demo-data';
import { demoPasswordFor } from './domains/identity/demo-data';
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
    const demo = config.demoTenant ? await ensureDemoTenant(services) : undefined;
    await services.hub.start();
    const http = await startHttpServer(services, { port: config.port, host: config.host });
    if (config.jobsEnabled) await services.scheduler.start();
    if (config.deliveries.enabled) await services.deliveries.start();
    const url = config.publicUrl.replace(`:${config.port}`, `:${http.port}`);
    logger.info(
      { url, database: services.database.kind, redis: Boolean(services.redis), readyInMs: Date.now() - startedAt },
      'balcão ready',
    );
    if (demo) printDemoLogin(url, demo);
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

/** Creates the demo tenant on an empty database; its password is known only to what this returns. */
async function ensureDemoTenant(services: Services): Promise<{ created: boolean; password?: string; env: AppConfig['env'] }> {
  const env = services.config.env;
  const anyTenant = await withSystem(services.db, (trx) => trx.selectFrom('tenants').select('id').limit(1).executeTakeFirst());
  if (anyTenant) return { created: false, env };
  const password = demoPasswordFor(env);
  const created = await createTenant(services.db, {
    slug: DEMO_TENANT.slug,
    name: DEMO_TENANT.name,
    modules: [...MODULES],
    owner: { email: DEMO_TENANT.ownerEmail, name: DEMO_TENANT.ownerName, password },
  });
  await seedDemoData(
    services.db,
    { id: created.tenantId, slug: created.slug, modules: [...MODULES] },
    {
      secrets: services.secrets,
      publicUrl: services.config.publicUrl,
      permissions: services.catalogue.permissions,
      userPassword: password,
    },
  );
  return { created: true, password, env };
}

function printDemoLogin(url: string, demo: { created: boolean; password?: string; env: AppConfig['env'] }): void {
  // In production the password is random and shown this once; later starts do not know it.
  const password = demo.password ?? (demo.env === 'production' ? '(a mostrada quando a empresa foi criada)' : demoPasswordFor(demo.env));
  process.stdout.write(
    [
      '',
      `  Balcão em ${url}`,
      `  ${demo.created ? 'Empresa de demonstração criada.' : 'Empresa de demonstração:'} entre com`,
      `    empresa: ${DEMO_TENANT.slug}   e-mail: ${DEMO_TENANT.ownerEmail}   senha: ${password}`,
      ...(demo.created && demo.env === 'production' ? ['  Guarde esta senha: ela não será mostrada de novo.'] : []),
      '',
      '',
    ].join('\n'),
  );
}
