import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

/**
 * The database as the last line: the app's connections run as `app_rls` (no tenant set, so no
 * tenant row is visible), tenant work switches the tenant on inside `withTenant`, and work that
 * spans tenants goes through the one system path, as `app_system`, whose policies see every row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'app_system') then
        create role app_system nologin;
      end if;
    end $$`.execute(db);
  await sql`grant app_system to current_user`.execute(db).catch(() => undefined); // already a member, or a superuser

  // Every table with row-level security so far: the system role sees and writes all of its rows.
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.relrowsecurity
    order by c.relname`.execute(db);
  for (const { name } of rows) {
    await sql`create policy system_access on ${sql.table(name)} to app_system using (true) with check (true)`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(name)} to app_system`.execute(db);
  }
  // The readiness check reads which migrations ran, through the system path.
  await sql`grant select, insert, update on schema_migrations, schema_migrations_lock to app_system`.execute(db);

  // Tables added from now on are protected in one call: `select protect_tenant_table('<table>')`.
  await sql`
    create function protect_tenant_table(target regclass) returns void language plpgsql
    set search_path = pg_catalog, public, pg_temp as $$
    begin
      execute format('alter table %s enable row level security', target);
      execute format(
        'create policy tenant_isolation on %s using (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid) '
        'with check (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)', target);
      execute format('create policy system_access on %s to app_system using (true) with check (true)', target);
      execute format('grant select, insert, update, delete on %s to app_rls, app_system', target);
    end $$`.execute(db);
  await sql`revoke all on function protect_tenant_table(regclass) from public`.execute(db);

  // A SECURITY DEFINER function resolves names only in the schemas it pins, never in one a caller controls.
  await sql`alter function helpdesk_contacts_matching(text, text) set search_path = pg_catalog, public, pg_temp`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter function helpdesk_contacts_matching(text, text) set search_path = public`.execute(db);
  await sql`drop function if exists protect_tenant_table(regclass)`.execute(db);
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_policies where schemaname = 'public' and policyname = 'system_access'`.execute(db);
  for (const { name } of rows) await sql`drop policy system_access on ${sql.table(name)}`.execute(db);
  await sql`revoke all on all tables in schema public from app_system`.execute(db);
}
