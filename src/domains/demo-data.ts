import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { DemoDataDeps, DemoProgress, DemoTenant } from '../platform/domain-module';
import { domainModules } from './modules';

export type { DemoProgress };

/** Demo data of every domain the tenant has on, for `npm start`'s demo tenant and `tenant:seed --demo`. */
export async function seedDemoData(
  db: Kysely<DB>,
  tenant: DemoTenant,
  deps: DemoDataDeps,
  onProgress: (progress: DemoProgress) => void = () => undefined,
): Promise<void> {
  const seeders = domainModules.flatMap((domain) =>
    domain.demoData && (domain.module === undefined || tenant.modules.includes(domain.module)) ? [domain.demoData] : [],
  );
  const total = seeders.reduce((sum, seeder) => sum + seeder.steps, 0);
  let done = 0;
  for (const seeder of seeders) {
    await seeder.seed(db, tenant, deps, (step) => {
      done += 1;
      onProgress({ total, done, step });
    });
  }
}
