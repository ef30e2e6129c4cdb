import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import {
  addUser,
  expectNoLeak,
  ownerCaller,
  rawRequest,
  rawTrpc,
  trpcBody,
  type Caller,
  type RawResponse,
} from '../../../test/support/identity';
import { startOpenAiUpstream, type OpenAiUpstream } from '../../../test/support/openai-upstream';
import { configureUpstream } from '../../../test/support/usage';
import { withTenant } from '../../db/tenant-scope';
import { meterTenantLlmCall } from './index';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
type Kind = 'query' | 'mutation';

const LONG = 'x'.repeat(10_000);
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Careless and hostile input to every usage procedure and to the export, over real HTTP: a 4xx
 * with a clear message (the zod details on BAD_REQUEST), never a 500, a stack or SQL; nothing
 * half-written; and the process keeps serving.
 */
describe('usage bad input', () => {
  let app: RunningTestApp;
  let upstream: OpenAiUpstream;
  let tenant: TestTenant;
  let owner: Caller;
  let token = '';
  let userId = '';
  let otherUserId = '';
  let systemUserId = '';
  let keyId = '';
  let alertId = '';
  const responses: RawResponse[] = [];

  async function trpc(path: string, input: unknown, kind: Kind = 'mutation', as = token): Promise<RawResponse> {
    const response = await rawTrpc(app.url, `usage.${path}`, { input, kind, token: as });
    responses.push(response);
    return response;
  }
  function expectFailure(response: RawResponse, status: number, code: string, label: string) {
    expect(response.status, `${label}: ${response.text}`).toBe(status);
    const error = trpcBody(response).error!;
    expect(error.data.code, label).toBe(code);
    expect(error.message.length, label).toBeGreaterThan(0);
    return error;
  }
  /** Everything of the tenant a failed call could have half-written. */
  const tenantState = () =>
    withTenant(app.services.db, tenant.tenantId, async (trx) => ({
      settings: await trx.selectFrom('usage_settings').selectAll().execute(),
      users: await trx.selectFrom('usage_users').selectAll().orderBy('id').execute(),
      keys: await trx.selectFrom('usage_keys').selectAll().orderBy('id').execute(),
      grants: await trx.selectFrom('usage_grants').selectAll().orderBy('id').execute(),
      ledger: await trx.selectFrom('usage_ledger').selectAll().orderBy('user_id').execute(),
      alerts: await trx.selectFrom('usage_alerts').selectAll().orderBy('id').execute(),
      models: await trx.selectFrom('usage_models').selectAll().orderBy('name').execute(),
      audit: await trx.selectFrom('audit_log').select(['id', 'action']).orderBy('id').execute(),
      events: await trx.selectFrom('events').select(['id', 'type']).where('type', 'like', 'usage.%').orderBy('id').execute(),
    }));
  async function stillServing() {
    expect((await rawRequest(`${app.url}/health`)).status).toBe(200);
    const listed = await trpc('users.list', { limit: 5 }, 'query');
    expect(listed.status).toBe(200);
  }

  beforeAll(async () => {
    app = await startTestApp();
    upstream = await startOpenAiUpstream();
    tenant = await seedTenant(app.services, { modules: ['usage'] });
    owner = await ownerCaller(app.services, tenant);
    token = (await login(app.url, tenant)).accessToken;
    await configureUpstream(owner, upstream);
    await owner.usage.models.refresh();
    userId = (await owner.usage.users.create({ email: 'alvo@exemplo.com', name: 'Alvo', monthlyLimit: 10_000 })).id;
    otherUserId = (await owner.usage.users.create({ email: 'outro@exemplo.com', name: 'Outro' })).id;
    keyId = (await owner.usage.keys.create({ userId })).id;
    alertId = (await owner.usage.alerts.test({ userId, type: 'usage_80' })).id;
    // The tenant's own AI features spend under the system user, which takes no keys nor a new status.
    await meterTenantLlmCall(app.services.db, tenant.tenantId, {
      feature: 'agenda.chat',
      model: 'gpt-4o-mini',
      inputTokens: 10,
      outputTokens: 5,
      latencyMs: 100,
      outcome: 'ok',
    });
    systemUserId = (await owner.usage.users.list({ limit: 100 })).items.find((user) => user.isSystem)!.id;
  });
  afterEach(() => {
    for (const response of responses.splice(0)) {
      expect(response.status, response.text).toBeLessThan(500);
      expectNoLeak(response.text);
    }
  });
  afterAll(async () => {
    await app.stop();
    await upstream.close();
  });

  const malformed = (): Array<[string, unknown, Kind]> => {
    const past = new Date(Date.now() - 60_000).toISOString();
    return [
      ['users.list', { limit: 0 }, 'query'],
      ['users.list', { limit: 101 }, 'query'],
      ['users.list', { page: 0 }, 'query'],
      ['users.list', { page: 1.5 }, 'query'],
      ['users.list', { status: 'deleted' }, 'query'],
      ['users.list', { plan: 'gold' }, 'query'],
      ['users.list', { usageAbove: -1 }, 'query'],
      ['users.list', { usageAbove: 'muito' }, 'query'],
      ['users.list', { search: LONG }, 'query'],
      ['users.list', { search: 'a\u0000b' }, 'query'],
      ['users.list', { tenantId: tenant.tenantId }, 'query'],
      ['users.get', { id: 'not-a-uuid' }, 'query'],
      ['users.get', { id: 42 }, 'query'],
      ['users.get', {}, 'query'],
      ['users.create', { email: 'sem-arroba', name: 'X' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: '' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: '   ' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: LONG }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'Nulo\u0000' }, 'mutation'],
      ['users.create', { email: `${'a'.repeat(250)}@exemplo.com`, name: 'X' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', monthlyLimit: -1 }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', monthlyLimit: 1.5 }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', monthlyLimit: 1e13 }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', monthlyLimit: '1000' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', plan: 'gold' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', status: 'deleted' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', phone: 'ligue-me' }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', customAlertThreshold80: 0 }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', customAlertThreshold95: 101 }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', notes: LONG }, 'mutation'],
      ['users.create', { email: 'ok@exemplo.com', name: 'X', isSystem: true }, 'mutation'],
      ['users.update', { id: 'x', name: 'Y' }, 'mutation'],
      ['users.update', { id: userId, email: 'ruim' }, 'mutation'],
      ['users.update', { id: userId, name: '' }, 'mutation'],
      ['users.update', { id: userId, monthlyLimit: -5 }, 'mutation'],
      ['users.update', { id: userId, emailNotificationsEnabled: 'sim' }, 'mutation'],
      ['users.update', { id: userId, currentUsage: 0 }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 0, reason: 'Zero' }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: -100, reason: 'Negativo' }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 1.5, reason: 'Fração' }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 1e13, reason: 'Demais' }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 100, reason: '' }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 100 }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 100, reason: 'Amanhã', expiresAt: 'amanhã' }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 100, reason: 'Sem fuso', expiresAt: '2099-12-31T00:00:00' }, 'mutation'],
      ['users.grantTokens', { id: userId, amount: 100, reason: 'Vencida', expiresAt: past }, 'mutation'],
      ['users.grants', { id: 'x' }, 'query'],
      ['users.resetUsage', { id: 'x' }, 'mutation'],
      ['users.resetUsage', {}, 'mutation'],
      ['users.unblock', { id: 'x' }, 'mutation'],
      ['keys.list', { userId: 'x' }, 'query'],
      ['keys.list', {}, 'query'],
      ['keys.create', { userId: 'x' }, 'mutation'],
      ['keys.create', { userId, name: 'x'.repeat(101) }, 'mutation'],
      ['keys.revoke', { id: 'x' }, 'mutation'],
      ['alerts.list', { type: 'usage_50' }, 'query'],
      ['alerts.list', { status: 'lido' }, 'query'],
      ['alerts.list', { userId: 'x' }, 'query'],
      ['alerts.list', { limit: 1000 }, 'query'],
      ['alerts.acknowledge', { id: 'x' }, 'mutation'],
      ['alerts.test', { userId, type: 'usage_50' }, 'mutation'],
      ['alerts.test', { userId: 'x', type: 'blocked' }, 'mutation'],
      ['alerts.test', { userId }, 'mutation'],
      ['analytics.dashboard', { period: '1y' }, 'query'],
      ['analytics.user', { userId: 'x' }, 'query'],
      ['analytics.user', { userId, period: 'ontem' }, 'query'],
      ['analytics.usage', { from: '2026-13-01', to: '2026-12-31' }, 'query'],
      ['analytics.usage', { from: 'ontem', to: 'hoje' }, 'query'],
      ['analytics.usage', { from: '2026-12-02', to: '2026-12-01' }, 'query'],
      ['analytics.usage', { from: '2020-01-01', to: '2026-01-01' }, 'query'],
      ['analytics.usage', { from: '2026-12-01', to: '2026-12-02', groupBy: 'hour' }, 'query'],
      ['analytics.usage', { from: '2026-12-01' }, 'query'],
      ['analytics.usage', { from: '0000-01-01', to: '0000-01-02' }, 'query'],
      ['analytics.records', { cursor: 'abc' }, 'query'],
      ['analytics.records', { cursor: '-1' }, 'query'],
      ['analytics.records', { cursor: '9999999999999999999' }, 'query'],
      ['analytics.records', { from: 'ontem' }, 'query'],
      ['analytics.records', { from: '0000-01-01T00:00:00Z' }, 'query'],
      ['analytics.records', { userId: 'x' }, 'query'],
      ['analytics.records', { limit: 0 }, 'query'],
      ['models.get', { name: '' }, 'query'],
      ['models.get', { name: LONG }, 'query'],
      ['models.get', {}, 'query'],
      ['models.update', { name: 'gpt-4o', costPerInputToken: -1 }, 'mutation'],
      ['models.update', { name: 'gpt-4o', costPerInputToken: '-0.1' }, 'mutation'],
      ['models.update', { name: 'gpt-4o', costPerInputToken: 'caro' }, 'mutation'],
      ['models.update', { name: 'gpt-4o', costPerInputToken: '0.1234567890123' }, 'mutation'],
      ['models.update', { name: 'gpt-4o', costPerOutputToken: '1e-7' }, 'mutation'],
      ['models.update', { name: 'gpt-4o', costPerOutputToken: 1e15 }, 'mutation'],
      ['models.update', { name: 'gpt-4o', maxTokens: 0 }, 'mutation'],
      ['models.update', { name: 'gpt-4o', supportsVision: 'sim' }, 'mutation'],
      ['models.update', { name: 'gpt-4o', status: 'healthy' }, 'mutation'],
      ['models.update', { costPerInputToken: '0.1' }, 'mutation'],
      ['settings.update', { alertThreshold80: 0 }, 'mutation'],
      ['settings.update', { alertThreshold95: 101 }, 'mutation'],
      ['settings.update', { blockThreshold: 0 }, 'mutation'],
      ['settings.update', { defaultMonthlyLimit: -1 }, 'mutation'],
      ['settings.update', { planLimits: { basic: 1_000 } }, 'mutation'],
      ['settings.update', { rawRetentionDays: 0 }, 'mutation'],
      ['settings.update', { completionEstimate: 0 }, 'mutation'],
      ['settings.update', { emailSettings: { smtpPort: 70_000 } }, 'mutation'],
      ['settings.update', { emailSettings: { smtpHost: 'servidor smtp!' } }, 'mutation'],
      ['settings.update', { emailSettings: { fromEmail: 'sem-arroba' } }, 'mutation'],
      ['settings.update', { emailSettings: { smtpPassword: LONG } }, 'mutation'],
      ['settings.update', { litellmSettings: { baseUrl: 'ftp://upstream.exemplo.com' } }, 'mutation'],
      ['settings.update', { litellmSettings: { baseUrl: 'não é url' } }, 'mutation'],
      ['settings.update', { litellmSettings: { timeout: 10 } }, 'mutation'],
      ['settings.update', { litellmSettings: { maxRetries: 11 } }, 'mutation'],
      ['settings.update', { litellmSettings: { healthCheckInterval: 1 } }, 'mutation'],
      ['settings.update', { securitySettings: { corsOrigins: ['javascript:alert(1)'] } }, 'mutation'],
      ['settings.update', { securitySettings: { rateLimitPerMinute: 0 } }, 'mutation'],
      ['settings.update', { upstreamStatus: 'healthy' }, 'mutation'],
      ['settings.testEmail', { email: 'sem-arroba' }, 'mutation'],
      ['settings.testEmail', {}, 'mutation'],
      ['logs.audit', { cursor: 'abc' }, 'query'],
      ['logs.audit', { cursor: '9999999999999999999' }, 'query'],
      ['logs.audit', { from: 'ontem' }, 'query'],
      ['logs.audit', { userId: 'x' }, 'query'],
      ['logs.audit', { limit: 0 }, 'query'],
      ['logs.audit', { action: LONG }, 'query'],
    ];
  };

  it('answers every malformed input with 400 BAD_REQUEST naming the field, and writes nothing', async () => {
    const before = await tenantState();
    for (const [path, input, kind] of malformed()) {
      const label = `${path} ${JSON.stringify(input).slice(0, 120)}`;
      const error = expectFailure(await trpc(path, input, kind), 400, 'BAD_REQUEST', label);
      expect(error.data.reason, label).toBe('INVALID_INPUT');
      const zod = error.data.zodError as { formErrors: string[]; fieldErrors: Record<string, string[]> };
      expect(zod.formErrors.length + Object.keys(zod.fieldErrors).length, label).toBeGreaterThan(0);
      expect(error.message, label).toMatch(/^Dados inválidos — /);
    }
    expect(await tenantState()).toEqual(before);
    await stillServing();
  });

  it('a body or query that is not JSON is a 400', async () => {
    const notJson = await rawRequest(`${app.url}/trpc/usage.users.create`, {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: '{"email": "x@exemplo.com", ',
    });
    const query = await rawRequest(`${app.url}/trpc/usage.users.list?input=%7Bnot-json`, { token });
    for (const response of [notJson, query]) {
      responses.push(response);
      expect(response.status, response.text).toBe(400);
      expect(trpcBody(response).error?.data.code).toMatch(/^(PARSE_ERROR|BAD_REQUEST)$/);
    }
    await stillServing();
  });

  it('ids of nothing are NOT_FOUND, taken e-mails CONFLICT, rules BAD_REQUEST with a reason; nothing half-written', async () => {
    const before = await tenantState();
    const unknown: Array<[string, unknown, Kind]> = [
      ['users.get', { id: UNKNOWN_ID }, 'query'],
      ['users.update', { id: UNKNOWN_ID, name: 'Ninguém' }, 'mutation'],
      ['users.grantTokens', { id: UNKNOWN_ID, amount: 1_000, reason: 'Ninguém' }, 'mutation'],
      ['users.grants', { id: UNKNOWN_ID }, 'query'],
      ['users.resetUsage', { id: UNKNOWN_ID }, 'mutation'],
      ['users.unblock', { id: UNKNOWN_ID }, 'mutation'],
      ['keys.list', { userId: UNKNOWN_ID }, 'query'],
      ['keys.create', { userId: UNKNOWN_ID }, 'mutation'],
      ['keys.revoke', { id: UNKNOWN_ID }, 'mutation'],
      ['keys.revoke', { id: userId }, 'mutation'],
      ['alerts.acknowledge', { id: UNKNOWN_ID }, 'mutation'],
      ['alerts.acknowledge', { id: keyId }, 'mutation'],
      ['alerts.test', { userId: UNKNOWN_ID, type: 'blocked' }, 'mutation'],
      ['analytics.user', { userId: UNKNOWN_ID }, 'query'],
      ['analytics.user', { userId: alertId }, 'query'],
      ['models.get', { name: 'modelo-que-nao-existe' }, 'query'],
      ['models.update', { name: 'modelo-que-nao-existe', costPerInputToken: '0.1' }, 'mutation'],
    ];
    for (const [path, input, kind] of unknown) {
      const error = expectFailure(await trpc(path, input, kind), 404, 'NOT_FOUND', `${path} ${JSON.stringify(input)}`);
      expect(error.message).toMatch(/não encontrad/);
    }

    const conflicts: Array<[string, unknown]> = [
      ['users.create', { email: 'ALVO@exemplo.com', name: 'Repetido' }],
      ['users.update', { id: otherUserId, email: 'alvo@exemplo.com', name: 'Trocado' }],
    ];
    for (const [path, input] of conflicts) {
      const error = expectFailure(await trpc(path, input), 409, 'CONFLICT', path);
      expect(error.data.reason).toBe('EMAIL_TAKEN');
      expect(error.message).toContain('alvo@exemplo.com');
    }

    const rules: Array<[string, unknown, string]> = [
      ['users.create', { email: 'pouco@exemplo.com', name: 'Pouco', monthlyLimit: 10 }, 'LIMIT_OUT_OF_RANGE'],
      ['users.update', { id: userId, monthlyLimit: 100_000_001 }, 'LIMIT_OUT_OF_RANGE'],
      // A valid status change in the same call is not half-applied.
      ['users.update', { id: userId, status: 'suspended', monthlyLimit: 999 }, 'LIMIT_OUT_OF_RANGE'],
      [
        'users.create',
        { email: 'limiar@exemplo.com', name: 'Limiar', customAlertThreshold80: 90, customAlertThreshold95: 90 },
        'INVALID_THRESHOLDS',
      ],
      ['users.update', { id: userId, name: 'Renomeado', customAlertThreshold80: 99, customAlertThreshold95: 50 }, 'INVALID_THRESHOLDS'],
      ['users.update', { id: systemUserId, status: 'suspended' }, 'SYSTEM_USER'],
      ['users.update', { id: systemUserId, email: 'outro-sistema@exemplo.com' }, 'SYSTEM_USER'],
      ['keys.create', { userId: systemUserId }, 'SYSTEM_USER'],
      ['settings.update', { alertThreshold80: 90, alertThreshold95: 80, defaultMonthlyLimit: 1 }, 'INVALID_THRESHOLDS'],
      ['settings.update', { minUserLimit: 10, maxUserLimit: 5, emailSettings: { smtpPassword: 'nao-grava' } }, 'INVALID_LIMITS'],
    ];
    for (const [path, input, reason] of rules) {
      const error = expectFailure(await trpc(path, input), 400, 'BAD_REQUEST', `${path} ${JSON.stringify(input)}`);
      expect(error.data.reason).toBe(reason);
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(await tenantState()).toEqual(before);
    await stillServing();
  });

  it('a failed grant writes no grant and no audit row', async () => {
    const grants = async () => (await owner.usage.users.grants({ id: userId })).length;
    const audits = async () => (await owner.usage.logs.audit({ action: 'usage.user.grant_tokens' })).items.length;
    const [grantsBefore, auditsBefore] = [await grants(), await audits()];
    const past = new Date(Date.now() - 1_000).toISOString();
    for (const input of [
      { id: userId, amount: 1_000, reason: 'Vencida', expiresAt: past },
      { id: userId, amount: 0, reason: 'Zero' },
      { id: UNKNOWN_ID, amount: 1_000, reason: 'Ninguém' },
    ])
      expect((await trpc('users.grantTokens', input)).status).toBeGreaterThanOrEqual(400);
    expect([await grants(), await audits()]).toEqual([grantsBefore, auditsBefore]);
    // And the next good grant is written whole.
    expect((await trpc('users.grantTokens', { id: userId, amount: 1_000, reason: 'Boa' })).status).toBe(200);
    expect([await grants(), await audits()]).toEqual([grantsBefore + 1, auditsBefore + 1]);
  });

  it('missing preconditions answer 412 with what to configure', async () => {
    const bare = await seedTenant(app.services, { modules: ['usage'] });
    const bareToken = (await login(app.url, bare)).accessToken;
    const refresh = expectFailure(await trpc('models.refresh', undefined, 'mutation', bareToken), 412, 'PRECONDITION_FAILED', 'refresh');
    expect(refresh.data.reason).toBe('UPSTREAM_NOT_CONFIGURED');
    expect(refresh.message).toMatch(/upstream/i);
    const mail = expectFailure(
      await trpc('settings.testEmail', { email: 'eu@exemplo.com' }, 'mutation', bareToken),
      412,
      'PRECONDITION_FAILED',
      'testEmail',
    );
    expect(mail.data.reason).toBe('SMTP_NOT_CONFIGURED');
    expect((await trpc('models.list', undefined, 'query', bareToken)).status).toBe(200);
    expect((await trpc('settings.get', undefined, 'query', bareToken)).status).toBe(200);
  });

  describe('GET /api/v1/usage/export', () => {
    let exportToken = '';
    const exported = async (query: string, as: string | undefined) => {
      const response = await rawRequest(`${app.url}/api/v1/usage/export?${query}`, { token: as });
      responses.push(response);
      return response;
    };
    function expectRestError(response: RawResponse, status: number, error: string) {
      expect(response.status, response.text).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json).toEqual({ error, message: expect.any(String), details: expect.any(Object) });
      expect((response.json as { message: string }).message.length).toBeGreaterThan(5);
    }
    beforeAll(async () => {
      exportToken = (await owner.apiTokens.create({ name: 'Exportação', scopes: ['usage.export'] })).token;
    });

    it.each([
      ['format=xml'],
      ['format=CSV'],
      ['format=csv&format=json'],
      ['from=ontem'],
      ['from=2026-12-01'],
      ['to=2026-13-45T00:00:00Z'],
      ['from=0000-01-01T00:00:00Z'],
      ['userId=nao-e-uuid'],
      [`userId=${UNKNOWN_ID}&userId=${UNKNOWN_ID}`],
      ['limit=10'],
      [`model=${'x'.repeat(500)}`],
    ])('a bad query (%s) is 400 ERR_VALIDATION with the details', async (query) => {
      const refused = await exported(query, exportToken);
      expectRestError(refused, 400, 'ERR_VALIDATION');
      expect((refused.json as { details: { issues?: unknown } }).details.issues).toBeDefined();
      expect((await exported('format=json', exportToken)).status).toBe(200);
    });

    it('without a token 401; with a dead or foreign kind of token 401; without usage.export 403', async () => {
      expectRestError(await exported('format=csv', undefined), 401, 'ERR_UNAUTHORIZED');
      expectRestError(await exported('format=csv', 'not-a-token'), 401, 'ERR_TOKEN_INVALID');
      const revoked = await owner.apiTokens.create({ name: 'Revogado', scopes: ['usage.export'] });
      await owner.apiTokens.revoke({ id: revoked.id });
      expectRestError(await exported('format=csv', revoked.token), 401, 'ERR_API_TOKEN_INVALID');
      // A proxy key is the LLM user's, not an API token.
      const proxyKey = (await owner.usage.keys.create({ userId })).key;
      expect((await exported('format=json', proxyKey)).status).toBe(401);

      const readOnly = (await owner.apiTokens.create({ name: 'Leitura', scopes: ['usage.read'] })).token;
      const refused = await exported('format=json', readOnly);
      expectRestError(refused, 403, 'ERR_FORBIDDEN');
      expect((refused.json as { details: unknown }).details).toEqual({ permission: 'usage.export' });
      const viewer = await addUser(app.services, tenant, 'viewer');
      const { accessToken } = await login(app.url, tenant, viewer.email, viewer.password);
      expectRestError(await exported('format=json', accessToken), 403, 'ERR_FORBIDDEN');
      expect((await exported('format=json', token)).status).toBe(200);
    });
  });
});
