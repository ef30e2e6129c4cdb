import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApp } from '../src/bootstrap';
import { httpClient, login, seedTenant, startTestApp, type TestTenant } from './support/app';
import { startTwoInstances, twoInstancesAvailable, warnTwoInstancesSkipped } from './support/instances';

const ACCESS_TOKEN_TTL_SECONDS = 30;

interface RpcAnswer {
  id: number;
  result?: { type: string; data?: unknown };
  error?: { message: string; data: { code: string; reason: string | null } };
}

/**
 * One raw tRPC WebSocket, so that every call provably goes over the same socket (tRPC's own
 * client would reconnect behind the test's back).
 */
async function openSocket(url: string, token: string) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/trpc?connectionParams=1`);
  const answers = new Map<number, (answer: RpcAnswer) => void>();
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
  );
  socket.on('message', (raw) => {
    const text = String(raw);
    if (text === 'PING' || text === 'PONG') return;
    const answer = JSON.parse(text) as RpcAnswer;
    answers.get(answer.id)?.(answer);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
  let nextId = 0;
  return {
    socket,
    closed,
    call(type: 'query' | 'mutation', path: string, input?: unknown): Promise<RpcAnswer> {
      nextId += 1;
      const id = nextId;
      const answered = new Promise<RpcAnswer>((resolve) => answers.set(id, resolve));
      socket.send(JSON.stringify({ id, jsonrpc: '2.0', method: type, params: { path, input } }));
      return answered;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a WebSocket lives only as long as its session', () => {
  let running: RunningApp & { url: string };
  let tenant: TestTenant;

  beforeAll(async () => {
    running = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) });
    tenant = await seedTenant(running.services);
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('answers UNAUTHORIZED once the access token has expired, and closes the socket at expiry', async () => {
    const session = await login(running.url, tenant);
    const live = await openSocket(running.url, session.accessToken);
    const before = await live.call('query', 'users.list');
    expect(before.result?.type).toBe('data');

    const expiresAt = Date.parse(session.accessTokenExpiresAt);
    const closed = await live.closed;
    expect(closed).toMatchObject({ code: 4401, reason: 'TOKEN_EXPIRED' });
    expect(closed.at).toBeGreaterThanOrEqual(expiresAt - 50);
    expect(closed.at).toBeLessThan(expiresAt + 2_000);

    // A socket opened later with the same token: its first call is refused, and it is closed.
    const late = await openSocket(running.url, session.accessToken);
    const after = await late.call('query', 'users.list');
    expect(after.error?.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'TOKEN_EXPIRED' });
    expect(await late.closed).toMatchObject({ code: 4401, reason: 'TOKEN_EXPIRED' });
  }, 60_000);

  it('closes the socket at logout, and refuses the logged-out token on a new socket', async () => {
    const session = await login(running.url, tenant);
    const other = await login(running.url, tenant);
    const live = await openSocket(running.url, session.accessToken);
    const untouched = await openSocket(running.url, other.accessToken);
    expect((await live.call('query', 'users.list')).result?.type).toBe('data');

    const loggedOutAt = Date.now();
    await httpClient(running.url).auth.logout.mutate({ refreshToken: session.refreshToken ?? undefined });
    const closed = await live.closed;
    expect(closed).toMatchObject({ code: 4401, reason: 'SESSION_REVOKED' });
    expect(closed.at - loggedOutAt).toBeLessThan(1_000);

    const again = await openSocket(running.url, session.accessToken);
    const refused = await again.call('query', 'users.list');
    expect(refused.error?.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'SESSION_REVOKED' });
    expect(await again.closed).toMatchObject({ code: 4401 });

    // Another session of the same user is not ended by this logout.
    expect((await untouched.call('query', 'users.list')).result?.type).toBe('data');
    untouched.socket.close();
  });

  it('closes the sockets of every session of a user whose password is changed', async () => {
    const owner = await login(running.url, tenant);
    const member = await httpClient(running.url, () => owner.accessToken).users.create.mutate({
      email: 'senha@x.test',
      name: 'Senha',
      password: 'password123',
      role: 'admin',
    });
    const first = await login(running.url, tenant, 'senha@x.test', 'password123');
    const second = await login(running.url, tenant, 'senha@x.test', 'password123');
    const sockets = [await openSocket(running.url, first.accessToken), await openSocket(running.url, second.accessToken)];
    for (const live of sockets) expect((await live.call('query', 'users.list')).result?.type).toBe('data');

    await httpClient(running.url, () => owner.accessToken).users.update.mutate({ id: member.id, password: 'another-password-1' });
    for (const live of sockets) expect(await live.closed).toMatchObject({ code: 4401, reason: 'SESSION_REVOKED' });
  });

  it('closes the socket of a deactivated user', async () => {
    const owner = await login(running.url, tenant);
    const member = await httpClient(running.url, () => owner.accessToken).users.create.mutate({
      email: 'saindo@x.test',
      name: 'Saindo',
      password: 'password123',
      role: 'viewer',
    });
    const session = await login(running.url, tenant, 'saindo@x.test', 'password123');
    const live = await openSocket(running.url, session.accessToken);
    expect((await live.call('query', 'auth.me')).result?.type).toBe('data');
    await httpClient(running.url, () => owner.accessToken).users.deactivate.mutate({ id: member.id });
    expect(await live.closed).toMatchObject({ code: 4401, reason: 'SESSION_REVOKED' });
  });
});

warnTwoInstancesSkipped('the two-instance socket test');

describe.runIf(twoInstancesAvailable)('a session ended on one instance', () => {
  let first: RunningApp & { url: string };
  let second: RunningApp & { url: string };
  let tenant: TestTenant;

  beforeAll(async () => {
    ({ first, second } = await startTwoInstances());
    tenant = await seedTenant(first.services);
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('closes its sockets on the other instance within a second', async () => {
    const session = await login(first.url, tenant);
    const onSecond = await openSocket(second.url, session.accessToken);
    expect((await onSecond.call('query', 'users.list')).result?.type).toBe('data');
    const loggedOutAt = Date.now();
    await httpClient(first.url).auth.logout.mutate({ refreshToken: session.refreshToken ?? undefined });
    const closed = await onSecond.closed;
    expect(closed).toMatchObject({ code: 4401, reason: 'SESSION_REVOKED' });
    expect(closed.at - loggedOutAt).toBeLessThan(1_000);
    await sleep(50);
    const again = await openSocket(second.url, session.accessToken);
    expect((await again.call('query', 'users.list')).error?.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'SESSION_REVOKED' });
  });
});
