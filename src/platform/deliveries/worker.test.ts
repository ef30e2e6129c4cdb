import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, silentLogger, testConfig, type TestTenant } from '../../../test/support/app';
import { createTestDatabase } from '../../../test/support/database';
import { createSiblingServices, expectTrpcError, ownerCaller } from '../../../test/support/identity';
import { freePort } from '../../../test/support/network';
import { TestReceiver, type ReceivedRequest as Received } from '../../../test/support/receiver';
import { createDatabase } from '../../db/database';
import { tenantOf, withTenant } from '../../db/tenant-scope';
import { createServices, type Services } from '../../services';
import type { DeliveryKind } from './kinds';
import { claimDueDeliveries, enqueueDelivery, toDelivery } from './queue';
import { DELIVERY_HEADERS, verifyDeliverySignature } from './signature';
import { retryDelayMs } from './worker';
import { postDelivery } from './webhook-request';
import { withSystem } from '../../db/system-scope';

interface TestPayload {
  label: string;
  /** The kind's target "no longer exists". */
  gone?: boolean;
}

const target = { url: '', secret: 'whsec-first-secret' };
const delivered: Array<{ label: string; tenantId: string; status: number; body: unknown }> = [];
const dead: Array<{ label: string; tenantId: string; lastError: string }> = [];

function testKind(name: string, maxAttempts?: number): DeliveryKind<TestPayload> {
  return {
    name,
    ...(maxAttempts ? { maxAttempts } : {}),
    resolveTarget: async (_trx, delivery) =>
      delivery.payload.gone ? null : { url: `${target.url}/hooks/${name}`, secret: target.secret, headers: { 'x-tenant-header': 'kept' } },
    onDelivered: async (trx, delivery, response) => {
      delivered.push({ label: delivery.payload.label, tenantId: tenantOf(trx), status: response.status, body: response.body });
    },
    onDead: async (trx, delivery, lastError) => {
      dead.push({ label: delivery.payload.label, tenantId: tenantOf(trx), lastError });
    },
  };
}

const webhook = testKind('test.webhook');
const threeTries = testKind('test.webhook.three_tries', 3);

/** Retries come due at once, so flush() drains to the end; retryDelayMs is checked on its own. */
const FAST_RETRIES = { DELIVERIES_RETRY_BASE_MS: '1', DELIVERIES_RETRY_CAP_MS: '1', DELIVERIES_TIMEOUT_MS: '2000' };

