import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase } from '../src/db/database';
import { login, seedTenant, startTestApp, type TestTenant } from './support/app';
import { createTestDatabase } from './support/database';
import { rawRequest, rawTrpc } from './support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** A pool exhausted by long work is the server being busy, not broken: 503 with Retry-After, never a 500. */
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('every database connection busy', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let token = '';
  let template: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    // The test database (dropped when closed) stays open; the app gets its own pool of one connection to it.
    template = await createTestDatabase();
    const onePool = await createDatabase({ kind: 'postgres', url: template.url!, poolSize: 1 });
    app = await startTestApp({}, { database: onePool });
    tenant = await seedTenant(app.services);
    token = (await login(app.url, tenant)).accessToken;
  });
  afterAll(async () => {
    await app.stop();
    await template.close();
  });

  it('answers 503 SERVER_BUSY on tRPC and REST while the only connection is held, then serves again', async () => {
    let release!: () => void;
    const held = app.services.db
      .connection()
      .execute((connection) => sql`select pg_sleep(0)`.execute(connection).then(() => new Promise<void>((resolve) => (release = resolve))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [trpc, rest] = await Promise.all([
      rawTrpc(app.url, 'users.list', { kind: 'query', token }),
      rawRequest(`${app.url}/api/v1/audit/export?format=json`, { token }),
    ]);
    release();
    await held;
    expect(trpc.status).toBe(503);
    expect(trpc.json).toMatchObject({
      error: { message: 'Servidor ocupado; tente de novo em instantes', data: { reason: 'SERVER_BUSY' } },
    });
    expect(rest.status).toBe(503);
    expect(rest.headers.get('retry-after')).toBe('1');
    expect(rest.json).toMatchObject({ error: 'ERR_SERVER_BUSY', details: { retryAfterSeconds: 1 } });
    expect((await rawTrpc(app.url, 'users.list', { kind: 'query', token })).status).toBe(200);
  }, 20_000);
});
