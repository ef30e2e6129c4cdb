import { afterCommit, tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { EventMap, EventType } from './catalog';

type CommitListener = () => void;
const commitListeners = new Set<CommitListener>();

/** The event hub listens here to deliver right after a commit instead of at its next poll. */
export function onEventsCommitted(listener: CommitListener): () => void {
  commitListeners.add(listener);
  return () => commitListeners.delete(listener);
}

function signalEventsCommitted(): void {
  for (const listener of commitListeners) listener();
}

/** Writes an event in the caller's transaction: it exists if and only if the change commits. */
export async function appendEvent<K extends EventType>(trx: TenantTransaction, type: K, data: EventMap[K]): Promise<string> {
  const row = await trx
    .insertInto('events')
    .values({ tenant_id: tenantOf(trx), type, data: JSON.stringify(data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  afterCommit(trx, signalEventsCommitted);
  return row.id;
}
