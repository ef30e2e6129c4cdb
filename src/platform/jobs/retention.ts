import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { withSystem } from '../../db/system-scope';
import { withTenant } from '../../db/tenant-scope';
import type { DB } from '../../db/schema';

export const DAY_MS = 86_400_000;

/**
 * One kind of row that is deleted once past its retention: a platform table's, or a domain's log
 * declared in its manifest (`retention`). Business records (tickets, messages, appointments, the
 * audit log, movement trails) never get one.
 */
export interface RetentionRule {
  /** What the run's stats call the rows it deleted, e.g. `deliveries.delivered`. */
  name: string;
  table: keyof DB & string;
  /**
   * Whose rows: a tenant's (each tenant's run deletes its own, in its row-level security scope) or
   * the system's (`tenant_id is null`: the job runs of global jobs, pruned by the system run).
   */
  owner: 'tenant' | 'system';
  /**
   * Which rows are past retention for a run at `slot`. With `tenant_id = …` (or `is null`) in
   * front, an index must serve it: the rule is walked in batches every day.
   */
  expired(slot: Date): RawBuilder<boolean>;
  /**
   * What the rows are taken oldest-first by: the second column of that index. The order makes the
   * planner walk the index even when the statistics make a table look small (a heap emptied by a
   * first run), and makes a run that stops on its budget leave the newest rows, not random ones.
   */
  oldestFirst: RawBuilder<unknown>;
}

/** A rule for rows whose `column` (a timestamptz) is older than `days` before the run's slot, plus an optional condition. */
export function olderThan(rule: {
  name: string;
  table: keyof DB & string;
  column: string;
  days: number;
  owner?: 'tenant' | 'system';
  where?: RawBuilder<boolean>;
}): RetentionRule {
  return {
    name: rule.name,
    table: rule.table,
    owner: rule.owner ?? 'tenant',
    oldestFirst: sql`${sql.ref(rule.column)}`,
    expired: (slot) => {
      const older = sql<boolean>`${sql.ref(rule.column)} < ${retentionCutoff(slot, rule.days)}`;
      return rule.where ? sql<boolean>`(${older} and ${rule.where})` : older;
    },
  };
}

/** The first instant a row is kept at: `days` whole days before the run's slot. */
export function retentionCutoff(slot: Date, days: number): Date {
  return new Date(slot.getTime() - days * DAY_MS);
}

export interface PruneLimits {
  /** Rows one statement deletes at most (each statement is its own short transaction). */
  batchRows: number;
  /** Once spent, the run stops after its current batch; what is left waits for the next day. */
  timeBudgetMs: number;
}

export interface PruneOutcome {
  /** Rows deleted, by rule name. */
  deleted: Record<string, number>;
  /** False when the time budget ran out with expired rows left. */
  complete: boolean;
}

/**
 * Deletes the expired rows of `rules` for one tenant (or the system's rows), in batches of at most
 * `batchRows`, one short transaction each, so a first run on a huge backlog never holds a long lock
 * or grows one transaction. The rules take turns, one batch each, until every one comes back short
 * or the time budget is spent: a large backlog in one table never starves the others.
 */
export async function pruneExpiredRows(
  db: Kysely<DB>,
  rules: readonly RetentionRule[],
  scope: { tenantId: string } | 'system',
  slot: Date,
  limits: PruneLimits,
  now: () => number = () => performance.now(),
): Promise<PruneOutcome> {
  const owner = scope === 'system' ? 'system' : 'tenant';
  const pending = rules.filter((rule) => rule.owner === owner);
  const deleted = Object.fromEntries(pending.map((rule) => [rule.name, 0]));
  const startedAt = now();
  let left = [...pending];
  while (left.length > 0) {
    const stillExpired: RetentionRule[] = [];
    for (const rule of left) {
      if (now() - startedAt > limits.timeBudgetMs) return { deleted, complete: false };
      const count = await deleteBatch(db, rule, scope, slot, limits.batchRows);
      deleted[rule.name]! += count;
      if (count === limits.batchRows) stillExpired.push(rule);
    }
    left = stillExpired;
  }
  return { deleted, complete: true };
}

async function deleteBatch(
  db: Kysely<DB>,
  rule: RetentionRule,
  scope: { tenantId: string } | 'system',
  slot: Date,
  batchRows: number,
): Promise<number> {
  const table = sql.table(rule.table);
  const ownerCondition = scope === 'system' ? sql`tenant_id is null` : sql`tenant_id = ${scope.tenantId}::uuid`;
  const expired = rule.expired(slot);
  // The rows are picked by ctid (a tid scan, whatever the table's key), and the conditions are
  // repeated on the delete itself: a row changed meanwhile (a dead delivery replayed) is checked
  // again in its new version and stays.
  const statement = sql`
    delete from ${table}
    where ctid = any(array(
      select ctid from ${table} where ${ownerCondition} and ${expired} order by ${rule.oldestFirst} limit ${batchRows}))
      and ${ownerCondition} and ${expired}`;
  // The rules are built on their indexes, but the statistics are skewed by the very rows being
  // deleted (a heap emptied by a first run keeps its pages; another tenant's old rows count against
  // this one's cutoff): measured, the planner then scans the whole table for a day's worth of rows.
  // So, for this statement's transaction only, a sequential scan is the last resort.
  const run = async (trx: Transaction<DB>) => {
    await sql`select set_config('enable_seqscan', 'off', true)`.execute(trx);
    return statement.execute(trx);
  };
  const result = scope === 'system' ? await withSystem(db, run) : await withTenant(db, scope.tenantId, run);
  return Number(result.numAffectedRows ?? 0);
}
