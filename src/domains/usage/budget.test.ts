import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { startTestApp, TestTenant } from '../../../test/support/app';
import { storedEvents, type Caller } from '../../../test/support/identity';
import type { OpenAiUpstream } from '../../../test/support/openai-upstream';
import { llmUserWithKey, startProxyWorld } from '../../../test/support/usage';
import { withTenant } from '../../db/tenant-scope';
import { meterTenantLlmCall } from './index';
import { periodOf } from './periods';
import { usageRuntime } from './runtime';
import { countChatPromptTokens } from './tokens';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const MODEL = 'gpt-4o-mini';
const MESSAGES = [{ role: 'user' as const, content: 'Quais horários vocês têm amanhã?' }];
const PROMPT_TOKENS = countChatPromptTokens(MODEL, MESSAGES);

interface ProxyAnswer {
  status: number;
  body: { error?: { message: string; type: string; param: string | null; code: string }; usage?: { total_tokens: number } };
}

describe('token budgets through the proxy', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let upstream: OpenAiUpstream;

  let world: Awaited<ReturnType<typeof startProxyWorld>> | undefined;

  beforeAll(async () => {
    world = await startProxyWorld();
    ({ app, tenant, owner, upstream } = world);
  });
  afterAll(async () => {
    await world?.stop();
  });
  beforeEach(() => upstream.setBehaviour({}));

  let userCounter = 0;
  /** A fresh LLM user (its own ledger) and its raw key. */
  async function newUser(options: { monthlyLimit?: number; customAlertThreshold80?: number; customAlertThreshold95?: number } = {}) {
    userCounter += 1;
    const { user, key } = await llmUserWithKey(owner, app.url, {
      email: `budget-${userCounter}@exemplo.com`,
      monthlyLimit: options.monthlyLimit ?? 1_000,
    });
    if (options.customAlertThreshold80 !== undefined || options.customAlertThreshold95 !== undefined)
      await owner.usage.users.update({
        id: user.id,
        customAlertThreshold80: options.customAlertThreshold80,
        customAlertThreshold95: options.customAlertThreshold95,
      });
    return { userId: user.id, key: key.key };
  }

  async function chat(key: string, maxTokens: number, extra: Record<string, unknown> = {}): Promise<ProxyAnswer> {
    const response = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: MESSAGES, max_tokens: maxTokens, ...extra }),
    });
    return { status: response.status, body: (await response.json()) as ProxyAnswer['body'] };
  }

  /** The upstream reports exactly this many tokens for each request (the proxy charges what it reports). */
  function upstreamCharges(total: number) {
    const prompt = Math.min(PROMPT_TOKENS, total);
    upstream.setBehaviour({ usageOverride: { prompt_tokens: prompt, completion_tokens: total - prompt } });
  }

  function ledgerRows(userId: string) {
    return withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_ledger').selectAll().where('user_id', '=', userId).orderBy('period').execute(),
    );
  }

  /** The current period's ledger row once every request in flight has settled (settling follows the answer). */
  async function settledLedger(userId: string) {
    await expect.poll(async () => (await ledgerRows(userId)).reduce((held, row) => held + Number(row.reserved), 0)).toBe(0);
    const { period } = await owner.usage.users.get({ id: userId });
    const row = (await ledgerRows(userId)).find((candidate) => candidate.period === period)!;
    return {
      ...row,
      planSpent: Number(row.plan_spent),
      grantSpent: Number(row.grant_spent),
      spent: Number(row.plan_spent) + Number(row.grant_spent),
    };
  }

  function grantsOf(userId: string) {
    return withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_grants').selectAll().where('user_id', '=', userId).orderBy('created_at').execute(),
    );
  }

  function alertsOf(userId: string) {
    return withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_alerts').selectAll().where('user_id', '=', userId).orderBy('created_at').execute(),
    );
  }

  async function raisedEventsOf(userId: string) {
    const events = await storedEvents(app.services, tenant.tenantId, 'usage.alert.raised');
    return events.map((event) => event.data as { userId: string; type: string; alertId: string }).filter((data) => data.userId === userId);
  }

  function expectOpenAiError(answer: ProxyAnswer, status: number, type: string, code: string) {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { message: expect.any(String), type, param: null, code } });
    expect(answer.body.error!.message.length).toBeGreaterThan(0);
  }

  const chatRequestsSeen = () => upstream.requests.filter((request) => request.path === '/v1/chat/completions').length;

  it('lets exactly the requests that fit through when 200 arrive at once', async () => {
    // Each request holds prompt + max_tokens = 200; the budget holds exactly 10 of them.
    const reservation = 200;
    const { userId, key } = await newUser({ monthlyLimit: 10 * reservation });
    // Each answer costs one token less than it held: however the 200 interleave, an 11th never fits.
    upstreamCharges(reservation - 1);
    const seenBefore = chatRequestsSeen();

    const answers = await Promise.all(Array.from({ length: 200 }, () => chat(key, reservation - PROMPT_TOKENS)));

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(190);
    for (const answer of answers.filter((candidate) => candidate.status === 429))
      expectOpenAiError(answer, 429, 'insufficient_quota', 'budget_exceeded');
    expect(chatRequestsSeen() - seenBefore).toBe(10);

    const ledger = await settledLedger(userId);
    expect(ledger.spent).toBe(10 * (reservation - 1));
    expect(ledger.spent).toBeLessThanOrEqual(10 * reservation);
    expect(ledger.requests).toBe(10);
    const reservations = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_reservations').select('id').where('user_id', '=', userId).execute(),
    );
    expect(reservations).toEqual([]);
    // 200 requests through one embedded database: seconds alone, far more on a busy machine.
  }, 120_000);

  describe('grants', () => {
    it('spends the plan first, then grants', async () => {
      const { userId, key } = await newUser({ monthlyLimit: 1_000 });
      await owner.usage.users.grantTokens({ id: userId, amount: 500, reason: 'campanha' });

      upstreamCharges(300);
      expect((await chat(key, 50)).status).toBe(200);
      let ledger = await settledLedger(userId);
      expect([ledger.planSpent, ledger.grantSpent]).toEqual([300, 0]);
      expect(Number((await grantsOf(userId))[0]!.remaining)).toBe(500);

      // 700 of the plan are left: a 900-token answer takes them and 200 of the grant.
      upstreamCharges(900);
      expect((await chat(key, 50)).status).toBe(200);
      ledger = await settledLedger(userId);
      expect([ledger.planSpent, ledger.grantSpent]).toEqual([1_000, 200]);
      expect(Number((await grantsOf(userId))[0]!.remaining)).toBe(300);

      const view = await owner.usage.users.get({ id: userId });
      expect(view).toMatchObject({ currentUsage: 1_200, additionalTokens: 300, allowance: 1_500 });
    });

    it('never spends an expired grant', async () => {
      const { userId, key } = await newUser({ monthlyLimit: 1_000 });
      await owner.usage.users.grantTokens({ id: userId, amount: 300, reason: 'sem validade' });
      await owner.usage.users.grantTokens({
        id: userId,
        amount: 400,
        reason: 'vence logo',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      upstreamCharges(1_000);
      expect((await chat(key, 50)).status).toBe(200);
      await settledLedger(userId);
      expect((await owner.usage.users.get({ id: userId })).additionalTokens).toBe(700);

      // The second grant expires.
      await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx
          .updateTable('usage_grants')
          .set({ expires_at: new Date(Date.now() - 1_000) })
          .where('user_id', '=', userId)
          .where('reason', '=', 'vence logo')
          .execute(),
      );
      expect((await owner.usage.users.get({ id: userId })).additionalTokens).toBe(300);
      expect((await owner.usage.users.grants({ id: userId })).find((grant) => grant.reason === 'vence logo')!.expired).toBe(true);

      // 300 are spendable: a request holding more is refused, although the expired grant still has 400.
      const refused = await chat(key, 350 - PROMPT_TOKENS);
      expectOpenAiError(refused, 429, 'insufficient_quota', 'budget_exceeded');
      expect(refused.body.error!.message).toContain('restam 300');

      // An answer larger than what is left charges the live grant, never the expired one.
      upstreamCharges(450);
      expect((await chat(key, 50)).status).toBe(200);
      const ledger = await settledLedger(userId);
      expect(ledger.grantSpent).toBe(300);
      expect(ledger.spent).toBe(1_450);
      const grants = await grantsOf(userId);
      expect(grants.map((grant) => [grant.reason, Number(grant.remaining)])).toEqual([
        ['sem validade', 0],
        ['vence logo', 400],
      ]);
    });

    it('consumes the grant closest to expiring first, a grant with no expiry last', async () => {
      const { userId, key } = await newUser({ monthlyLimit: 1_000 });
      const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
      await owner.usage.users.grantTokens({ id: userId, amount: 100, reason: 'sem validade' });
      await owner.usage.users.grantTokens({ id: userId, amount: 100, reason: 'dez dias', expiresAt: inDays(10) });
      await owner.usage.users.grantTokens({ id: userId, amount: 100, reason: 'um dia', expiresAt: inDays(1) });
      const remaining = async () => Object.fromEntries((await grantsOf(userId)).map((grant) => [grant.reason, Number(grant.remaining)]));

      upstreamCharges(1_150);
      expect((await chat(key, 50)).status).toBe(200);
      await settledLedger(userId);
      expect(await remaining()).toEqual({ 'sem validade': 100, 'dez dias': 50, 'um dia': 0 });

      upstreamCharges(100);
      expect((await chat(key, 50)).status).toBe(200);
      await settledLedger(userId);
      expect(await remaining()).toEqual({ 'sem validade': 50, 'dez dias': 0, 'um dia': 0 });
    });
  });

  describe('periods', () => {
    const previousPeriodOf = (period: string) => {
      const [year, month] = period.split('-').map(Number) as [number, number];
      return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
    };

    it('counts only this month’s spend: last month’s ledger row, spent and blocked, does not count', async () => {
      const { userId, key } = await newUser({ monthlyLimit: 1_000 });
      const { period } = await owner.usage.users.get({ id: userId });
      const lastMonth = previousPeriodOf(period);
      await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx
          .insertInto('usage_ledger')
          .values({
            tenant_id: tenant.tenantId,
            user_id: userId,
            period: lastMonth,
            plan_spent: 1_000,
            requests: 40,
            alert_80_at: new Date(),
            alert_95_at: new Date(),
            blocked_at: new Date(),
          })
          .execute(),
      );
      const before = await owner.usage.users.get({ id: userId });
      expect(before).toMatchObject({ currentUsage: 0, blockedForPeriod: false, status: 'active' });

      upstreamCharges(850);
      expect((await chat(key, 50)).status).toBe(200);
      const ledger = await settledLedger(userId);
      expect(ledger.period).toBe(period);
      expect(ledger.spent).toBe(850);
      // This month's 80 % alert fires although last month's row has its alerts sent.
      expect((await alertsOf(userId)).map((alert) => [alert.type, alert.period])).toEqual([['usage_80', period]]);
      const rows = await ledgerRows(userId);
      expect(rows.map((row) => [row.period, Number(row.plan_spent)])).toEqual([
        [lastMonth, 1_000],
        [period, 850],
      ]);
      // The row was never a request: gone, so the records and the ledger can be compared below.
      await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.deleteFrom('usage_ledger').where('user_id', '=', userId).where('period', '=', lastMonth).execute(),
      );
    });

    it('is the calendar month in the tenant’s zone', async () => {
      const { userId, key } = await newUser({ monthlyLimit: 1_000 });
      upstreamCharges(10);
      const periods: string[] = [];
      try {
        // UTC+14 and UTC-11: 25 hours apart, so at a month's turn one is already in the next month.
        for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
          await withTenant(app.services.db, tenant.tenantId, (trx) =>
            trx.updateTable('tenants').set({ timezone: zone }).where('id', '=', tenant.tenantId).execute(),
          );
          const before = periodOf(new Date(), zone);
          expect((await chat(key, 50)).status).toBe(200);
          await settledLedger(userId);
          const after = periodOf(new Date(), zone);
          // The request went to its zone's month (the one before or after it, should a month turn meanwhile).
          const rows = await ledgerRows(userId);
          expect(rows.some((row) => row.period === before || row.period === after)).toBe(true);
          periods.push(rows.some((row) => row.period === before) ? before : after);
        }
        // One row per distinct month of the two zones; across a month's turn each zone has its own.
        const rows = await ledgerRows(userId);
        expect(rows.map((row) => row.period).sort()).toEqual([...new Set(periods)].sort());
        expect(rows.reduce((sum, row) => sum + Number(row.plan_spent), 0)).toBe(20);
        expect(rows.map((row) => row.requests).reduce((a, b) => a + b, 0)).toBe(2);
      } finally {
        await withTenant(app.services.db, tenant.tenantId, (trx) =>
          trx.updateTable('tenants').set({ timezone: 'America/Sao_Paulo' }).where('id', '=', tenant.tenantId).execute(),
        );
      }
    });
  });

  describe('thresholds and blocks', () => {
    it('raises the 80 %, 95 % and block alerts once each when many requests cross them at the same moment', async () => {
      const { userId, key } = await newUser({ monthlyLimit: 1_000 });
      // Each request holds little (prompt + 10) but the upstream reports 100: 30 at once cross every threshold together.
      upstreamCharges(100);
      const answers = await Promise.all(Array.from({ length: 30 }, () => chat(key, 10)));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(10);
      for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
        expect([403, 429]).toContain(answer.status);
        if (answer.status === 403) expectOpenAiError(answer, 403, 'permission_error', 'budget_blocked');
        else expectOpenAiError(answer, 429, 'insufficient_quota', 'budget_exceeded');
      }
      const ledger = await settledLedger(userId);
      expect(ledger.spent).toBeGreaterThanOrEqual(1_000);
      expect(ledger.blocked_at).not.toBeNull();

      const alerts = await alertsOf(userId);
      expect(alerts.map((alert) => alert.type).sort()).toEqual(['blocked', 'usage_80', 'usage_95']);
      expect(alerts.find((alert) => alert.type === 'usage_80')!.metadata).toMatchObject({ threshold: 80 });
      expect(alerts.find((alert) => alert.type === 'usage_95')!.metadata).toMatchObject({ threshold: 95 });
      expect(alerts.find((alert) => alert.type === 'blocked')!.metadata).toMatchObject({ threshold: 100 });
      const events = await raisedEventsOf(userId);
      expect(events.map((event) => event.type).sort()).toEqual(['blocked', 'usage_80', 'usage_95']);
      expect(events.map((event) => event.alertId).sort()).toEqual(alerts.map((alert) => alert.id).sort());

      // Blocked: refused before any budget check, in OpenAI's format.
      expectOpenAiError(await chat(key, 10), 403, 'permission_error', 'budget_blocked');
      expect(await owner.usage.users.get({ id: userId })).toMatchObject({
        status: 'blocked',
        accountStatus: 'active',
        blockedForPeriod: true,
      });

      // A grant too small to bring the user under the block keeps the block.
      await owner.usage.users.grantTokens({ id: userId, amount: 1, reason: 'pouco' });
      expectOpenAiError(await chat(key, 10), 403, 'permission_error', 'budget_blocked');

      // One that brings the user under it lifts it: requests pass again, and no alert fires twice.
      await owner.usage.users.grantTokens({ id: userId, amount: ledger.spent, reason: 'reforço' });
      expect((await owner.usage.users.get({ id: userId })).blockedForPeriod).toBe(false);
      const again = await chat(key, 10);
      expect(again.status).toBe(200);
      await settledLedger(userId);
      expect((await alertsOf(userId)).map((alert) => alert.type).sort()).toEqual(['blocked', 'usage_80', 'usage_95']);
      expect(await raisedEventsOf(userId)).toHaveLength(3);
    });

    it('applies a user’s own thresholds, once each under concurrency', async () => {
      const { userId, key } = await newUser({ monthlyLimit: 1_000, customAlertThreshold80: 30, customAlertThreshold95: 60 });
      upstreamCharges(100);
      // 5 requests: 50 % — past the first custom threshold only.
      const first = await Promise.all(Array.from({ length: 5 }, () => chat(key, 10)));
      expect(first.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      await settledLedger(userId);
      expect((await alertsOf(userId)).map((alert) => [alert.type, (alert.metadata as { threshold: number }).threshold])).toEqual([
        ['usage_80', 30],
      ]);
      // 4 more: 90 % — past the second, short of the block.
      const second = await Promise.all(Array.from({ length: 4 }, () => chat(key, 10)));
      expect(second.every((answer) => answer.status === 200)).toBe(true);
      const ledger = await settledLedger(userId);
      expect(ledger.spent).toBe(900);
      expect(ledger.blocked_at).toBeNull();
      expect((await alertsOf(userId)).map((alert) => [alert.type, (alert.metadata as { threshold: number }).threshold])).toEqual([
        ['usage_80', 30],
        ['usage_95', 60],
      ]);
      expect(await raisedEventsOf(userId)).toHaveLength(2);
    });

    it('blocks at the tenant’s block threshold; an admin’s unblock lifts the block', async () => {
      await owner.usage.settings.update({ blockThreshold: 50 });
      try {
        const { userId, key } = await newUser({ monthlyLimit: 1_000 });
        upstreamCharges(600);
        expect((await chat(key, 10)).status).toBe(200);
        await settledLedger(userId);
        expectOpenAiError(await chat(key, 10), 403, 'permission_error', 'budget_blocked');

        await owner.usage.users.unblock({ id: userId });
        expect(await owner.usage.users.get({ id: userId })).toMatchObject({ status: 'active', blockedForPeriod: false });
        upstreamCharges(100);
        expect((await chat(key, 10)).status).toBe(200);
        await settledLedger(userId);
        // Still past the threshold: the next settlement blocks again (a new crossing after the admin's unblock).
        expectOpenAiError(await chat(key, 10), 403, 'permission_error', 'budget_blocked');
      } finally {
        await owner.usage.settings.update({ blockThreshold: 100 });
      }
    });

    it.skipIf(!process.env.TEST_DATABASE_URL)(
      'never deadlocks a request’s reservation with an admin’s change to the user at the same moment',
      async () => {
        const { userId, key } = await newUser();
        upstreamCharges(10);
        expect((await chat(key, 10)).status).toBe(200);
        await settledLedger(userId);
        // The user's last use is old: the next reservation records it.
        await withTenant(app.services.db, tenant.tenantId, (trx) =>
          trx
            .updateTable('usage_users')
            .set({ last_request_at: new Date(Date.now() - 3_600_000) })
            .where('id', '=', userId)
            .execute(),
        );
        let request: Promise<ProxyAnswer> | undefined;
        // What grantTokens, updateUser and resetUsage do: lock the user's row, then this period's ledger row.
        await withTenant(app.services.db, tenant.tenantId, async (trx) => {
          await trx.selectFrom('usage_users').select('id').where('id', '=', userId).forUpdate().execute();
          request = chat(key, 10);
          // Meanwhile the reservation holds the ledger row.
          await new Promise((resolve) => setTimeout(resolve, 500));
          await trx.selectFrom('usage_ledger').select('period').where('user_id', '=', userId).forUpdate().execute();
        });
        expect((await request!).status).toBe(200);
        await settledLedger(userId);
        // With the user's row free, the next request records the use it skipped.
        expect(Date.parse((await owner.usage.users.get({ id: userId })).lastLogin!)).toBeLessThan(Date.now() - 3_000_000);
        expect((await chat(key, 10)).status).toBe(200);
        expect(Date.parse((await owner.usage.users.get({ id: userId })).lastLogin!)).toBeGreaterThan(Date.now() - 60_000);
        await settledLedger(userId);
      },
    );

    it('refuses a suspended user, a pending one, and a wrong, revoked or missing key, in OpenAI’s format', async () => {
      const { userId, key } = await newUser();
      upstreamCharges(10);
      expect((await chat(key, 10)).status).toBe(200);

      await owner.usage.users.update({ id: userId, status: 'suspended' });
      expectOpenAiError(await chat(key, 10), 403, 'permission_error', 'user_suspended');
      await owner.usage.users.update({ id: userId, status: 'pending' });
      expectOpenAiError(await chat(key, 10), 403, 'permission_error', 'user_pending');
      await owner.usage.users.update({ id: userId, status: 'active' });
      expect((await chat(key, 10)).status).toBe(200);

      // The right prefix with a wrong secret, a made-up key, and no key at all.
      const [, prefix] = key.split('_');
      expectOpenAiError(await chat(`sk_${prefix}_${'x'.repeat(40)}`, 10), 401, 'authentication_error', 'invalid_api_key');
      expectOpenAiError(await chat('sk-not-a-balcao-key', 10), 401, 'authentication_error', 'invalid_api_key');
      const bare = await fetch(`${app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: MESSAGES }),
      });
      expectOpenAiError(
        { status: bare.status, body: (await bare.json()) as ProxyAnswer['body'] },
        401,
        'authentication_error',
        'invalid_api_key',
      );

      const [keyView] = await owner.usage.keys.list({ userId });
      await owner.usage.keys.revoke({ id: keyView!.id });
      expectOpenAiError(await chat(key, 10), 401, 'authentication_error', 'invalid_api_key');
      const ledger = await settledLedger(userId);
      expect(ledger.requests).toBe(2);
    });
  });

  describe('the tenant’s own AI features', () => {
    it('meters the agenda chat agent’s calls under the system user, with no alerts or blocks', async () => {
      await meterTenantLlmCall(app.services.db, tenant.tenantId, {
        feature: 'agenda.chat',
        model: 'gemini-2.0-flash',
        inputTokens: 1_200,
        outputTokens: 300,
        latencyMs: 850.4,
        outcome: 'ok',
      });
      const system = (await owner.usage.users.list({ page: 1, limit: 100 })).items.find((user) => user.isSystem)!;
      expect(system).toMatchObject({ email: 'agentes@sistema.balcao', currentUsage: 1_500, emailNotificationsEnabled: false });

      // A limit far below what it spends: still no alert, no block (the tenant's own features never stop).
      await owner.usage.users.update({ id: system.id, monthlyLimit: 1_000 });
      await Promise.all(
        Array.from({ length: 5 }, () =>
          meterTenantLlmCall(app.services.db, tenant.tenantId, {
            feature: 'agenda.chat',
            model: 'gemini-2.0-flash',
            inputTokens: 400,
            outputTokens: 100,
            latencyMs: 300,
            outcome: 'ok',
          }),
        ),
      );
      await meterTenantLlmCall(app.services.db, tenant.tenantId, {
        feature: 'agenda.chat',
        model: 'gemini-2.0-flash',
        inputTokens: 50,
        outputTokens: 0,
        latencyMs: 10_000,
        outcome: 'timeout',
        error: 'no answer in 10 s',
      });

      const ledger = await settledLedger(system.id);
      expect(ledger).toMatchObject({
        planSpent: 4_050,
        grantSpent: 0,
        requests: 7,
        blocked_at: null,
        alert_80_at: null,
        alert_95_at: null,
      });
      expect(await alertsOf(system.id)).toEqual([]);
      expect(await raisedEventsOf(system.id)).toEqual([]);
      expect((await owner.usage.users.get({ id: system.id })).status).toBe('active');

      const records = (await owner.usage.analytics.records({ userId: system.id, limit: 100 })).items;
      expect(records).toHaveLength(7);
      expect(records.reduce((sum, record) => sum + record.totalTokens, 0)).toBe(4_050);
      for (const record of records)
        expect(record).toMatchObject({ method: 'INTERNAL', endpoint: 'agenda.chat', model: 'gemini-2.0-flash' });
      expect(records.find((record) => record.promptTokens === 1_200)).toMatchObject({
        completionTokens: 300,
        statusCode: 200,
        errorType: null,
        responseTimeMs: 850,
      });
      expect(records.find((record) => record.statusCode !== 200)).toMatchObject({
        statusCode: 502,
        errorType: 'timeout',
        errorMessage: 'no answer in 10 s',
        promptTokens: 50,
      });
      // One system user however many calls came at once.
      const systemUsers = await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.selectFrom('usage_users').select('id').where('is_system', '=', true).execute(),
      );
      expect(systemUsers).toHaveLength(1);
    });
  });

  it('keeps the records in line with the ledger', async () => {
    await usageRuntime(app.services).recorder.flush();
    const [totals] = await withTenant(app.services.db, tenant.tenantId, async (trx) => {
      const { rows } = await sql<{ records: string; ledger: string }>`
        select (select coalesce(sum(total_tokens), 0) from usage_records where status_code < 400 or total_tokens > 0) as records,
               (select coalesce(sum(plan_spent + grant_spent), 0) from usage_ledger) as ledger`.execute(trx);
      return rows;
    });
    expect(Number(totals!.records)).toBe(Number(totals!.ledger));
  });
});
