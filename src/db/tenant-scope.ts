import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema';

declare const tenantScoped: unique symbol;

/** A transaction bound to one tenant under row-level security; domain logic asks for this type. */
export type TenantTransaction = Transaction<DB> & { readonly [tenantScoped]: string };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Runs `work` in a transaction that sees and writes only `tenantId`'s rows: the tenant and the
 * non-bypass role `app_rls` are set locally, so both reset at commit or rollback.
 */
export async function withTenant<T>(db: Kysely<DB>, tenantId: string, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  if (!isUuid(tenantId)) throw new Error(`withTenant: not a tenant id: ${tenantId}`);
  const callbacks: Array<() => void> = [];
  const finalWrites: Array<() => Promise<void>> = [];
  const result = await db.transaction().execute(async (trx) => {
    await sql`select set_config('role', 'app_rls', true), set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    scopeOfTransaction.set(trx, { tenantId, database: db });
    commitCallbacks.set(trx, callbacks);
    finalWritesOf.set(trx, finalWrites);
    const value = await work(trx as TenantTransaction);
    for (const write of finalWrites) await write();
    return value;
  });
  for (const callback of callbacks) callback();
  return result;
}

const scopeOfTransaction = new WeakMap<object, { tenantId: string; database: Kysely<DB> }>();
const commitCallbacks = new WeakMap<object, Array<() => void>>();
const finalWritesOf = new WeakMap<object, Array<() => Promise<void>>>();

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

/**
 * Runs `write` in the transaction once its work is done, just before it commits (not if the work
 * failed): for writes that gather what the whole transaction did, such as its events in one insert.
 */
export function beforeCommit(trx: TenantTransaction, write: () => Promise<void>): void {
  const writes = finalWritesOf.get(trx);
  if (!writes) throw new Error('beforeCommit: not a transaction opened by withTenant');
  writes.push(write);
}
