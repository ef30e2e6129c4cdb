import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET, callerFor, httpClient, login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import {
  RELAXED_LOGIN_LIMITS,
  addUser,
  craftAccessToken,
  expectTrpcError,
  median,
  ownerCaller,
  rawTrpc,
  trpcBody,
  unsignedAccessToken,
  type RawResponse,
} from '../../../test/support/identity';
import { withTenant } from '../../db/tenant-scope';
import { domainCatalogue } from '../modules';

const permissionCatalogue = domainCatalogue.permissions;

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('auth over HTTP', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  const anonymous = () => httpClient(app.url);
  const as = (accessToken: string) => httpClient(app.url, () => accessToken);

  beforeAll(async () => {
    app = await startTestApp(RELAXED_LOGIN_LIMITS);
    tenant = await seedTenant(app.services, { modules: ['helpdesk', 'agenda'] });
  });
  afterAll(() => app.stop());

  describe('login', () => {
    it('returns an access token, a refresh token and the user', async () => {
      const session = await login(app.url, tenant);
      expect(session).toMatchObject({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.stringMatching(/^rt_[\w-]{40,}$/),
        user: { id: tenant.ownerId, email: tenant.ownerEmail, name: 'Owner', role: 'owner' },
      });
      expect(new Date(session.accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
      expect(new Date(session.refreshTokenExpiresAt).getTime()).toBeGreaterThan(new Date(session.accessTokenExpiresAt).getTime());
    });

    it('auth.me describes the user as they are now and their tenant', async () => {
      const { accessToken } = await login(app.url, tenant);
      const me = await as(accessToken).auth.me.query();
      expect(me.user).toMatchObject({ id: tenant.ownerId, email: tenant.ownerEmail, name: 'Owner', role: 'owner' });
      expect(me.user.permissions).toEqual(permissionCatalogue.map((permission) => permission.key).sort());
      expect(me.tenant).toEqual({
        id: tenant.tenantId,
        slug: tenant.slug,
        name: `Tenant ${tenant.slug}`,
        timezone: 'America/Sao_Paulo',
        modules: ['helpdesk', 'agenda'],
      });
    });

    it('answers a wrong password, an unknown email, an unknown tenant and a deactivated user alike', async () => {
      const inactive = await addUser(app.services, tenant, 'manager');
      await (await ownerCaller(app.services, tenant)).users.deactivate({ id: inactive.userId });
      const attempts = [
        { tenant: tenant.slug, email: tenant.ownerEmail, password: 'wrong password' },
        { tenant: tenant.slug, email: `nobody@${tenant.slug}.test`, password: tenant.password },
        { tenant: 'no-such-tenant', email: tenant.ownerEmail, password: tenant.password },
        { tenant: tenant.slug, email: inactive.email, password: inactive.password },
      ];
      const failures = [];
      for (const attempt of attempts)
        failures.push(await expectTrpcError(anonymous().auth.login.mutate(attempt), 'UNAUTHORIZED', 'INVALID_CREDENTIALS'));
      expect(new Set(failures.map((failure) => failure.message)).size).toBe(1);
      expect(failures.every((failure) => failure.httpStatus === 401)).toBe(true);
    });

    it('takes about as long for an unknown email as for a wrong password', async () => {
      const wrongPassword = { tenant: tenant.slug, email: tenant.ownerEmail, password: 'not the password' };
      const unknownEmail = { tenant: tenant.slug, email: `ghost@${tenant.slug}.test`, password: 'not the password' };
      const timed = async (input: typeof wrongPassword) => {
        const started = performance.now();
        await expectTrpcError(anonymous().auth.login.mutate(input), 'UNAUTHORIZED');
        return performance.now() - started;
      };
      await timed(wrongPassword); // warm-up: the decoy hash and the connection
      await timed(unknownEmail);
      const samples = { wrongPassword: [] as number[], unknownEmail: [] as number[] };
      for (let round = 0; round < 5; round += 1) {
        samples.wrongPassword.push(await timed(wrongPassword));
        samples.unknownEmail.push(await timed(unknownEmail));
      }
      const ratio = median(samples.unknownEmail) / median(samples.wrongPassword);
      expect(ratio, JSON.stringify(samples)).toBeGreaterThan(0.5);
      expect(ratio, JSON.stringify(samples)).toBeLessThan(2);
    });
  });

  describe('refresh tokens', () => {
    it('rotate on every use: the new pair works, the old refresh token does not', async () => {
      const first = await login(app.url, tenant);
      const second = await anonymous().auth.refresh.mutate({ refreshToken: first.refreshToken! });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.user.id).toBe(tenant.ownerId);
      expect((await as(second.accessToken).auth.me.query()).user.id).toBe(tenant.ownerId);
      await expectTrpcError(anonymous().auth.refresh.mutate({ refreshToken: first.refreshToken! }), 'UNAUTHORIZED');
    });

    it('reuse of a rotated token revokes the whole family and is audited', async () => {
      const first = await login(app.url, tenant);
      const second = await anonymous().auth.refresh.mutate({ refreshToken: first.refreshToken! });
      const third = await anonymous().auth.refresh.mutate({ refreshToken: second.refreshToken! });
      await expectTrpcError(anonymous().auth.refresh.mutate({ refreshToken: first.refreshToken! }), 'UNAUTHORIZED', 'REFRESH_TOKEN_REUSED');
      await expectTrpcError(anonymous().auth.refresh.mutate({ refreshToken: third.refreshToken! }), 'UNAUTHORIZED');

      const family = await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx
          .selectFrom('refresh_tokens')
          .select(['family_id', 'revoked_at', 'revoked_reason'])
          .where('user_id', '=', tenant.ownerId)
          .orderBy('created_at')
          .execute(),
      );
      const familyId = family.at(-1)!.family_id;
      const members = family.filter((token) => token.family_id === familyId);
      expect(members).toHaveLength(3);
      expect(members.every((token) => token.revoked_at !== null)).toBe(true);

      const owner = await ownerCaller(app.services, tenant);
      const audit = await owner.audit.list({ action: 'auth.refresh_reuse', entityId: familyId });
      // The first reuse revokes the three live members; presenting any of them later is logged again.
      expect(audit.items.at(-1)).toMatchObject({
        entity: 'session',
        actor: { type: 'user', id: tenant.ownerId },
        diff: { revokedTokens: 3 },
      });
    });

    it('logout kills the refresh token', async () => {
      const session = await login(app.url, tenant);
      await expect(anonymous().auth.logout.mutate({ refreshToken: session.refreshToken! })).resolves.toEqual({ ok: true });
      await expectTrpcError(anonymous().auth.refresh.mutate({ refreshToken: session.refreshToken! }), 'UNAUTHORIZED');
      await expect(anonymous().auth.logout.mutate({ refreshToken: 'rt_not-a-token-we-ever-issued' })).resolves.toEqual({ ok: true });
    });

    it('an unknown refresh token or none at all is UNAUTHORIZED', async () => {
      await expectTrpcError(
        anonymous().auth.refresh.mutate({ refreshToken: 'rt_not-a-token-we-ever-issued' }),
        'UNAUTHORIZED',
        'INVALID_REFRESH_TOKEN',
      );
      await expectTrpcError(anonymous().auth.refresh.mutate({}), 'UNAUTHORIZED', 'INVALID_REFRESH_TOKEN');
    });

    it('a call with an empty JSON body (a plain httpLink with no input) gets the input defaults', async () => {
      const logout = await rawTrpc(app.url, 'auth.logout');
      expect(logout.status).toBe(200);
      expect(trpcBody(logout).result?.data).toEqual({ ok: true });
      const refresh = trpcBody(await rawTrpc(app.url, 'auth.refresh'));
      expect(refresh.error?.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'INVALID_REFRESH_TOKEN' });
    });
  });

  describe('dashboard sessions (refresh token in an httpOnly cookie)', () => {
    const web = { 'x-balcao-client': 'web' };
    const refreshCookie = (response: RawResponse) => response.headers.getSetCookie().find((cookie) => cookie.startsWith('balcao_rt='));
    const cookieValue = (cookie: string | undefined) => cookie!.split(';')[0]!;
    const sessionOf = (response: RawResponse) => trpcBody<{ refreshToken: string | null; accessToken: string }>(response).result!.data;
    // As the dashboard's httpBatchLink sends them.
    const webLogin = () =>
      rawTrpc(app.url, 'auth.login', {
        batch: true,
        input: { tenant: tenant.slug, email: tenant.ownerEmail, password: tenant.password },
        headers: web,
      });
    const webCall = (path: string, cookie: string, headers: Record<string, string> = web) =>
      rawTrpc(app.url, path, { batch: true, headers: { ...headers, cookie } });

    it('login sets a Strict, httpOnly cookie on /trpc and returns no refresh token', async () => {
      const response = await webLogin();
      expect(response.status).toBe(200);
      expect(sessionOf(response).refreshToken).toBeNull();
      const cookie = refreshCookie(response);
      expect(cookie).toMatch(/^balcao_rt=rt_[\w%-]+;/);
      const attributes = cookie!.split(';').map((part) => part.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/trpc']));
      expect(attributes.some((attribute) => attribute.startsWith('expires='))).toBe(true);
    });

    it('auth.refresh with no input rotates the cookie; the old cookie then fails and is cleared', async () => {
      const first = cookieValue(refreshCookie(await webLogin()));
      const refreshed = await webCall('auth.refresh', first);
      expect(refreshed.status).toBe(200);
      expect(sessionOf(refreshed).refreshToken).toBeNull();
      expect((await as(sessionOf(refreshed).accessToken).auth.me.query()).user.id).toBe(tenant.ownerId);
      const second = cookieValue(refreshCookie(refreshed));
      expect(second).not.toBe(first);

      const replayed = await webCall('auth.refresh', first);
      expect(replayed.status).toBe(401);
      expect(trpcBody(replayed).error?.data.reason).toBe('REFRESH_TOKEN_REUSED');
      expect(refreshCookie(replayed)).toMatch(/^balcao_rt=;.*Max-Age=0/i);
      expect((await webCall('auth.refresh', second)).status).toBe(401);
    });

    it('the cookie counts only for the web client, and logout clears it', async () => {
      const cookie = cookieValue(refreshCookie(await webLogin()));
      const withoutWebHeader = await webCall('auth.refresh', cookie, {});
      expect(withoutWebHeader.status).toBe(401);
      expect(trpcBody(withoutWebHeader).error?.data.reason).toBe('INVALID_REFRESH_TOKEN');
      const loggedOut = await webCall('auth.logout', cookie);
      expect(loggedOut.status).toBe(200);
      expect(refreshCookie(loggedOut)).toMatch(/^balcao_rt=;.*Max-Age=0/i);
      expect((await webCall('auth.refresh', cookie)).status).toBe(401);
    });
  });

  describe('access tokens', () => {
    const claims = () => ({ userId: tenant.ownerId, tenantId: tenant.tenantId });

    it('a token signed by hand with the right key and claims is accepted (the control case)', async () => {
      const token = await craftAccessToken({ secret: TEST_JWT_SECRET, ...claims() });
      expect((await as(token).auth.me.query()).user.id).toBe(tenant.ownerId);
    });

    it('an expired token is UNAUTHORIZED with reason TOKEN_EXPIRED', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await craftAccessToken({ secret: TEST_JWT_SECRET, ...claims(), issuedAt: now - 120, expiresAt: now - 60 });
      const failure = await expectTrpcError(as(token).auth.me.query(), 'UNAUTHORIZED', 'TOKEN_EXPIRED');
      expect(failure.httpStatus).toBe(401);
    });

    it.each([
      ['signed with another secret', () => craftAccessToken({ secret: 'another-secret-that-is-also-long-enough-for-hs256', ...claims() })],
      ['alg: none', async () => unsignedAccessToken(claims())],
      ['garbage', async () => 'garbage.not.a-jwt'],
      ['for another issuer', () => craftAccessToken({ secret: TEST_JWT_SECRET, ...claims(), issuer: 'someone-else' })],
      ['for another audience', () => craftAccessToken({ secret: TEST_JWT_SECRET, ...claims(), audience: 'balcao:refresh' })],
    ])('a token %s is UNAUTHORIZED (TOKEN_INVALID)', async (_label, makeToken) => {
      await expectTrpcError(as(await makeToken()).auth.me.query(), 'UNAUTHORIZED', 'TOKEN_INVALID');
    });

    it('no token at all is UNAUTHORIZED (NO_TOKEN)', async () => {
      await expectTrpcError(anonymous().auth.me.query(), 'UNAUTHORIZED', 'NO_TOKEN');
    });

    it("a deleted user's token is UNAUTHORIZED", async () => {
      const doomed = await addUser(app.services, tenant, 'viewer');
      const { accessToken } = await login(app.url, tenant, doomed.email, doomed.password);
      await withTenant(app.services.db, tenant.tenantId, (trx) => trx.deleteFrom('users').where('id', '=', doomed.userId).execute());
      await expectTrpcError(as(accessToken).auth.me.query(), 'UNAUTHORIZED', 'USER_INACTIVE');
    });

    it('a token naming another tenant than its user is UNAUTHORIZED', async () => {
      const other = await seedTenant(app.services);
      const token = await craftAccessToken({ secret: TEST_JWT_SECRET, userId: tenant.ownerId, tenantId: other.tenantId });
      await expectTrpcError(as(token).auth.me.query(), 'UNAUTHORIZED', 'USER_INACTIVE');
      const caller = await callerFor(app.services, { tenantId: other.tenantId, userId: tenant.ownerId });
      await expectTrpcError(caller.users.list(), 'UNAUTHORIZED', 'USER_INACTIVE');
    });
  });
});
