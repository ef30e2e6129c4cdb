import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

const tenantOwnedTables = ['roles', 'users', 'refresh_tokens', 'api_tokens', 'audit_log', 'events', 'job_runs'];

export async function up(db: Kysely<any>): Promise<void> {
  // The role tenant work switches to: subject to row-level security, unlike the owner.
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'app_rls') then
        create role app_rls nologin;
      end if;
    end $$`.execute(db);
  await sql`grant app_rls to current_user`.execute(db).catch(() => undefined); // already a member, or a superuser

  await sql`
    create table tenants (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
      name text not null check (length(name) between 1 and 200),
      timezone text not null default 'America/Sao_Paulo',
      modules text[] not null default '{}',
      settings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table roles (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      key text not null check (key ~ '^[a-z][a-z0-9_-]{0,49}$'),
      name text not null,
      description text not null default '',
      permissions text[] not null default '{}',
      builtin boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, key),
      unique (tenant_id, id)
    )`.execute(db);

  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      email text not null check (email = lower(email)),
      name text not null,
      password_hash text,
      invite_token_hash text unique,
      invite_expires_at timestamptz,
      role_id uuid not null,
      active boolean not null default true,
      last_login_at timestamptz,
      deactivated_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, email),
      unique (tenant_id, id),
      foreign key (tenant_id, role_id) references roles (tenant_id, id),
      -- a user has a password, or an invitation to choose one
      check (password_hash is not null or invite_token_hash is not null)
    )`.execute(db);

  await sql`
    create table refresh_tokens (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid not null,
      family_id uuid not null,
      token_hash text not null unique,
      expires_at timestamptz not null,
      rotated_at timestamptz,
      revoked_at timestamptz,
      revoked_reason text,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index refresh_tokens_family on refresh_tokens (tenant_id, family_id)`.execute(db);
  await sql`create index refresh_tokens_user on refresh_tokens (tenant_id, user_id) where revoked_at is null`.execute(db);
  await sql`create index refresh_tokens_expiry on refresh_tokens (tenant_id, expires_at)`.execute(db);

  await sql`
    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      kind text not null default 'api',
      name text not null,
      prefix text not null unique,
      token_hash text not null,
      scopes text[] not null default '{}',
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz,
      created_by uuid,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index api_tokens_tenant on api_tokens (tenant_id, created_at desc)`.execute(db);

  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      occurred_at timestamptz not null default now(),
      actor_type text not null,
      actor_id uuid,
      actor_label text not null,
      action text not null,
      entity text not null,
      entity_id text,
      diff jsonb not null default '{}',
      request_id text,
      ip text
    )`.execute(db);
  await sql`create index audit_log_tenant on audit_log (tenant_id, id desc)`.execute(db);
  await sql`create index audit_log_action on audit_log (tenant_id, action, id desc)`.execute(db);
  await sql`create index audit_log_entity on audit_log (tenant_id, entity, entity_id, id desc)`.execute(db);
  await sql`create index audit_log_actor on audit_log (tenant_id, actor_id, id desc)`.execute(db);

  // tx_id orders delivery: an event is handed out only once every transaction that could
  // precede it has finished, so out-of-order commits never skip one.
  await sql`
    create table events (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      type text not null,
      data jsonb not null default '{}',
      occurred_at timestamptz not null default now(),
      tx_id xid8 not null default pg_current_xact_id()
    )`.execute(db);
  await sql`create index events_delivery_order on events (tx_id, id)`.execute(db);
  await sql`create index events_tenant on events (tenant_id, id)`.execute(db);

  await sql`
    create table job_runs (
      id bigint generated always as identity primary key,
      job text not null,
      tenant_id uuid references tenants(id) on delete cascade,
      slot timestamptz not null,
      trigger text not null check (trigger in ('schedule', 'catch_up', 'manual')),
      status text not null check (status in ('running', 'succeeded', 'failed')),
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      error text,
      stats jsonb not null default '{}',
      instance_id text not null
    )`.execute(db);
  await sql`create unique index job_runs_one_per_slot on job_runs (job, tenant_id, slot) nulls not distinct`.execute(db);
  await sql`create index job_runs_tenant on job_runs (tenant_id, id desc)`.execute(db);

  await sql`alter table tenants enable row level security`.execute(db);
  await sql`
    create policy tenant_isolation on tenants
      using (id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      with check (id = nullif(current_setting('app.tenant_id', true), '')::uuid)`.execute(db);
  await sql`grant select, insert, update on tenants to app_rls`.execute(db);

  for (const table of tenantOwnedTables) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
        with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to app_rls`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['job_runs', 'events', 'audit_log', 'api_tokens', 'refresh_tokens', 'users', 'roles', 'tenants']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
