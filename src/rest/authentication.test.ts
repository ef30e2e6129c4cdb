import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET, login, seedTenant, startTestApp, type TestTenant } from '../../test/support/app';
import {
  addUser,
  craftAccessToken,
  expectNoLeak,
  ownerCaller,
  rawRequest,
  type Caller,
  type RawResponse,
} from '../../test/support/identity';
import { withTenant } from '../db/tenant-scope';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('REST authentication (/api/v1/auth/whoami)', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  const whoami = (token?: string, headers: Record<string, string> = {}) => rawRequest(`${app.url}/api/v1/auth/whoami`, { token, headers });
  const lastUsedAt = (id: string) =>
    withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow(),
    );

  function expectRestError(response: RawResponse, status: number, error: string): void {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual({ error, message: expect.any(String), details: expect.any(Object) });
    expect((response.json as { message: string }).message.length).toBeGreaterThan(0);
    expectNoLeak(response.text);
  }

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services);
    owner = await ownerCaller(app.services, tenant);
  });
  afterAll(() => app.stop());

  it('an API token is answered with its tenant, name and scopes, and its use is recorded', async () => {
    const created = await owner.apiTokens.create({ name: 'ERP', scopes: ['audit.read', 'audit.export'] });
    expect((await lastUsedAt(created.id)).last_used_at).toBeNull();
    const response = await whoami(created.token);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      kind: 'api_token',
      tenantId: tenant.tenantId,
      tokenId: created.id,
      name: 'ERP',
      scopes: ['audit.export', 'audit.read'],
    });
    const usedAt = (await lastUsedAt(created.id)).last_used_at;
    expect(usedAt).toBeInstanceOf(Date);
    expect(Math.abs(usedAt!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('a user access token is answered with the user', async () => {
    const { accessToken } = await login(app.url, tenant);
    const response = await whoami(accessToken);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      kind: 'user',
      tenantId: tenant.tenantId,
      userId: tenant.ownerId,
      email: tenant.ownerEmail,
      role: 'owner',
    });
  });

  it('a revoked token is 401 ERR_API_TOKEN_INVALID', async () => {
    const created = await owner.apiTokens.create({ name: 'Soon revoked', scopes: ['audit.read'] });
    expect((await whoami(created.token)).status).toBe(200);
    await owner.apiTokens.revoke({ id: created.id });
    expectRestError(await whoami(created.token), 401, 'ERR_API_TOKEN_INVALID');
  });

  it('an expired token is 401 ERR_API_TOKEN_INVALID', async () => {
    const created = await owner.apiTokens.create({ name: 'Expiring', scopes: ['audit.read'], expiresAt: new Date(Date.now() + 60_000) });
    expect((await whoami(created.token)).status).toBe(200);
    await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('api_tokens')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', created.id)
        .execute(),
    );
    expectRestError(await whoami(created.token), 401, 'ERR_API_TOKEN_INVALID');
  });

  it.each([['bal_garbage'], ['bal_abcdefghij_not-the-right-length'], [`bal_${'a'.repeat(10)}_${'b'.repeat(40)}`]])(
    'the made-up API token %s is 401 ERR_API_TOKEN_INVALID',
    async (token) => {
      expectRestError(await whoami(token), 401, 'ERR_API_TOKEN_INVALID');
    },
  );

  it('no token, an odd Authorization header or a bad access token is 401', async () => {
    expectRestError(await whoami(), 401, 'ERR_UNAUTHORIZED');
    expectRestError(await whoami(undefined, { authorization: 'Basic b3duZXI6c2VjcmV0' }), 401, 'ERR_UNAUTHORIZED');
    expectRestError(await whoami('not-a-jwt'), 401, 'ERR_TOKEN_INVALID');
    const now = Math.floor(Date.now() / 1000);
    const expired = await craftAccessToken({
      secret: TEST_JWT_SECRET,
      userId: tenant.ownerId,
      tenantId: tenant.tenantId,
      issuedAt: now - 120,
      expiresAt: now - 60,
    });
    expectRestError(await whoami(expired), 401, 'ERR_TOKEN_EXPIRED');
  });

  it("a deactivated user's access token is 401 ERR_USER_INACTIVE at once", async () => {
    const user = await addUser(app.services, tenant, 'manager');
    const { accessToken } = await login(app.url, tenant, user.email, user.password);
    expect((await whoami(accessToken)).status).toBe(200);
    await owner.users.deactivate({ id: user.userId });
    expectRestError(await whoami(accessToken), 401, 'ERR_USER_INACTIVE');
  });

  it('an unknown REST route is 404 in the same error shape', async () => {
    const created = await owner.apiTokens.create({ name: 'Explorer', scopes: ['audit.read'] });
    expectRestError(await rawRequest(`${app.url}/api/v1/no/such/route`, { token: created.token }), 404, 'ERR_NOT_FOUND');
    expectRestError(await rawRequest(`${app.url}/api/v2/whoami`), 404, 'ERR_NOT_FOUND');
  });
});
