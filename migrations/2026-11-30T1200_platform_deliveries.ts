import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // enqueue_order, not created_at, orders one key's deliveries: the deliveries of one transaction
  // share now(), and PGlite's clock ticks in milliseconds.
  // event_id is unique on its own: it is generated here, never supplied by a client, and a
  // receiver serving several tenants dedupes on it alone.
  // max_attempts null: the deployment's DELIVERIES_MAX_ATTEMPTS at the time of each try.
  await sql`
    create table deliveries (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      kind text not null check (length(kind) between 1 and 100),
      event_id uuid not null unique default gen_random_uuid(),
      ordering_key text check (length(ordering_key) between 1 and 200),
      payload jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'dead', 'cancelled')),
      attempts integer not null default 0,
      max_attempts integer check (max_attempts between 1 and 100),
      next_attempt_at timestamptz not null default now(),
      lease_until timestamptz,
      last_status_code integer,
      last_error text,
      target_url text,
      delivered_at timestamptz,
      enqueue_order bigint generated always as identity,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id)
    )`.execute(db);
  await sql`create index deliveries_due on deliveries (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index deliveries_ordering on deliveries (tenant_id, ordering_key, enqueue_order) where status = 'pending' and ordering_key is not null`.execute(db);
  await sql`create index deliveries_tenant on deliveries (tenant_id, enqueue_order desc)`.execute(db);
  await sql`create index deliveries_tenant_status on deliveries (tenant_id, status, enqueue_order desc)`.execute(db);
  await sql`create index deliveries_tenant_kind on deliveries (tenant_id, kind, enqueue_order desc)`.execute(db);

  await sql`
    create table delivery_attempts (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      delivery_id uuid not null,
      attempt integer not null,
      attempted_at timestamptz not null default now(),
      duration_ms integer not null,
      target_url text,
      status_code integer,
      error text,
      response_excerpt text,
      foreign key (tenant_id, delivery_id) references deliveries (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index delivery_attempts_delivery on delivery_attempts (tenant_id, delivery_id, id desc)`.execute(db);

  for (const table of ['deliveries', 'delivery_attempts']) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
        with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`.execute(db);
    await sql`grant select, insert, update, delete on ${sql.table(table)} to app_rls`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['delivery_attempts', 'deliveries']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
