import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap';
import { createDatabase } from '../src/db/database';
import { capturingLogger, httpClient, login, seedTenant, startTestApp, type TestTenant } from './support/app';
import { createTestDatabase } from './support/database';
import { DisposableRedis, TcpRelay, eventually, freePort } from './support/network';
import { recordEvents } from './support/subscriptions';

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) console.warn('[tests] redis-server not installed: the Redis outage test is skipped');

// Needs a redis-server binary to kill and restart; CI and the dev machine have one.
describe.runIf(hasRedisServer)('when Redis goes away', () => {
  let app: RunningApp & { url: string };
  let tenant: TestTenant;
  let redis: DisposableRedis;
  const { logger, lines } = capturingLogger('warn');

  beforeAll(async () => {
    redis = new DisposableRedis(await freePort());
    await redis.start();
    app = await startTestApp({ REDIS_URL: redis.url, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' }, { logger });
    tenant = await seedTenant(app.services);
  });
  afterAll(async () => {
    await app.stop();
    await redis.kill();
  });

  it('keeps serving, falls back to local rate limits with a warning, and recovers', async () => {
    expect((await getJson(`${app.url}/ready`)).body.checks).toMatchObject({ redis: { ok: true } });
    const session = await login(app.url, tenant);
    const feed = recordEvents(app.url, () => session.accessToken);
    await feed.started;

    await redis.kill();
    const ready = await eventually(
      () => getJson(`${app.url}/ready`),
      (result) => result.status === 503,
    );
    expect(ready.body.checks).toMatchObject({ database: { ok: true }, redis: { ok: false } });
    expect((await getJson(`${app.url}/health`)).status).toBe(200);

    expect((await login(app.url, tenant)).accessToken).toBeTruthy();
    const anonymous = httpClient(app.url);
    const wrong = { tenant: tenant.slug, email: tenant.ownerEmail, password: 'wrong password!' };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(anonymous.auth.login.mutate(wrong)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    }
    await expect(anonymous.auth.login.mutate(wrong)).rejects.toMatchObject({ data: { code: 'TOO_MANY_REQUESTS' } });
    expect(lines.some((line) => String(line.msg).includes('rate limits fall back'))).toBe(true);

    await httpClient(app.url, () => session.accessToken).users.create.mutate({
      email: 'during-outage@x.test',
      name: 'Durante',
      password: 'password123',
      role: 'viewer',
    });
    await feed.waitFor((events) => events.some((event) => event.type === 'user.created'));
    await feed.close();

    await redis.start();
    await eventually(
      () => getJson(`${app.url}/ready`),
      (result) => result.status === 200,
      15_000,
    );
  });
});

// The outage is simulated with a relay in front of a Postgres server; PGlite is in-process.
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('when Postgres is briefly unreachable', () => {
  let app: RunningApp & { url: string };
  let relay: TcpRelay;
  let tenant: TestTenant;

  beforeAll(async () => {
    const direct = await createTestDatabase();
    const target = new URL(direct.url!);
    relay = new TcpRelay(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await relay.open();
    const relayed = new URL(direct.url!);
    relayed.port = String(relay.port);
    const database = await createDatabase({ kind: 'postgres', url: relayed.toString(), poolSize: 5 });
    app = await startTestApp({}, { database: { ...database, close: async () => (await database.close(), await direct.close()) } });
    tenant = await seedTenant(app.services);
  });
  afterAll(async () => {
    await relay.open();
    await app.stop();
    await relay.cut();
  });

  it('says so on /ready, fails requests cleanly, and recovers without a restart', async () => {
    const session = await login(app.url, tenant);
    const client = httpClient(app.url, () => session.accessToken);
    expect((await client.users.list.query()).length).toBe(1);

    await relay.cut();
    const ready = await getJson(`${app.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ database: { ok: false } });
    const failure = await client.users.list.query().then(
      () => undefined,
      (error: { message: string; data?: { code?: string } }) => error,
    );
    expect(failure?.data?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(failure?.message).toBe('Erro interno; tente novamente');
    expect(JSON.stringify(failure)).not.toMatch(/select |ECONNREFUSED|\.ts:\d+/);
    expect((await getJson(`${app.url}/health`)).status).toBe(200);

    await relay.open();
    await eventually(
      () => getJson(`${app.url}/ready`),
      (result) => result.status === 200,
    );
    expect((await client.users.list.query()).length).toBe(1);
  });
});
