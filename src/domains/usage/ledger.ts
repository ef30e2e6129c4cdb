import { sql, type Kysely } from 'kysely';
import { GroupCommit, type Settled } from '../../db/group-commit';
import type { DB } from '../../db/schema';

export type ReserveOutcome =
  'reserved' | 'invalid_key' | 'user_suspended' | 'user_blocked' | 'user_pending' | 'budget_blocked' | 'over_budget' | 'prompt_too_long';

export interface Reservation {
  outcome: ReserveOutcome;
  tenantId: string | null;
  userId: string | null;
  keyId: string | null;
  reservationId: string | null;
  period: string | null;
  amount: number;
  available: number;
  modelMaxTokens: number | null;
  costPerInputToken: string;
  costPerOutputToken: string;
  settingsVersion: string | null;
}

interface ReserveRow {
  outcome: ReserveOutcome;
  tenant_id: string | null;
  user_id: string | null;
  key_id: string | null;
  reservation_id: string | null;
  period: string | null;
  amount: string | null;
  available: string | null;
  model_max_tokens: number | null;
  cost_per_input_token: string | null;
  cost_per_output_token: string | null;
  settings_version: Date | null;
}

/** What one request holds: prompt + completion tokens (null: the tenant's completion estimate), for its key's user. */
export interface ReserveRequest {
  keyPrefix: string;
  keyDigest: string;
  model: string;
  promptTokens: number;
  completionTokens: number | null;
  expiresInSeconds: number;
}

function toReservation(row: ReserveRow): Reservation {
  return {
    outcome: row.outcome,
    tenantId: row.tenant_id,
    userId: row.user_id,
    keyId: row.key_id,
    reservationId: row.reservation_id,
    period: row.period,
    amount: Number(row.amount ?? 0),
    available: Number(row.available ?? 0),
    modelMaxTokens: row.model_max_tokens,
    costPerInputToken: row.cost_per_input_token ?? '0',
    costPerOutputToken: row.cost_per_output_token ?? '0',
    settingsVersion: row.settings_version?.toISOString() ?? null,
  };
}

/**
 * Holds prompt + completion tokens against the key's user's budget for this period, in one round
 * trip (usage_reserve locks the ledger row: concurrent requests are served one at a time there).
 */
export async function reserveTokens(db: Kysely<DB>, request: ReserveRequest): Promise<Reservation> {
  const { rows } = await sql<ReserveRow>`select * from usage_reserve(
    ${request.keyPrefix}, ${request.keyDigest}, ${request.model}, ${request.promptTokens}::integer,
    ${request.completionTokens}::integer, ${request.expiresInSeconds}::integer)`.execute(db);
  return toReservation(rows[0]!);
}

/**
 * Several reservations in one statement (one transaction, one commit), made one after the other in
 * the given order: each usage_reserve call sees the holds of the calls before it, exactly as if they
 * had come one at a time. The ledger rows stay locked until the statement ends, so callers order
 * the requests by user, as settleTokensTogether does, to take the rows in one order everywhere.
 */
export async function reserveTokensTogether(db: Kysely<DB>, requests: readonly ReserveRequest[]): Promise<Reservation[]> {
  if (requests.length === 1) return [await reserveTokens(db, requests[0]!)];
  const column = <T>(pick: (request: ReserveRequest) => T) => requests.map(pick);
  const { rows } = await sql<ReserveRow & { position: string }>`
    select a.position, r.* from unnest(
      ${column((r) => r.keyPrefix)}::text[], ${column((r) => r.keyDigest)}::text[], ${column((r) => r.model)}::text[],
      ${column((r) => r.promptTokens)}::integer[], ${column((r) => r.completionTokens)}::integer[], ${column((r) => r.expiresInSeconds)}::integer[]
    ) with ordinality as a(prefix, digest, model, prompt_tokens, completion_tokens, expires_in, position)
    cross join lateral usage_reserve(a.prefix, a.digest, a.model, a.prompt_tokens, a.completion_tokens, a.expires_in) r
    order by a.position`.execute(db);
  return inPositions(rows, requests.length, toReservation);
}

