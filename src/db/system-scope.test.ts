import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../test/support/app';
import type { Services } from '../platform/services';
import { withSystem } from './system-scope';
import { withTenant } from './tenant-scope';

/** The database as the last line: outside withTenant and withSystem, the application sees no tenant's rows. */
describe('the application role and the system path', () => {
  let services: Services;
  let acme: TestTenant;
  let globex: TestTenant;
  const tenantOwnedTables = async () =>
    (
      await withSystem(services.db, (trx) =>
        sql<{ name: string }>`
          select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r' and c.relrowsecurity order by 1`.execute(trx),
      )
    ).rows.map((row) => row.name);

  beforeAll(async () => {
    services = await createTestServices();
    acme = await seedTenant(services);
    globex = await seedTenant(services);
  });
  afterAll(() => services.close());

  it(`a raw select outside withTenant and withSystem returns nothing (${process.env.TEST_DATABASE_URL ? 'Postgres' : 'PGlite'})`, async () => {
    expect(await services.db.selectFrom('users').selectAll().execute()).toEqual([]);
    expect(await services.db.selectFrom('tenants').selectAll().execute()).toEqual([]);
    const { rows } = await sql<{
      user: string;
      users: string;
    }>`select current_user as user, (select count(*) from users)::text as users`.execute(services.db);
    expect(rows).toEqual([{ user: 'app_rls', users: '0' }]);
    for (const table of await tenantOwnedTables()) {
      const counted = await sql<{ count: string }>`select count(*)::text as count from ${sql.table(table)}`.execute(services.db);
      expect({ table, count: counted.rows[0]!.count }).toEqual({ table, count: '0' });
    }
  });

  it('nor does it write one', async () => {
    await expect(
      services.db
        .insertInto('audit_log')
        .values({ tenant_id: acme.tenantId, actor_type: 'system', actor_label: 'x', action: 'x', entity: 'x', diff: '{}' })
        .execute(),
    ).rejects.toThrow(/row-level security/);
    const moved = await services.db.updateTable('users').set({ name: 'hijacked' }).executeTakeFirst();
    expect(Number(moved.numUpdatedRows)).toBe(0);
  });

  it('every tenant-owned table is under row-level security, for the application and the system path alike', async () => {
    const tables = await tenantOwnedTables();
    const { rows } = await withSystem(services.db, (trx) =>
      sql<{ table: string; policies: string[] }>`
        select tablename as table, array_agg(policyname::text order by policyname) as policies from pg_policies
        where schemaname = 'public' group by tablename order by 1`.execute(trx),
    );
    expect(rows.map((row) => row.table)).toEqual(tables);
    for (const row of rows)
      expect({ table: row.table, policies: row.policies }).toEqual({ table: row.table, policies: ['system_access', 'tenant_isolation'] });
    const withTenantColumn = await withSystem(services.db, (trx) =>
      sql<{ name: string }>`select table_name as name from information_schema.columns
        where table_schema = 'public' and column_name = 'tenant_id' order by 1`.execute(trx),
    );
    expect(withTenantColumn.rows.map((row) => row.name).filter((name) => !tables.includes(name))).toEqual([]);
  });

  it('withSystem sees every tenant; withTenant only its own; both reset at commit', async () => {
    const everyone = await withSystem(services.db, (trx) => trx.selectFrom('tenants').select('id').execute());
    expect(everyone.map((tenant) => tenant.id)).toEqual(expect.arrayContaining([acme.tenantId, globex.tenantId]));
    const own = await withTenant(services.db, acme.tenantId, (trx) => trx.selectFrom('tenants').select('id').execute());
    expect(own).toEqual([{ id: acme.tenantId }]);
    expect(await services.db.selectFrom('tenants').select('id').execute()).toEqual([]);
  });

  it('SECURITY DEFINER functions pin their search path', async () => {
    const { rows } = await withSystem(services.db, (trx) =>
      sql<{ name: string; config: string[] | null }>`
        select p.proname as name, p.proconfig as config from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef order by 1`.execute(trx),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect({ name: row.name, config: row.config }).toEqual({ name: row.name, config: ['search_path=pg_catalog, public, pg_temp'] });
  });
});
