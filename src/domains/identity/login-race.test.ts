import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { verifyPassword } from '../../platform/auth/passwords';
import { DomainError } from '../../platform/errors';
import type { Services } from '../../platform/services';
import { login } from './sessions';

const MAX_FAILURES_PER_ACCOUNT = 5;
const PARALLEL_ATTEMPTS = 40;
const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn('[tests] TEST_REDIS_URL is not set: skipping the Redis-backed login race test');

/** Fires parallel wrong passwords for one account and counts how often the password was checked. */
async function raceWrongPasswords(services: Services, tenant: TestTenant) {
  let verifications = 0;
  const countingVerifier: typeof verifyPassword = async (hash, password) => {
    verifications += 1;
    return verifyPassword(hash, password);
  };
  const deps = {
    db: services.db,
    signer: services.signer,
    refreshTokenTtlDays: services.config.refreshTokenTtlDays,
    loginLimits: services.loginLimits,
    verifyPassword: countingVerifier,
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: PARALLEL_ATTEMPTS }, (_, index) =>
      login(
        deps,
        { tenant: tenant.slug, email: tenant.ownerEmail, password: `wrong password ${index}` },
        // A distinct address per attempt, so only the account's budget can stop them.
        { ip: `10.${[...randomBytes(3)].join('.')}`, userAgent: null, requestId: null },
      ),
    ),
  );
  const codes = outcomes.map((outcome) =>
    outcome.status === 'rejected' && outcome.reason instanceof DomainError ? outcome.reason.reason : String(outcome.status),
  );
  return { verifications, codes };
}

describe.each([
  { store: 'memory', env: {} },
  { store: 'redis', env: { REDIS_URL: redisUrl ?? '' } },
])('login race on one account ($store)', ({ store, env }) => {
  let services: Services;
  let tenant: TestTenant;

  beforeAll(async () => {
    if (store === 'redis' && !redisUrl) return;
    services = await createTestServices({ ...env, LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_FAILURES_PER_ACCOUNT) });
    // Redis outlives the run: a random tenant keeps earlier runs' counters out.
    tenant = await seedTenant(services, { slug: `race-${randomBytes(6).toString('hex')}` });
  });
  afterAll(() => services?.close());

  it.skipIf(store === 'redis' && !redisUrl)(
    `${PARALLEL_ATTEMPTS} parallel wrong passwords reach the password check at most the limit`,
    async () => {
      const { verifications, codes } = await raceWrongPasswords(services, tenant);
      expect(verifications).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
      expect(codes.filter((code) => code === 'INVALID_CREDENTIALS')).toHaveLength(verifications);
      expect(codes.filter((code) => code === 'TOO_MANY_LOGIN_ATTEMPTS')).toHaveLength(PARALLEL_ATTEMPTS - verifications);
    },
  );
});
