import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely } from 'kysely';
import { withSystem } from '../../db/system-scope';
import type { DB, StoredDelivery } from '../../db/schema';
import { createCommitSignal } from '../../db/commit-signals';
import { beforeCommit, isUuid, tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { Delivery, DeliveryKind } from './kinds';

export const DELIVERY_QUEUE_STATUSES = ['pending', 'delivered', 'dead', 'cancelled'] as const;

const deliveriesQueued = createCommitSignal();

/** The delivery worker of the process that owns `db` listens here, to send right after a commit instead of at its next poll. */
export const onDeliveriesQueued = deliveriesQueued.listen;

/** Tells the worker, once the transaction has committed, that a delivery became due. */
export const signalDeliveryQueuedAfterCommit = deliveriesQueued.signalAfterCommit;

export interface DeliveryRequest<Payload> {
  /** Only the kind's name and tries are needed to queue; the worker holds the kinds that send. */
  kind: Pick<DeliveryKind<Payload>, 'name' | 'maxAttempts'>;
  /** Sent as the JSON body. */
  payload: Payload;
  /** Deliveries sharing a key (within the tenant) are sent one at a time, in the order they were queued. */
  orderingKey?: string;
  /** A fresh uuid the caller made (to put it in the payload too); generated when absent. */
  eventId?: string;
  /** Not sent before this (a message held back through the tenant's quiet hours); now when absent. */
  notBefore?: Date;
}

/**
 * Queues a delivery in the caller's transaction: it exists, and is sent, if and only if the change
 * commits. A transaction's deliveries are written together, in the order they were queued, just
 * before it commits: one round trip however many messages a change sends.
 */
export async function enqueueDelivery<Payload>(
  trx: TenantTransaction,
  request: DeliveryRequest<Payload>,
): Promise<{ id: string; eventId: string }> {
  const body = JSON.stringify(request.payload);
  if (body === undefined) throw new TypeError(`enqueueDelivery(${request.kind.name}): the payload is not JSON`);
  if (request.eventId !== undefined && !isUuid(request.eventId))
    throw new TypeError(`enqueueDelivery(${request.kind.name}): eventId is not a uuid`);
  const row = {
    id: randomUUID(),
    event_id: request.eventId ?? randomUUID(),
    tenant_id: tenantOf(trx),
    kind: request.kind.name,
    payload: body,
    ordering_key: request.orderingKey ?? null,
    max_attempts: request.kind.maxAttempts ?? null,
    ...(request.notBefore ? { next_attempt_at: request.notBefore } : {}),
  };
  let queued = queuedDeliveries.get(trx);
  if (!queued) {
    const rows: QueuedDelivery[] = [];
    queued = rows;
    queuedDeliveries.set(trx, rows);
    beforeCommit(trx, () =>
      trx
        .insertInto('deliveries')
        .values(rows)
        .execute()
        .then(() => undefined),
    );
    signalDeliveryQueuedAfterCommit(trx);
  }
  queued.push(row);
  return { id: row.id, eventId: row.event_id };
}

type QueuedDelivery = Insertable<DB['deliveries']> & { id: string; event_id: string };

const queuedDeliveries = new WeakMap<TenantTransaction, QueuedDelivery[]>();

/**
 * Leases up to `limit` due deliveries of every tenant and counts the try. `skip locked` lets N
 * workers claim side by side without ever taking the same row; a delivery waits while an
 * earlier one with its ordering key is still pending (in flight or backing off), so one key's
 * deliveries never overtake each other.
 */
export async function claimDueDeliveries(db: Kysely<DB>, options: { limit: number; leaseMs: number }): Promise<StoredDelivery[]> {
  const { rows } = await withSystem(db, (trx) =>
    sql<StoredDelivery>`
    with claimable as (
      select candidate.id from deliveries candidate
      where candidate.status = 'pending'
        and candidate.next_attempt_at <= now()
        and (candidate.lease_until is null or candidate.lease_until <= now())
        and (candidate.ordering_key is null or not exists (
          select 1 from deliveries earlier
          where earlier.tenant_id = candidate.tenant_id
            and earlier.ordering_key = candidate.ordering_key
            and earlier.status = 'pending'
            and earlier.enqueue_order < candidate.enqueue_order))
      order by candidate.next_attempt_at, candidate.enqueue_order
      limit ${options.limit}
      for update skip locked
    )
    update deliveries
    set lease_until = now() + make_interval(secs => ${options.leaseMs / 1000}), attempts = attempts + 1, updated_at = now()
    from claimable
    where deliveries.id = claimable.id
    returning deliveries.*`.execute(trx),
  );
  return rows;
}

export function toDelivery(row: StoredDelivery): Delivery {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    eventId: row.event_id,
    orderingKey: row.ordering_key,
    payload: row.payload,
    attempt: row.attempts,
    createdAt: row.created_at,
  };
}
