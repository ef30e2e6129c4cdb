import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

const tenantOwnedTables = [
  'queue_priorities',
  'queue_units',
  'queue_services',
  'queue_desks',
  'queue_daily_counters',
  'queue_tickets',
  'queue_transitions',
  'queue_call_requests',
  'queue_display_status',
];

/**
 * The walk-in queue: units (places) with their services, desks and a tenant's priority
 * categories; tickets numbered per (service, business date) by a counter row, so a new day
 * starts at 1 with no reset job; an append-only log of every transition, which the statistics
 * are computed from.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table queue_priorities (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 80),
      description text not null default '' check (length(description) <= 300),
      weight integer not null check (weight between 1 and 100),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    )`.execute(db);

  await sql`
    create table queue_units (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 120),
      time_zone text not null,
      address text not null default '' check (length(address) <= 300),
      opening_hours jsonb not null default '[]',
      priority_ratio integer not null default 2 check (priority_ratio between 0 and 20),
      max_wait_min integer not null default 30 check (max_wait_min between 1 and 1440),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    )`.execute(db);

  await sql`
    create table queue_services (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      unit_id uuid not null references queue_units(id) on delete cascade,
      name text not null check (length(name) between 1 and 120),
      prefix text not null check (prefix ~ '^[A-Z]{1,3}$'),
      opening_hours jsonb,
      daily_cap integer check (daily_cap is null or daily_cap between 1 and 9999),
      expected_service_min integer not null default 10 check (expected_service_min between 1 and 480),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (unit_id, prefix)
    )`.execute(db);
  await sql`create index queue_services_unit on queue_services (tenant_id, unit_id)`.execute(db);

  await sql`
    create table queue_desks (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      unit_id uuid not null references queue_units(id) on delete cascade,
      name text not null check (length(name) between 1 and 80),
      number integer not null check (number between 1 and 999),
      active boolean not null default true,
      priority_streak integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (unit_id, number)
    )`.execute(db);

  // One row per (service, business date): the day's last number, bumped in the issuing transaction.
  await sql`
    create table queue_daily_counters (
      tenant_id uuid not null references tenants(id) on delete cascade,
      service_id uuid not null references queue_services(id) on delete cascade,
      business_date date not null,
      last_number integer not null,
      primary key (service_id, business_date)
    )`.execute(db);

  await sql`
    create table queue_tickets (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      unit_id uuid not null references queue_units(id) on delete cascade,
      service_id uuid not null references queue_services(id) on delete cascade,
      issued_service_id uuid not null references queue_services(id) on delete cascade,
      business_date date not null,
      number integer not null check (number >= 1),
      code text not null,
      public_code text not null unique,
      priority_id uuid references queue_priorities(id) on delete set null,
      priority_name text,
      priority_weight integer not null default 0,
      status text not null default 'waiting'
        check (status in ('waiting', 'called', 'in_service', 'completed', 'no_show', 'cancelled')),
      arrived_at timestamptz not null default now(),
      called_at timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      call_count integer not null default 0,
      desk_id uuid references queue_desks(id) on delete set null,
      operator_id uuid,
      issued_by_device_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (issued_service_id, business_date, number)
    )`.execute(db);
  // The line call-next reads: who waits in a service, by weight and arrival.
  await sql`
    create index queue_tickets_waiting on queue_tickets (service_id, priority_weight desc, arrived_at, id)
    where status = 'waiting'`.execute(db);
  await sql`create index queue_tickets_unit_day on queue_tickets (tenant_id, unit_id, business_date)`.execute(db);
  await sql`create index queue_tickets_desk_active on queue_tickets (desk_id) where status in ('called', 'in_service')`.execute(db);

  await sql`
    create table queue_transitions (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      ticket_id uuid not null references queue_tickets(id) on delete cascade,
      unit_id uuid not null,
      service_id uuid not null,
      action text not null,
      from_status text,
      to_status text not null,
      desk_id uuid,
      operator_id uuid,
      device_id uuid,
      actor_label text not null default '',
      request_id text,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index queue_transitions_unit_time on queue_transitions (tenant_id, unit_id, at)`.execute(db);
  await sql`create index queue_transitions_ticket on queue_transitions (ticket_id, id)`.execute(db);
  // The log is history: rows are only ever added (a tenant's deletion still cascades to them).
  await sql`
    create function queue_transitions_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'queue_transitions is append-only';
    end $$`.execute(db);
  await sql`
    create trigger queue_transitions_append_only before update on queue_transitions
    for each row execute function queue_transitions_append_only()`.execute(db);

  // A double-clicked call-next (same request id) answers the ticket the first click got.
  await sql`
    create table queue_call_requests (
      tenant_id uuid not null references tenants(id) on delete cascade,
      request_id text not null,
      desk_id uuid not null,
      ticket_id uuid references queue_tickets(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (tenant_id, request_id)
    )`.execute(db);

  await sql`
    create table queue_display_status (
      device_id uuid primary key references devices(id) on delete cascade,
      tenant_id uuid not null references tenants(id) on delete cascade,
      unit_id uuid not null,
      device_name text not null default '',
      showing_ticket_id uuid,
      last_heartbeat_at timestamptz not null default now(),
      user_agent text
    )`.execute(db);

  for (const table of tenantOwnedTables) await sql`select protect_tenant_table(${sql.lit(table)})`.execute(db);
  await sql`revoke update, delete on queue_transitions from app_rls, app_system`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...tenantOwnedTables].reverse()) await sql`drop table if exists ${sql.table(table)}`.execute(db);
  await sql`drop function if exists queue_transitions_append_only()`.execute(db);
}
