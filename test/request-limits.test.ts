import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './support/app';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const PER_IP = 3;
const PER_CREDENTIAL = 2;
const WINDOW_SECONDS = 60;

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn('[tests] TEST_REDIS_URL is not set: skipping the Redis-backed request limit tests');

describe.each([{ store: 'memory', env: {} }, ...(redisUrl ? [{ store: 'redis', env: { REDIS_URL: redisUrl } }] : [])])(
  'request limits on the webhooks and the external API ($store)',
  ({ env }) => {
    let app: RunningTestApp;
    // Redis outlives the run: random addresses and credentials keep earlier runs' counters out.
    const nextAddress = () => `10.${[...randomBytes(3)].join('.')}`;
    const post = (path: string, options: { from: string; headers?: Record<string, string>; body?: unknown }) =>
      fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': options.from, ...options.headers },
        body: JSON.stringify(options.body ?? {}),
      });

    async function expectRateLimited(response: Response) {
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(await response.json()).toEqual({
        error: 'RATE_LIMITED',
        message: expect.stringContaining(`${retryAfter} s`),
        details: { retryAfterSeconds: retryAfter },
      });
    }

    beforeAll(async () => {
      app = await startTestApp({
        ...env,
        TRUST_PROXY: '1',
        REQUEST_LIMITS_WINDOW_SECONDS: String(WINDOW_SECONDS),
        WEBHOOKS_MAX_REQUESTS_PER_IP: String(PER_IP),
        WEBHOOKS_MAX_REQUESTS_PER_CREDENTIAL: String(PER_CREDENTIAL),
        EXTERNAL_API_MAX_REQUESTS_PER_IP: String(PER_IP),
        EXTERNAL_API_MAX_REQUESTS_PER_TOKEN: String(PER_CREDENTIAL),
      });
    });
    afterAll(() => app.stop());

    describe('external API', () => {
      const send = (token: string, from: string) =>
        post(`/v1/api/external/${randomUUID()}`, {
          from,
          headers: { authorization: `Bearer ${token}` },
          body: { number: '5511999990000', body: 'oi' },
        });

      it('limits one token, whatever address it comes from, and only that token', async () => {
        const token = `bal_${randomUUID()}`;
        for (let call = 0; call < PER_CREDENTIAL; call += 1) expect((await send(token, nextAddress())).status).not.toBe(429);
        await expectRateLimited(await send(token, nextAddress()));
        expect((await send(`bal_${randomUUID()}`, nextAddress())).status).toBe(401);
      });

      it('limits one address, whatever tokens it presents', async () => {
        const address = nextAddress();
        for (let call = 0; call < PER_IP; call += 1) expect((await send(`bal_${randomUUID()}`, address)).status).not.toBe(429);
        await expectRateLimited(await send(`bal_${randomUUID()}`, address));
        const status = await fetch(`${app.url}/v1/api/external/${randomUUID()}/messages/${randomUUID()}`, {
          headers: { authorization: `Bearer bal_${randomUUID()}`, 'x-forwarded-for': address },
        });
        await expectRateLimited(status);
      });
    });

    describe('helpdesk webhooks', () => {
      it('limits one channel, whatever address calls it, and only that channel', async () => {
        const channel = randomUUID();
        const path = `/api/v1/webhooks/n8n/channels/${channel}/messages`;
        for (let call = 0; call < PER_CREDENTIAL; call += 1) expect((await post(path, { from: nextAddress() })).status).not.toBe(429);
        await expectRateLimited(await post(`/api/v1/webhooks/n8n/channels/${channel}/statuses`, { from: nextAddress() }));
        expect((await post(`/api/v1/webhooks/n8n/channels/${randomUUID()}/messages`, { from: nextAddress() })).status).not.toBe(429);
      });

      it('limits one address, whatever channels it calls', async () => {
        const address = nextAddress();
        for (let call = 0; call < PER_IP; call += 1)
          expect((await post(`/api/v1/webhooks/whatsapp/channels/${randomUUID()}`, { from: address })).status).not.toBe(429);
        await expectRateLimited(await post(`/api/v1/webhooks/n8n/channels/${randomUUID()}/messages`, { from: address }));
      });
    });

    describe('agenda webhooks', () => {
      it("limits one tenant's webhook, whatever address calls it", async () => {
        const body = { tenant_id: randomUUID(), phone: '5511999990000', message: 'oi' };
        const path = '/api/v1/webhooks/n8n/message-received';
        for (let call = 0; call < PER_CREDENTIAL; call += 1)
          expect((await post(path, { from: nextAddress(), headers: { 'x-webhook-secret': 'wrong' }, body })).status).not.toBe(429);
        await expectRateLimited(await post(path, { from: nextAddress(), headers: { 'x-webhook-secret': 'wrong' }, body }));
      });

      it('limits one API token on the automations', async () => {
        const headers = { authorization: `Bearer bal_${randomUUID()}` };
        for (let call = 0; call < PER_CREDENTIAL; call += 1)
          expect((await post('/api/v1/automations/prazo-certo/execute', { from: nextAddress(), headers })).status).toBe(401);
        await expectRateLimited(await post('/api/v1/automations/encher-agenda/execute', { from: nextAddress(), headers }));
      });
    });
  },
);
