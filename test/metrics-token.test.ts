import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './support/app';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const METRICS_TOKEN = 'metrics-token-long-enough-1234';

describe('/metrics behind METRICS_TOKEN', () => {
  let app: RunningTestApp;
  beforeAll(async () => {
    app = await startTestApp({ METRICS_TOKEN });
  });
  afterAll(() => app.stop());

  const metrics = (authorization?: string) => fetch(`${app.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it('answers 401 without the token, with a wrong one, or with the token in another scheme', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${METRICS_TOKEN}x`, `Basic ${METRICS_TOKEN}`]) {
      const response = await metrics(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({ error: 'UNAUTHORIZED', details: {} });
    }
  });

  it('serves Prometheus text with the token', async () => {
    const response = await metrics(`Bearer ${METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('balcao_event_backlog');
  });

  it('refuses a token too short to be one', async () => {
    const { loadConfig } = await import('../src/config');
    expect(() =>
      loadConfig({
        NODE_ENV: 'test',
        METRICS_TOKEN: 'short',
        DATA_DIR: '/tmp/balcao-metrics-token-test',
        JWT_SECRET: 'x'.repeat(32),
        SECRETS_KEY: 'y'.repeat(32),
      }),
    ).toThrow(/METRICS_TOKEN/);
  });
});
