import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { TestReceiver } from '../../../test/support/receiver';
import { withTenant } from '../../db/tenant-scope';
import type { Services } from '../../services';
import type { DeliveryKind } from './kinds';
import { enqueueDelivery } from './queue';

interface Payload {
  url: string;
}

const dead: Array<{ url: string; lastError: string; body: unknown }> = [];
const delivered: string[] = [];

/** A webhook kind whose target is whatever URL the payload names (as a tenant's saved URL would be). */
const toSavedUrl: DeliveryKind<Payload> = {
  name: 'test.outbound_guard',
  maxAttempts: 1,
  resolveTarget: async (_trx, delivery) => ({ url: delivery.payload.url, secret: 'whsec-guard' }),
  onDelivered: async (_trx, delivery) => {
    delivered.push(delivery.payload.url);
  },
  onDead: async (_trx, delivery, lastError, last) => {
    dead.push({ url: delivery.payload.url, lastError, body: last.body });
  },
};

/**
 * The send-time check in production mode: a URL saved before blocking was on, or a name whose
 * address changed since it was saved, never reaches an internal address.
 */
describe('delivery worker with the outbound address guard', () => {
  let services: Services;
  let tenant: TestTenant;
  /** Stands in for an internal service the operator did not allow. */
  const internal = new TestReceiver();
  /** Stands in for an internal n8n the operator allowed (OUTBOUND_ALLOWED_HOSTS=127.0.0.1:<its port>). */
  const allowed = new TestReceiver();
  let internalPort = '';
  let allowedUrl = '';

  const send = async (url: string) => {
    const { id } = await withTenant(services.db, tenant.tenantId, (trx) => enqueueDelivery(trx, { kind: toSavedUrl, payload: { url } }));
    await services.deliveries.flush();
    return withTenant(services.db, tenant.tenantId, async (trx) => ({
      delivery: await trx.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      attempts: await trx.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', id).execute(),
    }));
  };

  beforeAll(async () => {
    internalPort = new URL(await internal.start()).port;
    allowedUrl = await allowed.start();
    services = await createTestServices({
      OUTBOUND_BLOCK_PRIVATE: 'true',
      OUTBOUND_ALLOWED_HOSTS: `127.0.0.1:${new URL(allowedUrl).port}`,
      DELIVERIES_TIMEOUT_MS: '2000',
    });
    services.deliveries.register(toSavedUrl);
    tenant = await seedTenant(services);
  });
  afterAll(async () => {
    await services.close();
    await Promise.all([internal.close(), allowed.close()]);
  });
  beforeEach(() => {
    internal.reset();
    allowed.reset();
    internal.reply = () => ({ status: 200, json: { secret: 'internal data' } });
    dead.length = 0;
    delivered.length = 0;
  });

  it('refuses a host that resolves to loopback, records the reason without a body, and sends nothing', async () => {
    for (const url of [
      `http://localhost:${internalPort}/hook`,
      `http://127.0.0.1:${internalPort}/hook`,
      `http://[::ffff:127.0.0.1]:${internalPort}/`,
    ]) {
      const { delivery, attempts } = await send(url);
      expect(delivery, url).toMatchObject({ status: 'dead', last_status_code: null });
      expect(delivery.last_error).toMatch(/^target refused: .* is a loopback address and is not allowed$/);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ status_code: null, response_excerpt: null, target_url: url });
      expect(attempts[0]!.error).toBe(delivery.last_error);
    }
    // The kind's onDead sees the reason and no response body either.
    expect(dead.map((entry) => entry.body)).toEqual([undefined, undefined, undefined]);
    expect(dead.every((entry) => entry.lastError.startsWith('target refused: '))).toBe(true);
    expect(internal.requests).toHaveLength(0);
    expect(delivered).toEqual([]);
  });

  it('refuses the cloud metadata address', async () => {
    const { delivery, attempts } = await send('http://169.254.169.254/latest/meta-data/');
    expect(delivery.status).toBe('dead');
    expect(attempts[0]!.error).toBe('target refused: 169.254.169.254 is a link-local address and is not allowed');
  });

  it('delivers to an allowed internal host', async () => {
    const { delivery } = await send(`${allowedUrl}/n8n`);
    expect(delivery.status).toBe('delivered');
    expect(allowed.requests.map((request) => request.url)).toEqual(['/n8n']);
  });

  it('does not follow a redirect, not even to an address it would refuse', async () => {
    allowed.reply = () => ({ status: 307, headers: { location: `http://127.0.0.1:${internalPort}/secret` } });
    const { delivery, attempts } = await send(`${allowedUrl}/n8n`);
    expect(delivery).toMatchObject({ status: 'dead', last_status_code: 307, last_error: 'HTTP 307' });
    expect(attempts).toHaveLength(1);
    expect(allowed.requests).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);
  });
});
