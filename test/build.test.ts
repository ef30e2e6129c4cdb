import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, root, serverBuildStaleReason } from '../scripts/build-server.mjs';
import { freePort } from './support/network';

/** The environment of `npm start` on a fresh clone: no NODE_ENV, no database or Redis URL, no secrets. */
const embeddedEnv = (dataDir: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  JOBS_ENABLED: 'false',
  ...extra,
});

// One build and one whole process that migrates a fresh embedded database and seeds the demo tenant.
describe('the compiled server (npm run build:server)', { timeout: 180_000 }, () => {
  let workDir: string;
  let distDir: string;
  let dataDir: string;

  beforeAll(async () => {
    // A layout like the Docker image's: dist/, web/dist/ beside it, and the production packages.
    workDir = mkdtempSync(path.join(os.tmpdir(), 'balcao-build-'));
    distDir = path.join(workDir, 'dist');
    dataDir = path.join(workDir, 'data');
    await buildServer({ outdir: distDir, log: () => undefined });
    symlinkSync(path.join(root, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
    mkdirSync(path.join(workDir, 'web/dist'), { recursive: true });
    writeFileSync(path.join(workDir, 'web/dist/index.html'), '<!doctype html><title>painel compilado</title>');
  }, 120_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('knows when it is current, and why it is not', () => {
    expect(serverBuildStaleReason(distDir)).toBeUndefined();
    const manifestFile = path.join(distDir, 'build-manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { builtAt: number; inputs: string[] };
    expect(manifest.inputs).toEqual(expect.arrayContaining(['src/main.ts', 'scripts/tenant-seed.ts', 'migrations/index.ts']));
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, builtAt: 0 }));
    try {
      expect(serverBuildStaleReason(distDir)).toMatch(/ mudou$/);
    } finally {
      writeFileSync(manifestFile, JSON.stringify(manifest));
    }
    const missing = path.join(workDir, 'elsewhere');
    expect(serverBuildStaleReason(missing)).toMatch(/não tem o servidor compilado$/);
  });

  it('starts on the embedded defaults: /ready, the dashboard from web/dist, the demo login, then a clean stop', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [path.join(distDir, 'main.js')], {
      cwd: workDir,
      env: embeddedEnv(dataDir, { PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      let ready: Response | undefined;
      for (const startedAt = Date.now(); Date.now() - startedAt < 150_000 && server.exitCode === null;) {
        ready = await fetch(`${url}/ready`).catch(() => undefined);
        if (ready?.ok) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ready?.status, output).toBe(200);
      expect(await ready!.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true } } });
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const dashboard = await fetch(`${url}/agenda`);
      expect(await dashboard.text()).toContain('painel compilado');

      const password = /senha: (\S+)/.exec(output)?.[1];
      expect(password, output).toBeDefined();
      const login = await fetch(`${url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'demo', email: 'dono@demo.balcao.test', password }),
      });
      expect(login.status).toBe(200);
      const { result } = (await login.json()) as { result: { data: { accessToken: string } } };
      const me = await fetch(`${url}/trpc/auth.me`, { headers: { authorization: `Bearer ${result.data.accessToken}` } });
      expect(((await me.json()) as { result: { data: { user: { email: string } } } }).result.data.user.email).toBe('dono@demo.balcao.test');
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('runs the compiled commands on the same data: migrate status and tenant-seed', () => {
    const run = (entry: string, args: string[]) =>
      spawnSync(process.execPath, [path.join(distDir, `${entry}.js`), ...args], {
        cwd: workDir,
        env: embeddedEnv(dataDir),
        encoding: 'utf8',
        timeout: 60_000,
      });
    const status = run('migrate', ['status']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/aplicada em .*2026-11-23T1200_platform_identity/);
    expect(status.stdout).not.toContain('pendente');

    const seeded = run('tenant-seed', [
      '--slug',
      'acme',
      '--name',
      'Acme',
      '--owner-email',
      'dono@acme.test',
      '--owner-password',
      'correct horse battery',
      '--json',
    ]);
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ slug: 'acme' });

    const refused = run('tenant-seed', ['--slug', 'Not A Slug']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--slug:');
  });
});
