import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../test/support/app';
import type { Services } from '../platform/services';
import { withTenant } from './tenant-scope';

describe('withTenant (row-level security)', () => {
  let services: Services;
  let acme: TestTenant;
  let globex: TestTenant;

  beforeAll(async () => {
    services = await createTestServices();
    acme = await seedTenant(services);
    globex = await seedTenant(services);
  });
  afterAll(() => services.close());

  it('a query without any tenant filter still sees only its tenant', async () => {
    const users = await withTenant(services.db, acme.tenantId, (trx) => trx.selectFrom('users').select(['tenant_id', 'email']).execute());
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((user) => user.tenant_id === acme.tenantId)).toBe(true);
    const roles = await withTenant(services.db, globex.tenantId, (trx) => trx.selectFrom('roles').select('tenant_id').execute());
    expect(new Set(roles.map((role) => role.tenant_id))).toEqual(new Set([globex.tenantId]));
    const tenants = await withTenant(services.db, acme.tenantId, (trx) => trx.selectFrom('tenants').select('id').execute());
    expect(tenants).toEqual([{ id: acme.tenantId }]);
  });

  it('cannot write rows for another tenant', async () => {
    await expect(
      withTenant(services.db, acme.tenantId, (trx) =>
        trx
          .insertInto('audit_log')
          .values({ tenant_id: globex.tenantId, actor_type: 'system', actor_label: 'x', action: 'x', entity: 'x', diff: '{}' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const moved = await withTenant(services.db, acme.tenantId, (trx) =>
      trx.updateTable('users').set({ name: 'hijacked' }).where('tenant_id', '=', globex.tenantId).executeTakeFirst(),
    );
    expect(Number(moved.numUpdatedRows)).toBe(0);
  });

  it('runs as the non-bypass role and resets at commit', async () => {
    const inside = await withTenant(services.db, acme.tenantId, async (trx) => {
      const { rows } = await sql<{
        role: string;
        tenant: string;
      }>`select current_user as role, current_setting('app.tenant_id') as tenant`.execute(trx);
      return rows[0];
    });
    expect(inside).toEqual({ role: 'app_rls', tenant: acme.tenantId });
    const { rows } = await sql<{ tenant: string | null }>`select nullif(current_setting('app.tenant_id', true), '') as tenant`.execute(
      services.db,
    );
    expect(rows[0]?.tenant ?? null).toBeNull();
  });

  it('refuses an id that is not a uuid before touching the database', async () => {
    await expect(withTenant(services.db, "x' or 1=1 --", async () => 1)).rejects.toThrow(/not a tenant id/);
  });

  it('rolls back everything when the work fails', async () => {
    await expect(
      withTenant(services.db, acme.tenantId, async (trx) => {
        await trx.updateTable('users').set({ name: 'half-written' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const names = await withTenant(services.db, acme.tenantId, (trx) => trx.selectFrom('users').select('name').execute());
    expect(names.map((user) => user.name)).not.toContain('half-written');
  });
});
