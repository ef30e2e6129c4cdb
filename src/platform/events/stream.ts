import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withTenant } from '../../db/tenant-scope';
import type { AppEvent, EventType } from './catalog';
import { DomainError } from '../errors';
import { EventQueue, EventQueueOverflowError } from './event-queue';
import { positionAfter, toAppEvent, type DeliveredEvent, type EventHub, type EventPosition } from './hub';

const REPLAY_BATCH = 500;
const LIVE_BUFFER = 10_000;

export interface TenantEventStreamOptions {
  db: Kysely<DB>;
  hub: EventHub;
  tenantId: string;
  lastEventId?: string | undefined;
  types?: readonly EventType[] | undefined;
  signal?: AbortSignal | undefined;
  /** Called once the missed events are all yielded: what follows happens live. */
  onCaughtUp?: (() => void) | undefined;
}

/**
 * One tenant's events: first those after `lastEventId` from the table, then live ones from the
 * hub, without a gap or a repeat between the two. Subscribes before reading the table, as a
 * reconnecting client must not miss what commits meanwhile. Yields them in batches, in order: a
 * replayed page, or every live event that arrived while the reader was busy (one hub poll's
 * events arrive together), so a subscriber pays its per-step costs once per batch, not per event.
 */
export async function* streamTenantEventBatches(options: TenantEventStreamOptions): AsyncGenerator<AppEvent[]> {
  const { db, hub, tenantId, lastEventId, types, signal, onCaughtUp } = options;
  const live = new EventQueue<DeliveredEvent>(LIVE_BUFFER);
  const unsubscribe = hub.subscribe(tenantId, (delivered) => live.push(delivered));
  const replayUpTo = hub.cursor;
  const wanted = types && types.length > 0 ? new Set<string>(types) : undefined;
  const onAbort = () => live.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let lastYielded: EventPosition | undefined;
    if (lastEventId !== undefined) {
      for await (const page of replayAfter(db, tenantId, lastEventId, replayUpTo)) {
        lastYielded = page[page.length - 1]!.position;
        const events = page.flatMap(({ event }) => (!wanted || wanted.has(event.type) ? [event] : []));
        if (events.length > 0) yield events;
      }
    }
    onCaughtUp?.();
    for (let batch = await live.nextBatch(); batch.length > 0; batch = await live.nextBatch()) {
      const events: AppEvent[] = [];
      for (const delivered of batch) {
        if (lastYielded && !positionAfter(delivered.position, lastYielded)) continue;
        if (!wanted || wanted.has(delivered.event.type)) events.push(delivered.event);
      }
      if (events.length > 0) yield events;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
    live.close();
  }
}

/** The same stream, one event at a time. */
export async function* streamTenantEvents(options: TenantEventStreamOptions): AsyncGenerator<AppEvent> {
  for await (const batch of streamTenantEventBatches(options)) yield* batch;
}

async function* replayAfter(
  db: Kysely<DB>,
  tenantId: string,
  lastEventId: string,
  upTo: EventPosition,
): AsyncGenerator<Array<Omit<DeliveredEvent, 'tenantId'>>> {
  if (!/^\d{1,19}$/.test(lastEventId)) return;
  const anchor = await withTenant(db, tenantId, (trx) =>
    trx
      .selectFrom('events')
      .select([sql<string>`tx_id::text`.as('tx_id'), 'id'])
      .where('id', '=', lastEventId)
      .executeTakeFirst(),
  );
  if (!anchor) return; // unknown, expired or another tenant's id: nothing to replay
  let after: EventPosition = { txId: BigInt(anchor.tx_id), id: BigInt(anchor.id) };
  for (;;) {
    const rows = await withTenant(db, tenantId, (trx) =>
      trx
        .selectFrom('events')
        .select(['id', 'type', 'data', 'occurred_at', sql<string>`tx_id::text`.as('tx_id')])
        .where(sql<boolean>`(tx_id, id) > (${after.txId.toString()}::xid8, ${after.id.toString()}::bigint)`)
        .where(sql<boolean>`(tx_id, id) <= (${upTo.txId.toString()}::xid8, ${upTo.id.toString()}::bigint)`)
        .orderBy('events.tx_id')
        .orderBy('events.id')
        .limit(REPLAY_BATCH)
        .execute(),
    );
    if (rows.length === 0) return;
    const page = rows.map((row) => ({ position: { txId: BigInt(row.tx_id), id: BigInt(row.id) }, event: toAppEvent(row) }));
    after = page[page.length - 1]!.position;
    yield page;
    if (rows.length < REPLAY_BATCH) return;
  }
}

/**
 * What a live subscription ends with when its stream failed: a subscriber that fell too far behind
 * is told to resume from its last id (which replays the backlog from the table, not from memory).
 */
export function streamFailure(error: unknown): unknown {
  if (!(error instanceof EventQueueOverflowError)) return error;
  return new DomainError('TOO_MANY_REQUESTS', 'SUBSCRIBER_TOO_SLOW', 'Eventos demais sem leitura; reconecte com o último id para retomar');
}
