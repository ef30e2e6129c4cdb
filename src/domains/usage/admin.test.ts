import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { expectTrpcError, ownerCaller, rawRequest, storedEvents, type Caller } from '../../../test/support/identity';
import { freePort } from '../../../test/support/network';
import { startOpenAiUpstream, type OpenAiUpstream } from '../../../test/support/openai-upstream';
import { configureUpstream, llmUserWithKey } from '../../../test/support/usage';
import { withTenant } from '../../db/tenant-scope';
import { settleTokens } from './ledger';
import { usageRuntime } from './runtime';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Sums decimal strings exactly, written as Postgres writes a numeric(24, 12) sum. */
function decimalSum(values: readonly string[]): string {
  const SCALE = 12;
  let total = 0n;
  for (const value of values) {
    const [whole, fraction = ''] = value.split('.');
    total += BigInt(whole!) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, '0').slice(0, SCALE) || '0');
  }
  const digits = total.toString().padStart(SCALE + 1, '0');
  return `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
}

/** Two decimal strings name the same number ('1.50' and '1.5'). */
const sameDecimal = (actual: string, expected: string) => expect(decimalSum([actual])).toBe(decimalSum([expected]));

describe('usage admin: users, keys, alerts, settings, audit, models and analytics', () => {
  let app: RunningTestApp;
  let upstream: OpenAiUpstream;

  beforeAll(async () => {
    app = await startTestApp();
    upstream = await startOpenAiUpstream();
  });
  afterAll(async () => {
    await app.stop();
    await upstream.close();
  });

  /** A tenant of its own for each part, so counts and lists hold only what the part made. */
  async function usageTenant(): Promise<{ tenant: TestTenant; owner: Caller }> {
    const tenant = await seedTenant(app.services, { modules: ['usage'] });
    const owner = await ownerCaller(app.services, tenant);
    await configureUpstream(owner, upstream);
    return { tenant, owner };
  }

  /** Charges tokens to a user's current period, as a settled request would. */
  async function spend(owner: Caller, tenant: TestTenant, userId: string, tokens: number) {
    const { period } = await owner.usage.users.get({ id: userId });
    return settleTokens(app.services.db, {
      reservationId: null,
      promptTokens: tokens,
      completionTokens: 0,
      tenantId: tenant.tenantId,
      userId,
      period,
    });
  }

  const auditCount = async (owner: Caller, action: string) => (await owner.usage.logs.audit({ action, limit: 100 })).items.length;

  async function chat(key: string, model = 'gpt-4o-mini', maxTokens = 10) {
    return rawRequest(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      token: key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Olá, tudo bem?' }], max_tokens: maxTokens }),
    });
  }

  describe('users', () => {
    let tenant: TestTenant;
    let owner: Caller;
    beforeAll(async () => ({ tenant, owner } = await usageTenant()));

    it("create takes the plan's limit from the settings, keeps the limit within min and max, refuses a taken e-mail", async () => {
      await owner.usage.settings.update({ planLimits: { basic: 40_000, pro: 250_000, enterprise: 3_000_000, trial: 5_000 } });
      const basic = await owner.usage.users.create({ email: 'Basica@Exemplo.com', name: 'Básica' });
      expect(basic).toMatchObject({
        email: 'basica@exemplo.com',
        plan: 'basic',
        monthlyLimit: 40_000,
        status: 'active',
        accountStatus: 'active',
        currentUsage: 0,
        additionalTokens: 0,
        reservedTokens: 0,
        allowance: 40_000,
        usagePercent: 0,
        blockedForPeriod: false,
        emailNotificationsEnabled: true,
        isSystem: false,
        period: expect.stringMatching(/^\d{4}-\d{2}$/),
      });
      expect((await owner.usage.users.create({ email: 'pro@exemplo.com', name: 'Pro', plan: 'pro' })).monthlyLimit).toBe(250_000);
      expect((await owner.usage.users.create({ email: 'trial@exemplo.com', name: 'Trial', plan: 'trial' })).monthlyLimit).toBe(5_000);
      const explicit = await owner.usage.users.create({
        email: 'explicito@exemplo.com',
        name: 'Explícito',
        plan: 'pro',
        monthlyLimit: 7_000,
      });
      expect(explicit.monthlyLimit).toBe(7_000);

      const tooLow = await expectTrpcError(
        owner.usage.users.create({ email: 'baixo@exemplo.com', name: 'Baixo', monthlyLimit: 999 }),
        'BAD_REQUEST',
        'LIMIT_OUT_OF_RANGE',
      );
      expect(tooLow.details).toEqual({ monthlyLimit: 999, minUserLimit: 1_000, maxUserLimit: 100_000_000 });
      await owner.usage.settings.update({ maxUserLimit: 1_000_000 });
      // The plan's own limit is held to the range too.
      await expectTrpcError(
        owner.usage.users.create({ email: 'enterprise@exemplo.com', name: 'Enterprise', plan: 'enterprise' }),
        'BAD_REQUEST',
        'LIMIT_OUT_OF_RANGE',
      );
      await expectTrpcError(
        owner.usage.users.create({ email: 'alto@exemplo.com', name: 'Alto', monthlyLimit: 1_000_001 }),
        'BAD_REQUEST',
        'LIMIT_OUT_OF_RANGE',
      );
      const taken = await expectTrpcError(
        owner.usage.users.create({ email: 'BASICA@exemplo.com', name: 'Outra' }),
        'CONFLICT',
        'EMAIL_TAKEN',
      );
      expect(taken.details).toEqual({ email: 'basica@exemplo.com' });

      const emails = (await owner.usage.users.list({ limit: 100 })).items.map((user) => user.email);
      expect(emails.sort()).toEqual(['basica@exemplo.com', 'explicito@exemplo.com', 'pro@exemplo.com', 'trial@exemplo.com']);
      const created = (await owner.usage.logs.audit({ action: 'usage.user.create', limit: 100 })).items;
      expect(created.map((item) => item.resourceId).sort()).toEqual(
        (await owner.usage.users.list({ limit: 100 })).items.map((user) => user.id).sort(),
      );
    });

    it('lists a page at a time, newest first, filtered by status, plan, search and usage', async () => {
      const { tenant: own, owner: admin } = await usageTenant();
      const make = (email: string, name: string, extra: Partial<Parameters<Caller['usage']['users']['create']>[0]>) =>
        admin.usage.users.create({ email, name, monthlyLimit: 10_000, ...extra });
      const ana = await make('ana@lista.test', 'Ana Lima', { plan: 'basic' });
      const bruno = await make('bruno@lista.test', 'Bruno Reis', { plan: 'pro' });
      const carla = await make('carla@lista.test', 'Carla Dias', { plan: 'pro', status: 'suspended' });
      const daniel = await make('daniel@lista.test', 'Daniel 100% Souza', { plan: 'enterprise' });
      const eva = await make('eva@lista.test', 'Eva Prado', { plan: 'trial', status: 'pending' });
      await spend(admin, own, ana.id, 8_500);
      await spend(admin, own, bruno.id, 5_000);
      await spend(admin, own, daniel.id, 9_600);
      // A grant widens what Daniel may use: 9,600 of 20,000 is 48 %.
      await admin.usage.users.grantTokens({ id: daniel.id, amount: 10_000, reason: 'Projeto especial' });

      const ids = (page: { items: Array<{ id: string }> }) => page.items.map((user) => user.id);
      const first = await admin.usage.users.list({ page: 1, limit: 2 });
      expect(ids(first)).toEqual([eva.id, daniel.id]);
      expect(first.pagination).toEqual({ page: 1, limit: 2, total: 5, totalPages: 3, hasNext: true, hasPrev: false });
      const second = await admin.usage.users.list({ page: 2, limit: 2 });
      expect(ids(second)).toEqual([carla.id, bruno.id]);
      expect(second.pagination).toMatchObject({ hasNext: true, hasPrev: true });
      const last = await admin.usage.users.list({ page: 3, limit: 2 });
      expect(ids(last)).toEqual([ana.id]);
      expect(last.pagination).toMatchObject({ total: 5, hasNext: false, hasPrev: true });
      expect(ids(await admin.usage.users.list({ page: 4, limit: 2 }))).toEqual([]);

      expect(ids(await admin.usage.users.list({ status: 'suspended' }))).toEqual([carla.id]);
      expect(ids(await admin.usage.users.list({ status: 'pending' }))).toEqual([eva.id]);
      expect(ids(await admin.usage.users.list({ plan: 'pro' }))).toEqual([carla.id, bruno.id]);
      const proActive = await admin.usage.users.list({ plan: 'pro', status: 'active' });
      expect(ids(proActive)).toEqual([bruno.id]);
      expect(proActive.pagination.total).toBe(1);

      expect(ids(await admin.usage.users.list({ search: 'ARLA' }))).toEqual([carla.id]);
      expect(ids(await admin.usage.users.list({ search: 'bruno@lista' }))).toEqual([bruno.id]);
      // LIKE's wildcards are searched for as text.
      expect(ids(await admin.usage.users.list({ search: '100%' }))).toEqual([daniel.id]);
      expect(ids(await admin.usage.users.list({ search: '%' }))).toEqual([daniel.id]);
      expect(ids(await admin.usage.users.list({ search: '_' }))).toEqual([]);

      const above = async (percent: number) => {
        const page = await admin.usage.users.list({ usageAbove: percent });
        for (const user of page.items) expect(user.usagePercent).toBeGreaterThanOrEqual(percent);
        expect(page.pagination.total).toBe(page.items.length);
        return ids(page);
      };
      expect(await above(80)).toEqual([ana.id]);
      expect(await above(50)).toEqual([bruno.id, ana.id]);
      expect(await above(45)).toEqual([daniel.id, bruno.id, ana.id]);
      expect(await above(0)).toEqual([eva.id, daniel.id, carla.id, bruno.id, ana.id]);
      expect(await above(100)).toEqual([]);
      expect(ids(await admin.usage.users.list({ usageAbove: 50, plan: 'basic', search: 'ana' }))).toEqual([ana.id]);

      const daniels = await admin.usage.users.get({ id: daniel.id });
      expect(daniels).toMatchObject({ currentUsage: 9_600, additionalTokens: 10_000, allowance: 20_000, usagePercent: 48 });
      expect(await admin.usage.users.get({ id: ana.id })).toMatchObject({ currentUsage: 8_500, usagePercent: 85, alert80Sent: true });
    });

    it("update and unblock: only an explicit unblock (or an account set active again) lifts the period's block; a new plan takes its limit; thresholds are checked", async () => {
      const { user, key } = await llmUserWithKey(owner, app.url, { email: 'bloqueado@exemplo.com', monthlyLimit: 1_000 });
      await spend(owner, tenant, user.id, 1_000);
      expect(await owner.usage.users.get({ id: user.id })).toMatchObject({
        status: 'blocked',
        accountStatus: 'active',
        blockedForPeriod: true,
        usagePercent: 100,
      });
      const refused = await chat(key.key);
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({ error: { type: 'permission_error', code: 'budget_blocked' } });

      // A form saved again with the status it had is no unblock.
      const saved = await owner.usage.users.update({ id: user.id, status: 'active', notes: 'salvo de novo' });
      expect(saved).toMatchObject({ status: 'blocked', accountStatus: 'active', blockedForPeriod: true });
      expect((await chat(key.key)).status).toBe(403);
      const unblocked = await owner.usage.users.unblock({ id: user.id });
      expect(unblocked).toMatchObject({ status: 'active', accountStatus: 'active', blockedForPeriod: false });
      expect((await owner.usage.logs.audit({ userId: user.id, action: 'usage.user.unblock' })).items).toHaveLength(1);
      await owner.usage.users.update({ id: user.id, monthlyLimit: 100_000 });
      expect((await chat(key.key)).status).toBe(200);

      // An account an admin blocked, set active again, is unblocked for the period too.
      await owner.usage.users.update({ id: user.id, status: 'blocked' });
      expect((await chat(key.key)).json).toMatchObject({ error: { code: 'user_blocked' } });
      await owner.usage.users.update({ id: user.id, status: 'active' });
      expect((await chat(key.key)).status).toBe(200);

      const suspended = await owner.usage.users.update({ id: user.id, status: 'suspended', notes: 'Férias' });
      expect(suspended).toMatchObject({ status: 'suspended', notes: 'Férias' });
      expect((await chat(key.key)).json).toMatchObject({ error: { code: 'user_suspended' } });
      await owner.usage.users.update({ id: user.id, status: 'active' });

      const settings = await owner.usage.settings.get();
      expect((await owner.usage.users.update({ id: user.id, plan: 'pro' })).monthlyLimit).toBe(settings.planLimits.pro);
      expect((await owner.usage.users.update({ id: user.id, plan: 'trial', monthlyLimit: 9_000 })).monthlyLimit).toBe(9_000);

      await expectTrpcError(
        owner.usage.users.update({ id: user.id, customAlertThreshold80: 90, customAlertThreshold95: 85 }),
        'BAD_REQUEST',
        'INVALID_THRESHOLDS',
      );
      await owner.usage.users.update({ id: user.id, customAlertThreshold80: 70, customAlertThreshold95: 90 });
      // One side alone is checked against the other side already stored.
      await expectTrpcError(owner.usage.users.update({ id: user.id, customAlertThreshold80: 95 }), 'BAD_REQUEST', 'INVALID_THRESHOLDS');
      expect(await owner.usage.users.update({ id: user.id, customAlertThreshold95: null, customAlertThreshold80: 95 })).toMatchObject({
        customAlertThreshold80: 95,
        customAlertThreshold95: null,
      });

      await owner.usage.users.create({ email: 'ocupado@exemplo.com', name: 'Ocupado' });
      const before = await owner.usage.users.get({ id: user.id });
      await expectTrpcError(
        owner.usage.users.update({ id: user.id, email: 'Ocupado@exemplo.com', name: 'Trocado' }),
        'CONFLICT',
        'EMAIL_TAKEN',
      );
      expect(await owner.usage.users.get({ id: user.id })).toEqual(before);

      const updates = (await owner.usage.logs.audit({ action: 'usage.user.update', userId: user.id, limit: 100 })).items;
      expect(updates).toHaveLength(10);
      // The first: the status was already 'active' (the block is the ledger's), so only the notes show as changed.
      expect(updates.at(-1)!.details).toEqual({ notes: { from: '', to: 'salvo de novo' } });
      expect(updates.at(-2)!.details).toEqual({ monthly_limit: { from: '1000', to: '100000' } });
    });

    it('grantTokens adds spendable tokens with their history; an expiry in the past is refused; a grant lifts the block', async () => {
      const user = await owner.usage.users.create({ email: 'concessao@exemplo.com', name: 'Concessão', monthlyLimit: 10_000 });
      const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const granted = await owner.usage.users.grantTokens({ id: user.id, amount: 3_000, reason: 'Projeto piloto', expiresAt });
      expect(granted).toMatchObject({ additionalTokens: 3_000, allowance: 13_000 });
      expect(await owner.usage.users.grantTokens({ id: user.id, amount: 2_000, reason: 'Sem validade' })).toMatchObject({
        additionalTokens: 5_000,
        allowance: 15_000,
      });
      const grants = await owner.usage.users.grants({ id: user.id });
      expect(grants).toEqual([
        {
          id: expect.any(String),
          amount: 2_000,
          remaining: 2_000,
          reason: 'Sem validade',
          expiresAt: null,
          expired: false,
          grantedBy: tenant.ownerEmail,
          createdAt: expect.any(String),
        },
        {
          id: expect.any(String),
          amount: 3_000,
          remaining: 3_000,
          reason: 'Projeto piloto',
          expiresAt,
          expired: false,
          grantedBy: tenant.ownerEmail,
          createdAt: expect.any(String),
        },
      ]);
      const audited = (await owner.usage.logs.audit({ action: 'usage.user.grant_tokens', userId: user.id })).items;
      expect(audited.map((item) => item.details)).toEqual([
        { grantId: grants[0]!.id, amount: 2_000, reason: 'Sem validade', expiresAt: null },
        { grantId: grants[1]!.id, amount: 3_000, reason: 'Projeto piloto', expiresAt },
      ]);

      const past = new Date(Date.now() - 60_000).toISOString();
      const refused = await expectTrpcError(
        owner.usage.users.grantTokens({ id: user.id, amount: 1_000, reason: 'Atrasado', expiresAt: past }),
        'BAD_REQUEST',
        'INVALID_INPUT',
      );
      expect(refused.zodError?.fieldErrors.expiresAt).toEqual(['A validade precisa estar no futuro']);
      expect(await owner.usage.users.grants({ id: user.id })).toHaveLength(2);
      expect((await owner.usage.logs.audit({ action: 'usage.user.grant_tokens', userId: user.id })).items).toHaveLength(2);

      // Spent past the plan: the grants pay the rest; the block at 100 % lifts with a new grant.
      const blocked = await owner.usage.users.create({ email: 'sem-saldo@exemplo.com', name: 'Sem saldo', monthlyLimit: 1_000 });
      await spend(owner, tenant, blocked.id, 1_000);
      expect((await owner.usage.users.get({ id: blocked.id })).blockedForPeriod).toBe(true);
      expect(await owner.usage.users.grantTokens({ id: blocked.id, amount: 5_000, reason: 'Desbloqueio' })).toMatchObject({
        blockedForPeriod: false,
        status: 'active',
        currentUsage: 1_000,
        allowance: 6_000,
      });
    });

    it('resetUsage zeroes the period and is audited with what had been spent', async () => {
      const user = await owner.usage.users.create({ email: 'zerar@exemplo.com', name: 'Zerar', monthlyLimit: 10_000 });
      await spend(owner, tenant, user.id, 3_000);
      await spend(owner, tenant, user.id, 5_500);
      expect(await owner.usage.users.get({ id: user.id })).toMatchObject({ currentUsage: 8_500, alert80Sent: true });
      const reset = await owner.usage.users.resetUsage({ id: user.id });
      expect(reset).toMatchObject({ currentUsage: 0, usagePercent: 0, alert80Sent: false, alert95Sent: false, blockedForPeriod: false });
      const [entry, ...others] = (await owner.usage.logs.audit({ action: 'usage.user.reset_usage', userId: user.id })).items;
      expect(others).toEqual([]);
      expect(entry).toMatchObject({
        action: 'usage.user.reset_usage',
        resource: 'usage_user',
        resourceId: user.id,
        userId: user.id,
        actorId: tenant.ownerId,
        details: { period: reset.period, tokensBeforeReset: 8_500 },
      });
      // The records and the reset tokens stay in the ledger.
      const ledger = await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.selectFrom('usage_ledger').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow(),
      );
      expect(ledger).toMatchObject({ plan_spent: '0', grant_spent: '0', reset_tokens: '8500' });
      await spend(owner, tenant, user.id, 100);
      const again = await owner.usage.users.resetUsage({ id: user.id });
      expect(again.currentUsage).toBe(0);
      expect((await owner.usage.logs.audit({ action: 'usage.user.reset_usage', userId: user.id })).items[0]!.details).toMatchObject({
        tokensBeforeReset: 100,
      });
    });
  });

  describe('keys', () => {
    it('create answers the key once, the list never shows it, and a revoked key is refused by the proxy at once', async () => {
      const { tenant, owner } = await usageTenant();
      const user = await owner.usage.users.create({ email: 'chaves@exemplo.com', name: 'Chaves' });
      const created = await owner.usage.keys.create({ userId: user.id, name: 'LibreChat' });
      expect(created.key).toMatch(/^sk_[a-z2-9]{10}_[A-Za-z0-9_-]{40}$/);
      const prefix = created.key.split('_')[1]!;
      expect(created).toMatchObject({ userId: user.id, name: 'LibreChat', preview: `sk_${prefix}_…`, lastUsedAt: null, revokedAt: null });
      const spare = await owner.usage.keys.create({ userId: user.id });

      const listed = await owner.usage.keys.list({ userId: user.id });
      expect(listed.map((key) => key.id)).toEqual([spare.id, created.id]);
      for (const key of listed) expect(key).not.toHaveProperty('key');
      const secret = created.key.slice(14);
      expect(JSON.stringify(listed)).not.toContain(secret);
      expect(JSON.stringify(await owner.usage.logs.audit({ limit: 100 }))).not.toContain(secret);
      const stored = await withTenant(app.services.db, tenant.tenantId, (trx) => trx.selectFrom('usage_keys').selectAll().execute());
      expect(JSON.stringify(stored)).not.toContain(secret);

      expect((await chat(created.key)).status).toBe(200);
      expect((await owner.usage.keys.list({ userId: user.id })).find((key) => key.id === created.id)!.lastUsedAt).not.toBeNull();

      const revoked = await owner.usage.keys.revoke({ id: created.id });
      expect(revoked).toEqual({ id: created.id, revokedAt: expect.any(String) });
      for (const response of [await chat(created.key), await rawRequest(`${app.url}/v1/models`, { token: created.key })]) {
        expect(response.status).toBe(401);
        expect(response.json).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
      }
      // Revoking again answers the same revocation and audits nothing more.
      expect(await owner.usage.keys.revoke({ id: created.id })).toEqual(revoked);
      expect(await auditCount(owner, 'usage.key.revoke')).toBe(1);
      expect((await owner.usage.keys.list({ userId: user.id })).find((key) => key.id === created.id)!.revokedAt).toBe(revoked.revokedAt);
      // The user's other key still works.
      expect((await chat(spare.key)).status).toBe(200);
      expect(
        (await owner.usage.logs.audit({ resource: 'usage_key' })).items.map((item) => [item.action, item.resourceId, item.userId]),
      ).toEqual([
        ['usage.key.revoke', created.id, user.id],
        ['usage.key.create', spare.id, user.id],
        ['usage.key.create', created.id, user.id],
      ]);
    });
  });

  describe('alerts', () => {
    it('test raises a stored test alert with its event, changing no threshold; acknowledge closes it once', async () => {
      const { tenant, owner } = await usageTenant();
      const user = await owner.usage.users.create({ email: 'alertas@exemplo.com', name: 'Alertas' });
      const quiet = await owner.usage.users.create({ email: 'quieto@exemplo.com', name: 'Quieto', emailNotificationsEnabled: false });
      const alert = await owner.usage.alerts.test({ userId: user.id, type: 'usage_95' });
      expect(alert).toMatchObject({
        userId: user.id,
        userName: 'Alertas',
        type: 'usage_95',
        severity: 'error',
        status: 'pending',
        isTest: true,
        emailTo: 'alertas@exemplo.com',
        period: user.period,
        metadata: { test: true },
        acknowledgedAt: null,
      });
      expect((await owner.usage.alerts.test({ userId: quiet.id, type: 'blocked' })).emailTo).toBeNull();

      const raised = await storedEvents(app.services, tenant.tenantId, 'usage.alert.raised');
      expect(raised.map((event) => event.data)).toEqual([
        expect.objectContaining({ alertId: alert.id, userId: user.id, type: 'usage_95', severity: 'error', title: alert.title }),
        expect.objectContaining({ userId: quiet.id, type: 'blocked', severity: 'critical' }),
      ]);
      expect(await owner.usage.users.get({ id: user.id })).toMatchObject({ alert95Sent: false, blockedForPeriod: false });
      expect((await owner.usage.alerts.list({ type: 'usage_95' })).items.map((item) => item.id)).toEqual([alert.id]);
      expect((await owner.usage.alerts.list({ userId: quiet.id })).items.map((item) => item.type)).toEqual(['blocked']);
      expect((await owner.usage.alerts.list({ status: 'pending' })).pagination.total).toBe(2);
      // Test alerts are not counted as sent alerts.
      expect((await owner.usage.analytics.dashboard({ period: 'today' })).alertsSent).toEqual({ alert80: 0, alert95: 0, blocked: 0 });

      const acknowledged = await owner.usage.alerts.acknowledge({ id: alert.id });
      expect(acknowledged).toMatchObject({
        id: alert.id,
        status: 'acknowledged',
        acknowledgedBy: tenant.ownerEmail,
        acknowledgedAt: expect.any(String),
      });
      expect((await owner.usage.alerts.list({ status: 'acknowledged' })).items.map((item) => item.id)).toEqual([alert.id]);
      expect(await owner.usage.alerts.acknowledge({ id: alert.id })).toEqual(acknowledged);
      expect(await auditCount(owner, 'usage.alert.acknowledge')).toBe(1);
      const updated = await storedEvents(app.services, tenant.tenantId, 'usage.alert.updated');
      expect(updated.map((event) => event.data)).toEqual([{ alertId: alert.id, status: 'acknowledged' }]);
      expect((await owner.usage.logs.audit({ action: 'usage.alert.' })).items.map((item) => [item.action, item.userId])).toEqual([
        ['usage.alert.acknowledge', user.id],
        ['usage.alert.test', quiet.id],
        ['usage.alert.test', user.id],
      ]);
    });
  });

  describe('settings', () => {
    it('refuses thresholds and limits out of order, changing nothing', async () => {
      const { owner } = await usageTenant();
      const before = await owner.usage.settings.get();
      const auditsBefore = await auditCount(owner, 'usage.settings.update');
      const same = await expectTrpcError(
        owner.usage.settings.update({ alertThreshold80: 95, alertThreshold95: 95 }),
        'BAD_REQUEST',
        'INVALID_THRESHOLDS',
      );
      expect(same.details).toEqual({ alertThreshold80: 95, alertThreshold95: 95 });
      // Checked against the value already stored.
      await expectTrpcError(owner.usage.settings.update({ alertThreshold95: 70 }), 'BAD_REQUEST', 'INVALID_THRESHOLDS');
      const limits = await expectTrpcError(
        owner.usage.settings.update({ minUserLimit: 2_000_000, maxUserLimit: 1_000_000, defaultMonthlyLimit: 5 }),
        'BAD_REQUEST',
        'INVALID_LIMITS',
      );
      expect(limits.details).toEqual({ minUserLimit: 2_000_000, maxUserLimit: 1_000_000 });
      await expectTrpcError(owner.usage.settings.update({ minUserLimit: before.maxUserLimit + 1 }), 'BAD_REQUEST', 'INVALID_LIMITS');
      await expectTrpcError(owner.usage.settings.update({ maxUserLimit: before.minUserLimit - 1 }), 'BAD_REQUEST', 'INVALID_LIMITS');
      expect(await owner.usage.settings.get()).toEqual(before);
      expect(await auditCount(owner, 'usage.settings.update')).toBe(auditsBefore);

      const updated = await owner.usage.settings.update({ alertThreshold80: 60, alertThreshold95: 90, minUserLimit: 0, maxUserLimit: 10 });
      expect(updated).toMatchObject({ alertThreshold80: 60, alertThreshold95: 90, minUserLimit: 0, maxUserLimit: 10 });
      expect(await owner.usage.settings.get()).toEqual(updated);
    });

    it('secrets are write-only: shown as set, never returned, audited or stored in clear', async () => {
      const { tenant, owner } = await usageTenant();
      const smtpPassword = 'senha-smtp-muito-secreta';
      const apiKey = 'sk-upstream-muito-secreta';
      const answer = await owner.usage.settings.update({
        emailSettings: { smtpHost: 'smtp.exemplo.com', smtpUser: 'alertas', smtpPassword, fromEmail: 'alertas@exemplo.com' },
        litellmSettings: { apiKey },
      });
      expect(answer.emailSettings).toMatchObject({ smtpHost: 'smtp.exemplo.com', smtpUser: 'alertas', smtpPasswordSet: true });
      expect(answer.litellmSettings.apiKeySet).toBe(true);
      const read = await owner.usage.settings.get();
      const audit = await owner.usage.logs.audit({ limit: 100 });
      const row = await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.selectFrom('usage_settings').selectAll().executeTakeFirstOrThrow(),
      );
      for (const shown of [answer, read, audit, row]) {
        expect(JSON.stringify(shown)).not.toContain(smtpPassword);
        expect(JSON.stringify(shown)).not.toContain(apiKey);
      }
      expect(read).not.toHaveProperty('emailSettings.smtpPassword');
      expect(read).not.toHaveProperty('litellmSettings.apiKey');
      // The upstream gets the key it was given.
      const { key } = await llmUserWithKey(owner, app.url, { email: 'com-chave@exemplo.com' });
      expect((await chat(key.key)).status).toBe(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${apiKey}`);

      // Other changes keep the secrets; an empty string clears them.
      expect((await owner.usage.settings.update({ emailSettings: { smtpPort: 465 } })).emailSettings.smtpPasswordSet).toBe(true);
      const cleared = await owner.usage.settings.update({ emailSettings: { smtpPassword: '' }, litellmSettings: { apiKey: '' } });
      expect(cleared.emailSettings.smtpPasswordSet).toBe(false);
      expect(cleared.litellmSettings.apiKeySet).toBe(false);
    });
  });

  describe('audit', () => {
    it("logs.audit holds an entry per admin action, in the seed's AuditLog fields, filtered and paged", async () => {
      const started = new Date().toISOString();
      const { tenant, owner } = await usageTenant();
      const { accessToken } = await login(app.url, tenant);
      const overHttp = httpClient(app.url, () => accessToken);
      const user = await overHttp.usage.users.create.mutate({ email: 'auditado@exemplo.com', name: 'Auditado' });
      await owner.usage.users.update({ id: user.id, name: 'Auditado de novo' });
      await owner.usage.users.grantTokens({ id: user.id, amount: 1_000, reason: 'Auditoria' });
      await owner.usage.users.resetUsage({ id: user.id });
      const key = await owner.usage.keys.create({ userId: user.id });
      await owner.usage.keys.revoke({ id: key.id });
      const alert = await owner.usage.alerts.test({ userId: user.id, type: 'usage_80' });
      await owner.usage.alerts.acknowledge({ id: alert.id });
      await owner.usage.settings.update({ completionEstimate: 2_048 });
      await owner.usage.models.refresh();
      await owner.usage.models.update({ name: 'gpt-4o', maxTokens: 64_000 });

      const all = (await owner.usage.logs.audit({ limit: 100 })).items;
      expect(all.map((item) => item.action).reverse()).toEqual([
        'usage.settings.update', // the upstream set up by usageTenant
        'usage.user.create',
        'usage.user.update',
        'usage.user.grant_tokens',
        'usage.user.reset_usage',
        'usage.key.create',
        'usage.key.revoke',
        'usage.alert.test',
        'usage.alert.acknowledge',
        'usage.settings.update',
        'usage.models.refresh',
        'usage.model.update',
      ]);
      for (const item of all) {
        expect(item).toEqual({
          id: expect.stringMatching(/^\d+$/),
          actorId: tenant.ownerId,
          actorLabel: tenant.ownerEmail,
          userId: expect.toBeOneOf([user.id, null]),
          action: expect.stringMatching(/^usage\./),
          resource: expect.any(String),
          resourceId: expect.toBeOneOf([expect.any(String), null]),
          details: expect.any(Object),
          ipAddress: expect.toBeOneOf([expect.any(String), null]),
          userAgent: null,
          requestId: expect.toBeOneOf([expect.any(String), null]),
          success: true,
          errorMessage: null,
          createdAt: expect.any(String),
        });
        expect(Date.parse(item.createdAt)).toBeGreaterThanOrEqual(Date.parse(started));
      }
      const created = all.find((item) => item.action === 'usage.user.create')!;
      expect(created).toMatchObject({ resource: 'usage_user', resourceId: user.id, userId: user.id, requestId: expect.any(String) });
      expect(created.ipAddress).toMatch(/127\.0\.0\.1/);
      expect(created.details).toMatchObject({ email: { to: 'auditado@exemplo.com' }, name: { to: 'Auditado' } });
      expect(all.find((item) => item.action === 'usage.user.update')!.details).toEqual({
        name: { from: 'Auditado', to: 'Auditado de novo' },
      });
      expect(all.find((item) => item.action === 'usage.model.update')).toMatchObject({
        resource: 'usage_model',
        resourceId: 'gpt-4o',
        details: { max_tokens: { from: 128_000, to: 64_000 } },
      });

      // Every entry about the user, whatever its resource.
      const aboutUser = (await owner.usage.logs.audit({ userId: user.id, limit: 100 })).items;
      expect(aboutUser.map((item) => item.action).reverse()).toEqual([
        'usage.user.create',
        'usage.user.update',
        'usage.user.grant_tokens',
        'usage.user.reset_usage',
        'usage.key.create',
        'usage.key.revoke',
        'usage.alert.test',
        'usage.alert.acknowledge',
      ]);
      expect((await owner.usage.logs.audit({ resource: 'usage_key' })).items.map((item) => item.resourceId)).toEqual([key.id, key.id]);
      expect((await owner.usage.logs.audit({ action: 'usage.user.' })).items).toHaveLength(4);
      expect((await owner.usage.logs.audit({ action: 'usage.key.create' })).items).toHaveLength(1);
      // Another domain's action is not the usage log's, and is no wildcard either.
      expect((await owner.usage.logs.audit({ action: 'user.create' })).items).toEqual([]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await owner.usage.logs.audit({ from: future })).items).toEqual([]);
      expect((await owner.usage.logs.audit({ to: started })).items).toEqual([]);

      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await owner.usage.logs.audit({ limit: 5, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(5);
        paged.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(all.map((item) => item.id));
    });
  });

  describe('models', () => {
    it('refresh fills the list from the upstream with the catalogue; edits survive; models no longer listed become unavailable', async () => {
      const { tenant, owner } = await usageTenant();
      const full = await startOpenAiUpstream({
        models: [
          { id: 'gpt-4o-mini', owned_by: 'openai' },
          { id: 'gpt-4o', owned_by: 'openai' },
          { id: 'azure/gpt-4.1', owned_by: 'azure' },
          { id: 'modelo-da-casa', owned_by: 'acme' },
        ],
      });
      const fewer = await startOpenAiUpstream({ models: [{ id: 'gpt-4o-mini' }, { id: 'gpt-4o' }] });
      try {
        await configureUpstream(owner, full);
        expect(await owner.usage.models.list()).toEqual([]);
        expect(await owner.usage.models.refresh()).toEqual({ models: 4, changed: 4 });
        const models = await owner.usage.models.list();
        expect(models.map((model) => model.name)).toEqual(['azure/gpt-4.1', 'gpt-4o', 'gpt-4o-mini', 'modelo-da-casa']);
        const byName = (name: string) => models.find((model) => model.name === name)!;
        expect(byName('gpt-4o-mini')).toEqual({
          name: 'gpt-4o-mini',
          provider: 'openai',
          status: 'healthy',
          lastCheck: expect.any(String),
          responseTimeMs: expect.any(Number),
          errorRate: 0,
          costPerInputToken: '0.000000150000',
          costPerOutputToken: '0.000000600000',
          maxTokens: 128_000,
          supportsVision: true,
          supportsFunctionCalling: true,
          listedUpstream: true,
          usage24h: { requests: 0, tokens: 0, cost: '0' },
        });
        expect(byName('azure/gpt-4.1')).toMatchObject({
          provider: 'azure',
          costPerInputToken: '0.000002000000',
          costPerOutputToken: '0.000008000000',
          maxTokens: 1_047_576,
        });
        expect(byName('modelo-da-casa')).toMatchObject({
          provider: 'acme',
          costPerInputToken: '0.000000000000',
          costPerOutputToken: '0.000000000000',
          maxTokens: null,
          supportsVision: false,
        });
        expect((await owner.usage.settings.get()).litellmSettings).toMatchObject({ status: 'healthy', checkedAt: expect.any(String) });
        const statuses = await storedEvents(app.services, tenant.tenantId, 'usage.model.status');
        expect(statuses.map((event) => event.data)).toEqual(
          expect.arrayContaining([{ model: 'modelo-da-casa', status: 'healthy', previous: null }]),
        );

        // Costs as numbers or strings: a price per token is a small number.
        const edited = await owner.usage.models.update({
          name: 'gpt-4o',
          costPerInputToken: 0.000003,
          costPerOutputToken: '0.000012',
          maxTokens: 64_000,
          supportsVision: false,
        });
        expect(edited).toMatchObject({ costPerInputToken: '0.000003000000', costPerOutputToken: '0.000012000000', maxTokens: 64_000 });
        expect(
          await owner.usage.models.update({ name: 'modelo-da-casa', costPerInputToken: 0.1 + 0.2, costPerOutputToken: 1e-7 }),
        ).toMatchObject({ costPerInputToken: '0.300000000000', costPerOutputToken: '0.000000100000' });
        expect(await owner.usage.models.refresh()).toEqual({ models: 4, changed: 0 });
        expect(await owner.usage.models.get({ name: 'gpt-4o' })).toMatchObject({
          costPerInputToken: '0.000003000000',
          costPerOutputToken: '0.000012000000',
          maxTokens: 64_000,
          supportsVision: false,
          status: 'healthy',
        });

        await configureUpstream(owner, fewer);
        expect(await owner.usage.models.refresh()).toEqual({ models: 4, changed: 2 });
        const after = await owner.usage.models.list();
        expect(after.map((model) => [model.name, model.status, model.listedUpstream])).toEqual([
          ['azure/gpt-4.1', 'unavailable', false],
          ['gpt-4o', 'healthy', true],
          ['gpt-4o-mini', 'healthy', true],
          ['modelo-da-casa', 'unavailable', false],
        ]);
        expect((await owner.usage.models.get({ name: 'gpt-4o' })).costPerInputToken).toBe('0.000003000000');
        expect((await storedEvents(app.services, tenant.tenantId, 'usage.model.status')).map((event) => event.data)).toEqual(
          expect.arrayContaining([{ model: 'azure/gpt-4.1', status: 'unavailable', previous: 'healthy' }]),
        );
        // A key lists only what the upstream lists now.
        const { key } = await llmUserWithKey(owner, app.url, { email: 'modelos@exemplo.com' });
        const listed = await rawRequest(`${app.url}/v1/models`, { token: key.key });
        expect((listed.json as { data: Array<{ id: string; owned_by: string }> }).data).toEqual([
          expect.objectContaining({ id: 'gpt-4o', object: 'model', owned_by: 'openai' }),
          expect.objectContaining({ id: 'gpt-4o-mini', object: 'model', owned_by: 'openai' }),
        ]);

        await configureUpstream(owner, full);
        expect(await owner.usage.models.refresh()).toEqual({ models: 4, changed: 2 });
        expect((await owner.usage.models.list()).every((model) => model.status === 'healthy' && model.listedUpstream)).toBe(true);

        // An upstream that does not answer leaves the list as it was.
        const closedPort = await freePort();
        await owner.usage.settings.update({ litellmSettings: { baseUrl: `http://127.0.0.1:${closedPort}/v1` } });
        const before = await owner.usage.models.list();
        await expectTrpcError(owner.usage.models.refresh(), 'SERVICE_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE');
        expect(await owner.usage.models.list()).toEqual(before);
        expect((await owner.usage.logs.audit({ action: 'usage.models.refresh' })).items.map((item) => item.details)).toEqual([
          { models: 4 },
          { models: 2 },
          { models: 4 },
          { models: 4 },
        ]);
      } finally {
        await full.close();
        await fewer.close();
      }
    });
  });

  describe('analytics', () => {
    it('dashboard, user and usage answer the numbers that were recorded', async () => {
      const { owner } = await usageTenant();
      await owner.usage.models.refresh();
      const first = await llmUserWithKey(owner, app.url, { email: 'primeira@exemplo.com', name: 'Primeira' });
      const second = await llmUserWithKey(owner, app.url, { email: 'segunda@exemplo.com', name: 'Segunda' });
      await first.client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Um dois três' }],
        max_tokens: 10,
      });
      await first.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Quatro' }], max_tokens: 20 });
      await first.client.embeddings.create({ model: 'text-embedding-3-small', input: ['um texto', 'outro texto'] });
      await second.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Cinco seis' }] });
      upstream.setBehaviour({ failWith: { status: 400, times: 1 } });
      try {
        expect((await chat(second.key.key, 'gpt-4o')).status).toBe(400);
      } finally {
        upstream.setBehaviour({});
      }

      await expect
        .poll(async () => {
          await usageRuntime(app.services).recorder.flush();
          return (await owner.usage.analytics.records({ limit: 100 })).items.length;
        })
        .toBe(5);
      const records = (await owner.usage.analytics.records({ limit: 100 })).items;
      const sum = (items: typeof records, pick: (record: (typeof records)[number]) => number) =>
        items.reduce((total, record) => total + pick(record), 0);
      const of = (filter: (record: (typeof records)[number]) => boolean) => records.filter(filter);
      const tokens = sum(records, (record) => record.totalTokens);
      const errors = of((record) => record.statusCode >= 400);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ userId: second.user.id, model: 'gpt-4o', statusCode: 400, totalTokens: 0 });
      expect(Number(of((record) => record.model === 'gpt-4o-mini')[0]!.totalCost)).toBeGreaterThan(0);

      const dashboard = await owner.usage.analytics.dashboard({ period: 'today' });
      const today = dashboard.to;
      expect(dashboard).toEqual({
        period: 'today',
        from: today,
        to: today,
        totalUsers: 2,
        activeUsers: 2,
        usersWithUsage: 2,
        totalTokensUsed: tokens,
        totalCost: expect.any(String),
        avgTokensPerUser: Math.round(tokens / 2),
        requests: 5,
        errors: 1,
        errorRate: 20,
        avgResponseTimeMs: expect.any(Number),
        topModels: expect.any(Array),
        usageByDay: [
          {
            date: today,
            tokens,
            cost: expect.any(String),
            users: 2,
            requests: 5,
            errors: 1,
            avgResponseTimeMs: dashboard.avgResponseTimeMs,
          },
        ],
        alertsSent: { alert80: 0, alert95: 0, blocked: 0 },
        systemHealth: {
          proxy: 'healthy',
          litellm: 'healthy',
          database: 'healthy',
          redis: app.services.redis ? 'healthy' : 'not_configured',
        },
      });
      const totalCost = decimalSum(records.map((record) => record.totalCost));
      sameDecimal(dashboard.totalCost, totalCost);
      sameDecimal(dashboard.usageByDay[0]!.cost, totalCost);
      const modelNames = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];
      const perModel = modelNames
        .map((model) => ({ model, items: of((record) => record.model === model) }))
        .map(({ model, items }) => ({ model, usage: sum(items, (record) => record.totalTokens), requests: items.length, items }))
        .sort((x, y) => y.usage - x.usage);
      expect(dashboard.topModels.map(({ model, usage, requests }) => ({ model, usage, requests }))).toEqual(
        perModel.map(({ model, usage, requests }) => ({ model, usage, requests })),
      );
      for (const [index, top] of dashboard.topModels.entries()) {
        expect(top.percentage).toBeCloseTo((perModel[index]!.usage * 100) / tokens, 1);
        sameDecimal(top.cost, decimalSum(perModel[index]!.items.map((record) => record.totalCost)));
      }

      const week = await owner.usage.analytics.dashboard({ period: '7d' });
      expect(week.usageByDay).toHaveLength(7);
      expect(week.usageByDay.at(-1)).toMatchObject({ date: today, tokens, requests: 5 });
      expect(week.usageByDay.slice(0, -1).every((day) => day.tokens === 0 && day.requests === 0 && day.cost === '0')).toBe(true);
      expect((await owner.usage.analytics.dashboard({ period: '30d' })).usageByDay).toHaveLength(30);
      expect((await owner.usage.analytics.dashboard({ period: '90d' })).usageByDay).toHaveLength(90);
      expect((await owner.usage.analytics.dashboard({ period: 'month' })).from).toBe(`${today.slice(0, 7)}-01`);
      expect((await owner.usage.analytics.dashboard()).period).toBe('30d');

      const firstRecords = of((record) => record.userId === first.user.id);
      const firstTokens = sum(firstRecords, (record) => record.totalTokens);
      const ofFirst = await owner.usage.analytics.user({ userId: first.user.id, period: 'today' });
      expect(ofFirst).toEqual({
        userId: first.user.id,
        period: 'today',
        from: today,
        to: today,
        totalTokens: firstTokens,
        totalCost: expect.any(String),
        requestCount: 3,
        avgTokensPerRequest: Math.round(firstTokens / 3),
        modelUsage: expect.any(Array),
        dailyUsage: [{ date: today, tokens: firstTokens, requests: 3, cost: expect.any(String) }],
        errorRate: 0,
        avgResponseTime: expect.any(Number),
      });
      sameDecimal(ofFirst.totalCost, decimalSum(firstRecords.map((record) => record.totalCost)));
      expect(
        ofFirst.modelUsage
          .map(({ model, tokens: used, requests }) => ({ model, tokens: used, requests }))
          .sort((x, y) => x.model.localeCompare(y.model)),
      ).toEqual(
        ['gpt-4o-mini', 'text-embedding-3-small'].map((model) => {
          const items = firstRecords.filter((record) => record.model === model);
          return { model, tokens: sum(items, (record) => record.totalTokens), requests: items.length };
        }),
      );
      expect((await owner.usage.analytics.user({ userId: second.user.id, period: '7d' })).errorRate).toBe(50);

      const byDay = await owner.usage.analytics.usage({ from: today, to: today, groupBy: 'day' });
      expect(byDay).toEqual([
        {
          key: today,
          label: today,
          requests: 5,
          errors: 1,
          promptTokens: sum(records, (record) => record.promptTokens),
          completionTokens: sum(records, (record) => record.completionTokens),
          totalTokens: tokens,
          cost: expect.any(String),
          avgResponseTimeMs: expect.any(Number),
        },
      ]);
      sameDecimal(byDay[0]!.cost, totalCost);
      const byUser = await owner.usage.analytics.usage({ from: today, to: today, groupBy: 'user' });
      const userGroups = [first, second]
        .map(({ user }) => {
          const items = of((record) => record.userId === user.id);
          return { key: user.id, label: user.name, requests: items.length, totalTokens: sum(items, (record) => record.totalTokens) };
        })
        .sort((x, y) => y.totalTokens - x.totalTokens);
      expect(byUser.map(({ key, label, requests, totalTokens }) => ({ key, label, requests, totalTokens }))).toEqual(userGroups);
      const byModel = await owner.usage.analytics.usage({ from: today, to: today, groupBy: 'model' });
      expect(byModel.map(({ key, totalTokens, requests }) => ({ model: key, usage: totalTokens, requests }))).toEqual(
        perModel.map(({ model, usage, requests }) => ({ model, usage, requests })),
      );
      const onlySecondGpt4o = await owner.usage.analytics.usage({
        from: today,
        to: today,
        groupBy: 'model',
        userId: second.user.id,
        model: 'gpt-4o',
      });
      expect(onlySecondGpt4o).toMatchObject([{ key: 'gpt-4o', requests: 2, errors: 1 }]);
      const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      expect(await owner.usage.analytics.usage({ from: yesterday, to: yesterday })).toEqual([]);

      // The history: newest first, page by page.
      expect(records.map((record) => Number(record.id))).toEqual(records.map((record) => Number(record.id)).sort((x, y) => y - x));
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await owner.usage.analytics.records({ limit: 2, ...(cursor ? { cursor } : {}) });
        paged.push(...page.items.map((record) => record.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(records.map((record) => record.id));
      expect((await owner.usage.analytics.records({ model: 'text-embedding-3-small' })).items).toHaveLength(1);
      const from = records.at(-1)!.createdAt;
      expect((await owner.usage.analytics.records({ from, to: from })).items).toEqual([]);
      expect((await owner.usage.analytics.records({ to: from })).items).toEqual([]);
      expect((await owner.usage.analytics.records({ from })).items).toHaveLength(5);
    });
  });
});
