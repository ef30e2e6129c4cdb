import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApp } from '../src/bootstrap';
import { withTenant } from '../src/db/tenant-scope';
import { digestSecret } from '../src/platform/auth/opaque-tokens';
import { appRouter } from '../src/trpc/app-router';
import { createInnerContext } from '../src/trpc/context';
import { createCallerFactory } from '../src/trpc/init';
import type { Services } from '../src/platform/services';
import type { AppRouter } from '../src/trpc/app-router';
import { httpClient, login, seedTenant, startTestApp, wsClient, type TestTenant } from './support/app';
import { startTwoInstances, twoInstancesAvailable } from './support/instances';
import { expectTrpcError, ownerCaller, rawRequest, trpcError, type Caller } from './support/identity';
import { TEST_KIOSK } from './support/devices';

const DEVICE_TOKEN = /^bdev_[a-z2-9]{10}_[A-Za-z0-9_-]{40}$/;

function enroll(url: string, body: unknown, options: { query?: string; headers?: Record<string, string> } = {}) {
  return rawRequest(`${url}/api/v1/devices/enroll${options.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function createAndEnroll(url: string, owner: Caller, name = 'Totem recepção') {
  const created = await owner.devices.create({ kind: TEST_KIOSK.key, name, scopes: ['events.read'], resource: 'unit-1' });
  const enrolled = await enroll(url, { code: created.enrollmentCode });
  expect(enrolled.status).toBe(201);
  return { created, ...(enrolled.json as { deviceId: string; token: string }) };
}

/** Subscribes to device.events over a real WebSocket with the device's token. */
function deviceSubscription(url: string, token: string) {
  const closeCodes: number[] = [];
  const client = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token }),
    retryDelayMs: () => 100,
    onClose: (cause) => closeCodes.push(cause?.code ?? 0),
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client })] });
  const events: Array<{ type: string }> = [];
  const errors: Array<{ data?: { code?: string; reason?: string | null } | undefined }> = [];
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const subscription = trpc.device.events.subscribe(
    {},
    {
      onStarted: () => markStarted(),
      onData: (tracked) => events.push(tracked.data),
      onError: (error) => errors.push(error as never),
    },
  );
  const waitFor = async <T>(probe: () => T | undefined, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    events,
    errors,
    closeCodes,
    started,
    waitForError: (timeoutMs: number) => waitFor(() => errors[0], timeoutMs),
    waitForClose: (code: number, timeoutMs: number) => waitFor(() => (closeCodes.includes(code) ? code : undefined), timeoutMs),
    waitForEvents: (count: number, timeoutMs: number) => waitFor(() => (events.length >= count ? events : undefined), timeoutMs),
    close: async () => {
      subscription.unsubscribe();
      await client.close();
    },
  };
}

describe('devices', () => {
  let app: RunningApp & { url: string };
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;

  beforeAll(async () => {
    app = await startTestApp({ DEVICE_ENROLL_MAX_ATTEMPTS_PER_IP: '100000' });
    services = app.services;
    services.devices.kinds.register(TEST_KIOSK);
    tenant = await seedTenant(services);
    owner = await ownerCaller(services, tenant);
  });
  afterAll(() => app.stop());

  it('create → enroll → me, on REST and on tRPC; the token is stored only as a digest', async () => {
    const created = await owner.devices.create({ kind: 'test-kiosk', name: 'Totem 1', scopes: ['events.read'], resource: 'unit-1' });
    expect(created.enrollmentCode).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    const ttl = new Date(created.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    expect(created.enrollUrl).toBe(`${services.config.publicUrl}/api/v1/devices/enroll?code=${created.enrollmentCode}`);
    expect(created.device).toMatchObject({ status: 'pending', kind: 'test-kiosk', resourceId: 'unit-1' });

    const enrolled = await enroll(
      app.url,
      { code: created.enrollmentCode.toLowerCase(), name: 'Totem da entrada', fingerprint: 'hw-123' },
      { headers: { 'user-agent': 'kiosk/1.0' } },
    );
    expect(enrolled.status).toBe(201);
    const { deviceId, token } = enrolled.json as { deviceId: string; token: string };
    expect(deviceId).toBe(created.id);
    expect(token).toMatch(DEVICE_TOKEN);

    const stored = await withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('devices').selectAll().where('id', '=', deviceId).executeTakeFirstOrThrow(),
    );
    expect(stored.token_hash).toBe(digestSecret(token));
    expect(JSON.stringify(stored)).not.toContain(token.split('_')[2]);
    const enrollment = await withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('device_enrollments').selectAll().where('device_id', '=', deviceId).executeTakeFirstOrThrow(),
    );
    expect(enrollment.code_hash).not.toContain(created.enrollmentCode);

    const me = await rawRequest(`${app.url}/api/v1/devices/me`, { token, headers: { 'user-agent': 'kiosk/1.1' } });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({
      deviceId,
      tenantId: tenant.tenantId,
      kind: 'test-kiosk',
      name: 'Totem da entrada',
      scopes: ['events.read'],
      resourceId: 'unit-1',
    });
    const seen = (await owner.devices.list()).find((device) => device.id === deviceId)!;
    expect(seen.lastUserAgent).toBe('kiosk/1.1'); // a new user agent is written at once
    // The header the kind names carries the token too.
    expect((await rawRequest(`${app.url}/api/v1/devices/me`, { headers: { 'x-agent-token': token } })).json).toMatchObject({ deviceId });
    expect(await httpClient(app.url, () => token).device.me.query()).toMatchObject({ deviceId, tenantId: tenant.tenantId });

    const listed = (await owner.devices.list()).find((device) => device.id === deviceId)!;
    expect(listed).toMatchObject({
      status: 'active',
      name: 'Totem da entrada',
      fingerprint: 'hw-123',
      lastIp: expect.any(String),
      enrollmentExpiresAt: null,
    });
    expect(listed.lastSeenAt).not.toBeNull();
    expect(JSON.stringify(await owner.devices.list())).not.toContain(token);

    const actions = await withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('audit_log').select(['action', 'actor_type']).where('entity_id', '=', deviceId).orderBy('id').execute(),
    );
    expect(actions).toEqual([
      { action: 'devices.create', actor_type: 'user' },
      { action: 'devices.enroll', actor_type: 'device' },
    ]);
  });

  it('checks tokens arriving together each on its own: the revoked, the forged and the other tenant’s stay refused', async () => {
    const fleet = await Promise.all(Array.from({ length: 4 }, (_, i) => createAndEnroll(app.url, owner, `Totem lote ${i}`)));
    const other = await seedTenant(services);
    const stranger = await createAndEnroll(app.url, await ownerCaller(services, other), 'Totem de outro');
    await owner.devices.revoke({ id: fleet[3]!.deviceId });
    const forged = `${fleet[0]!.token.slice(0, -4)}AAAA`;
    const presented = [...fleet.map((device) => device.token), forged, stranger.token, fleet[1]!.token, 'bdev_nothing'];
    const answers = await Promise.all(
      presented.map((token) => services.devices.authenticator.authenticate(token, { ip: '10.0.0.9', userAgent: 'lote/1' })),
    );
    expect(answers.map((principal) => principal && { deviceId: principal.deviceId, tenantId: principal.tenantId })).toEqual([
      { deviceId: fleet[0]!.deviceId, tenantId: tenant.tenantId },
      { deviceId: fleet[1]!.deviceId, tenantId: tenant.tenantId },
      { deviceId: fleet[2]!.deviceId, tenantId: tenant.tenantId },
      null,
      null,
      { deviceId: stranger.deviceId, tenantId: other.tenantId },
      { deviceId: fleet[1]!.deviceId, tenantId: tenant.tenantId },
      null,
    ]);
    const listed = await owner.devices.list();
    for (const device of fleet.slice(0, 3))
      expect(listed.find((entry) => entry.id === device.deviceId)).toMatchObject({ lastIp: '10.0.0.9', lastUserAgent: 'lote/1' });
    expect(listed.find((entry) => entry.id === fleet[3]!.deviceId)?.lastUserAgent).not.toBe('lote/1');
  });

  it('the code works once, from the body or from the QR URL query', async () => {
    const created = await owner.devices.create({ kind: 'test-kiosk', name: 'Totem 2', scopes: [], resource: 'unit-2' });
    const first = await enroll(app.url, '', { query: `?code=${created.enrollmentCode}` });
    expect(first.status).toBe(201);
    const again = await enroll(app.url, { code: created.enrollmentCode });
    expect(again.status).toBe(401);
    expect(again.json).toEqual({ error: 'ENROLLMENT_INVALID', message: expect.any(String), details: {} });
  });

  it('two enrollments racing with one code: one token', async () => {
    const created = await owner.devices.create({ kind: 'test-kiosk', name: 'Totem corrida', scopes: [], resource: 'unit-2' });
    const results = await Promise.all(Array.from({ length: 5 }, () => enroll(app.url, { code: created.enrollmentCode })));
    expect(results.map((result) => result.status).sort()).toEqual([201, 401, 401, 401, 401]);
  });

  it('an expired, unknown or revoked code gets 401 ENROLLMENT_INVALID', async () => {
    const expired = await owner.devices.create({ kind: 'test-kiosk', name: 'Totem velho', scopes: [], resource: 'unit-3' });
    await withTenant(services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('device_enrollments')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('device_id', '=', expired.id)
        .execute(),
    );
    expect((await owner.devices.list()).find((device) => device.id === expired.id)?.status).toBe('expired');
    const late = await enroll(app.url, { code: expired.enrollmentCode });
    expect(late.status).toBe(401);
    expect((late.json as { error: string }).error).toBe('ENROLLMENT_INVALID');

    expect(((await enroll(app.url, { code: 'ABCD2345' })).json as { error: string }).error).toBe('ENROLLMENT_INVALID');

    const revoked = await owner.devices.create({ kind: 'test-kiosk', name: 'Totem revogado', scopes: [], resource: 'unit-3' });
    await owner.devices.revoke({ id: revoked.id });
    const refused = await enroll(app.url, { code: revoked.enrollmentCode });
    expect(refused.status).toBe(401);
    expect((refused.json as { error: string }).error).toBe('ENROLLMENT_INVALID');
  });

  it('renews the code of a device never enrolled: the old code dies, the new one enrolls once', async () => {
    const created = await owner.devices.create({ kind: 'test-kiosk', name: 'Totem sem código', scopes: [], resource: 'unit-4' });
    await withTenant(services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('device_enrollments')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('device_id', '=', created.id)
        .execute(),
    );
    const renewed = await owner.devices.renewEnrollment({ id: created.id });
    expect(renewed).toMatchObject({ id: created.id, device: { status: 'pending' } });
    expect(renewed.enrollmentCode).not.toBe(created.enrollmentCode);
    const again = await owner.devices.renewEnrollment({ id: created.id });
    expect((await enroll(app.url, { code: renewed.enrollmentCode })).status).toBe(401);
    expect((await enroll(app.url, { code: again.enrollmentCode })).status).toBe(201);
    await expectTrpcError(owner.devices.renewEnrollment({ id: created.id }), 'CONFLICT', 'DEVICE_ALREADY_ENROLLED');
    await owner.devices.revoke({ id: created.id });
    await expectTrpcError(owner.devices.renewEnrollment({ id: created.id }), 'CONFLICT', 'DEVICE_REVOKED');
  });

  it('revoke: the next REST and tRPC call gets 401, and the revocation is audited', async () => {
    const { deviceId, token } = await createAndEnroll(app.url, owner);
    const client = httpClient(app.url, () => token);
    expect((await client.device.me.query()).deviceId).toBe(deviceId);
    const revoked = await owner.devices.revoke({ id: deviceId });
    expect(revoked.status).toBe('revoked');
    const rest = await rawRequest(`${app.url}/api/v1/devices/me`, { token });
    expect(rest.status).toBe(401);
    expect((rest.json as { error: string }).error).toBe('ERR_DEVICE_TOKEN_INVALID');
    const rpc = await trpcError(client.device.me.query());
    expect(rpc).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    // Revoking twice changes nothing more.
    expect((await owner.devices.revoke({ id: deviceId })).status).toBe('revoked');
    const revocations = await withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('audit_log').select('action').where('entity_id', '=', deviceId).where('action', '=', 'devices.revoke').execute(),
    );
    expect(revocations).toHaveLength(1);
  });

  it('revoke closes the device’s open WebSocket subscription within a second', async () => {
    const { deviceId, token } = await createAndEnroll(app.url, owner);
    const stream = deviceSubscription(app.url, token);
    await stream.started;
    // The kind's events reach it live.
    await owner.users.create({ email: 'live@x.test', name: 'Live', password: 'password123', role: 'viewer' });
    expect((await stream.waitForEvents(1, 3_000))[0]).toMatchObject({ type: 'user.created' });
    const started = Date.now();
    await owner.devices.revoke({ id: deviceId });
    const error = await stream.waitForError(1_000);
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'DEVICE_REVOKED' });
    // Then the socket itself closes.
    await stream.waitForClose(4001, 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    await stream.close();
  });

  it('revoke ends the device’s open SSE stream (tRPC subscription over HTTP) within a second', async () => {
    const { deviceId, token } = await createAndEnroll(app.url, owner);
    const response = await fetch(`${app.url}/trpc/device.events?input=${encodeURIComponent('{}')}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes('\n\n')) received += (await reader.read()).value ?? ''; // the stream is open
    const started = Date.now();
    await owner.devices.revoke({ id: deviceId });
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += chunk.value;
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(received).toContain('DEVICE_REVOKED');
  });

  it('a device cannot call a user procedure (403), nor a user a device one (403)', async () => {
    const { token } = await createAndEnroll(app.url, owner);
    const asDevice = httpClient(app.url, () => token);
    const onUsers = await trpcError(asDevice.users.list.query());
    expect(onUsers).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, reason: 'DEVICE_NOT_ALLOWED' });
    expect(await trpcError(asDevice.auth.me.query())).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(await trpcError(asDevice.devices.list.query())).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    const whoami = await rawRequest(`${app.url}/api/v1/auth/whoami`, { token });
    expect(whoami.status).toBe(403);

    const session = await login(app.url, tenant);
    const asUser = httpClient(app.url, () => session.accessToken);
    expect(await trpcError(asUser.device.me.query())).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, reason: 'DEVICE_ONLY' });
    const userOnDeviceRest = await rawRequest(`${app.url}/api/v1/devices/me`, { token: session.accessToken });
    expect(userOnDeviceRest.status).toBe(403);
    await expectTrpcError(owner.device.me(), 'FORBIDDEN', 'DEVICE_ONLY');

    // A user's stream subscription with a device token is refused too.
    const stream = wsClient(app.url, () => token);
    const refused = await new Promise<{ data?: { code?: string } }>((resolve) => {
      stream.trpc.events.stream.subscribe({}, { onError: (error) => resolve(error as never) });
    });
    expect(refused.data?.code).toBe('FORBIDDEN');
    await stream.client.close();
  });

  it('every user procedure refuses a device with FORBIDDEN, before reading its input', async () => {
    const { token } = await createAndEnroll(app.url, owner);
    const device = await services.devices.authenticator.authenticate(token, { ip: null, userAgent: null });
    const caller = createCallerFactory(appRouter)(createInnerContext(services, { auth: { kind: 'device', device: device! } }));
    // Public procedures answer anyone; devices' own are the device router's and the queue's kiosk and display ones.
    const open = new Set([
      'auth.login',
      'auth.refresh',
      'auth.logout',
      'auth.acceptInvite',
      'queue.public.ticket',
      'queue.public.watch',
      'inventory.publicTerms.get',
      'inventory.publicTerms.accept',
    ]);
    const devicesOwn = /^(device|queue\.kiosk|queue\.display)\./;
    const paths = Object.keys(appRouter._def.procedures).filter((path) => !open.has(path) && !devicesOwn.test(path));
    expect(paths.length).toBeGreaterThan(50);
    for (const path of paths) {
      const procedure = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
        input: unknown,
      ) => Promise<unknown>;
      const refused = await trpcError(Promise.resolve().then(() => procedure({})));
      expect({ path, code: refused.code, reason: refused.reason }).toEqual({ path, code: 'FORBIDDEN', reason: 'DEVICE_NOT_ALLOWED' });
    }
  });

  it('a device without the events scope cannot subscribe; an unknown token is 401', async () => {
    const created = await owner.devices.create({ kind: 'test-kiosk', name: 'Sem eventos', scopes: ['tickets.issue'], resource: 'u' });
    const { token } = (await enroll(app.url, { code: created.enrollmentCode })).json as { token: string };
    const { trpc, client } = wsClient(app.url, () => token);
    const refused = await new Promise<{ data?: { code?: string; reason?: string } }>((resolve) => {
      trpc.device.events.subscribe({}, { onError: (error) => resolve(error as never) });
    });
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE_MISSING' });
    await client.close();
    const forged = `bdev_abcdefghij_${'x'.repeat(40)}`;
    expect((await rawRequest(`${app.url}/api/v1/devices/me`, { token: forged })).status).toBe(401);
    expect(await trpcError(httpClient(app.url, () => forged).device.me.query())).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect((await rawRequest(`${app.url}/api/v1/devices/me`)).status).toBe(401);
  });

  it('bad input gets 400 with a clear reason', async () => {
    await expectTrpcError(owner.devices.create({ kind: 'nope', name: 'X', scopes: [] }), 'BAD_REQUEST', 'UNKNOWN_DEVICE_KIND');
    await expectTrpcError(
      owner.devices.create({ kind: 'test-kiosk', name: 'X', scopes: ['identity.users.write'], resource: 'u' }),
      'BAD_REQUEST',
      'UNKNOWN_SCOPE',
    );
    await expectTrpcError(owner.devices.create({ kind: 'test-kiosk', name: 'X', scopes: [] }), 'BAD_REQUEST', 'RESOURCE_REQUIRED');
    await expectTrpcError(
      owner.devices.create({ kind: 'display', name: 'X', scopes: [], resource: 'u' }),
      'BAD_REQUEST',
      'RESOURCE_NOT_ALLOWED',
    );
    await expectTrpcError(owner.devices.create({ kind: 'test-kiosk', name: '', scopes: [] }), 'BAD_REQUEST', 'INVALID_INPUT');
    await expectTrpcError(owner.devices.revoke({ id: 'not-a-uuid' }), 'BAD_REQUEST', 'INVALID_INPUT');
    await expectTrpcError(owner.devices.revoke({ id: crypto.randomUUID() }), 'NOT_FOUND');

    for (const body of [{}, { code: '' }, { code: 'A'.repeat(100) }, { code: 'ABCD2345', extra: 1 }, [], 'null', '{"code":']) {
      const answer = await enroll(app.url, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json).toMatchObject({ error: expect.stringMatching(/^ERR_/), message: expect.any(String) });
    }
  });

  it('viewers cannot manage devices', async () => {
    const viewer = await owner.users.create({ email: 'viewer-devices@x.test', name: 'V', password: 'password123', role: 'viewer' });
    const session = await login(app.url, tenant, 'viewer-devices@x.test', 'password123');
    const asViewer = httpClient(app.url, () => session.accessToken);
    expect(viewer.id).toBeDefined();
    expect(await trpcError(asViewer.devices.create.mutate({ kind: 'display', name: 'X', scopes: [] }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'PERMISSION_DENIED',
    });
  });
});

