import { createTRPCClient, createWSClient, httpBatchLink, wsLink, type TRPCClient } from '@trpc/client';
import { pino, type Logger } from 'pino';
import WebSocket from 'ws';
import { bootstrap, type RunningApp } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { createTenant } from '../../src/domains/identity/tenants';
import { createLogger } from '../../src/platform/observability/logger';
import { createServices, type Services } from '../../src/services';
import type { AppRouter } from '../../src/trpc/app-router';
import { createInnerContext } from '../../src/trpc/context';
import { createCallerFactory } from '../../src/trpc/init';
import { appRouter } from '../../src/trpc/app-router';
import { createTestDatabase } from './database';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

export function testConfig(overrides: Partial<Record<string, string>> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    SECRETS_KEY: 'test-secrets-key-that-is-long-enough-to-derive',
    DEMO_TENANT: 'false',
    JOBS_ENABLED: 'false',
    DATA_DIR: '/tmp/balcao-test-data-unused',
    ...overrides,
  });
}

export const silentLogger = () => pino({ level: 'silent' });

/** Services on a fresh database, without HTTP: for logic and caller tests. */
export async function createTestServices(configOverrides: Partial<Record<string, string>> = {}): Promise<Services> {
  const database = await createTestDatabase();
  const services = await createServices(testConfig(configOverrides), { database, logger: silentLogger() });
  await services.hub.start();
  return services;
}

/** The whole process on a random port with a fresh database: for HTTP, WebSocket and REST tests. */
export async function startTestApp(
  configOverrides: Partial<Record<string, string>> = {},
  options: { logger?: Logger; database?: Database } = {},
): Promise<RunningApp & { url: string }> {
  const database = options.database ?? (await createTestDatabase());
  const running = await bootstrap(testConfig(configOverrides), { database, logger: options.logger ?? silentLogger() });
  return { ...running, url: running.http.url };
}

let tenantCounter = 0;

export interface TestTenant {
  tenantId: string;
  slug: string;
  ownerId: string;
  ownerEmail: string;
  password: string;
}

export const TEST_PASSWORD = 'correct horse battery';

export async function seedTenant(services: Services, options: { slug?: string; modules?: string[] } = {}): Promise<TestTenant> {
  tenantCounter += 1;
  const slug = options.slug ?? `tenant-${process.pid}-${tenantCounter}`;
  const ownerEmail = `owner@${slug}.test`;
  const created = await createTenant(services.db, {
    slug,
    name: `Tenant ${slug}`,
    modules: (options.modules ?? []) as never,
    owner: { email: ownerEmail, name: 'Owner', password: TEST_PASSWORD },
  });
  return { ...created, ownerEmail, password: TEST_PASSWORD };
}

const createCaller = createCallerFactory(appRouter);

/** A server-side caller acting as a user, with a real signed access token. */
export async function callerFor(services: Services, user: { tenantId: string; userId: string }) {
  const { token } = await services.signer.sign({ tenantId: user.tenantId, userId: user.userId, sessionId: crypto.randomUUID() });
  const claims = await services.signer.verify(token);
  return createCaller(createInnerContext(services, { auth: { kind: 'user', claims } }));
}

export const anonymousCaller = (services: Services) => createCaller(createInnerContext(services));

export function httpClient(url: string, accessToken?: () => string | undefined): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url}/trpc`,
        headers: () => {
          const token = accessToken?.();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

export function wsClient(url: string, accessToken: () => string | undefined) {
  const client = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token: accessToken() ?? '' }),
    retryDelayMs: () => 100,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client })] });
  return { trpc, client };
}

export async function login(url: string, tenant: TestTenant, email = tenant.ownerEmail, password = tenant.password) {
  return httpClient(url).auth.login.mutate({ tenant: tenant.slug, email, password });
}

/** A JSON logger whose lines the test can read back. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
