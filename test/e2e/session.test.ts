import type { Browser, Page, Route, WebSocket as PageWebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/bootstrap';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../support/app';
import { launchBrowser, logIn, newPage, openSection } from './support/browser';

const ACCESS_TOKEN_TTL_SECONDS = 30;

interface SocketLog {
  tokens: string[];
  subscriptions: { lastEventId?: string }[];
}

/** What the page sends on each WebSocket: the token in connectionParams, and the subscription requests. */
function recordSockets(page: Page): SocketLog[] {
  const sockets: SocketLog[] = [];
  page.on('websocket', (socket: PageWebSocket) => {
    const log: SocketLog = { tokens: [], subscriptions: [] };
    sockets.push(log);
    socket.on('framesent', ({ payload }) => {
      const messages = [JSON.parse(String(payload)) as unknown].flat() as {
        method?: string;
        data?: { token?: string };
        params?: { lastEventId?: string; input?: { lastEventId?: string } };
      }[];
      for (const message of messages) {
        if (message.method === 'connectionParams' && message.data?.token) log.tokens.push(message.data.token);
        // Resumed by the wsLink (params) or by the feed starting over after an error (input).
        if (message.method === 'subscription')
          log.subscriptions.push({ lastEventId: message.params?.lastEventId ?? message.params?.input?.lastEventId });
      }
    });
  });
  return sockets;
}

const tokenExpired = (path: string) => ({
  error: {
    message: 'Sessão expirada; renove o token de acesso',
    code: -32001,
    data: { code: 'UNAUTHORIZED', httpStatus: 401, path, reason: 'TOKEN_EXPIRED', details: null, zodError: null },
  },
});

/** Answers a batched tRPC request as the server does when the access token has expired. */
function rejectAsExpired(route: Route) {
  const paths = new URL(route.request().url()).pathname.replace('/trpc/', '').split(',');
  return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify(paths.map(tokenExpired)) });
}

