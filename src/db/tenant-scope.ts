import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

declare const tenantScoped: unique symbol;

/** A transaction bound to one tenant under row-level security; domain logic asks for this type. */
export type TenantTransaction = Kysely<DB> & { readonly [tenantScoped]: string };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

const singleSessionDatabases = new WeakSet<Kysely<DB>>();

/** PGlite has one session shared by every caller: its transactions must go through Kysely's lock. */
export function markSingleSession(db: Kysely<DB>): void {
  singleSessionDatabases.add(db);
}

/**
 * Runs `work` in a transaction that sees and writes only `tenantId`'s rows: the tenant and the
 * non-bypass role `app_rls` are set locally, so both reset at commit or rollback.
 */
export async function withTenant<T>(db: Kysely<DB>, tenantId: string, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  if (!isUuid(tenantId)) throw new Error(`withTenant: not a tenant id: ${tenantId}`);
  const callbacks: Array<() => void> = [];
  const runScoped = (scoped: Kysely<DB>) => {
    scopeOfTransaction.set(scoped, { tenantId, database: db });
    commitCallbacks.set(scoped, callbacks);
    return work(scoped as TenantTransaction);
  };
  const result = singleSessionDatabases.has(db)
    ? await db.transaction().execute(async (trx) => {
        await sql`select set_config('role', 'app_rls', true), set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
        return runScoped(trx);
      })
    : await db.connection().execute(async (connection) => {
        // One round trip for begin + scope: a parameterless query goes over the simple protocol,
        // which accepts several statements; the id was checked to be a uuid above.
        await sql.raw(`begin; select set_config('role', 'app_rls', true), set_config('app.tenant_id', '${tenantId}', true)`).execute(connection);
        try {
          const value = await runScoped(connection);
          await sql.raw('commit').execute(connection);
          return value;
        } catch (error) {
          await sql.raw('rollback').execute(connection).catch(() => undefined);
          throw error;
        }
      });
  for (const callback of callbacks) callback();
  return result;
}

const scopeOfTransaction = new WeakMap<object, { tenantId: string; database: Kysely<DB> }>();
const commitCallbacks = new WeakMap<object, Array<() => void>>();

/** The tenant a tenant transaction is bound to. */
export function tenantOf(trx: TenantTransaction): string {
  const scope = scopeOfTransaction.get(trx);
  if (!scope) throw new Error('tenantOf: not a transaction opened by withTenant');
  return scope.tenantId;
}

/** The database a tenant transaction runs on (several app instances may share one process). */
export function databaseOf(trx: TenantTransaction): Kysely<DB> {
  const scope = scopeOfTransaction.get(trx);
  if (!scope) throw new Error('databaseOf: not a transaction opened by withTenant');
  return scope.database;
}

/** Runs `callback` once the transaction has committed (never on rollback). */
export function afterCommit(trx: TenantTransaction, callback: () => void): void {
  const callbacks = commitCallbacks.get(trx);
  if (!callbacks) throw new Error('afterCommit: not a transaction opened by withTenant');
  if (!callbacks.includes(callback)) callbacks.push(callback);
}
