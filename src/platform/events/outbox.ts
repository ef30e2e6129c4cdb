import { createCommitSignal } from '../../db/commit-signals';
import { beforeCommit, tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { EventMap, EventType } from './catalog';

const eventsCommitted = createCommitSignal();

/** The event hub of the process that owns `db` listens here, to deliver right after a commit instead of at its next poll. */
export const onEventsCommitted = eventsCommitted.listen;

interface PendingEvent {
  type: EventType;
  data: unknown;
}

const pendingEvents = new WeakMap<TenantTransaction, PendingEvent[]>();

/**
 * Records an event in the caller's transaction: it exists if and only if the change commits. A
 * transaction's events are written together, in the order they were appended, as its last write
 * before commit: one round trip however many events a change raises.
 */
export async function appendEvent<K extends EventType>(trx: TenantTransaction, type: K, data: EventMap[K]): Promise<void> {
  let pending = pendingEvents.get(trx);
  if (!pending) {
    const events: PendingEvent[] = [];
    pending = events;
    pendingEvents.set(trx, events);
    beforeCommit(trx, () => writeEvents(trx, events));
    eventsCommitted.signalAfterCommit(trx);
  }
  pending.push({ type, data });
}

async function writeEvents(trx: TenantTransaction, events: PendingEvent[]): Promise<void> {
  const tenantId = tenantOf(trx);
  await trx
    .insertInto('events')
    .values(events.map((event) => ({ tenant_id: tenantId, type: event.type, data: JSON.stringify(event.data) })))
    .execute();
}
