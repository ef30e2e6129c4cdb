import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap';
import { capturingLogger, httpClient, login, seedTenant, startTestApp, type TestTenant } from './support/app';
import { recordEvents } from './support/subscriptions';

describe('operations', () => {
  let app: RunningApp & { url: string };
  let tenant: TestTenant;
  const { logger, lines } = capturingLogger('info');

  beforeAll(async () => {
    app = await startTestApp({}, { logger });
    tenant = await seedTenant(app.services);
  });
  afterAll(() => app.stop());

  it('answers /health and /ready with JSON', async () => {
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', instanceId: app.services.instanceId });
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true } } });
  });

  it('logs JSON lines that carry the request id, echoed to the caller', async () => {
    const response = await fetch(`${app.url}/api/v1/auth/whoami`, { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    const generated = (await fetch(`${app.url}/ready`)).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const requestLine = lines.find((line) => line.requestId === 'trace-abc-123' && line.msg === 'request completed');
    expect(requestLine).toMatchObject({ level: 40, res: { statusCode: 401 } });
  });

  it('exports Prometheus metrics per procedure and route, for the event bus and jobs', async () => {
    const session = await login(app.url, tenant);
    await httpClient(app.url, () => session.accessToken).users.list.query();
    await httpClient(app.url)
      .auth.me.query()
      .catch(() => undefined);
    await httpClient(app.url, () => session.accessToken).users.create.mutate({
      email: 'metrics@x.test',
      name: 'M',
      password: 'password123',
      role: 'viewer',
    });
    await app.services.hub.flush();
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/balcao_trpc_procedure_duration_seconds_count\{procedure="users\.list",type="query",outcome="ok"\} 1/);
    expect(metrics).toMatch(/balcao_trpc_procedure_errors_total\{procedure="auth\.me",code="UNAUTHORIZED"\} 1/);
    expect(metrics).toMatch(/balcao_http_request_duration_seconds_count\{method="GET",route="\/ready",status="200"\}/);
    expect(metrics).toMatch(/balcao_event_bus_lag_seconds_count [1-9]/);
    expect(metrics).toContain('balcao_event_backlog 0');
    expect(metrics).toContain('# TYPE balcao_job_runs_total counter');
    expect(metrics).toContain('balcao_websocket_connections');
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, tells WebSocket clients to reconnect and closes', async () => {
    const app = await startTestApp();
    const tenant = await seedTenant(app.services);
    const session = await login(app.url, tenant);
    const feed = recordEvents(app.url, () => session.accessToken);
    await feed.started;
    const received = new Promise((resolve) => app.http.server.once('request', resolve));
    const inFlight = login(app.url, tenant); // password hashing keeps it busy while we stop
    await received;
    const stopping = app.stop();
    expect((await inFlight).accessToken).toBeTruthy();
    await stopping;
    await expect(fetch(`${app.url}/health`)).rejects.toThrow();
    await feed.close();
  });
});
