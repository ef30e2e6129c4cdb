import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startTestApp, TestTenant } from '../../../test/support/app';
import type { Caller } from '../../../test/support/identity';
import { startProxyWorld } from '../../../test/support/usage';
import { withTenant } from '../../db/tenant-scope';
import { parseMachineCredential } from '../../platform/auth/opaque-tokens';
import { GroupedLedger, reserveTokensTogether, settleTokensTogether, type Reservation, type ReserveRequest } from './ledger';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const MODEL = 'gpt-4o-mini';

describe('ledger writes grouped in one statement', () => {
  let world: Awaited<ReturnType<typeof startProxyWorld>> | undefined;
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;

  beforeAll(async () => {
    world = await startProxyWorld();
    ({ app, tenant, owner } = world);
  });
  afterAll(async () => {
    await world?.stop();
  });

  let userCounter = 0;
  /** A fresh LLM user with `keys` keys, as the proxy reads them (prefix and digest). */
  async function newUser(monthlyLimit: number, keys = 1) {
    userCounter += 1;
    const user = await owner.usage.users.create({
      email: `ledger-${userCounter}@exemplo.com`,
      name: `Ledger ${userCounter}`,
      monthlyLimit,
    });
    const credentials = [];
    for (let i = 0; i < keys; i += 1) credentials.push(parseMachineCredential((await owner.usage.keys.create({ userId: user.id })).key)!);
    return { userId: user.id, keys: credentials };
  }

  const request = (key: { prefix: string; digest: string }, promptTokens: number, completionTokens: number): ReserveRequest => ({
    keyPrefix: key.prefix,
    keyDigest: key.digest,
    model: MODEL,
    promptTokens,
    completionTokens,
    expiresInSeconds: 900,
  });

  async function ledgerOf(userId: string) {
    const rows = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_ledger').selectAll().where('user_id', '=', userId).execute(),
    );
    const row = rows[0]!;
    return { spent: Number(row.plan_spent) + Number(row.grant_spent), reserved: Number(row.reserved), requests: row.requests };
  }

  const settleAll = (ledger: GroupedLedger, reservations: Reservation[], charge: number) =>
    Promise.all(
      reservations.map((reservation) =>
        ledger.settle({
          reservationId: reservation.reservationId,
          promptTokens: charge,
          completionTokens: 0,
          tenantId: reservation.tenantId!,
          userId: reservation.userId!,
          period: reservation.period!,
        }),
      ),
    );

  it('reserves one after the other in the given order, each seeing the holds before it', async () => {
    const { userId, keys } = await newUser(1_000);
    const reservations = await reserveTokensTogether(
      app.services.db,
      Array.from({ length: 5 }, () => request(keys[0]!, 100, 200)),
    );
    expect(reservations.map((reservation) => reservation.outcome)).toEqual([
      'reserved',
      'reserved',
      'reserved',
      'over_budget',
      'over_budget',
    ]);
    expect(reservations.map((reservation) => reservation.available)).toEqual([700, 400, 100, 100, 100]);
    expect(new Set(reservations.slice(0, 3).map((reservation) => reservation.reservationId)).size).toBe(3);
    expect(await ledgerOf(userId)).toEqual({ spent: 0, reserved: 900, requests: 0 });
  });

  it('settles in the order of the ledger rows, answering each charge in its own place', async () => {
    const first = await newUser(10_000);
    const second = await newUser(10_000);
    const held = await reserveTokensTogether(app.services.db, [
      request(first.keys[0]!, 100, 100),
      request(second.keys[0]!, 100, 100),
      request(first.keys[0]!, 100, 100),
    ]);
    expect(held.map((reservation) => reservation.outcome)).toEqual(['reserved', 'reserved', 'reserved']);
    // Given in the reverse order, with a different charge each: every answer is its own charge's.
    const charges = [...held].reverse().map((reservation, index) => ({
      reservationId: reservation.reservationId,
      promptTokens: 10 * (index + 1),
      completionTokens: 0,
      tenantId: reservation.tenantId!,
      userId: reservation.userId!,
      period: reservation.period!,
    }));
    const settlements = await settleTokensTogether(app.services.db, charges);
    expect(settlements.map((settlement) => settlement.outcome)).toEqual(['settled', 'settled', 'settled']);
    // first's two charges run in the order given (10, then 30): its second answer has both.
    expect(settlements.map((settlement) => settlement.spent)).toEqual([10, 20, 40]);
    expect(await ledgerOf(first.userId)).toEqual({ spent: 40, reserved: 0, requests: 2 });
    expect(await ledgerOf(second.userId)).toEqual({ spent: 20, reserved: 0, requests: 1 });
  });

  /** Deadlocks Postgres has detected in this database so far (a grouped statement it aborted would be retried one by one, unseen). */
  async function deadlocks(): Promise<number> {
    const { rows } = await sql<{ deadlocks: string }>`select deadlocks from pg_stat_database where datname = current_database()`.execute(
      app.services.db,
    );
    return Number(rows[0]?.deadlocks ?? 0);
  }

  it('holds every budget exactly when many requests over several users and keys reserve and settle at once', async () => {
    const ledger = new GroupedLedger(app.services.db);
    const deadlocksBefore = await deadlocks();
    const users = await Promise.all(Array.from({ length: 4 }, () => newUser(1_000, 2)));
    const theirs = (reservations: Reservation[], userId: string) =>
      reservations.filter((reservation) => reservation.userId === userId && reservation.outcome === 'reserved');
    // 16 requests of 100 per user (8 per key). The first round also teaches the ledger the keys' users.
    const round = () =>
      Promise.all(
        users.flatMap((user) => user.keys.flatMap((key) => Array.from({ length: 8 }, () => ledger.reserve(request(key, 40, 60))))),
      );

    const first = await round();
    for (const user of users) {
      expect(theirs(first, user.userId)).toHaveLength(10);
      expect(await ledgerOf(user.userId)).toEqual({ spent: 0, reserved: 1_000, requests: 0 });
    }

    // The first round settles (50 each) while a second reserves: it finds at most the 500 freed.
    const [, second] = await Promise.all([
      settleAll(
        ledger,
        first.filter((reservation) => reservation.outcome === 'reserved'),
        50,
      ),
      new Promise((resolve) => setImmediate(resolve)).then(round),
    ]);
    await ledger.drained();
    for (const user of users) {
      expect(theirs(second, user.userId).length).toBeLessThanOrEqual(5);
      expect(await ledgerOf(user.userId)).toEqual({ spent: 500, reserved: theirs(second, user.userId).length * 100, requests: 10 });
    }
    await settleAll(
      ledger,
      second.filter((reservation) => reservation.outcome === 'reserved'),
      100,
    );

    // What is left fits exactly: 1,000 − 500 − the second round's charges.
    const third = await round();
    for (const user of users) {
      const spent = 500 + theirs(second, user.userId).length * 100;
      expect(theirs(third, user.userId)).toHaveLength((1_000 - spent) / 100);
      expect(await ledgerOf(user.userId)).toEqual({
        spent,
        reserved: 1_000 - spent,
        requests: 10 + theirs(second, user.userId).length,
      });
    }
    expect(await deadlocks()).toBe(deadlocksBefore);
  });

  it('fails a request that breaks its group alone: the others are reserved once', async () => {
    const ledger = new GroupedLedger(app.services.db);
    const { userId, keys } = await newUser(100_000);
    await ledger.reserve(request(keys[0]!, 10, 10));
    // Submitted in one turn of the event loop: one group. The middle one overflows usage_reserve's integer sum.
    const answers = await Promise.allSettled([
      ledger.reserve(request(keys[0]!, 10, 20)),
      ledger.reserve(request(keys[0]!, 10, 2_147_483_647)),
      ledger.reserve(request(keys[0]!, 10, 30)),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value.outcome] : []))).toEqual(['reserved', 'reserved']);
    expect(await ledgerOf(userId)).toEqual({ spent: 0, reserved: 20 + 30 + 40, requests: 0 });
  });
});
