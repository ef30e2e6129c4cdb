import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import {
  addUser,
  anonymousCallerFrom,
  createSiblingServices,
  expectTrpcError,
  ownerCaller,
  trpcError,
} from '../../../test/support/identity';
import type { Services } from '../../platform/services';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl)
  console.warn(
    '[tests] TEST_REDIS_URL is not set: skipping the Redis-backed identity tests (login limits and revocation across instances)',
  );

const MAX_ATTEMPTS_PER_IP = 5;
const MAX_FAILURES_PER_ACCOUNT = 3;

describe.skipIf(!redisUrl)('identity across two instances sharing Postgres and Redis', () => {
  let first: Services;
  let second: Services;
  let tenant: TestTenant;
  // Redis outlives the test run: random addresses and a random tenant keep earlier runs' counters out.
  const randomAddress = () => `10.${[...randomBytes(3)].join('.')}`;
  const loginOn = (services: Services, credentials: { email: string; password: string }, ip = randomAddress()) =>
    anonymousCallerFrom(services, { ip }).auth.login({ tenant: tenant.slug, email: credentials.email, password: credentials.password });

  beforeAll(async () => {
    const config = {
      REDIS_URL: redisUrl!,
      LOGIN_MAX_ATTEMPTS_PER_IP: String(MAX_ATTEMPTS_PER_IP),
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_FAILURES_PER_ACCOUNT),
    };
    first = await createTestServices(config);
    second = await createSiblingServices(first, config);
    tenant = await seedTenant(first, { slug: `redis-${randomBytes(6).toString('hex')}` });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('failures spread over both instances lock the account on either', async () => {
    const user = await addUser(first, tenant, 'manager');
    const wrong = { email: user.email, password: 'wrong password' };
    await expectTrpcError(loginOn(first, wrong), 'UNAUTHORIZED');
    await expectTrpcError(loginOn(second, wrong), 'UNAUTHORIZED');
    await expectTrpcError(loginOn(first, wrong), 'UNAUTHORIZED');
    await expectTrpcError(loginOn(second, user), 'TOO_MANY_REQUESTS', 'TOO_MANY_LOGIN_ATTEMPTS');
    await expectTrpcError(loginOn(first, user), 'TOO_MANY_REQUESTS', 'TOO_MANY_LOGIN_ATTEMPTS');
  });

  it('a success on one instance resets the counter the other sees', async () => {
    const user = await addUser(first, tenant, 'viewer');
    const wrong = { email: user.email, password: 'wrong password' };
    for (let round = 0; round < 2; round += 1) {
      await expectTrpcError(loginOn(first, wrong), 'UNAUTHORIZED');
      await expectTrpcError(loginOn(first, wrong), 'UNAUTHORIZED');
      await expect(loginOn(second, user)).resolves.toMatchObject({ user: { id: user.userId } });
    }
  });

  it("an address's attempts count on both instances", async () => {
    const address = randomAddress();
    const owner = { email: tenant.ownerEmail, password: tenant.password };
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_IP; attempt += 1) await loginOn(attempt % 2 === 0 ? first : second, owner, address);
    await expectTrpcError(loginOn(first, owner, address), 'TOO_MANY_REQUESTS');
    await expectTrpcError(loginOn(second, owner, address), 'TOO_MANY_REQUESTS');
  });

  it('a user deactivated on one instance is refused on the other within moments', async () => {
    const user = await addUser(first, tenant, 'manager');
    const onSecond = await callerFor(second, user);
    expect((await onSecond.auth.me()).user.id).toBe(user.userId); // cached by the second instance's directory
    await (await ownerCaller(first, tenant)).users.deactivate({ id: user.userId });
    // Well before the cached entry's 30 s TTL runs out: only the invalidation through Redis can have refused it.
    await vi.waitFor(async () => expect((await trpcError(onSecond.auth.me())).reason).toBe('USER_INACTIVE'), {
      timeout: 15_000,
      interval: 20,
    });
  });

  it('a role change on one instance reaches the other', async () => {
    const owner = await ownerCaller(first, tenant);
    const role = await owner.roles.create({
      key: `r_${randomBytes(3).toString('hex')}`,
      name: 'Leitor de auditoria',
      permissions: ['audit.read'],
    });
    const holder = await callerFor(second, await addUser(first, tenant, role.key));
    await expectTrpcError(holder.users.list(), 'FORBIDDEN', 'PERMISSION_DENIED');
    await owner.roles.update({ id: role.id, permissions: ['audit.read', 'identity.users.read'] });
    await vi.waitFor(async () => expect(await holder.users.list()).toBeInstanceOf(Array), { timeout: 5_000, interval: 20 });
  });
});
