import { createCommitSignal } from '../../db/commit-signals';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { EventMap, EventType } from './catalog';

const eventsCommitted = createCommitSignal();

/** The event hub of the process that owns `db` listens here, to deliver right after a commit instead of at its next poll. */
export const onEventsCommitted = eventsCommitted.listen;

/** Writes an event in the caller's transaction: it exists if and only if the change commits. */
export async function appendEvent<K extends EventType>(trx: TenantTransaction, type: K, data: EventMap[K]): Promise<string> {
  const row = await trx
    .insertInto('events')
    .values({ tenant_id: tenantOf(trx), type, data: JSON.stringify(data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  eventsCommitted.signalAfterCommit(trx);
  return row.id;
}
