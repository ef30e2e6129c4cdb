import { afterAll, expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../test/support/cross-tenant';
import { expectTrpcError, parseCsv, rawRequest, type Caller } from '../../../test/support/identity';
import { startOpenAiUpstream, type OpenAiUpstream } from '../../../test/support/openai-upstream';
import { configureUpstream, llmUserWithKey } from '../../../test/support/usage';
import type { Services } from '../../platform/services';
import { usageRuntime } from './runtime';

interface UsageFixture {
  usage: {
    userId: string;
    /** A second user of the tenant, whose e-mail the other tenant may take for itself. */
    otherUserId: string;
    otherEmail: string;
    keyId: string;
    key: string;
    grantId: string;
    alertId: string;
    /** A model only this tenant's upstream lists (edited costs). */
    ownModel: string;
    exportToken: string;
    recordIds: string[];
  };
}

/** Each tenant has its own upstream, listing a model the other's does not. */
const ownModelOf = { a: 'llama-3-tenant-a', b: 'mistral-tenant-b' } as const;
const upstreams: Partial<Record<'a' | 'b', OpenAiUpstream>> = {};
let appUrl = '';

afterAll(async () => {
  await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
});

/** The records of a user, once the proxy settled them and its batch writer put them in the database (both after the answer). */
async function recordsOf(services: Services, owner: Caller, userId: string, count: number) {
  // expect.poll is for tests; this runs in the suite's beforeAll.
  for (const deadline = Date.now() + 10_000; ;) {
    await usageRuntime(services).recorder.flush();
    const { items } = await owner.usage.analytics.records({ userId, limit: 100 });
    if (items.length >= count || Date.now() > deadline) {
      expect(items).toHaveLength(count);
      return items;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A key of the other tenant's prefix with a secret of this one's: the proxy must not take it for either. */
const forgedKey = (prefixFrom: string, secretFrom: string) => `sk_${prefixFrom.split('_')[1]}_${secretFrom.slice(14)}`;

/** Usage: A's LLM users, keys, grants, alerts, models, settings, records and audit are out of B's reach, on tRPC and on the proxy. */
export const crossTenantSuite = defineCrossTenantSuite<UsageFixture>({
  name: 'usage',
  tenantAgnostic: {
    'OPTIONS /v1/.*/': "the proxy's CORS preflight: the same headers for everyone, no tenant data",
  },
  async setup(app) {
    appUrl = app.url;
    for (const which of ['a', 'b'] as const) {
      upstreams[which] = await startOpenAiUpstream({
        models: [{ id: 'gpt-4o-mini' }, { id: ownModelOf[which], owned_by: 'local' }, { id: 'text-embedding-3-small' }],
      });
    }
  },
  async prepare(services, { which, owner }) {
    await configureUpstream(owner, upstreams[which]!);
    if (which === 'a')
      await owner.usage.settings.update({
        emailSettings: {
          smtpHost: 'smtp.tenant-a.test',
          smtpPort: 2525,
          smtpUser: 'alertas',
          smtpPassword: 'senha-smtp-de-a',
          fromEmail: 'alertas@tenant-a.test',
          useTls: false,
        },
      });
    await owner.usage.models.refresh();
    const ownModel = ownModelOf[which];
    await owner.usage.models.update({ name: ownModel, costPerInputToken: '0.000001', costPerOutputToken: '0.000002' });
    const { user, key, client } = await llmUserWithKey(owner, appUrl, { email: 'cliente@exemplo.com', name: `Cliente ${which}` });
    await client.chat.completions.create({ model: ownModel, messages: [{ role: 'user', content: `Olá de ${which}` }], max_tokens: 20 });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: `texto de ${which}` });
    const records = await recordsOf(services, owner, user.id, 2);
    await owner.usage.users.grantTokens({ id: user.id, amount: 5_000, reason: `Campanha de ${which}` });
    const [grant] = await owner.usage.users.grants({ id: user.id });
    const alert = await owner.usage.alerts.test({ userId: user.id, type: 'usage_80' });
    const otherEmail = `so-de-${which}@exemplo.com`;
    const other = await owner.usage.users.create({ email: otherEmail, name: `Só de ${which}`, plan: 'pro' });
    const exportToken = await owner.apiTokens.create({ name: 'Exportação de uso', scopes: ['usage.export'] });
    return {
      usage: {
        userId: user.id,
        otherUserId: other.id,
        otherEmail,
        keyId: key.id,
        key: key.key,
        grantId: grant!.id,
        alertId: alert.id,
        ownModel,
        exportToken: exportToken.token,
        recordIds: records.map((record) => record.id),
      },
    };
  },
  snapshot: async (trx) => ({
    settings: await trx.selectFrom('usage_settings').selectAll().execute(),
    users: await trx.selectFrom('usage_users').selectAll().orderBy('id').execute(),
    keys: await trx.selectFrom('usage_keys').selectAll().orderBy('id').execute(),
    grants: await trx.selectFrom('usage_grants').selectAll().orderBy('id').execute(),
    ledger: await trx.selectFrom('usage_ledger').selectAll().orderBy('user_id').orderBy('period').execute(),
    reservations: await trx.selectFrom('usage_reservations').selectAll().orderBy('id').execute(),
    records: await trx.selectFrom('usage_records').selectAll().orderBy('id').execute(),
    daily: await trx.selectFrom('usage_daily').selectAll().orderBy('day').execute(),
    dailyModel: await trx.selectFrom('usage_daily_model').selectAll().orderBy('day').orderBy('model').execute(),
    dailyUser: await trx.selectFrom('usage_daily_user').selectAll().orderBy('day').orderBy('user_id').execute(),
    dailyUserModel: await trx.selectFrom('usage_daily_user_model').selectAll().orderBy('day').orderBy('user_id').orderBy('model').execute(),
    alerts: await trx.selectFrom('usage_alerts').selectAll().orderBy('id').execute(),
    models: await trx.selectFrom('usage_models').selectAll().orderBy('name').execute(),
    audit: await trx.selectFrom('audit_log').selectAll().where('action', 'like', 'usage.%').orderBy('id').execute(),
    events: await trx.selectFrom('events').select(['id', 'type', 'data']).where('type', 'like', 'usage.%').orderBy('id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const aUserIds = () => [a.usage.userId, a.usage.otherUserId];
    const today = async () => (await b.owner.usage.analytics.dashboard({ period: 'today' })).to;
    const bUserIds = async () => (await b.owner.usage.users.list({ limit: 100 })).items.map((user) => user.id);
    return {
      'usage.users.list': async () => {
        const ids = await bUserIds();
        expect(ids).toEqual(expect.arrayContaining([b.usage.userId, b.usage.otherUserId]));
        for (const id of aUserIds()) expect(ids).not.toContain(id);
        expect((await b.owner.usage.users.list({ search: a.usage.otherEmail })).items).toEqual([]);
        expect((await b.owner.usage.users.list({ search: 'Cliente a' })).items).toEqual([]);
      },
      'usage.users.get': () => expectUnknownToB((id) => b.owner.usage.users.get({ id }), aUserIds),
      'usage.users.create': async () => {
        // A's e-mails are A's: B may have a user of the same address, and learns nothing of A's.
        const twin = await b.owner.usage.users.create({ email: a.usage.otherEmail, name: 'Gêmeo em B' });
        expect(await bUserIds()).toContain(twin.id);
      },
      'usage.users.update': () =>
        expectUnknownToB(
          (id) => b.owner.usage.users.update({ id, name: 'Sequestrado', status: 'suspended', monthlyLimit: 1_000 }),
          aUserIds,
        ),
      'usage.users.grantTokens': () =>
        expectUnknownToB((id) => b.owner.usage.users.grantTokens({ id, amount: 1_000_000, reason: 'Desvio' }), aUserIds),
      'usage.users.grants': async () => {
        expect((await b.owner.usage.users.grants({ id: b.usage.userId })).map((grant) => grant.id)).toEqual([b.usage.grantId]);
        await expectUnknownToB((id) => b.owner.usage.users.grants({ id }), aUserIds);
      },
      'usage.users.resetUsage': () => expectUnknownToB((id) => b.owner.usage.users.resetUsage({ id }), aUserIds),
      'usage.users.unblock': () => expectUnknownToB((id) => b.owner.usage.users.unblock({ id }), aUserIds),
      'usage.keys.list': async () => {
        expect((await b.owner.usage.keys.list({ userId: b.usage.userId })).map((key) => key.id)).toEqual([b.usage.keyId]);
        await expectUnknownToB((userId) => b.owner.usage.keys.list({ userId }), aUserIds);
      },
      'usage.keys.create': () => expectUnknownToB((userId) => b.owner.usage.keys.create({ userId, name: 'Chave intrusa' }), aUserIds),
      'usage.keys.revoke': async () => {
        await expectUnknownToB(
          (id) => b.owner.usage.keys.revoke({ id }),
          () => [a.usage.keyId],
        );
        // A's key still works.
        expect((await rawRequest(`${world.app.url}/v1/models`, { token: a.usage.key })).status).toBe(200);
      },
      'usage.alerts.list': async () => {
        const ids = (await b.owner.usage.alerts.list({ limit: 100 })).items.map((alert) => alert.id);
        expect(ids).toContain(b.usage.alertId);
        expect(ids).not.toContain(a.usage.alertId);
        expect((await b.owner.usage.alerts.list({ userId: a.usage.userId })).items).toEqual([]);
      },
      'usage.alerts.acknowledge': () =>
        expectUnknownToB(
          (id) => b.owner.usage.alerts.acknowledge({ id }),
          () => [a.usage.alertId],
        ),
      'usage.alerts.test': () => expectUnknownToB((userId) => b.owner.usage.alerts.test({ userId, type: 'blocked' }), aUserIds),
      'usage.analytics.dashboard': async () => {
        const records = (await b.owner.usage.analytics.records({ limit: 100 })).items;
        const dashboard = await b.owner.usage.analytics.dashboard({ period: '7d' });
        expect(dashboard.totalTokensUsed).toBe(records.reduce((sum, record) => sum + record.totalTokens, 0));
        expect(dashboard.requests).toBe(records.length);
        expect(dashboard.totalUsers).toBe((await b.owner.usage.users.list({ limit: 100 })).items.filter((user) => !user.isSystem).length);
        expect(dashboard.usersWithUsage).toBe(1);
        expect(dashboard.topModels.map((model) => model.model)).not.toContain(a.usage.ownModel);
      },
      'usage.analytics.user': async () => {
        expect((await b.owner.usage.analytics.user({ userId: b.usage.userId, period: 'today' })).requestCount).toBe(2);
        await expectUnknownToB((userId) => b.owner.usage.analytics.user({ userId, period: '30d' }), aUserIds);
      },
      'usage.analytics.usage': async () => {
        const day = await today();
        const byUser = await b.owner.usage.analytics.usage({ from: day, to: day, groupBy: 'user' });
        expect(byUser.map((group) => group.key)).toEqual([b.usage.userId]);
        const byModel = await b.owner.usage.analytics.usage({ from: day, to: day, groupBy: 'model' });
        expect(byModel.map((group) => group.key)).not.toContain(a.usage.ownModel);
        expect(await b.owner.usage.analytics.usage({ from: day, to: day, userId: a.usage.userId })).toEqual([]);
        expect(await b.owner.usage.analytics.usage({ from: day, to: day, model: a.usage.ownModel })).toEqual([]);
      },
      'usage.analytics.records': async () => {
        const ids = (await b.owner.usage.analytics.records({ limit: 100 })).items.map((record) => record.id);
        expect(ids).toEqual(expect.arrayContaining(b.usage.recordIds));
        for (const id of a.usage.recordIds) expect(ids).not.toContain(id);
        expect((await b.owner.usage.analytics.records({ userId: a.usage.userId })).items).toEqual([]);
        expect((await b.owner.usage.analytics.records({ model: a.usage.ownModel })).items).toEqual([]);
        // A cursor past A's newest record still reads B's only.
        const beyond = String(Math.max(...a.usage.recordIds.map(Number)) + 1);
        for (const record of (await b.owner.usage.analytics.records({ cursor: beyond, limit: 100 })).items)
          expect(b.usage.recordIds).toContain(record.id);
      },
      'usage.models.list': async () => {
        const names = (await b.owner.usage.models.list()).map((model) => model.name);
        expect(names).toContain(b.usage.ownModel);
        expect(names).not.toContain(a.usage.ownModel);
      },
      'usage.models.get': async () => {
        expect(await b.owner.usage.models.get({ name: b.usage.ownModel })).toMatchObject({ costPerInputToken: '0.000001000000' });
        await expectUnknownToB(
          (name) => b.owner.usage.models.get({ name }),
          () => [a.usage.ownModel],
        );
      },
      'usage.models.update': () =>
        expectUnknownToB(
          (name) => b.owner.usage.models.update({ name, costPerInputToken: '9', maxTokens: 1 }),
          () => [a.usage.ownModel],
        ),
      'usage.models.refresh': async () => {
        // B's refresh reads B's upstream and touches B's models only (A's are in the snapshot).
        expect(await b.owner.usage.models.refresh()).toMatchObject({ models: 3 });
        expect((await b.owner.usage.models.list()).map((model) => model.name)).not.toContain(a.usage.ownModel);
      },
      'usage.settings.get': async () => {
        const settings = await b.owner.usage.settings.get();
        expect(settings.litellmSettings.baseUrl).toBe(upstreams.b!.url);
        expect(settings.emailSettings).toMatchObject({ smtpHost: '', smtpUser: '', smtpPasswordSet: false, fromEmail: '' });
      },
      'usage.settings.update': async () => {
        const updated = await b.owner.usage.settings.update({ defaultMonthlyLimit: 1, alertThreshold80: 10, minUserLimit: 0 });
        expect(updated).toMatchObject({ defaultMonthlyLimit: 1, alertThreshold80: 10 });
        expect((await b.owner.usage.settings.get()).defaultMonthlyLimit).toBe(1);
      },
      'usage.settings.testEmail': async () => {
        // A's SMTP server and password are A's: B, with none of its own, cannot send through them.
        await expectTrpcError(b.owner.usage.settings.testEmail({ email: 'eu@exemplo.com' }), 'PRECONDITION_FAILED', 'SMTP_NOT_CONFIGURED');
      },
      'usage.logs.audit': async () => {
        const items = (await b.owner.usage.logs.audit({ limit: 100 })).items;
        expect(items.length).toBeGreaterThan(0);
        const mentioned = items.flatMap((item) => [item.userId, item.resourceId]);
        for (const id of [...aUserIds(), a.usage.keyId, a.usage.alertId, a.usage.ownModel]) expect(mentioned).not.toContain(id);
        expect((await b.owner.usage.logs.audit({ userId: a.usage.userId })).items).toEqual([]);
      },
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    const proxy = (path: string, key: string, body?: unknown) =>
      rawRequest(`${world.app.url}/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        token: key,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    const bSpend = async () => {
      await usageRuntime(world.app.services).recorder.flush();
      const { currentUsage } = await b.owner.usage.users.get({ id: b.usage.userId });
      return { currentUsage, records: (await b.owner.usage.analytics.records({ userId: b.usage.userId, limit: 100 })).items.length };
    };
    /** B's request is settled and recorded after its answer: waits for both. */
    const expectChargedToB = async (before: { currentUsage: number; records: number }) => {
      await expect.poll(async () => (await bSpend()).records).toBe(before.records + 1);
      expect((await bSpend()).currentUsage).toBeGreaterThan(before.currentUsage);
    };
    const expectInvalidKey = (response: Awaited<ReturnType<typeof proxy>>) => {
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
    };
    return {
      'GET /v1/models': async () => {
        const names = async (key: string) => {
          const response = await proxy('/models', key);
          expect(response.status).toBe(200);
          return (response.json as { data: Array<{ id: string }> }).data.map((model) => model.id);
        };
        const seenByB = await names(b.usage.key);
        expect(seenByB).toContain(b.usage.ownModel);
        expect(seenByB).not.toContain(a.usage.ownModel);
        const seenByA = await names(a.usage.key);
        expect(seenByA).toContain(a.usage.ownModel);
        expect(seenByA).not.toContain(b.usage.ownModel);
        expectInvalidKey(await proxy('/models', forgedKey(a.usage.key, b.usage.key)));
      },
      'POST /v1/chat/completions': async () => {
        // B's key spends B's budget; A's prefix with B's secret spends nothing (A's ledger is in the snapshot).
        const before = await bSpend();
        const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Quem paga?' }], max_tokens: 5 };
        expect((await proxy('/chat/completions', b.usage.key, chat)).status).toBe(200);
        await expectChargedToB(before);
        expectInvalidKey(await proxy('/chat/completions', forgedKey(a.usage.key, b.usage.key), chat));
      },
      'POST /v1/embeddings': async () => {
        const before = await bSpend();
        const input = { model: 'text-embedding-3-small', input: 'quem paga a conta' };
        expect((await proxy('/embeddings', b.usage.key, input)).status).toBe(200);
        await expectChargedToB(before);
        expectInvalidKey(await proxy('/embeddings', forgedKey(a.usage.key, b.usage.key), input));
      },
      'GET /api/v1/usage/export': async () => {
        const exported = (query: string, token: string) => rawRequest(`${world.app.url}/api/v1/usage/export?${query}`, { token });
        await usageRuntime(world.app.services).recorder.flush();
        const json = await exported('format=json', b.usage.exportToken);
        expect(json.status).toBe(200);
        const records = json.json as Array<{ id: string; userId: string }>;
        expect(records.map((record) => record.id)).toEqual(expect.arrayContaining(b.usage.recordIds));
        const bUsers = new Set((await b.owner.usage.users.list({ limit: 100 })).items.map((user) => user.id));
        for (const record of records) {
          expect(a.usage.recordIds).not.toContain(record.id);
          expect(bUsers.has(record.userId)).toBe(true);
        }
        expect((await exported(`format=json&userId=${a.usage.userId}`, b.usage.exportToken)).json).toEqual([]);
        const csv = await exported('format=csv', b.usage.exportToken);
        expect(csv.status).toBe(200);
        expect(parseCsv(csv.text).length).toBe(records.length + 1);
        for (const id of [a.usage.userId, a.usage.ownModel]) expect(csv.text).not.toContain(id);
        // A's own token reads A's records, not B's.
        const ofA = (await exported('format=json', a.usage.exportToken)).json as Array<{ id: string }>;
        expect(ofA.map((record) => record.id)).toEqual([...a.usage.recordIds].sort((x, y) => Number(x) - Number(y)));
      },
    };
  },
});
