import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema';

declare const systemScoped: unique symbol;

/** A transaction on the system path: it sees every tenant's rows. */
export type SystemTransaction = Transaction<DB> & { readonly [systemScoped]: true };

/** The role of the system path; row-level security lets it see and write every tenant's rows. */
export const SYSTEM_ROLE = 'app_system';

/**
 * The one path for work that spans tenants or has yet to find its tenant: a login by slug, a
 * credential found by its prefix, the event hub, the delivery worker, cron claims, tenant
 * creation. It runs in a transaction under the role `app_system` (set locally, so it resets at
 * commit or rollback); outside it and `withTenant`, the application's role sees no tenant row.
 */
export async function withSystem<T>(db: Kysely<DB>, work: (trx: SystemTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${SYSTEM_ROLE}, true)`.execute(trx);
    return work(trx as SystemTransaction);
  });
}
