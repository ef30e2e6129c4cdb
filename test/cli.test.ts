import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/database';
import { withSystem } from '../src/db/system-scope';

const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

function run(script: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(tsx, [path.join(root, 'scripts', script), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ownerFlags = ['--owner-email', 'owner@acme.test', '--owner-password', 'correct horse battery'];

// Each case runs whole processes that migrate a fresh embedded database, held by spawnSync (180 s at most each:
// about 8 s on an idle machine, far more on a saturated one); vitest's own timeout must be above a case's
// processes together, or it fires while one runs and the next case finds the database still open.
describe('operator CLI on the embedded database', { timeout: 600_000 }, () => {
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir });

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'balcao-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('tenant:seed --json creates the tenant, its roles and owner, and prints their ids', async () => {
    const seeded = run(
      'tenant-seed.ts',
      [
        '--slug',
        'acme',
        '--name',
        'Acme',
        ...ownerFlags,
        '--timezone',
        'America/New_York',
        '--modules',
        'helpdesk,agenda',
        '--demo',
        '--json',
      ],
      env(),
    );
    expect(seeded.stderr).toBe('');
    expect(seeded.status).toBe(0);
    const printed = JSON.parse(seeded.stdout.trim()) as Record<string, string>;
    expect(Object.keys(printed).sort()).toEqual(['ownerId', 'slug', 'tenantId']);
    expect(printed.slug).toBe('acme');

    const database = await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    try {
      const tenant = await withSystem(database.db, (trx) =>
        trx.selectFrom('tenants').selectAll().where('slug', '=', 'acme').executeTakeFirstOrThrow(),
      );
      expect(tenant).toMatchObject({ id: printed.tenantId, timezone: 'America/New_York', modules: ['helpdesk', 'agenda'] });
      const roles = await withSystem(database.db, (trx) =>
        trx.selectFrom('roles').select('key').where('tenant_id', '=', tenant.id).execute(),
      );
      expect(roles.map((role) => role.key)).toEqual(expect.arrayContaining(['owner', 'admin', 'manager', 'agent', 'viewer']));
      const users = await withSystem(database.db, (trx) =>
        trx.selectFrom('users').select(['id', 'email']).where('tenant_id', '=', tenant.id).execute(),
      );
      expect(users.find((user) => user.email === 'owner@acme.test')?.id).toBe(printed.ownerId);
      expect(users.length).toBeGreaterThan(1); // --demo added its users
      const tickets = await withSystem(database.db, (trx) =>
        trx.selectFrom('helpdesk_tickets').select('status').where('tenant_id', '=', tenant.id).execute(),
      );
      expect(tickets.length).toBeGreaterThan(0); // and, with the helpdesk on, conversations in its inbox
      const visits = await withSystem(database.db, (trx) =>
        trx.selectFrom('agenda_appointments').select('status').where('tenant_id', '=', tenant.id).execute(),
      );
      expect(visits.filter((visit) => visit.status === 'completed').length).toBeGreaterThan(20); // and, with the agenda on, a history
      expect(visits.filter((visit) => visit.status === 'confirmed').length).toBeGreaterThan(0); // and bookings this week
      const pending = await withSystem(database.db, (trx) =>
        trx.selectFrom('agenda_auth_requests').select('status').where('tenant_id', '=', tenant.id).execute(),
      );
      expect(pending.map((request) => request.status)).toEqual(['pending']);
    } finally {
      await database.close();
    }
  });

  it('refuses a slug that exists, and bad flags, with a clear message', () => {
    const again = run('tenant-seed.ts', ['--slug', 'acme', '--name', 'Acme', ...ownerFlags], env());
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('Já existe uma empresa com o identificador acme');
    const bad = run(
      'tenant-seed.ts',
      ['--slug', 'Not A Slug', '--name', '', '--owner-email', 'nope', '--owner-password', 'short', '--timezone', 'Mars/Base'],
      env(),
    );
    expect(bad.status).toBe(2);
    for (const flag of ['--slug', '--name', '--owner-email', '--owner-password', '--timezone']) expect(bad.stderr).toContain(`${flag}:`);
  });

  it('migrate status lists what is applied', () => {
    const status = run('migrate.ts', ['status'], env());
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/aplicada em .*2026-11-23T1200_platform_identity/);
  });

  it('stops with a clear error and touches nothing while a running server holds the database', async () => {
    const lockFile = path.join(dataDir, 'pglite.lock');
    writeFileSync(lockFile, String(process.pid)); // this test process stands in for the server
    const before = readdirSync(path.join(dataDir, 'pglite')).length;
    try {
      const seeded = run('tenant-seed.ts', ['--slug', 'other', '--name', 'Other', ...ownerFlags], env());
      expect(seeded.status).toBe(1);
      expect(seeded.stderr).toContain('está em uso por outro processo do Balcão');
      expect(readdirSync(path.join(dataDir, 'pglite')).length).toBe(before);
    } finally {
      rmSync(lockFile);
    }
    expect(existsSync(lockFile)).toBe(false);
    const database = await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    try {
      expect(
        await withSystem(database.db, (trx) => trx.selectFrom('tenants').select('slug').where('slug', '=', 'other').executeTakeFirst()),
      ).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
