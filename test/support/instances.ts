import type { RunningApp } from '../../src/bootstrap';
import { createDatabase } from '../../src/db/database';
import { startTestApp } from './app';
import { createTestDatabase } from './database';
import { RELAXED_LOGIN_LIMITS } from './identity';

/** Two instances need a shared Postgres server and Redis; PGlite is single-process. */
export const twoInstancesAvailable = Boolean(process.env.TEST_REDIS_URL && process.env.TEST_DATABASE_URL);

export function warnTwoInstancesSkipped(what: string): void {
  if (!twoInstancesAvailable) console.warn(`[tests] TEST_REDIS_URL and TEST_DATABASE_URL not both set: ${what} is skipped`);
}

/**
 * Two app instances on one Postgres database and one Redis. The slow safety-net event poll is
 * pushed out of the way, so whatever must cross instances has to come through Redis.
 */
export async function startTwoInstances(
  configOverrides: Partial<Record<string, string>> = {},
): Promise<{ first: RunningApp & { url: string }; second: RunningApp & { url: string } }> {
  const shared = await createTestDatabase();
  const config = {
    REDIS_URL: process.env.TEST_REDIS_URL!,
    EVENTS_POLL_INTERVAL_MS: '600000',
    // Their login and enrollment counters live in the shared Redis, where every app on it counts (another
    // test file's instances, a bench running beside the tests): limits these tests do not measure stay out of reach.
    ...RELAXED_LOGIN_LIMITS,
    DEVICE_ENROLL_MAX_ATTEMPTS_PER_IP: '100000',
    ...configOverrides,
  };
  const first = await startTestApp(config, { database: shared });
  const second = await startTestApp(config, { database: await createDatabase({ kind: 'postgres', url: shared.url!, poolSize: 5 }) });
  return { first, second };
}
