import { sql } from 'kysely';
import type { DeliveryAttempt, DeliveryQueueStatus, StoredDelivery } from '../../db/schema';
import type { TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../audit/audit-log';
import { DomainError } from '../errors';
import { signalDeliveryQueuedAfterCommit } from './queue';

/** A delivery as the dashboard shows it: its state and a summary of its tries; never a secret (none is stored). */
export interface DeliveryView {
  id: string;
  kind: string;
  eventId: string;
  orderingKey: string | null;
  status: DeliveryQueueStatus;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  /** When the next try may start; null once the delivery has ended. */
  nextAttemptAt: string | null;
  /** A worker holds it right now. */
  inFlight: boolean;
  lastStatusCode: number | null;
  lastError: string | null;
  targetUrl: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryAttemptView {
  id: string;
  attempt: number;
  attemptedAt: string;
  durationMs: number;
  targetUrl: string | null;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

function toDeliveryView(row: StoredDelivery, defaultMaxAttempts: number, now = new Date()): DeliveryView {
  return {
    id: row.id,
    kind: row.kind,
    eventId: row.event_id,
    orderingKey: row.ordering_key,
    status: row.status,
    payload: row.payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts ?? defaultMaxAttempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    inFlight: row.status === 'pending' && row.lease_until !== null && row.lease_until > now,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    targetUrl: row.target_url,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toAttemptView(row: DeliveryAttempt): DeliveryAttemptView {
  return {
    id: row.id,
    attempt: row.attempt,
    attemptedAt: row.attempted_at.toISOString(),
    durationMs: row.duration_ms,
    targetUrl: row.target_url,
    statusCode: row.status_code,
    error: row.error,
    responseExcerpt: row.response_excerpt,
  };
}

const deliveryNotFound = () => new DomainError('NOT_FOUND', 'NOT_FOUND', 'Entrega não encontrada');

export interface DeliveryFilters {
  status?: DeliveryQueueStatus | undefined;
  kind?: string | undefined;
}

/** Newest first, keyset-paginated by queue order: page N costs the same as page 1. */
export async function listDeliveries(
  trx: TenantTransaction,
  filters: DeliveryFilters,
  page: { cursor?: string | undefined; limit: number; defaultMaxAttempts: number },
): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  let query = trx
    .selectFrom('deliveries')
    .selectAll()
    .orderBy('enqueue_order', 'desc')
    .limit(page.limit + 1);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.kind) query = query.where('kind', '=', filters.kind);
  if (page.cursor) query = query.where('enqueue_order', '<', page.cursor);
  const rows = await query.execute();
  const shown = rows.slice(0, page.limit);
  return {
    items: shown.map((row) => toDeliveryView(row, page.defaultMaxAttempts)),
    nextCursor: rows.length > page.limit ? (shown.at(-1)?.enqueue_order ?? null) : null,
  };
}

const ATTEMPTS_SHOWN = 100;

/** The delivery's most recent tries, newest first (the dashboard's "recent calls"). */
export async function listDeliveryAttempts(trx: TenantTransaction, deliveryId: string): Promise<DeliveryAttemptView[]> {
  const delivery = await trx.selectFrom('deliveries').select('id').where('id', '=', deliveryId).executeTakeFirst();
  if (!delivery) throw deliveryNotFound();
  const rows = await trx
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('id', 'desc')
    .limit(ATTEMPTS_SHOWN)
    .execute();
  return rows.map(toAttemptView);
}

/** Puts a dead or cancelled delivery back in the queue with fresh tries; it keeps its event id, so the receiver can still dedupe. */
export async function replayDelivery(
  trx: TenantTransaction,
  audit: AuditContext,
  deliveryId: string,
  defaultMaxAttempts: number,
): Promise<DeliveryView> {
  const before = await trx.selectFrom('deliveries').selectAll().where('id', '=', deliveryId).forUpdate().executeTakeFirst();
  if (!before) throw deliveryNotFound();
  if (before.status === 'pending' || before.status === 'delivered') {
    const why = before.status === 'pending' ? 'ainda está na fila' : 'já foi entregue';
    throw new DomainError(
      'CONFLICT',
      'DELIVERY_NOT_REPLAYABLE',
      `Esta entrega ${why}; só entregas mortas ou canceladas podem ser reenviadas`,
      { status: before.status },
    );
  }
  const after = await trx
    .updateTable('deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql`now()`, lease_until: null, delivered_at: null, updated_at: sql`now()` })
    .where('id', '=', deliveryId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'delivery.replay',
    entity: 'delivery',
    entityId: deliveryId,
    before: { status: before.status, attempts: before.attempts },
    after: { status: after.status, attempts: after.attempts },
    details: { kind: before.kind, eventId: before.event_id },
  });
  signalDeliveryQueuedAfterCommit(trx);
  return toDeliveryView(after, defaultMaxAttempts);
}