/** Rows carrying their 1-based `position` in the request, as one answer per request, in order. */
function inPositions<Row extends { position: string }, Result>(rows: Row[], count: number, map: (row: Row) => Result): Result[] {
  const results = new Array<Result | undefined>(count);
  for (const row of rows) results[Number(row.position) - 1] = map(row);
  if (rows.length !== count || results.some((result) => result === undefined))
    throw new Error(`the ledger answered ${rows.length} rows for ${count} requests`);
  return results as Result[];
}

export interface RaisedAlert {
  alertId: string;
  type: 'usage_80' | 'usage_95' | 'blocked';
}

export interface Settlement {
  outcome: 'settled' | 'settled_after_sweep' | 'not_found';
  spent: number;
  allowance: number;
  alerts: RaisedAlert[];
}

interface SettleRow {
  outcome: Settlement['outcome'];
  spent: string | null;
  allowance: string | null;
  alerts: RaisedAlert[];
}

/** What one settlement charges (see settleTokens). */
export interface SettleCharge {
  reservationId: string | null;
  promptTokens: number;
  completionTokens: number;
  tenantId: string;
  userId: string;
  period: string;
}

function toSettlement(row: SettleRow): Settlement {
  return { outcome: row.outcome, spent: Number(row.spent ?? 0), allowance: Number(row.allowance ?? 0), alerts: row.alerts ?? [] };
}

/**
 * Releases a reservation and charges what was used (plan first, then grants), raising each
 * threshold alert the charge crossed exactly once. With no reservation, charges usage metered
 * after the fact; with one the sweep already settled, charges the completion only.
 */
export async function settleTokens(db: Kysely<DB>, charge: SettleCharge): Promise<Settlement> {
  const { rows } = await sql<SettleRow>`select * from usage_settle(
    ${charge.reservationId}::uuid, ${charge.promptTokens}::integer, ${charge.completionTokens}::integer,
    ${charge.tenantId}::uuid, ${charge.userId}::uuid, ${charge.period})`.execute(db);
  return toSettlement(rows[0]!);
}

/**
 * Several settlements in one statement (one transaction, one commit), each as settleTokens makes
 * it. They run in the order of (user, period), whatever order they are given in, so two of these
 * statements (here or on another instance) lock the ledger rows they share in the same order.
 */
export async function settleTokensTogether(db: Kysely<DB>, charges: readonly SettleCharge[]): Promise<Settlement[]> {
  if (charges.length === 1) return [await settleTokens(db, charges[0]!)];
  const order = charges.map((_, index) => index).sort((a, b) => compareLedgerRows(charges[a]!, charges[b]!));
  const column = <T>(pick: (charge: SettleCharge) => T) => order.map((index) => pick(charges[index]!));
  const { rows } = await sql<SettleRow & { position: string }>`
    select a.position, s.* from unnest(
      ${column((c) => c.reservationId)}::uuid[], ${column((c) => c.promptTokens)}::integer[], ${column((c) => c.completionTokens)}::integer[],
      ${column((c) => c.tenantId)}::uuid[], ${column((c) => c.userId)}::uuid[], ${column((c) => c.period)}::text[]
    ) with ordinality as a(reservation_id, prompt_tokens, completion_tokens, tenant_id, user_id, period, position)
    cross join lateral usage_settle(a.reservation_id, a.prompt_tokens, a.completion_tokens, a.tenant_id, a.user_id, a.period) s
    order by a.position`.execute(db);
  const sorted = inPositions(rows, charges.length, toSettlement);
  const settlements = new Array<Settlement>(charges.length);
  order.forEach((index, position) => (settlements[index] = sorted[position]!));
  return settlements;
}

/** The order every grouped statement takes ledger rows in: by user, then period. */
function compareLedgerRows(a: { userId: string; period: string }, b: { userId: string; period: string }): number {
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0;
}

