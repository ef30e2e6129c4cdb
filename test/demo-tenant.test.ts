import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_TENANT } from '../src/bootstrap';
import { DEMO_PASSWORD } from '../src/domains/identity/demo-data';
import { httpClient, startTestApp } from './support/app';
import { expectTrpcError } from './support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Starts the app and returns what it printed to stdout while starting. */
async function startCapturingStdout(overrides: Record<string, string>): Promise<{ app: RunningTestApp; printed: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const app = await startTestApp(overrides);
    return { app, printed: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

const loginAs = (app: RunningTestApp, email: string, password: string) =>
  httpClient(app.url).auth.login.mutate({ tenant: DEMO_TENANT.slug, email, password });

describe('the demo tenant', () => {
  let app: RunningTestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('docker compose does not turn it on', () => {
    const compose = readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8');
    expect(compose).toMatch(/DEMO_TENANT: \$\{DEMO_TENANT:-false\}/);
  });

  it('in production gets a random password, printed once, and the published one opens nothing', async () => {
    const started = await startCapturingStdout({ NODE_ENV: 'production', DEMO_TENANT: 'true' });
    app = started.app;
    const password = /senha: (\S+)/.exec(started.printed)?.[1];
    expect(password).toBeDefined();
    expect(password).not.toBe(DEMO_PASSWORD);
    expect(password!.length).toBeGreaterThanOrEqual(16);
    await expect(loginAs(app, DEMO_TENANT.ownerEmail, password!)).resolves.toMatchObject({ user: { email: DEMO_TENANT.ownerEmail } });
    await expectTrpcError(loginAs(app, DEMO_TENANT.ownerEmail, DEMO_PASSWORD), 'UNAUTHORIZED');
    // The demo staff too: none of them opens with the published password.
    await expectTrpcError(loginAs(app, `gerente@${DEMO_TENANT.slug}.balcao.test`, DEMO_PASSWORD), 'UNAUTHORIZED');
    await expect(loginAs(app, `gerente@${DEMO_TENANT.slug}.balcao.test`, password!)).resolves.toMatchObject({ user: {} });
  });

  it('outside production keeps the published password, for `npm start` on a fresh clone', async () => {
    const started = await startCapturingStdout({ NODE_ENV: 'development', DEMO_TENANT: 'true' });
    app = started.app;
    expect(started.printed).toContain(`senha: ${DEMO_PASSWORD}`);
    await expect(loginAs(app, DEMO_TENANT.ownerEmail, DEMO_PASSWORD)).resolves.toMatchObject({ user: { email: DEMO_TENANT.ownerEmail } });
  });
});
