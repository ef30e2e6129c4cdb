import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { withTenant } from '../../db/tenant-scope';
import type { Services } from '../services';
import type { DeliveryFailure, DeliverySendResult, TransportDeliveryKind, TransportTarget } from './kinds';
import { enqueueDelivery } from './queue';

interface ApiPayload {
  label: string;
  gone?: boolean;
}

/** What a kind resolves in the tenant and keeps in memory for the try: here a token that must never be stored. */
interface ApiTarget extends TransportTarget {
  token: string;
}

const TOKEN = 'tok_never-stored-anywhere-0123456789';
const FAST_RETRIES = {
  DELIVERIES_RETRY_BASE_MS: '1',
  DELIVERIES_RETRY_CAP_MS: '1',
  DELIVERIES_TIMEOUT_MS: '2000',
  DELIVERIES_MAX_ATTEMPTS: '4',
};

describe('delivery worker: a kind with its own transport', () => {
  let services: Services;
  let tenant: TestTenant;
  /** Each try's answer, by label; the default takes it. */
  let answer: (payload: ApiPayload, attempt: number) => DeliverySendResult | Promise<DeliverySendResult>;
  const sends: Array<{ label: string; attempt: number; token: string; url: string; timeoutMs: number }> = [];
  const delivered: Array<{ label: string; status: number; body: unknown }> = [];
  const dead: Array<{ label: string; lastError: string; last: DeliveryFailure }> = [];

  const api: TransportDeliveryKind<ApiPayload, ApiTarget> = {
    name: 'test.transport',
    resolveTarget: async (_trx, delivery) =>
      delivery.payload.gone ? null : { url: `https://api.example/messages/${delivery.payload.label}`, token: TOKEN },
    send: async (delivery, target, context) => {
      sends.push({
        label: delivery.payload.label,
        attempt: delivery.attempt,
        token: target.token,
        url: target.url,
        timeoutMs: context.timeoutMs,
      });
      return answer(delivery.payload, delivery.attempt);
    },
    onDelivered: async (_trx, delivery, response) =>
      void delivered.push({ label: delivery.payload.label, status: response.status, body: response.body }),
    onDead: async (_trx, delivery, lastError, last) => void dead.push({ label: delivery.payload.label, lastError, last }),
  };

  const enqueue = (payload: ApiPayload, orderingKey?: string) =>
    withTenant(services.db, tenant.tenantId, (trx) =>
      enqueueDelivery(trx, { kind: api, payload, ...(orderingKey ? { orderingKey } : {}) }),
    );
  const stored = (id: string) =>
    withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
  const attemptsOf = (id: string) =>
    withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', id).orderBy('id').execute(),
    );

  beforeAll(async () => {
    services = await createTestServices(FAST_RETRIES);
    services.deliveries.register(api);
    tenant = await seedTenant(services);
  });
  afterAll(() => services.close());
  beforeEach(() => {
    answer = () => ({ statusCode: 200, error: null, responseBody: { id: 'remote-1' }, responseExcerpt: '{"id":"remote-1"}' });
    sends.length = 0;
    delivered.length = 0;
    dead.length = 0;
  });

  it('sends through the kind instead of a POST, with what resolveTarget found, and records the try like a POST', async () => {
    const { id } = await enqueue({ label: 'ok' });
    await services.deliveries.flush();
    expect(sends).toEqual([{ label: 'ok', attempt: 1, token: TOKEN, url: 'https://api.example/messages/ok', timeoutMs: 2000 }]);
    expect(delivered).toEqual([{ label: 'ok', status: 200, body: { id: 'remote-1' } }]);
    expect(await stored(id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
      target_url: 'https://api.example/messages/ok',
    });
    const attempts = await attemptsOf(id);
    expect(attempts).toMatchObject([
      { attempt: 1, status_code: 200, error: null, response_excerpt: '{"id":"remote-1"}', target_url: 'https://api.example/messages/ok' },
    ]);
    expect(JSON.stringify([await stored(id), attempts])).not.toContain(TOKEN);
  });

  it('retries a failure, and a transport that throws, like a failed POST', async () => {
    answer = (_payload, attempt) => {
      if (attempt === 1) return { statusCode: 503, error: 'HTTP 503', responseExcerpt: 'busy' };
      if (attempt === 2) throw new Error('socket hang up');
      return { statusCode: 200, error: null };
    };
    const { id } = await enqueue({ label: 'flaky' });
    await services.deliveries.flush();
    expect((await attemptsOf(id)).map((attempt) => [attempt.status_code, attempt.error, attempt.response_excerpt])).toEqual([
      [503, 'HTTP 503', 'busy'],
      [null, 'socket hang up', null],
      [200, null, null],
    ]);
    expect(await stored(id)).toMatchObject({ status: 'delivered', attempts: 3 });
  });

  it('a permanent failure is dead at once: onDead hears the error and the last answer', async () => {
    answer = () => ({ statusCode: 401, error: 'token revoked', permanent: true, responseBody: { code: 190 } });
    const { id } = await enqueue({ label: 'revoked' });
    await services.deliveries.flush();
    expect(sends).toHaveLength(1);
    expect(await stored(id)).toMatchObject({ status: 'dead', attempts: 1, last_error: 'token revoked', last_status_code: 401 });
    expect(dead).toEqual([{ label: 'revoked', lastError: 'token revoked', last: { statusCode: 401, body: { code: 190 } } }]);
  });

  it('a failure that is not permanent is dead only after the last try', async () => {
    answer = () => ({ statusCode: 500, error: 'HTTP 500' });
    const { id } = await enqueue({ label: 'down' });
    await services.deliveries.flush();
    expect(sends).toHaveLength(4);
    expect(await stored(id)).toMatchObject({ status: 'dead', attempts: 4 });
    expect(dead.map((entry) => entry.label)).toEqual(['down']);
  });

  it('keeps one ordering key in order while its first delivery is retried', async () => {
    let failures = 2;
    answer = (payload) =>
      payload.label === 'k1' && failures-- > 0 ? { statusCode: 500, error: 'HTTP 500' } : { statusCode: 200, error: null };
    for (const label of ['k1', 'k2', 'k3']) await enqueue({ label }, 'ticket-1');
    await services.deliveries.flush();
    expect(sends.map((send) => send.label)).toEqual(['k1', 'k1', 'k1', 'k2', 'k3']);
  });

  it('a target that no longer exists cancels the delivery without sending', async () => {
    const { id } = await enqueue({ label: 'gone', gone: true });
    await services.deliveries.flush();
    expect(sends).toEqual([]);
    expect(await stored(id)).toMatchObject({ status: 'cancelled' });
  });
});
