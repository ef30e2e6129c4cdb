import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunningN8n } from '../../../scripts/n8n/runtime';
import { launchBrowser } from '../../e2e/support/browser';

const OWNER = { email: 'dono@balcao.test', firstName: 'Dono', lastName: 'Balcão', password: 'Senha-da-captura-1' };

/** A signed-in session of n8n's owner (set up on first call): the cookie and browser id its REST API wants. */
export interface N8nSession {
  cookie: string;
  headers: Record<string, string>;
}

const sessions = new WeakMap<RunningN8n, Promise<N8nSession>>();

/**
 * A call to n8n's REST API as the owner. n8n reads the user back on every call to check the
 * session, from a pool of SQLite read connections that may not see the owner's setup for a
 * moment (under load): a 401 right after setup is retried a few times before it counts.
 */
export async function ownerFetch(n8n: RunningN8n, path: string, init: { method: string; body?: string }): Promise<Response> {
  const session = await ownerSession(n8n);
  const call = () =>
    fetch(`${n8n.url}${path}`, {
      method: init.method,
      headers: { 'content-type': 'application/json', ...session.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  let answer = await call();
  for (let retry = 0; answer.status === 401 && retry < 10; retry += 1) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    answer = await call();
  }
  return answer;
}

/** The owner's session on this instance, set up once. */
export function ownerSession(n8n: RunningN8n): Promise<N8nSession> {
  let session = sessions.get(n8n);
  if (!session) {
    session = setUpOwner(n8n);
    sessions.set(n8n, session);
  }
  return session;
}

async function setUpOwner(n8n: RunningN8n): Promise<N8nSession> {
  const browserId = crypto.randomUUID();
  const setup = await fetch(`${n8n.url}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'browser-id': browserId },
    body: JSON.stringify(OWNER),
  });
  if (!setup.ok) throw new Error(`n8n owner setup answered ${setup.status}: ${await setup.text()}`);
  const cookie = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error('n8n owner setup gave no session cookie');
  return { cookie, headers: { cookie: `n8n-auth=${cookie}`, 'browser-id': browserId } };
}

/** Screenshots of workflows as n8n's editor draws them (the README's pictures): opens each in Chromium and saves `<dir>/<name>.png`. */
export async function captureEditorScreenshots(
  n8n: RunningN8n,
  workflows: Array<{ id: string; file: string }>,
  dir: string,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const { cookie } = await ownerSession(n8n);
  const browser = await launchBrowser();
  const written: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 640 }, deviceScaleFactor: 1, locale: 'pt-BR' });
    await context.addCookies([{ name: 'n8n-auth', value: cookie, url: n8n.url }]);
    const page = await context.newPage();
    for (const workflow of workflows) {
      await page.goto(`${n8n.url}/workflow/${workflow.id}`);
      await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
      // Let the canvas finish fitting the view and drop the toasts n8n shows on opening.
      await page.waitForTimeout(1500);
      const file = path.join(dir, `${workflow.file}.png`);
      await page.screenshot({ path: file });
      written.push(file);
    }
  } finally {
    await browser.close();
  }
  return written;
}
