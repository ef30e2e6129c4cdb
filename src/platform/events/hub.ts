import { sql, type Kysely } from 'kysely';
import { withSystem } from '../../db/system-scope';
import type { DB } from '../../db/schema';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { MessageBus } from './bus';
import type { AppEvent } from './catalog';
import { onEventsCommitted } from './outbox';

/** Where an event stands in delivery order: by writing transaction first, then by id. */
export interface EventPosition {
  txId: bigint;
  id: bigint;
}

export interface DeliveredEvent {
  tenantId: string;
  position: EventPosition;
  event: AppEvent;
}

export function positionAfter(a: EventPosition, b: EventPosition): boolean {
  return a.txId > b.txId || (a.txId === b.txId && a.id > b.id);
}

type EventListener = (delivered: DeliveredEvent) => void;

const WAKE_CHANNEL = 'balcao:events:committed';

/**
 * The transaction id below which every transaction of this database has ended: the oldest id
 * still in progress in our snapshot, ignoring transactions that pg_stat_activity places in
 * other databases (they cannot write our events, and must not hold our delivery back). When
 * pg_stat_activity hides other sessions, nothing is ignored and the bound is simply lower.
 */
const deliveredBelow = sql<string>`(
  select coalesce(min(in_progress), pg_snapshot_xmax(pg_current_snapshot()))
  from pg_snapshot_xip(pg_current_snapshot()) as in_progress
  where (in_progress::text::numeric % 4294967296) not in (
    select backend_xid::text::numeric from pg_stat_activity
    where backend_xid is not null and datname is distinct from current_database()
  )
)`;
const BATCH_SIZE = 1000;

interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  data: unknown;
  occurred_at: Date;
  tx_id: string;
}

export function toAppEvent(row: Pick<EventRow, 'id' | 'type' | 'data' | 'occurred_at'>): AppEvent {
  return { id: row.id, type: row.type, occurredAt: row.occurred_at.toISOString(), data: row.data } as AppEvent;
}

/**
 * Hands committed events to this process's subscribers in a gap-free order. An event is read
 * only once every transaction that could still add an earlier one has ended (its tx id is
 * below `deliveredBelow`), so two transactions committing out of id order lose nothing.
 * Commits in this process wake it at once; other instances wake it through the bus; a slow
 * poll covers a lost wake-up or a crash between commit and publish.
 */
