import { sql } from 'kysely';
import type { TenantTransaction } from './tenant-scope';

let savepoints = 0;

/**
 * Runs `work` under a savepoint: when it fails, only its own writes are undone and the
 * transaction goes on (to answer a conflict with alternatives, say), where a plain failed
 * statement would leave the whole transaction aborted.
 */
export async function inSavepoint<T>(
  trx: TenantTransaction,
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  savepoints += 1;
  const name = sql.raw(`attempt_${savepoints}`);
  await sql`savepoint ${name}`.execute(trx);
  try {
    const value = await work();
    await sql`release savepoint ${name}`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(trx);
    return { ok: false, error };
  }
}

/** Postgres SQLSTATE of a failed statement (node-postgres and PGlite both expose `code`). */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const EXCLUSION_VIOLATION = '23P01';
export const UNIQUE_VIOLATION = '23505';
