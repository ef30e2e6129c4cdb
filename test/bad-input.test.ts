import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTenant, startTestApp, type TestTenant } from './support/app';
import {
  RELAXED_LOGIN_LIMITS,
  expectNoLeak,
  ownerCaller,
  rawRequest,
  rawTrpc,
  trpcBody,
  type Caller,
  type RawResponse,
} from './support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const MAX_BODY_BYTES = 2048;
const LONG = 'x'.repeat(10_000);

/**
 * Hostile and careless input over real HTTP: every answer is a 4xx with a clear body (never a
 * 500, a stack or SQL), nothing half-written remains, and the process keeps serving.
 */
describe('bad input', () => {
  let app: RunningTestApp;
  /** The same process with a small body limit, for the 413s. */
  let tight: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let token = '';
  const responses: RawResponse[] = [];
  const trpc = async (path: string, input: unknown, kind: 'query' | 'mutation' = 'mutation') =>
    remember(await rawTrpc(app.url, path, { input, kind, token }));
  const raw = async (path: string, options: Parameters<typeof rawRequest>[1]) => remember(await rawRequest(`${app.url}${path}`, options));
  function remember(response: RawResponse): RawResponse;
  function remember(response: Promise<RawResponse>): Promise<RawResponse>;
  function remember(response: RawResponse | Promise<RawResponse>): RawResponse | Promise<RawResponse> {
    if (response instanceof Promise) return response.then((settled) => remember(settled));
    responses.push(response);
    return response;
  }
  function expectTrpcFailure(response: RawResponse, status: number, code: string) {
    expect(response.status, response.text).toBe(status);
    const error = trpcBody(response).error!;
    expect(error.data.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    return error;
  }
  function expectRestFailure(response: RawResponse, status: number, error: string) {
    expect(response.status, response.text).toBe(status);
    expect(response.json).toEqual({ error, message: expect.any(String), details: expect.any(Object) });
  }
  const userNames = async () => (await owner.users.list()).map((user) => user.name);
  const newUser = (overrides: Record<string, unknown> = {}) => ({
    email: `u${Math.random().toString(36).slice(2, 10)}@example.com`,
    name: 'Someone',
    password: 'a fine password',
    role: 'viewer',
    ...overrides,
  });

  beforeAll(async () => {
    [app, tight] = await Promise.all([startTestApp(RELAXED_LOGIN_LIMITS), startTestApp({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) })]);
    tenant = await seedTenant(app.services);
    owner = await ownerCaller(app.services, tenant);
    token = (await login(app.url, tenant)).accessToken;
  });
  afterEach(() => {
    for (const response of responses.splice(0)) {
      expect(response.status, response.text).toBeLessThan(500);
      expectNoLeak(response.text);
    }
  });
  afterAll(() => Promise.all([app.stop(), tight.stop()]));

  describe('malformed JSON', () => {
    it('to tRPC is a 400 with a tRPC error body', async () => {
      for (const body of ['{"tenant": "acme", ', 'not json at all', '{"a":1}}', '\u0000']) {
        const response = await raw('/trpc/auth.login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(response.status, body).toBe(400);
        expect(trpcBody(response).error?.data.code).toMatch(/^(PARSE_ERROR|BAD_REQUEST)$/);
      }
      const badQuery = await raw(`/trpc/users.get?input=${encodeURIComponent('{bad')}`, { token });
      expect(badQuery.status).toBe(400);
      expect(trpcBody(badQuery).error?.data.code).toMatch(/^(PARSE_ERROR|BAD_REQUEST)$/);
    });

    it('to REST is 400 ERR_MALFORMED_JSON', async () => {
      const response = await raw('/api/v1/auth/whoami', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"oops": ',
      });
      expectRestFailure(response, 400, 'ERR_MALFORMED_JSON');
    });
  });

  describe('oversized bodies', () => {
    const big = JSON.stringify({ name: 'y'.repeat(MAX_BODY_BYTES * 2) });

    const post = (path: string, body: string) =>
      remember(rawRequest(`${tight.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));

    it('to tRPC is 413', async () => {
      expectTrpcFailure(await post('/trpc/auth.login', big), 413, 'PAYLOAD_TOO_LARGE');
      expect((await post('/trpc/auth.login?batch=1', JSON.stringify({ 0: { tenant: 'x', email: 'a@b.c', password: LONG } }))).status).toBe(
        413,
      );
      // Just under the limit is read and validated as usual.
      expect(
        (await post('/trpc/auth.login', JSON.stringify({ tenant: 'x', email: 'a@b.c', password: 'p'.repeat(MAX_BODY_BYTES - 100) })))
          .status,
      ).toBe(400);
    });

    it('to REST is 413 ERR_PAYLOAD_TOO_LARGE', async () => {
      const response = await post('/api/v1/auth/whoami', big);
      expectRestFailure(response, 413, 'ERR_PAYLOAD_TOO_LARGE');
      expect((response.json as { details: { limitBytes: number } }).details.limitBytes).toBe(MAX_BODY_BYTES);
    });
  });

  describe('wrong shapes', () => {
    it.each([
      ['a number for a name', newUser({ name: 123 }), 'name'],
      ['an array for an email', newUser({ email: ['a@b.c'] }), 'email'],
      ['null for a password', newUser({ password: null }), 'password'],
      ['an object for a role', newUser({ role: { $ne: null } }), 'role'],
      ['a bad email', newUser({ email: 'not-an-email' }), 'email'],
      ['a short password', newUser({ password: 'short' }), 'password'],
    ])('users.create with %s is BAD_REQUEST naming the field', async (_label, input, field) => {
      const error = expectTrpcFailure(await trpc('users.create', input), 400, 'BAD_REQUEST');
      expect(error.data.reason).toBe('INVALID_INPUT');
      expect((error.data.zodError as { fieldErrors: Record<string, unknown> }).fieldErrors[field]).toBeDefined();
    });

    it('a whole input of the wrong type, or none where one is needed, is BAD_REQUEST', async () => {
      expectTrpcFailure(await trpc('users.create', 'just a string'), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('users.create', [newUser()]), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('users.get', {}, 'query'), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('users.get', { id: "1' or '1'='1" }, 'query'), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('audit.list', { cursor: '1; drop table audit_log' }, 'query'), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('audit.list', { limit: 1e308 }, 'query'), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('auth.login', { tenant: "acme' or 1=1 --", email: 'a@b.c', password: 'x' }), 400, 'BAD_REQUEST');
    });

    it('unknown fields are refused by the strict inputs, with the zod error', async () => {
      const error = expectTrpcFailure(await trpc('users.create', newUser({ isAdmin: true })), 400, 'BAD_REQUEST');
      expect(JSON.stringify(error.data.zodError)).toMatch(/isAdmin/);
      expectTrpcFailure(
        await trpc('auth.login', { tenant: tenant.slug, email: tenant.ownerEmail, password: tenant.password, tenantId: 'x' }),
        400,
        'BAD_REQUEST',
      );
      expectTrpcFailure(
        await trpc('roles.create', { key: 'k', name: 'K', permissions: ['audit.read'], builtin: true }),
        400,
        'BAD_REQUEST',
      );
      expectTrpcFailure(await trpc('tenant.update', { slug: 'hijack' }), 400, 'BAD_REQUEST');
    });

    it('an unknown procedure is NOT_FOUND', async () => {
      expectTrpcFailure(await trpc('users.drop', {}), 404, 'NOT_FOUND');
    });
  });

  describe('strings', () => {
    it('SQL-looking strings are stored verbatim and do nothing', async () => {
      const name = "'; drop table users; --";
      const created = trpcBody<{ id: string; name: string }>(await trpc('users.create', newUser({ name })));
      expect(created.result?.data.name).toBe(name);
      expect((await owner.users.get({ id: created.result!.data.id })).name).toBe(name);
      const role = await owner.roles.create({
        key: 'robert',
        name: 'Robert"); DELETE FROM roles; --',
        description: "1' OR '1'='1",
        permissions: ['audit.read'],
      });
      expect(role).toMatchObject({ name: 'Robert"); DELETE FROM roles; --', description: "1' OR '1'='1" });
      expect((await owner.roles.list()).length).toBe(6);
      expect(trpcBody(await trpc('audit.list', { action: "x' or '1'='1" }, 'query')).result?.data).toEqual({ items: [], nextCursor: null });
      expect(trpcBody(await trpc('audit.list', { action: '%' }, 'query')).result?.data).toEqual({ items: [], nextCursor: null });
    });

    it.each([
      ['users.create', () => newUser({ name: LONG })],
      ['users.create', () => newUser({ email: `${LONG}@example.com` })],
      ['users.create', () => newUser({ password: LONG })],
      ['roles.create', () => ({ key: 'long', name: 'Long', description: LONG, permissions: ['audit.read'] })],
      ['roles.create', () => ({ key: LONG, name: 'Long', permissions: ['audit.read'] })],
      ['apiTokens.create', () => ({ name: LONG, scopes: ['audit.read'] })],
      ['devices.create', () => ({ kind: 'display', name: LONG, scopes: [] })],
      ['devices.create', () => ({ kind: LONG, name: 'Painel', scopes: [] })],
      ['tenant.update', () => ({ name: LONG })],
      ['auth.login', () => ({ tenant: tenant.slug, email: tenant.ownerEmail, password: LONG })],
    ])('a 10k-character string to %s is BAD_REQUEST', async (path, input) => {
      expectTrpcFailure(await trpc(path, input()), 400, 'BAD_REQUEST');
    });

    it('a 10k-character filter in a query string is BAD_REQUEST', async () => {
      expectTrpcFailure(await trpc('audit.list', { action: LONG }, 'query'), 400, 'BAD_REQUEST');
    });

    it('control characters Postgres cannot store are refused, not a 500', async () => {
      expectTrpcFailure(await trpc('users.create', newUser({ name: 'Null\u0000Byte' })), 400, 'BAD_REQUEST');
      expectTrpcFailure(
        await trpc('roles.create', { key: 'nul', name: 'Nul', description: 'a\u0000b', permissions: ['audit.read'] }),
        400,
        'BAD_REQUEST',
      );
      expectTrpcFailure(await trpc('apiTokens.create', { name: 'nul\u0000', scopes: ['audit.read'] }), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('tenant.update', { settings: { note: 'a\u0000b' } }), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('devices.create', { kind: 'display', name: 'nul\u0000', scopes: [] }), 400, 'BAD_REQUEST');
      expectTrpcFailure(await trpc('tenant.update', { settings: { nested: [{ 'k\u0000': 1 }] } }), 400, 'BAD_REQUEST');
      expectTrpcFailure(
        await trpc('auth.login', { tenant: tenant.slug, email: tenant.ownerEmail, password: 'pass\u0000word' }),
        401,
        'UNAUTHORIZED',
      );
      // Other control characters are ordinary text.
      const tabbed = trpcBody<{ name: string }>(await trpc('users.create', newUser({ name: 'Tab\tand\u0001bell' })));
      expect(tabbed.result?.data.name).toBe('Tab\tand\u0001bell');
      expect(await userNames()).not.toContain('Null\u0000Byte');
    });

    it('device enrollment: a malformed body or field is 400, a code with control characters is 401, never a 500', async () => {
      const enroll = (body: string) =>
        raw('/api/v1/devices/enroll', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expectRestFailure(await enroll('{"code": '), 400, 'ERR_MALFORMED_JSON');
      expectRestFailure(await enroll('[1, 2]'), 400, 'ERR_VALIDATION');
      expectRestFailure(await enroll(JSON.stringify({ code: LONG })), 400, 'ERR_VALIDATION');
      expectRestFailure(await enroll(JSON.stringify({ code: 'ABCD2345', name: 'nul\u0000' })), 400, 'ERR_VALIDATION');
      expectRestFailure(await enroll(JSON.stringify({ code: 'ABCD\u0000234' })), 401, 'ENROLLMENT_INVALID');
      expectRestFailure(await raw('/api/v1/devices/me', { token: 'bdev_not-a-token' }), 401, 'ERR_DEVICE_TOKEN_INVALID');
    });

    // Reported, not fixed here (src/trpc/routers/audit.ts): auditFiltersInput lets U+0000 through to the query.
    it('a NUL character in an audit filter is refused, not a 500 (tRPC and REST export)', async () => {
      expectTrpcFailure(await trpc('audit.list', { action: 'user.\u0000' }, 'query'), 400, 'BAD_REQUEST');
      const exported = await raw('/api/v1/audit/export?format=json&entity=%00', { token });
      expectRestFailure(exported, 400, 'ERR_VALIDATION');
    });
  });

  it('after all of it the process still serves: /health answers and a login works', async () => {
    expect((await rawRequest(`${app.url}/health`)).status).toBe(200);
    expect((await rawRequest(`${tight.url}/health`)).status).toBe(200);
    await expect(login(app.url, tenant)).resolves.toMatchObject({ user: { id: tenant.ownerId } });
    expect((await owner.users.list()).length).toBeGreaterThan(1);
  });
});