/** The most requests one grouped statement takes; more wait for the next. */
const MAX_GROUP = 200;
/** Keys whose user this process remembers (for the order of grouped reservations); forgotten all at once beyond this. */
const MAX_KNOWN_KEYS = 100_000;

/**
 * The proxy's reservations and settlements, grouped: those that arrive while a group is being
 * written go together into the next, one statement and one commit for all of them, instead of a
 * round trip and a commit each. An idle ledger writes at once. Every request keeps its own answer,
 * and the budget is enforced exactly as one at a time (the same usage_reserve under the same locks).
 *
 * Lock order: settlements run by user; reservations whose key's user is known (from an earlier
 * answer: a key never changes user) run together by user too. A key not seen yet has its
 * reservations in a statement of their own, which locks one ledger row only. So no two statements
 * ever wait for each other in a cycle.
 */
export class GroupedLedger {
  readonly #userOfKey = new Map<string, string>();
  readonly #reservations: GroupCommit<ReserveRequest, Reservation>;
  readonly #settlements: GroupCommit<SettleCharge, Settlement>;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(private readonly db: Kysely<DB>) {
    this.#reservations = new GroupCommit({ maxBatch: MAX_GROUP, writeBatch: (_lane, requests) => this.#reserveGroup(requests) });
    this.#settlements = new GroupCommit({
      maxBatch: MAX_GROUP,
      writeBatch: async (_lane, charges) => (await settleTokensTogether(this.db, charges)).map((value) => ({ ok: true as const, value })),
    });
  }

  reserve(request: ReserveRequest): Promise<Reservation> {
    return this.#track(this.#reservations.submit('reservations', request));
  }

  settle(charge: SettleCharge): Promise<Settlement> {
    return this.#track(this.#settlements.submit('settlements', charge));
  }

  /** Resolves once every reservation and settlement asked for so far has been written (or has failed). */
  async drained(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Known keys in one statement ordered by user; each unseen key's requests in a statement of their own. */
  async #reserveGroup(requests: readonly ReserveRequest[]): Promise<Array<Settled<Reservation>>> {
    const known: number[] = [];
    const unseen = new Map<string, number[]>();
    requests.forEach((request, index) => {
      if (this.#userOfKey.has(request.keyPrefix)) known.push(index);
      else unseen.set(request.keyPrefix, [...(unseen.get(request.keyPrefix) ?? []), index]);
    });
    known.sort((a, b) => {
      const userA = this.#userOfKey.get(requests[a]!.keyPrefix)!;
      const userB = this.#userOfKey.get(requests[b]!.keyPrefix)!;
      return userA < userB ? -1 : userA > userB ? 1 : a - b;
    });
    const results = new Array<Settled<Reservation>>(requests.length);
    const statements = [known, ...unseen.values()].filter((indexes) => indexes.length > 0);
    await Promise.all(statements.map((indexes) => this.#reserveStatement(requests, indexes, results)));
    return results;
  }

  /**
   * One statement for these requests. A statement that fails has written nothing, so its requests
   * are tried again one by one: one request that breaks it fails alone.
   */
  async #reserveStatement(requests: readonly ReserveRequest[], indexes: number[], results: Array<Settled<Reservation>>): Promise<void> {
    try {
      const reservations = await reserveTokensTogether(
        this.db,
        indexes.map((index) => requests[index]!),
      );
      indexes.forEach((index, position) => (results[index] = { ok: true, value: this.#learn(requests[index]!, reservations[position]!) }));
    } catch (error) {
      if (indexes.length === 1) {
        results[indexes[0]!] = { ok: false, error };
        return;
      }
      for (const index of indexes) await this.#reserveStatement(requests, [index], results);
    }
  }

  #learn(request: ReserveRequest, reservation: Reservation): Reservation {
    if (reservation.userId && !this.#userOfKey.has(request.keyPrefix)) {
      if (this.#userOfKey.size >= MAX_KNOWN_KEYS) this.#userOfKey.clear();
      this.#userOfKey.set(request.keyPrefix, reservation.userId);
    }
    return reservation;
  }
}
