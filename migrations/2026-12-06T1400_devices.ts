import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

/**
 * Devices (kiosks, displays, agents): a principal of their own, enrolled once with a short
 * single-use code and then authenticated by an opaque token stored only as a digest.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table devices (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      kind text not null check (kind ~ '^[a-z][a-z0-9_.-]{0,49}$'),
      name text not null check (length(name) between 1 and 100),
      scopes text[] not null default '{}',
      resource_id text check (resource_id is null or length(resource_id) between 1 and 200),
      token_prefix text unique,
      token_hash text,
      fingerprint text check (fingerprint is null or length(fingerprint) <= 200),
      enrolled_at timestamptz,
      revoked_at timestamptz,
      last_seen_at timestamptz,
      last_ip text,
      last_user_agent text,
      created_by uuid,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index devices_tenant on devices (tenant_id, created_at desc)`.execute(db);
  await sql`select protect_tenant_table('devices')`.execute(db);

  await sql`
    create table device_enrollments (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      device_id uuid not null references devices(id) on delete cascade,
      code_hash text not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index device_enrollments_device on device_enrollments (device_id)`.execute(db);
  await sql`select protect_tenant_table('device_enrollments')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists device_enrollments`.execute(db);
  await sql`drop table if exists devices`.execute(db);
}