export class EventHub {
  #cursor: EventPosition = { txId: 0n, id: 0n };
  #listeners = new Map<string, Set<EventListener>>();
  #globalListeners = new Set<EventListener>();
  #polling = false;
  #pollAgain = false;
  #timer: NodeJS.Timeout | undefined;
  #stopBusSubscription: (() => void) | undefined;
  #stopCommitSignal: (() => void) | undefined;
  #stopped = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      bus: MessageBus;
      logger: Logger;
      metrics: Metrics;
      instanceId: string;
      pollIntervalMs?: number;
    },
  ) {}

  get cursor(): EventPosition {
    return this.#cursor;
  }

  async start(): Promise<void> {
    const { rows } = await withSystem(this.deps.db, (trx) =>
      sql<{ tx_id: string | null; id: string | null }>`
      select tx_id::text, id::text from events
      where tx_id < ${deliveredBelow}
      order by events.tx_id desc, events.id desc limit 1`.execute(trx),
    );
    const latest = rows[0];
    if (latest?.tx_id && latest.id) this.#cursor = { txId: BigInt(latest.tx_id), id: BigInt(latest.id) };
    this.#stopCommitSignal = onEventsCommitted(this.deps.db, () => {
      this.wake();
      void this.deps.bus.publish(WAKE_CHANNEL, this.deps.instanceId);
    });
    this.#stopBusSubscription = await this.deps.bus.subscribe(WAKE_CHANNEL, (sender) => {
      if (sender !== this.deps.instanceId) this.wake();
    });
    this.#timer = setInterval(() => this.wake(), this.deps.pollIntervalMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#stopBusSubscription?.();
    this.#stopCommitSignal?.();
    await this.#idle;
  }

  /** Receives every event of one tenant after `start`, in delivery order. */
  subscribe(tenantId: string, listener: EventListener): () => void {
    let listeners = this.#listeners.get(tenantId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(tenantId, listeners);
    }
    listeners.add(listener);
    this.deps.metrics.eventSubscribers.inc();
    return () => {
      if (listeners.delete(listener)) this.deps.metrics.eventSubscribers.dec();
      if (listeners.size === 0) this.#listeners.delete(tenantId);
    };
  }

  /** Receives every tenant's events (platform caches that must drop stale entries). */
  subscribeAll(listener: EventListener): () => void {
    this.#globalListeners.add(listener);
    return () => this.#globalListeners.delete(listener);
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    this.#idle = this.#drain().finally(() => {
      this.#polling = false;
    });
  }

  /**
   * Resolves once everything committed before the call has been handed out (tests use it to settle).
   * Delivery may wait on a transaction still running elsewhere, hence the loop.
   */
  async flush(timeoutMs = 10_000): Promise<void> {
    const { rows } = await withSystem(this.deps.db, (trx) =>
      sql<{ tx_id: string | null; id: string | null }>`
      select tx_id::text, id::text from events order by events.tx_id desc, events.id desc limit 1`.execute(trx),
    );
    const latest = rows[0];
    const target: EventPosition = latest?.tx_id && latest.id ? { txId: BigInt(latest.tx_id), id: BigInt(latest.id) } : { txId: 0n, id: 0n };
    const deadline = Date.now() + timeoutMs;
    while (positionAfter(target, this.#cursor)) {
      if (Date.now() > deadline) throw new Error('EventHub.flush: events still waiting on unfinished transactions');
      this.wake();
      await this.#idle;
      if (positionAfter(target, this.#cursor)) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async #drain(): Promise<void> {
    try {
      do {
        this.#pollAgain = false;
        const fetched = await this.#deliverNextBatch();
        if (fetched === BATCH_SIZE) this.#pollAgain = true;
      } while (this.#pollAgain && !this.#stopped);
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, 'event delivery poll failed; retrying at the next wake-up');
    }
  }

  async #deliverNextBatch(): Promise<number> {
    const { txId, id } = this.#cursor;
    const { rows } = await withSystem(this.deps.db, (trx) =>
      sql<EventRow>`
      select id::text, tenant_id, type, data, occurred_at, tx_id::text from events
      where (tx_id, id) > (${txId.toString()}::xid8, ${id.toString()}::bigint)
        and tx_id < ${deliveredBelow}
      order by events.tx_id, events.id -- the columns, not the text selected as tx_id and id ('10' < '9')
      limit ${BATCH_SIZE}`.execute(trx),
    );
    const now = Date.now();
    for (const row of rows) {
      const delivered: DeliveredEvent = {
        tenantId: row.tenant_id,
        position: { txId: BigInt(row.tx_id), id: BigInt(row.id) },
        event: toAppEvent(row),
      };
      this.#cursor = delivered.position;
      this.deps.metrics.eventDeliveryLag.observe(Math.max(0, now - row.occurred_at.getTime()) / 1000);
      this.#dispatch(this.#globalListeners, delivered);
      const listeners = this.#listeners.get(row.tenant_id);
      if (listeners) this.#dispatch(listeners, delivered);
    }
    return rows.length;
  }

  #dispatch(listeners: Set<EventListener>, delivered: DeliveredEvent): void {
    for (const listener of listeners) {
      try {
        listener(delivered);
      } catch (error) {
        this.deps.logger.error({ err: error as Error }, 'event listener failed');
      }
    }
  }

  /** Events waiting on unfinished transactions (a long-running transaction shows up here). */
  async backlog(): Promise<number> {
    const { rows } = await withSystem(this.deps.db, (trx) =>
      sql<{ waiting: string }>`
      select count(*)::text as waiting from events
      where (tx_id, id) > (${this.#cursor.txId.toString()}::xid8, ${this.#cursor.id.toString()}::bigint)`.execute(trx),
    );
    return Number(rows[0]?.waiting ?? 0);
  }
}
