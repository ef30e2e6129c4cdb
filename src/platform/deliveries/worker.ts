import { sql, type Kysely } from 'kysely';
import type { DB, StoredDelivery } from '../../db/schema';
import { withSystem } from '../../db/system-scope';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import type { MessageBus } from '../events/bus';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { OutboundGuard } from '../outbound/address-guard';
import type { Delivery, DeliveryKind } from './kinds';
import { claimDueDeliveries, onDeliveriesQueued, toDelivery } from './queue';
import { sendThroughTransport } from './transport';
import { postDelivery, type AttemptResult } from './webhook-request';

export interface DeliverySettings {
  pollIntervalMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** For kinds that do not set their own. */
  maxAttempts: number;
  timeoutMs: number;
  /** Sends in flight at once in this process. */
  concurrency: number;
}

/** Full jitter: a uniform wait in [0, min(cap, base·2^(attempt−1))), so a recovering receiver is not hit in waves. */
export function retryDelayMs(attempt: number, policy: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

type Outcome = 'delivered' | 'retry' | 'dead';
type SentOutcome = Outcome | 'cancelled';

interface Settlement {
  outcome: Outcome;
  error: string | null;
}

/** A try whose target is resolved: where it goes (recorded with it) and how it is sent. */
interface PreparedAttempt {
  url: string;
  send(): Promise<AttemptResult>;
}

/** Resolves a try in the tenant's transaction: a signed POST, or the kind's own transport. Null: the target is gone. */
async function prepareAttempt(
  kind: DeliveryKind,
  trx: TenantTransaction,
  delivery: Delivery,
  options: { timeoutMs: number; guard: OutboundGuard },
): Promise<PreparedAttempt | null> {
  if (kind.send) {
    const transport = kind;
    const target = await transport.resolveTarget(trx, delivery);
    return target && { url: target.url, send: () => sendThroughTransport(transport, delivery, target, { timeoutMs: options.timeoutMs }) };
  }
  const target = await kind.resolveTarget(trx, delivery);
  return target && { url: target.url, send: () => postDelivery(delivery, target, options) };
}

const WAKE_CHANNEL = 'balcao:deliveries:queued';
/** A lease outlives the request and the writing of its result; only a dead process lets one expire. */
const LEASE_MARGIN_MS = 30_000;
const TARGET_GONE = 'target no longer exists';

/**
 * Sends queued deliveries of every tenant. Each try is claimed in Postgres with a lease (see
 * claimDueDeliveries), so N instances never send one delivery at the same time, and a delivery
 * whose process died is sent again, with the same event id, once its lease expires. A commit
 * in this process wakes it at once, other instances wake it through the bus, and a poll covers
 * a lost wake-up and retries coming due.
 */
export class DeliveryWorker {
  #inFlight = new Set<Promise<void>>();
  #filling: Promise<void> | undefined;
  #fillAgain = false;
  #claimed = 0;
  #started = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #stopBusSubscription: (() => void) | undefined;
  #stopQueueSignal: () => void;
  readonly #kinds: DeliveryKind[];

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      bus: MessageBus;
      logger: Logger;
      metrics: Metrics;
      instanceId: string;
      /** The domains' kinds; more can be registered later (see register). */
      kinds: readonly DeliveryKind[];
      settings: DeliverySettings;
      /** Checks (and pins) the address of every URL a webhook kind resolves, at send time. */
      outboundGuard: OutboundGuard;
    },
  ) {
    this.#kinds = [...deps.kinds];
    // Listening from construction, not from start: an instance that does not send still wakes those that do.
    this.#stopQueueSignal = onDeliveriesQueued(deps.db, () => {
      this.wake();
      void deps.bus.publish(WAKE_CHANNEL, deps.instanceId);
    });
  }

  /** Adds kinds this worker can send (looked up at each send); returns their removal. */
  register(...kinds: DeliveryKind[]): () => void {
    this.#kinds.push(...kinds);
    return () => {
      for (const kind of kinds) this.#kinds.splice(this.#kinds.indexOf(kind), 1);
    };
  }

  get settings(): DeliverySettings {
    return this.deps.settings;
  }

  async start(): Promise<void> {
    this.#started = true;
    this.#stopBusSubscription = await this.deps.bus.subscribe(WAKE_CHANNEL, (sender) => {
      if (sender !== this.deps.instanceId) this.wake();
    });
    this.#timer = setInterval(() => {
      this.wake();
      void this.#refreshQueueDepth();
    }, this.deps.settings.pollIntervalMs);
    this.#timer.unref();
    this.wake();
  }

  /** Stops claiming and waits for the sends in flight to be sent and recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#stopBusSubscription?.();
    this.#stopQueueSignal();
    await this.#settled();
  }

  wake(): void {
    if (this.#started) this.#fill();
  }

  /** Sends everything due now, retries that come due meanwhile included, and waits for the results (tests use it to settle). */
  async flush(): Promise<void> {
    for (;;) {
      const claimedBefore = this.#claimed;
      this.#fill();
      await this.#settled();
      if (this.#claimed === claimedBefore) return;
    }
  }

  async #settled(): Promise<void> {
    while (this.#filling || this.#inFlight.size > 0) {
      await this.#filling;
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  #fill(): void {
    if (this.#stopped) return;
    if (this.#filling) {
      this.#fillAgain = true;
      return;
    }
    this.#filling = this.#claimIntoFreeSlots().finally(() => {
      this.#filling = undefined;
      // A wake-up that came after the last claim but before this point must not be lost.
      if (this.#fillAgain) this.#fill();
    });
  }

  async #claimIntoFreeSlots(): Promise<void> {
    try {
      do {
        this.#fillAgain = false;
        const free = this.deps.settings.concurrency - this.#inFlight.size;
        if (free <= 0) return; // each send that ends wakes us again
        const claimed = await claimDueDeliveries(this.deps.db, { limit: free, leaseMs: this.deps.settings.timeoutMs + LEASE_MARGIN_MS });
        this.#claimed += claimed.length;
        for (const delivery of claimed) this.#track(this.#attempt(delivery));
        if (claimed.length === free) this.#fillAgain = true;
      } while (this.#fillAgain && !this.#stopped);
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, 'delivery claim failed; retrying at the next wake-up');
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error as Error }, 'delivery attempt failed to record; it is tried again when its lease expires'),
      )
      .finally(() => {
        this.#inFlight.delete(tracked);
        this.wake();
      });
    this.#inFlight.add(tracked);
  }

  /** One try: resolve the target in the tenant, send outside any transaction (POST or the kind's transport), record the result in the tenant. */
  async #attempt(claimed: StoredDelivery): Promise<void> {
    const kind = this.#kinds.find((candidate) => candidate.name === claimed.kind);
    let prepared: PreparedAttempt | null;
    try {
      if (!kind) throw new Error(`delivery kind ${claimed.kind} is not registered in this process`);
      prepared = await withTenant(this.deps.db, claimed.tenant_id, async (trx) => {
        const resolved = await prepareAttempt(kind, trx, toDelivery(claimed), {
          timeoutMs: this.deps.settings.timeoutMs,
          guard: this.deps.outboundGuard,
        });
        if (!resolved) await this.#cancel(trx, claimed);
        return resolved;
      });
    } catch (error) {
      const failure = `resolving the target failed: ${(error as Error).message}`;
      await this.#finish(
        claimed,
        kind,
        { statusCode: null, error: failure, durationMs: 0, responseExcerpt: null, responseBody: undefined },
        null,
      );
      return;
    }
    if (!prepared) {
      this.#count(claimed, 'cancelled');
      return;
    }
    await this.#finish(claimed, kind, await prepared.send(), prepared.url);
  }

  async #cancel(trx: TenantTransaction, claimed: StoredDelivery): Promise<void> {
    await this.#ownClaim(trx, claimed)
      .set({ status: 'cancelled', lease_until: null, last_error: TARGET_GONE, updated_at: sql`now()` })
      .execute();
  }

  /**
   * Records the try and moves the delivery on, with the kind's hook in the same transaction.
   * A hook that throws turns the try into a failed one (the receiver dedupes the next by event id);
   * an onDead that throws still leaves the delivery dead, without its hook.
   */
  async #finish(claimed: StoredDelivery, kind: DeliveryKind | undefined, result: AttemptResult, targetUrl: string | null): Promise<void> {
    let settlement = this.#settle(claimed, result);
    let runHooks = true;
    for (;;) {
      try {
        await withTenant(this.deps.db, claimed.tenant_id, (trx) =>
          this.#record(trx, claimed, kind, result, targetUrl, settlement, runHooks),
        );
        this.#count(claimed, settlement.outcome);
        return;
      } catch (error) {
        if (!runHooks) throw error;
        const hook = settlement.outcome === 'delivered' ? 'onDelivered' : 'onDead';
        this.deps.logger.error({ err: error as Error, deliveryId: claimed.id, kind: claimed.kind }, `delivery ${hook} failed`);
        if (settlement.outcome === 'delivered')
          settlement = this.#settle(claimed, { statusCode: result.statusCode, error: `${hook} failed: ${(error as Error).message}` });
        else runHooks = false;
      }
    }
  }

  #settle(
    claimed: StoredDelivery,
    { statusCode, error, permanent }: Pick<AttemptResult, 'statusCode' | 'error' | 'permanent'>,
  ): Settlement {
    if (error === null) return { outcome: 'delivered', error: null };
    // 410 Gone: the receiver says this target will never accept it; a transport may say so of its failure.
    const lastTry =
      permanent === true || statusCode === 410 || claimed.attempts >= (claimed.max_attempts ?? this.deps.settings.maxAttempts);
    return { outcome: lastTry ? 'dead' : 'retry', error };
  }

  async #record(
    trx: TenantTransaction,
    claimed: StoredDelivery,
    kind: DeliveryKind | undefined,
    result: AttemptResult,
    targetUrl: string | null,
    { outcome, error }: Settlement,
    runHooks: boolean,
  ): Promise<void> {
    await trx
      .insertInto('delivery_attempts')
      .values({
        tenant_id: claimed.tenant_id,
        delivery_id: claimed.id,
        attempt: claimed.attempts,
        duration_ms: result.durationMs,
        target_url: targetUrl,
        status_code: result.statusCode,
        error,
        response_excerpt: result.responseExcerpt,
      })
      .execute();
    const retryInSeconds =
      retryDelayMs(claimed.attempts, { baseMs: this.deps.settings.retryBaseMs, capMs: this.deps.settings.retryCapMs }) / 1000;
    const moved = await this.#ownClaim(trx, claimed)
      .set({
        status: outcome === 'retry' ? 'pending' : outcome,
        lease_until: null,
        last_status_code: result.statusCode,
        last_error: error,
        ...(targetUrl === null ? {} : { target_url: targetUrl }),
        ...(outcome === 'delivered' ? { delivered_at: sql`now()` } : {}),
        ...(outcome === 'retry' ? { next_attempt_at: sql`now() + make_interval(secs => ${retryInSeconds})` } : {}),
        updated_at: sql`now()`,
      })
      .returning('id')
      .executeTakeFirst();
    if (!moved) {
      this.deps.logger.warn(
        { deliveryId: claimed.id, attempt: claimed.attempts },
        'delivery claim was lost before its result was recorded',
      );
      return;
    }
    if (outcome === 'retry') {
      this.deps.logger.debug({ deliveryId: claimed.id, kind: claimed.kind, attempt: claimed.attempts, error }, 'delivery failed; retrying');
      return;
    }
    if (outcome === 'dead')
      this.deps.logger.warn({ deliveryId: claimed.id, kind: claimed.kind, attempt: claimed.attempts, error }, 'delivery dead');
    if (!runHooks || !kind) return;
    const delivery = toDelivery(claimed);
    if (outcome === 'delivered') await kind.onDelivered?.(trx, delivery, { status: result.statusCode ?? 0, body: result.responseBody });
    else await kind.onDead?.(trx, delivery, error ?? 'dead', { statusCode: result.statusCode, body: result.responseBody });
  }

  /** Narrows an update to this worker's claim: the try it counted, while still pending. */
  #ownClaim(trx: TenantTransaction, claimed: StoredDelivery) {
    return trx
      .updateTable('deliveries')
      .where('id', '=', claimed.id)
      .where('attempts', '=', claimed.attempts)
      .where('status', '=', 'pending');
  }

  #count(claimed: StoredDelivery, outcome: SentOutcome): void {
    this.deps.metrics.deliveriesSent.inc({ kind: claimed.kind, outcome });
  }

  async #refreshQueueDepth(): Promise<void> {
    try {
      const row = await withSystem(this.deps.db, (trx) =>
        trx
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<string>().as('pending'))
          .where('status', '=', 'pending')
          .executeTakeFirst(),
      );
      this.deps.metrics.deliveryQueueDepth.set(Number(row?.pending ?? 0));
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, 'delivery queue depth unavailable');
    }
  }
}