describe('device enrollment limit per address', () => {
  it('refuses attempts past the limit with 429', async () => {
    const app = await startTestApp({ DEVICE_ENROLL_MAX_ATTEMPTS_PER_IP: '3' });
    try {
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await enroll(app.url, { code: 'ABCD2345' })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await app.stop();
    }
  });
});

describe.runIf(twoInstancesAvailable)('device revocation across two instances', () => {
  let first: RunningApp & { url: string };
  let second: RunningApp & { url: string };

  beforeAll(async () => {
    ({ first, second } = await startTwoInstances());
    for (const app of [first, second]) app.services.devices.kinds.register(TEST_KIOSK);
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  it('a device revoked on one instance loses its stream on the other within a second', async () => {
    const tenant = await seedTenant(first.services);
    const owner = await ownerCaller(first.services, tenant);
    const { deviceId, token } = await createAndEnroll(first.url, owner);
    const stream = deviceSubscription(second.url, token);
    await stream.started;
    const session = await login(first.url, tenant);
    const started = Date.now();
    await httpClient(first.url, () => session.accessToken).devices.revoke.mutate({ id: deviceId });
    const error = await stream.waitForError(1_000);
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'DEVICE_REVOKED' });
    await stream.waitForClose(4001, 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await rawRequest(`${second.url}/api/v1/devices/me`, { token })).status).toBe(401);
    await stream.close();
  });
});
