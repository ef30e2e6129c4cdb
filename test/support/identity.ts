import { TRPCClientError, createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { z, ZodError } from 'zod';
import { withTenant } from '../../src/db/tenant-scope';
import { DomainError } from '../../src/platform/errors';
import { createServices, type Services } from '../../src/services';
import type { AppRouter } from '../../src/trpc/app-router';
import { createInnerContext, type ClientInfo } from '../../src/trpc/context';
import { createCallerFactory } from '../../src/trpc/init';
import { appRouter } from '../../src/trpc/app-router';
import { callerFor, silentLogger, testConfig, type TestTenant } from './app';

/** Login limits high enough that a test file's many logins from one address never trip them. */
export const RELAXED_LOGIN_LIMITS = { LOGIN_MAX_ATTEMPTS_PER_IP: '100000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000' } as const;

export type Caller = Awaited<ReturnType<typeof callerFor>>;

/** What a test needs from a tRPC failure, whether it came from a server-side caller or over HTTP. */
export interface CaughtTrpcError {
  code: string;
  reason: string | null;
  message: string;
  httpStatus: number | null;
  zodError: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null;
  details: Record<string, unknown> | null;
}

export async function trpcError(promise: Promise<unknown>): Promise<CaughtTrpcError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a tRPC error, got ${JSON.stringify(value)}`);
    },
    (caught: unknown) => caught,
  );
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data as unknown as Record<string, unknown> | undefined;
    return {
      code: String(data?.code),
      reason: (data?.reason as string | null | undefined) ?? null,
      message: error.message,
      httpStatus: (data?.httpStatus as number | undefined) ?? null,
      zodError: (data?.zodError as CaughtTrpcError['zodError']) ?? null,
      details: (data?.details as Record<string, unknown> | null | undefined) ?? null,
    };
  }
  if (error instanceof TRPCError) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      code: error.code,
      reason: error instanceof DomainError ? error.reason : zod ? 'INVALID_INPUT' : null,
      message: error.message,
      httpStatus: null,
      zodError: zod ? (z.flattenError(zod) as CaughtTrpcError['zodError']) : null,
      details: error instanceof DomainError ? error.details : null,
    };
  }
  throw error;
}

/** Asserts the promise fails with this tRPC code (and reason), and returns the failure. */
export async function expectTrpcError(promise: Promise<unknown>, code: string, reason?: string): Promise<CaughtTrpcError> {
  const caught = await trpcError(promise);
  expect(caught.code).toBe(code);
  if (reason !== undefined) expect(caught.reason).toBe(reason);
  return caught;
}

const createCaller = createCallerFactory(appRouter);

/** An anonymous server-side caller that presents a client address (login limits key on it). */
export function anonymousCallerFrom(services: Services, client: Partial<ClientInfo> = {}) {
  return createCaller(
    createInnerContext(services, { client: { ip: null, userAgent: 'vitest', requestId: crypto.randomUUID(), ...client } }),
  );
}

export interface TestUser {
  tenantId: string;
  userId: string;
  email: string;
  password: string;
}

let userCounter = 0;

/** A user of the tenant with the given role, created by its owner through users.create. */
export async function addUser(services: Services, tenant: TestTenant, role: string, name = `User ${role}`): Promise<TestUser> {
  userCounter += 1;
  const email = `${role}-${userCounter}@${tenant.slug}.test`;
  const password = `password-${role}-${userCounter}`;
  const owner = await callerFor(services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
  const user = await owner.users.create({ email, name, password, role });
  return { tenantId: tenant.tenantId, userId: user.id, email, password };
}

export const ownerCaller = (services: Services, tenant: TestTenant) =>
  callerFor(services, { tenantId: tenant.tenantId, userId: tenant.ownerId });

/** A tRPC client over HTTP that sends extra headers (a fixed request id, a client address, the web client mark). */
export function httpClientWith(url: string, headers: () => Record<string, string | undefined>): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: () => Object.fromEntries(Object.entries(headers()).filter((entry): entry is [string, string] => entry[1] !== undefined)),
      }),
    ],
  });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function toRaw(response: Response): Promise<RawResponse> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A bare HTTP request, for what typed clients cannot send (cookies, malformed bodies, odd headers). */
export async function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; token?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
  return toRaw(await fetch(url, { method: options.method ?? 'GET', headers, body: options.body }));
}

/**
 * A tRPC call over plain HTTP: mutations POST their input, queries send it in the query string.
 * `batch` sends it as httpBatchLink (the dashboard's link) does: `?batch=1`, inputs keyed by index.
 */
export function rawTrpc(
  url: string,
  path: string,
  options: { input?: unknown; kind?: 'query' | 'mutation'; batch?: boolean; headers?: Record<string, string>; token?: string } = {},
): Promise<RawResponse> {
  const kind = options.kind ?? 'mutation';
  const payload = options.batch ? { ...(options.input === undefined ? {} : { 0: options.input }) } : options.input;
  const search = new URLSearchParams();
  if (options.batch) search.set('batch', '1');
  if (kind === 'query' && payload !== undefined) search.set('input', JSON.stringify(payload));
  const target = `${url}/trpc/${path}${search.size > 0 ? `?${search}` : ''}`;
  if (kind === 'query') return rawRequest(target, { headers: options.headers, token: options.token });
  return rawRequest(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: payload === undefined ? undefined : JSON.stringify(payload),
    token: options.token,
  });
}

/** The result (or error) of a raw tRPC call, batched or not. */
export function trpcBody<T = unknown>(
  response: RawResponse,
): { result?: { data: T }; error?: { message: string; code: number; data: Record<string, unknown> } } {
  const body = response.json as unknown;
  return (Array.isArray(body) ? body[0] : body) as ReturnType<typeof trpcBody<T>>;
}

/** Signs an access JWT by hand, to present what the signer never would (expired, other key, other claims). */
export async function craftAccessToken(options: {
  secret: string;
  userId: string;
  tenantId: string;
  issuedAt?: number;
  expiresAt?: number;
  issuer?: string;
  audience?: string;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tid: options.tenantId, sid: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuer(options.issuer ?? 'balcao')
    .setAudience(options.audience ?? 'balcao:access')
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(options.expiresAt ?? now + 600)
    .sign(new TextEncoder().encode(options.secret));
}

/** An unsigned token (`alg: none`) carrying otherwise valid claims. */
export function unsignedAccessToken(claims: { userId: string; tenantId: string }): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub: claims.userId,
    tid: claims.tenantId,
    sid: crypto.randomUUID(),
    iss: 'balcao',
    aud: 'balcao:access',
    iat: now,
    exp: now + 600,
  };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

/** The tenant's stored events (of one type), oldest first, read under its row-level security. */
export function storedEvents(services: Services, tenantId: string, type?: string) {
  return withTenant(services.db, tenantId, (trx) => {
    let query = trx.selectFrom('events').select(['id', 'type', 'data']).orderBy('id');
    if (type) query = query.where('type', '=', type);
    return query.execute();
  });
}

/** What no response body may ever show: a stack frame or SQL. */
export const LEAK_PATTERNS = [/at .*\.ts:\d+/, /at .*\.js:\d+/i, /select /i, /insert into/i, /node_modules/];

export function expectNoLeak(text: string): void {
  for (const pattern of LEAK_PATTERNS) expect(text, `response leaks ${pattern}`).not.toMatch(pattern);
}

/**
 * A second instance of the process on the same database (another "server" behind the load
 * balancer); closing it leaves the shared database open for the first.
 */
export async function createSiblingServices(services: Services, configOverrides: Partial<Record<string, string>> = {}): Promise<Services> {
  const database = { ...services.database, close: async () => undefined };
  const sibling = await createServices(testConfig(configOverrides), { database, logger: silentLogger() });
  await sibling.hub.start();
  return sibling;
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index]!;
    if (quoted) {
      if (character === '"' && body[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && body[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 1;
    } else cell += character;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
