import type { Browser, Page } from 'playwright-core';
import type { RunningApp } from '../../../src/bootstrap';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../support/app';
import { launchBrowser, logIn, newPage } from './browser';

export interface SignedInDashboard {
  running: RunningApp & { url: string };
  tenant: TestTenant;
  browser: Browser;
  page: Page;
  /** A server-side caller acting as the owner, for setting things up and checking what the UI did. */
  ownerCaller(): ReturnType<typeof callerFor>;
  close(): Promise<void>;
}

/** The app on a fresh database, a tenant with the given modules, and its owner signed in on a page of a fresh browser. */
export async function openSignedInDashboard(
  options: { config?: Partial<Record<string, string>>; modules?: string[] } = {},
): Promise<SignedInDashboard> {
  const running = await startTestApp(options.config);
  let browser: Browser | undefined;
  try {
    const tenant = await seedTenant(running.services, { modules: options.modules ?? [] });
    browser = await launchBrowser();
    const { page } = await newPage(browser, running.url);
    await logIn(page, tenant);
    const opened = browser;
    return {
      running,
      tenant,
      browser: opened,
      page,
      ownerCaller: () => callerFor(running.services, { tenantId: tenant.tenantId, userId: tenant.ownerId }),
      close: async () => {
        await opened.close();
        await running.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await running.stop();
    throw error;
  }
}