describe('delivery worker', () => {
  let services: Services;
  let tenant: TestTenant;
  let other: TestTenant;
  const receiver = new TestReceiver<TestPayload>();

  const enqueue = (payload: TestPayload, options: { tenantId?: string; orderingKey?: string; kind?: DeliveryKind<TestPayload> } = {}) =>
    withTenant(services.db, options.tenantId ?? tenant.tenantId, (trx) =>
      enqueueDelivery(trx, {
        kind: options.kind ?? webhook,
        payload,
        ...(options.orderingKey ? { orderingKey: options.orderingKey } : {}),
      }),
    );
  const stored = (id: string, tenantId = tenant.tenantId) =>
    withTenant(services.db, tenantId, (trx) => trx.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const attemptsOf = (id: string, tenantId = tenant.tenantId) =>
    withTenant(services.db, tenantId, (trx) =>
      trx.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', id).orderBy('id').execute(),
    );
  const labels = (requests: Array<Received<TestPayload>>) => requests.map((request) => request.payload.label);

  beforeAll(async () => {
    target.url = await receiver.start();
    services = await createTestServices(FAST_RETRIES);
    services.deliveries.register(webhook, threeTries);
    tenant = await seedTenant(services);
    other = await seedTenant(services);
  });
  afterAll(async () => {
    await services.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.reset();
    delivered.length = 0;
    dead.length = 0;
    target.secret = 'whsec-first-secret';
  });
  afterEach(async () => {
    // Every test leaves the queue empty, so the next one sees only its own deliveries.
    const pending = await withSystem(services.db, (trx) =>
      trx.selectFrom('deliveries').select('id').where('status', '=', 'pending').execute(),
    );
    expect(pending).toEqual([]);
  });

  it('signs the JSON body with the target secret; the receiver verifies it with verifyDeliverySignature', async () => {
    const { id, eventId } = await enqueue({ label: 'signed' });
    await services.deliveries.flush();
    const [request] = receiver.requests;
    expect(receiver.requests).toHaveLength(1);
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      [DELIVERY_HEADERS.eventId]: eventId,
      [DELIVERY_HEADERS.attempt]: '1',
      'x-tenant-header': 'kept',
    });
    const timestamp = request!.headers[DELIVERY_HEADERS.timestamp] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    const signature = request!.headers[DELIVERY_HEADERS.signature] as string;
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyDeliverySignature({ secret: target.secret, timestamp, body: request!.body, signature, toleranceSeconds: 300 })).toBe(true);
    expect(verifyDeliverySignature({ secret: 'whsec-other', timestamp, body: request!.body, signature, toleranceSeconds: 300 })).toBe(
      false,
    );
    expect(
      verifyDeliverySignature({
        secret: target.secret,
        timestamp,
        body: request!.body.replace('signed', 'forged'),
        signature,
        toleranceSeconds: 300,
      }),
    ).toBe(false);
    expect(
      verifyDeliverySignature({
        secret: target.secret,
        timestamp: Number(timestamp) - 301,
        body: request!.body,
        signature,
        toleranceSeconds: 300,
      }),
    ).toBe(false);
    expect(
      verifyDeliverySignature({ secret: target.secret, timestamp, body: request!.body, signature: 'v1=abc', toleranceSeconds: 300 }),
    ).toBe(false);
    expect(
      verifyDeliverySignature({ secret: target.secret, timestamp: 'yesterday', body: request!.body, signature, toleranceSeconds: 300 }),
    ).toBe(false);
    expect(JSON.parse(request!.body)).toEqual({ label: 'signed' });
    expect(await stored(id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      target_url: `${target.url}/hooks/test.webhook`,
    });
  });

  it('resolves the secret at send time: a secret rotated while the delivery waited signs it', async () => {
    await enqueue({ label: 'rotated' });
    target.secret = 'whsec-rotated-secret';
    await services.deliveries.flush();
    const [request] = receiver.requests;
    const check = (secret: string) =>
      verifyDeliverySignature({
        secret,
        timestamp: request!.headers[DELIVERY_HEADERS.timestamp] as string,
        body: request!.body,
        signature: request!.headers[DELIVERY_HEADERS.signature] as string,
        toleranceSeconds: 60,
      });
    expect(check('whsec-rotated-secret')).toBe(true);
    expect(check('whsec-first-secret')).toBe(false);
  });

  it('retries a receiver that answers 500 twice, then delivers on attempt 3 with the same event id; onDelivered gets the parsed JSON', async () => {
    let calls = 0;
    receiver.reply = () =>
      ++calls <= 2 ? { status: 500, json: { error: 'busy' } } : { status: 200, json: { externalId: 'wamid.42', accepted: true } };
    const { id, eventId } = await enqueue({ label: 'flaky' });
    await services.deliveries.flush();
    expect(
      receiver.requests.map((request) => [request.headers[DELIVERY_HEADERS.eventId], request.headers[DELIVERY_HEADERS.attempt]]),
    ).toEqual([
      [eventId, '1'],
      [eventId, '2'],
      [eventId, '3'],
    ]);
    expect(await stored(id)).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, lease_until: null });
    expect((await stored(id)).delivered_at).toBeInstanceOf(Date);
    const attempts = await attemptsOf(id);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status_code, attempt.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 200, null],
    ]);
    expect(attempts[0]!.response_excerpt).toBe('{"error":"busy"}');
    expect(delivered).toEqual([
      { label: 'flaky', tenantId: tenant.tenantId, status: 200, body: { externalId: 'wamid.42', accepted: true } },
    ]);
    expect(dead).toEqual([]);
  });

  it('tries again, with the same event id, when onDelivered throws: the delivered status commits only with the domain change', async () => {
    const base = testKind('test.webhook.fragile');
    let failures = 1;
    const fragile: DeliveryKind<TestPayload> = {
      ...base,
      onDelivered: async (...args) => {
        if (failures-- > 0) throw new Error('domain write failed');
        await base.onDelivered!(...args);
      },
    };
    const unregister = services.deliveries.register(fragile);
    try {
      const { id, eventId } = await enqueue({ label: 'fragile' }, { kind: fragile });
      await services.deliveries.flush();
      expect(receiver.requests.map((request) => request.headers[DELIVERY_HEADERS.eventId])).toEqual([eventId, eventId]);
      expect((await attemptsOf(id)).map((attempt) => [attempt.status_code, attempt.error])).toEqual([
        [200, 'onDelivered failed: domain write failed'],
        [200, null],
      ]);
      expect(await stored(id)).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(delivered.map((entry) => entry.label)).toEqual(['fragile']);
    } finally {
      unregister();
    }
  });

  it('keeps each ordering key in order while the receiver fails, and one key never blocks another', async () => {
    // Key A fails until all of key B has arrived: B must get through while A is stuck.
    receiver.reply = (request) =>
      request.payload.label.startsWith('A') && labels(receiver.requests).filter((label) => label.startsWith('B')).length < 3
        ? { status: 503 }
        : { status: 204 };
    const queued: Awaited<ReturnType<typeof enqueue>>[] = [];
    for (const label of ['A1', 'B1', 'A2', 'A3', 'B2', 'A4', 'B3', 'A5'])
      queued.push(await enqueue({ label }, { orderingKey: `ticket-${label[0]}` }));
    queued.push(await enqueue({ label: 'C-other-tenant' }, { tenantId: other.tenantId, orderingKey: 'ticket-A' }));
    await services.deliveries.flush();

    const received = labels(receiver.requests);
    const keyA = received.filter((label) => /^A\d$/.test(label));
    const keyB = received.filter((label) => label.startsWith('B'));
    // A1 is tried until it gets through; A2..A5 follow, each once, in order.
    expect(keyA.filter((label) => label !== 'A1')).toEqual(['A2', 'A3', 'A4', 'A5']);
    expect(keyA.lastIndexOf('A1')).toBeLessThan(keyA.indexOf('A2'));
    expect(keyA.filter((label) => label === 'A1').length).toBeGreaterThan(1);
    expect(keyB).toEqual(['B1', 'B2', 'B3']);
    // B, and another tenant's key of the same name, got through while A1 was still failing (its last try is its success).
    expect(received.indexOf('B3')).toBeLessThan(received.lastIndexOf('A1'));
    expect(received.indexOf('C-other-tenant')).toBeLessThan(received.lastIndexOf('A1'));
    const statuses = await withSystem(services.db, (trx) =>
      trx
        .selectFrom('deliveries')
        .select('status')
        .distinct()
        .where(
          'id',
          'in',
          queued.map((delivery) => delivery.id),
        )
        .execute(),
    );
    expect(statuses).toEqual([{ status: 'delivered' }]);
  });

  it('dead after its last try, onDead called; a replay sends it again with the same event id', async () => {
    receiver.reply = () => ({ status: 500 });
    const { id, eventId } = await enqueue({ label: 'doomed' }, { kind: threeTries });
    await services.deliveries.flush();
    expect(receiver.requests).toHaveLength(3);
    expect(await stored(id)).toMatchObject({
      status: 'dead',
      attempts: 3,
      max_attempts: 3,
      last_status_code: 500,
      last_error: 'HTTP 500',
      lease_until: null,
    });
    expect(dead).toEqual([{ label: 'doomed', tenantId: tenant.tenantId, lastError: 'HTTP 500' }]);

    const owner = await ownerCaller(services, tenant);
    receiver.reply = () => ({ status: 200 });
    const replayed = await owner.deliveries.replay({ id });
    expect(replayed).toMatchObject({ id, eventId, status: 'pending', attempts: 0, maxAttempts: 3 });
    await services.deliveries.flush();
    expect(
      receiver.requests.slice(3).map((request) => [request.headers[DELIVERY_HEADERS.eventId], request.headers[DELIVERY_HEADERS.attempt]]),
    ).toEqual([[eventId, '1']]);
    expect(await stored(id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect((await attemptsOf(id)).map((attempt) => attempt.status_code)).toEqual([500, 500, 500, 200]);
    const audit = (await owner.audit.list({ action: 'delivery.replay', entityId: id })).items;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.diff).toMatchObject({ status: { from: 'dead', to: 'pending' }, attempts: { from: 3, to: 0 }, eventId });

    const conflict = await expectTrpcError(owner.deliveries.replay({ id }), 'CONFLICT', 'DELIVERY_NOT_REPLAYABLE');
    expect(conflict.message).toMatch(/já foi entregue/);
  });

  it('410 Gone makes the delivery dead at once', async () => {
    receiver.reply = () => ({ status: 410, json: { error: 'unsubscribed' } });
    const { id } = await enqueue({ label: 'gone-for-good' });
    await services.deliveries.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(await stored(id)).toMatchObject({ status: 'dead', attempts: 1, last_status_code: 410 });
    expect(dead).toEqual([{ label: 'gone-for-good', tenantId: tenant.tenantId, lastError: 'HTTP 410' }]);
  });

  it('cancels a delivery whose target no longer exists, without sending it', async () => {
    const { id } = await enqueue({ label: 'orphan', gone: true });
    await services.deliveries.flush();
    expect(receiver.requests).toEqual([]);
    expect(await stored(id)).toMatchObject({ status: 'cancelled', last_error: 'target no longer exists' });
    expect(await attemptsOf(id)).toEqual([]);
    expect([...delivered, ...dead]).toEqual([]);
  });

  it('sends nothing when the transaction that queued the delivery rolls back', async () => {
    let queuedId = '';
    await expect(
      withTenant(services.db, tenant.tenantId, async (trx) => {
        queuedId = (await enqueueDelivery(trx, { kind: webhook, payload: { label: 'never' } })).id;
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await services.deliveries.flush();
    expect(receiver.requests).toEqual([]);
    expect(await withSystem(services.db, (trx) => trx.selectFrom('deliveries').select('id').where('id', '=', queuedId).execute())).toEqual(
      [],
    );
  });

  it('records timeouts and refused connections as failed tries and retries them', async () => {
    const refusedPort = await freePort();
    const impatient = testKind('test.webhook.impatient', 2);
    const unreachable: DeliveryKind<TestPayload> = {
      ...testKind('test.webhook.unreachable', 2),
      resolveTarget: async () => ({ url: `http://127.0.0.1:${refusedPort}/`, secret: 's' }),
    };
    const worker = await createServices(testConfig({ ...FAST_RETRIES, DELIVERIES_TIMEOUT_MS: '150' }), {
      database: { ...services.database, close: async () => undefined },
      logger: silentLogger(),
    });
    worker.deliveries.register(impatient, unreachable);
    try {
      receiver.reply = () => 'hang';
      const slow = await enqueue({ label: 'slow' }, { kind: impatient });
      const refused = await enqueue({ label: 'refused' }, { kind: unreachable });
      await worker.deliveries.flush();
      expect((await attemptsOf(slow.id)).map((attempt) => attempt.error)).toEqual(['timeout after 150 ms', 'timeout after 150 ms']);
      expect((await attemptsOf(refused.id)).map((attempt) => [attempt.status_code, attempt.error])).toEqual([
        [null, expect.stringContaining('ECONNREFUSED')],
        [null, expect.stringContaining('ECONNREFUSED')],
      ]);
      expect(dead.map((entry) => entry.label).sort()).toEqual(['refused', 'slow']);
    } finally {
      await worker.close();
    }
  });

  it('sends a delivery again, with the same event id, once the lease of a worker that died mid-send expires', async () => {
    const { id, eventId } = await enqueue({ label: 'orphaned-claim' });
    // A worker claims it and sends it, then its process dies before recording anything.
    const [claimed, ...more] = await claimDueDeliveries(services.db, { limit: 10, leaseMs: 600 });
    expect(more).toEqual([]);
    expect(claimed!.id).toBe(id);
    await postDelivery(
      toDelivery(claimed!),
      { url: `${target.url}/hooks/crashed`, secret: target.secret },
      { timeoutMs: 1000, guard: services.outboundGuard },
    );

    await services.deliveries.flush();
    expect(receiver.requests).toHaveLength(1); // the lease still holds: nobody else sends it
    await new Promise((resolve) => setTimeout(resolve, 650));
    await services.deliveries.flush();
    expect(
      receiver.requests.map((request) => [request.headers[DELIVERY_HEADERS.eventId], request.headers[DELIVERY_HEADERS.attempt]]),
    ).toEqual([
      [eventId, '1'],
      [eventId, '2'],
    ]);
    expect(await stored(id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('two workers on one database send each delivery exactly once', async () => {
    const sibling = await createSiblingServices(services, FAST_RETRIES);
    sibling.deliveries.register(webhook, threeTries);
    try {
      receiver.reply = () => ({ status: 200 });
      const queued: Awaited<ReturnType<typeof enqueue>>[] = [];
      for (let index = 0; index < 30; index += 1) {
        const orderingKey = index % 3 === 0 ? `key-${index % 2}` : undefined;
        queued.push(
          await enqueue(
            { label: `both-${index}` },
            { tenantId: index % 2 ? tenant.tenantId : other.tenantId, ...(orderingKey ? { orderingKey } : {}) },
          ),
        );
      }
      await Promise.all([services.deliveries.flush(), sibling.deliveries.flush(), services.deliveries.flush(), sibling.deliveries.flush()]);
      const eventIds = receiver.requests.map((request) => request.headers[DELIVERY_HEADERS.eventId]);
      expect(eventIds).toHaveLength(30);
      expect(new Set(eventIds)).toEqual(new Set(queued.map((delivery) => delivery.eventId)));
      const attempts = await withSystem(services.db, (trx) =>
        trx
          .selectFrom('delivery_attempts')
          .select('delivery_id')
          .where(
            'delivery_id',
            'in',
            queued.map((delivery) => delivery.id),
          )
          .execute(),
      );
      expect(attempts).toHaveLength(30);
    } finally {
      await sibling.close();
    }
  });

  it('a started worker sends right after the commit, without waiting for its poll, and stop() waits for the send in flight', async () => {
    const started = await createSiblingServices(services, { ...FAST_RETRIES, DELIVERIES_POLL_INTERVAL_MS: '600000' });
    started.deliveries.register(webhook);
    let answer = () => undefined as void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    receiver.reply = async () => {
      await answered;
      return { status: 200 };
    };
    await started.deliveries.start();
    const { id } = await enqueue({ label: 'woken' });
    for (const deadline = Date.now() + 2_000; receiver.requests.length === 0 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(labels(receiver.requests)).toEqual(['woken']);

    let stopped = false;
    const stopping = started.close().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    answer();
    await stopping;
    expect(await stored(id)).toMatchObject({ status: 'delivered', attempts: 1, lease_until: null });
  });
});

describe('retry schedule', () => {
  it('waits a uniform share of base·2^(attempt−1), capped', () => {
    const policy = { baseMs: 2000, capMs: 300_000 };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, policy, () => 0.999999))).toEqual([1999, 3999, 7999, 15999]);
    expect(retryDelayMs(12, policy, () => 0.5)).toBe(150_000);
    expect(retryDelayMs(60, policy, () => 0.5)).toBe(150_000);
    expect(retryDelayMs(5, policy, () => 0)).toBe(0);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
const serverUrl = process.env.TEST_DATABASE_URL;

// Two instances need a shared Postgres server and Redis; PGlite is single-process.
describe.runIf(Boolean(redisUrl && serverUrl))('deliveries across instances on one Postgres and one Redis', () => {
  it('a delivery queued on an instance that does not send is sent at once by another, woken through Redis', async () => {
    const receiver = new TestReceiver<TestPayload>();
    target.url = await receiver.start();
    const shared = await createTestDatabase();
    // The safety-net poll is pushed out of the way: the wake-up must come through Redis.
    const config = testConfig({ ...FAST_RETRIES, REDIS_URL: redisUrl!, DELIVERIES_POLL_INTERVAL_MS: '600000' });
    const queueing = await createServices(config, { database: shared, logger: silentLogger() });
    const sending = await createServices(config, {
      database: await createDatabase({ kind: 'postgres', url: shared.url!, poolSize: 5 }),
      logger: silentLogger(),
    });
    sending.deliveries.register(webhook);
    try {
      await sending.deliveries.start();
      const tenant = await seedTenant(queueing);
      const { eventId } = await withTenant(queueing.db, tenant.tenantId, (trx) =>
        enqueueDelivery(trx, { kind: webhook, payload: { label: 'across' } }),
      );
      // Sent long before the next poll (10 min away): only the wake-up through Redis can have sent it.
      for (const deadline = Date.now() + 20_000; receiver.requests.length === 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(receiver.requests.map((request) => request.headers[DELIVERY_HEADERS.eventId])).toEqual([eventId]);
    } finally {
      await sending.close();
      await queueing.close();
      await receiver.close();
    }
  });
});
