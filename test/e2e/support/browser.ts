import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestTenant } from '../../support/app';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Debian's Chromium (apt-get install chromium); each context gets a fresh, empty profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export async function newPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL,
    locale: 'pt-BR',
    timezoneId: 'America/Sao_Paulo',
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  // Runs in the page: reports each violation as a console error the listener below collects.
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    console.error('[csp] ' + event.effectiveDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber);
  });`);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && (text.startsWith('[csp]') || text.includes('Content Security Policy'))) {
      cspViolations.push(`${page.url()}: ${text}`);
    }
  });
  return { context, page };
}

/** Content Security Policy violations seen by any page since the last call; test/e2e/support/csp-guard.ts fails a test on them. */
const cspViolations: string[] = [];
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}

export async function fillLogin(page: Page, login: { tenant: string; email: string; password: string }): Promise<void> {
  await page.getByLabel('Empresa', { exact: true }).fill(login.tenant);
  await page.getByLabel('E-mail', { exact: true }).fill(login.email);
  await page.getByLabel('Senha', { exact: true }).fill(login.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
}

/** Opens the dashboard and logs in as the tenant's owner (or another user); waits for the shell. */
export async function logIn(
  page: Page,
  tenant: TestTenant,
  user: { email: string; password: string } = { email: tenant.ownerEmail, password: tenant.password },
): Promise<void> {
  await page.goto('/');
  await fillLogin(page, { tenant: tenant.slug, ...user });
  await page.getByTestId('current-user').waitFor();
}

/** Goes to a section through the sidebar (client-side: no reload). */
export async function openSection(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Seções' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

/** Screenshots for looking at the UI while developing: set E2E_SCREENSHOT_DIR to keep them. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.E2E_SCREENSHOT_DIR;
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
}

/** Marks the document, so a test can tell that what it saw came without a reload. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as { __e2eMark?: boolean }).__e2eMark = true;
  });
}

export async function documentStillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as { __e2eMark?: boolean }).__e2eMark === true);
}
