import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, startTestApp, type TestTenant } from '../../test/support/app';
import { createTrpcHttpHandler, plainSingleCall } from './http-handler';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

interface Answer {
  status: number;
  contentType: string | null;
  vary: string | null;
  setCookie: string[];
  body: unknown;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    vary: response.headers.get('vary'),
    setCookie: response.headers
      .getSetCookie()
      .map((cookie) => cookie.replace(/balcao_rt=[^;]+/, 'balcao_rt=…').replace(/Expires=[^;]+/, 'Expires=…')),
    body: text ? JSON.parse(text) : null,
  };
}

/** Tokens and times differ from one call to the next; everything else must not. */
function withoutVolatile(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, item: unknown) =>
    ['accessToken', 'refreshToken', 'expiresAt', 'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'lastLoginAt'].includes(key) ? '…' : item,
  );
}

describe('tRPC over HTTP: the single-call shortcut answers exactly as tRPC does', () => {
  let app: RunningTestApp;
  let reference: Server;
  let referenceUrl: string;
  let tenant: TestTenant;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services);
    // The same services behind tRPC's own resolveResponse for every call.
    reference = createServer(createTrpcHttpHandler(app.services, { singleCallShortcut: false }));
    await new Promise<void>((resolve) => reference.listen(0, '127.0.0.1', resolve));
    referenceUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}`;
    const login = await fetch(`${app.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: tenant.slug, email: tenant.ownerEmail, password: tenant.password }),
    });
    token = ((await login.json()) as { result: { data: { accessToken: string } } }).result.data.accessToken;
  });
  afterAll(async () => {
    await new Promise((resolve) => reference.close(resolve));
    await app.stop();
  });

  const input = (value: unknown) => `?input=${encodeURIComponent(JSON.stringify(value))}`;
  const cases: Array<[string, { path: string; method?: string; body?: string; headers?: Record<string, string>; anonymous?: boolean }]> = [
    [
      'a query',
      {
        path: 'users.get',
        get input() {
          return input({ id: tenant.ownerId });
        },
      } as never,
    ],
    ['a query without input', { path: 'auth.me' }],
    ['a query with invalid input (400, zod details)', { path: `users.get${input({ id: 'not-a-uuid' })}` }],
    ['a query for a missing row (404, domain reason)', { path: `users.get${input({ id: '00000000-0000-4000-8000-000000000000' })}` }],
    ['a query without a token (401)', { path: 'auth.me', anonymous: true }],
    ['a query with a bad token (401)', { path: 'auth.me', headers: { authorization: 'Bearer nope' } }],
    ['input that is not JSON (tRPC parses it)', { path: 'users.get?input=%7Bnot-json' }],
    ['an unknown procedure (404)', { path: 'users.nope' }],
    ['a mutation by GET (405)', { path: 'auth.logout' }],
    ['a query by POST (405)', { path: 'auth.me', method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }],
    ['a batch', { path: `auth.me,users.list?batch=1&input=${encodeURIComponent('{}')}` }],
    [
      'a mutation with invalid input (400)',
      { path: 'users.create', method: 'POST', body: JSON.stringify({ email: 'x' }), headers: { 'content-type': 'application/json' } },
    ],
    [
      'a mutation with a body that is not JSON',
      { path: 'users.create', method: 'POST', body: '{"email":', headers: { 'content-type': 'application/json' } },
    ],
    ['a mutation without a content type', { path: 'users.create', method: 'POST', body: '{}' }],
    [
      'a mutation with an empty body (input defaults)',
      { path: 'auth.logout', method: 'POST', body: '', headers: { 'content-type': 'application/json' }, anonymous: true },
    ],
    [
      'a sign-in from the dashboard (Set-Cookie)',
      {
        path: 'auth.login',
        method: 'POST',
        get body() {
          return JSON.stringify({ tenant: tenant.slug, email: tenant.ownerEmail, password: tenant.password });
        },
        headers: { 'content-type': 'application/json', 'x-balcao-client': 'web' },
        anonymous: true,
      } as never,
    ],
    [
      'a wrong password (401)',
      {
        path: 'auth.login',
        method: 'POST',
        get body() {
          return JSON.stringify({ tenant: tenant.slug, email: tenant.ownerEmail, password: 'wrong password 123' });
        },
        headers: { 'content-type': 'application/json' },
        anonymous: true,
      } as never,
    ],
  ];

  it.each(cases)('%s', async (_name, call) => {
    const path = 'input' in call ? `${call.path}${(call as { input: string }).input}` : call.path;
    const send = async (base: string) =>
      answerOf(
        await fetch(`${base}/trpc/${path}`, {
          method: call.method ?? 'GET',
          headers: { ...(call.anonymous ? {} : { authorization: `Bearer ${token}` }), ...call.headers },
          ...(call.body !== undefined ? { body: call.body } : {}),
        }),
      );
    const shortcut = await send(app.url);
    const tRPC = await send(referenceUrl);
    expect(withoutVolatile(shortcut)).toEqual(withoutVolatile(tRPC));
  });
});

describe('which calls take the shortcut', () => {
  const request = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers }) as never;
  const json = Buffer.from('{"id":"x"}');

  it.each([
    ['GET query', request('GET', '/trpc/users.get?input=%7B%7D'), undefined, 'users.get'],
    ['GET query without input', request('GET', '/trpc/auth.me'), undefined, 'auth.me'],
    ['POST mutation', request('POST', '/trpc/users.create', { 'content-type': 'application/json' }), json, 'users.create'],
    [
      'POST mutation, empty body',
      request('POST', '/trpc/auth.logout', { 'content-type': 'application/json' }),
      Buffer.alloc(0),
      'auth.logout',
    ],
  ])('%s: yes', async (_name, req, body, path) => {
    expect((await plainSingleCall(req, body))?.path).toBe(path);
  });

  it.each([
    ['a batch', request('GET', '/trpc/auth.me,users.list?batch=1'), undefined],
    ['a streamed batch', request('GET', '/trpc/auth.me', { 'trpc-accept': 'application/jsonl' }), undefined],
    ['a subscription', request('GET', '/trpc/events.stream'), undefined],
    ['a mutation by GET', request('GET', '/trpc/auth.logout'), undefined],
    ['a query by POST', request('POST', '/trpc/auth.me', { 'content-type': 'application/json' }), json],
    ['a mutation without JSON content type', request('POST', '/trpc/users.create', { 'content-type': 'text/plain' }), json],
    ['input that is not JSON', request('GET', '/trpc/users.get?input=%7B'), undefined],
    ['an unknown path', request('GET', '/trpc/users.nope'), undefined],
    ['connection params', request('GET', '/trpc/auth.me?connectionParams=1'), undefined],
  ])('%s: no, tRPC answers it', async (_name, req, body) => {
    expect(await plainSingleCall(req, body)).toBeUndefined();
  });
});