describe('dashboard session renewal', () => {
  let running: RunningApp & { url: string };
  let tenant: TestTenant;
  let browser: Browser;

  beforeAll(async () => {
    running = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) });
    tenant = await seedTenant(running.services);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('renews the token before it expires and moves the live feed to a socket with the new token, resuming after the last event', async () => {
    const { page } = await newPage(browser, running.url);
    const sockets = recordSockets(page);
    const loggedInAt = Date.now();
    await logIn(page, tenant);
    await openSection(page, 'Atividade');
    await page.locator('[data-testid="connection-status"][data-status="live"]').first().waitFor();
    const caller = await callerFor(running.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
    await caller.users.create({ email: 'antes@exemplo.test', name: 'Antes da Renovação', password: 'senha-segura-antes', role: 'viewer' });
    const feed = page.getByTestId('activity-feed');
    await feed.getByText('Antes da Renovação').waitFor();

    const refreshed = await page.waitForResponse((response) => response.url().includes('/trpc/auth.refresh'), {
      timeout: ACCESS_TOKEN_TTL_SECONDS * 1000,
    });
    expect(refreshed.status()).toBe(200);
    const newToken = ((await refreshed.json()) as { result: { data: { accessToken: string } } }).result.data.accessToken;
    await expect.poll(() => sockets.length, { timeout: 5_000 }).toBe(2);
    await expect.poll(() => sockets[1]!.subscriptions.length, { timeout: 5_000 }).toBe(1);
    expect(sockets[0]!.tokens).toHaveLength(1);
    expect(sockets[1]!.tokens).toEqual([newToken]);
    expect(sockets[1]!.tokens[0]).not.toBe(sockets[0]!.tokens[0]);
    const lastSeenId = await feed.getByTestId('activity-item').first().getAttribute('data-event-id');
    expect(sockets[1]!.subscriptions[0]!.lastEventId).toBe(lastSeenId);

    // Past the first token's expiry, the feed and the HTTP calls still work, with no reload.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, loggedInAt + (ACCESS_TOKEN_TTL_SECONDS + 2) * 1000 - Date.now())));
    await caller.users.create({
      email: 'depois@exemplo.test',
      name: 'Depois da Renovação',
      password: 'senha-segura-depois',
      role: 'viewer',
    });
    await feed.getByText('Depois da Renovação').waitFor();
    await openSection(page, 'Usuários e papéis');
    await page.getByRole('table', { name: 'Usuários' }).getByText('depois@exemplo.test').waitFor();
    expect(sockets).toHaveLength(2);
    await page.context().close();
  }, 90_000);

  it('when the server closes the socket at the token expiry, refreshes once and reconnects with the new token, resuming after the last event', async () => {
    const { page } = await newPage(browser, running.url);
    const sockets = recordSockets(page);
    let socketsClosed = 0;
    page.on('websocket', (socket) => socket.on('close', () => (socketsClosed += 1)));
    await logIn(page, tenant);
    // The renewal planned before expiry hangs, so the server closes the socket first (4401).
    let refreshes = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/trpc\/auth\.refresh/, async (route) => {
      refreshes += 1;
      await released;
      await route.continue();
    });
    await openSection(page, 'Atividade');
    await page.locator('[data-testid="connection-status"][data-status="live"]').first().waitFor();
    const caller = await callerFor(running.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
    await caller.users.create({
      email: 'antes4401@exemplo.test',
      name: 'Antes do Fechamento',
      password: 'senha-segura-antes',
      role: 'viewer',
    });
    const feed = page.getByTestId('activity-feed');
    await feed.getByText('Antes do Fechamento').waitFor();
    const lastSeenId = await feed.getByTestId('activity-item').first().getAttribute('data-event-id');

    await expect.poll(() => socketsClosed, { timeout: (ACCESS_TOKEN_TTL_SECONDS + 5) * 1000, interval: 200 }).toBe(1);
    const refreshed = page.waitForResponse((response) => response.url().includes('/trpc/auth.refresh'));
    release();
    const newToken = ((await (await refreshed).json()) as { result: { data: { accessToken: string } } }).result.data.accessToken;
    await expect.poll(() => sockets[1]?.subscriptions.length ?? 0, { timeout: 5_000 }).toBe(1);
    expect(sockets[1]!.tokens).toEqual([newToken]);
    expect(sockets[1]!.subscriptions[0]!.lastEventId).toBe(lastSeenId);

    await caller.users.create({
      email: 'depois4401@exemplo.test',
      name: 'Depois do Fechamento',
      password: 'senha-segura-depois',
      role: 'viewer',
    });
    await feed.getByText('Depois do Fechamento').waitFor();
    expect(refreshes).toBe(1);
    expect(sockets).toHaveLength(2);
    expect(await page.getByTestId('current-user').isVisible()).toBe(true);
    expect(await page.getByRole('status').filter({ hasText: 'Sua sessão expirou' }).count()).toBe(0);
    await page.context().close();
  }, 90_000);

  it('refreshes once when several calls fail with TOKEN_EXPIRED, then retries each of them', async () => {
    const { page } = await newPage(browser, running.url);
    await logIn(page, tenant);
    let refreshes = 0;
    page.on('request', (request) => {
      if (request.url().includes('/trpc/auth.refresh')) refreshes += 1;
    });
    let rejected = 0;
    let rejectedCalls: string[] = [];
    await page.route(/\/trpc\/jobs\./, async (route) => {
      if (rejected > 0) return route.continue();
      rejected += 1;
      rejectedCalls = new URL(route.request().url()).pathname.replace('/trpc/', '').split(',');
      await rejectAsExpired(route);
    });
    await openSection(page, 'Execuções de tarefas');
    await page.getByTestId('job-definitions').getByText('platform.housekeeping').waitFor();
    await page.getByRole('table', { name: 'Execuções de tarefas' }).getByText('Nenhuma execução registrada').waitFor();
    expect(rejected).toBe(1);
    expect(rejectedCalls.sort()).toEqual(['jobs.definitions', 'jobs.runs']);
    expect(refreshes).toBe(1);
    expect(await page.getByTestId('current-user').isVisible()).toBe(true);
    await page.context().close();
  });

  it('ends the session when the refresh token is refused', async () => {
    const { page } = await newPage(browser, running.url);
    await logIn(page, tenant);
    await page.context().clearCookies();
    // audit.list may travel in a batch with other calls (users.list for the actor names).
    await page.route(/\/trpc\/[^?]*\baudit\.list\b/, rejectAsExpired);
    await page.getByRole('navigation', { name: 'Seções' }).getByRole('link', { name: 'Auditoria' }).click();
    await page.getByRole('status').filter({ hasText: 'Sua sessão expirou' }).waitFor();
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    await page.context().close();
  });
});
