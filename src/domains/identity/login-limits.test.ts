import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, httpClientWith, rawTrpc, type TestUser } from '../../../test/support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const MAX_ATTEMPTS_PER_IP = 4;
const MAX_FAILURES_PER_ACCOUNT = 3;

describe('login rate limits (in memory, over HTTP behind a trusted proxy)', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let addressCounter = 0;
  /** A fresh client address per call, so only the limit under test can trip. */
  const nextAddress = () => `10.20.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`;
  const loginFrom = (address: string, credentials: { email: string; password: string }) =>
    httpClientWith(app.url, () => ({ 'x-forwarded-for': address })).auth.login.mutate({ tenant: tenant.slug, ...credentials });
  const owner = () => ({ email: tenant.ownerEmail, password: tenant.password });

  beforeAll(async () => {
    app = await startTestApp({
      TRUST_PROXY: '1',
      LOGIN_MAX_ATTEMPTS_PER_IP: String(MAX_ATTEMPTS_PER_IP),
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_FAILURES_PER_ACCOUNT),
    });
    tenant = await seedTenant(app.services);
  });
  afterAll(() => app.stop());

  it('refuses an address after its attempts are spent, even with the right password', async () => {
    const address = nextAddress();
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_IP - 1; attempt += 1) {
      await expectTrpcError(loginFrom(address, { email: `nobody-${attempt}@${tenant.slug}.test`, password: 'whatever' }), 'UNAUTHORIZED');
    }
    await expect(loginFrom(address, owner())).resolves.toMatchObject({ user: { id: tenant.ownerId } });
    const refused = await expectTrpcError(loginFrom(address, owner()), 'TOO_MANY_REQUESTS', 'TOO_MANY_LOGIN_ATTEMPTS');
    expect(refused.httpStatus).toBe(429);
    expect(refused.details).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    await expect(loginFrom(nextAddress(), owner())).resolves.toMatchObject({ user: { id: tenant.ownerId } });
  });

  it('counts the address the proxy saw, whatever the caller forges on the left of X-Forwarded-For', async () => {
    const address = nextAddress();
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_IP; attempt += 1) {
      const forged = `${nextAddress()}, ${address}`;
      await httpClientWith(app.url, () => ({ 'x-forwarded-for': forged })).auth.login.mutate({ tenant: tenant.slug, ...owner() });
    }
    const forged = `${nextAddress()}, ${address}`;
    await expectTrpcError(
      httpClientWith(app.url, () => ({ 'x-forwarded-for': forged })).auth.login.mutate({ tenant: tenant.slug, ...owner() }),
      'TOO_MANY_REQUESTS',
      'TOO_MANY_LOGIN_ATTEMPTS',
    );
  });

  it('a raw refused attempt answers HTTP 429', async () => {
    const address = nextAddress();
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_IP; attempt += 1) await loginFrom(address, owner());
    const response = await rawTrpc(app.url, 'auth.login', {
      input: { tenant: tenant.slug, ...owner() },
      headers: { 'x-forwarded-for': address },
    });
    expect(response.status).toBe(429);
  });

  describe('per account', () => {
    let user: TestUser;
    const credentials = () => ({ email: user.email, password: user.password });
    const wrong = () => ({ email: user.email, password: 'wrong password' });

    beforeAll(async () => {
      user = await addUser(app.services, tenant, 'manager');
    });

    it('locks the account after its failures, whatever address they come from, and only that account', async () => {
      for (let attempt = 0; attempt < MAX_FAILURES_PER_ACCOUNT; attempt += 1)
        await expectTrpcError(loginFrom(nextAddress(), wrong()), 'UNAUTHORIZED');
      await expectTrpcError(loginFrom(nextAddress(), credentials()), 'TOO_MANY_REQUESTS', 'TOO_MANY_LOGIN_ATTEMPTS');
      await expect(loginFrom(nextAddress(), owner())).resolves.toMatchObject({ user: { id: tenant.ownerId } });
      // Same email in another tenant is another account.
      const other = await seedTenant(app.services);
      await expect(
        httpClientWith(app.url, () => ({ 'x-forwarded-for': nextAddress() })).auth.login.mutate({
          tenant: other.slug,
          email: other.ownerEmail,
          password: other.password,
        }),
      ).resolves.toMatchObject({ user: { id: other.ownerId } });
      await app.services.loginLimits.perAccount.reset(`${tenant.slug}:${user.email}`);
    });

    it('a successful login resets the account counter', async () => {
      for (let round = 0; round < 3; round += 1) {
        for (let attempt = 0; attempt < MAX_FAILURES_PER_ACCOUNT - 1; attempt += 1)
          await expectTrpcError(loginFrom(nextAddress(), wrong()), 'UNAUTHORIZED');
        await expect(loginFrom(nextAddress(), credentials())).resolves.toMatchObject({ user: { id: user.userId } });
      }
    });

    it('counts failures for unknown emails too, so guessing accounts is limited alike', async () => {
      const ghost = { email: `ghost@${tenant.slug}.test`, password: 'whatever' };
      for (let attempt = 0; attempt < MAX_FAILURES_PER_ACCOUNT; attempt += 1)
        await expectTrpcError(loginFrom(nextAddress(), ghost), 'UNAUTHORIZED');
      await expectTrpcError(loginFrom(nextAddress(), ghost), 'TOO_MANY_REQUESTS');
    });
  });
});
