import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { afterCommit, databaseOf, tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { EventMap, EventType } from './catalog';

type CommitListener = () => void;
const commitListeners = new WeakMap<Kysely<DB>, Set<CommitListener>>();
const commitSignals = new WeakMap<Kysely<DB>, () => void>();

/**
 * The event hub of the process that owns `db` listens here, to deliver right after a commit
 * instead of at its next poll. Keyed by database so that two app instances in one process
 * still learn of each other's commits only through the bus, as separate processes would.
 */
export function onEventsCommitted(db: Kysely<DB>, listener: CommitListener): () => void {
  let listeners = commitListeners.get(db);
  if (!listeners) {
    const created = new Set<CommitListener>();
    listeners = created;
    commitListeners.set(db, created);
    commitSignals.set(db, () => created.forEach((notify) => notify()));
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const ignoreCommit = () => undefined;

/** Writes an event in the caller's transaction: it exists if and only if the change commits. */
export async function appendEvent<K extends EventType>(trx: TenantTransaction, type: K, data: EventMap[K]): Promise<string> {
  const row = await trx
    .insertInto('events')
    .values({ tenant_id: tenantOf(trx), type, data: JSON.stringify(data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  afterCommit(trx, commitSignals.get(databaseOf(trx)) ?? ignoreCommit);
  return row.id;
}
