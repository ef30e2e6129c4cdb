import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, type Caller } from '../../../test/support/identity';
import { freePort } from '../../../test/support/network';
import { withTenant } from '../../db/tenant-scope';
import type { Services } from '../services';
import type { DeliveryKind } from './kinds';
import { enqueueDelivery } from './queue';

const SECRET = 'whsec-never-shown-anywhere';

describe('deliveries in the dashboard', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  let refusedPort = 0;
  const unreachable: DeliveryKind<{ n: number }> = {
    name: 'test.dashboard.unreachable',
    maxAttempts: 1,
    resolveTarget: async () => ({ url: `http://127.0.0.1:${refusedPort}/hook`, secret: SECRET }),
  };
  const vanished: DeliveryKind<{ n: number }> = { name: 'test.dashboard.vanished', resolveTarget: async () => null };
  const ids: string[] = [];
  let pendingId = '';

  const enqueue = (kind: DeliveryKind<{ n: number }>, n: number) =>
    withTenant(services.db, tenant.tenantId, (trx) => enqueueDelivery(trx, { kind, payload: { n } }));

  beforeAll(async () => {
    refusedPort = await freePort();
    services = await createTestServices({ DELIVERIES_MAX_ATTEMPTS: '7' });
    services.deliveries.register(unreachable, vanished);
    tenant = await seedTenant(services);
    owner = await ownerCaller(services, tenant);
    for (let n = 0; n < 5; n += 1) ids.push((await enqueue(n % 2 ? vanished : unreachable, n)).id);
    await services.deliveries.flush();
    pendingId = (await enqueue(vanished, 99)).id; // the worker is not started: it stays pending
  });
  afterAll(async () => {
    await services.close();
  });

  it('lists newest first, page by page, with a summary of the tries and never a secret', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof owner.deliveries.list>> = await owner.deliveries.list({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([pendingId, ...[...ids].reverse()]);

    const { items } = await owner.deliveries.list();
    expect(JSON.stringify(items)).not.toContain(SECRET);
    expect(items.find((item) => item.id === ids[0])).toMatchObject({
      kind: 'test.dashboard.unreachable',
      status: 'dead',
      payload: { n: 0 },
      attempts: 1,
      maxAttempts: 1,
      nextAttemptAt: null,
      inFlight: false,
      lastStatusCode: null,
      lastError: expect.stringContaining('ECONNREFUSED'),
      targetUrl: `http://127.0.0.1:${refusedPort}/hook`,
    });
    // A kind without its own limit shows the deployment's.
    expect(items.find((item) => item.id === pendingId)).toMatchObject({
      status: 'pending',
      attempts: 0,
      maxAttempts: 7,
      nextAttemptAt: expect.any(String),
    });
  });

  it('filters by status and kind', async () => {
    expect((await owner.deliveries.list({ status: 'dead' })).items.map((item) => item.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect((await owner.deliveries.list({ status: 'cancelled' })).items.map((item) => item.id)).toEqual([ids[3], ids[1]]);
    expect((await owner.deliveries.list({ kind: 'test.dashboard.vanished', status: 'pending' })).items.map((item) => item.id)).toEqual([
      pendingId,
    ]);
    expect((await owner.deliveries.list({ kind: 'no.such.kind' })).items).toEqual([]);
  });

  it("shows a delivery's tries: when, how long, what came back", async () => {
    const attempts = await owner.deliveries.attempts({ id: ids[0]! });
    expect(attempts).toEqual([
      {
        id: expect.any(String),
        attempt: 1,
        attemptedAt: expect.any(String),
        durationMs: expect.any(Number),
        targetUrl: `http://127.0.0.1:${refusedPort}/hook`,
        statusCode: null,
        error: expect.stringContaining('ECONNREFUSED'),
        responseExcerpt: null,
      },
    ]);
    expect(await owner.deliveries.attempts({ id: ids[1]! })).toEqual([]);
    await expectTrpcError(owner.deliveries.attempts({ id: crypto.randomUUID() }), 'NOT_FOUND');
  });

  it('replays only dead or cancelled deliveries; a pending one is a conflict', async () => {
    const failure = await expectTrpcError(owner.deliveries.replay({ id: pendingId }), 'CONFLICT', 'DELIVERY_NOT_REPLAYABLE');
    expect(failure.message).toBe('Esta entrega ainda está na fila; só entregas mortas ou canceladas podem ser reenviadas');
    await expect(owner.deliveries.replay({ id: ids[1]! })).resolves.toMatchObject({ id: ids[1], status: 'pending', attempts: 0 });
    await expectTrpcError(owner.deliveries.replay({ id: crypto.randomUUID() }), 'NOT_FOUND');
  });

  it('needs deliveries.read to look and deliveries.replay to replay; an admin has both', async () => {
    const viewer = await callerFor(services, await addUser(services, tenant, 'viewer'));
    expect((await viewer.deliveries.list()).items.length).toBeGreaterThan(0);
    await expectTrpcError(viewer.deliveries.replay({ id: ids[0]! }), 'FORBIDDEN', 'PERMISSION_DENIED');
    const agent = await callerFor(services, await addUser(services, tenant, 'agent'));
    await expectTrpcError(agent.deliveries.list(), 'FORBIDDEN', 'PERMISSION_DENIED');
    const admin = await callerFor(services, await addUser(services, tenant, 'admin'));
    await expect(admin.deliveries.replay({ id: ids[0]! })).resolves.toMatchObject({ status: 'pending' });
  });

  it('refuses bad input with BAD_REQUEST', async () => {
    await expectTrpcError(owner.deliveries.list({ status: 'lost' as never }), 'BAD_REQUEST');
    await expectTrpcError(owner.deliveries.list({ cursor: 'not-a-cursor' }), 'BAD_REQUEST');
    await expectTrpcError(owner.deliveries.list({ limit: 10_000 }), 'BAD_REQUEST');
    await expectTrpcError(owner.deliveries.list({ secret: true } as never), 'BAD_REQUEST');
    await expectTrpcError(owner.deliveries.attempts({ id: 'not-a-uuid' }), 'BAD_REQUEST');
    const badId = await expectTrpcError(owner.deliveries.replay({ id: "1' or '1'='1" }), 'BAD_REQUEST');
    expect(badId.zodError?.fieldErrors.id).toEqual(['Identificador inválido']);
  });
});
