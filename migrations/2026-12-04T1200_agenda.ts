import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

const tenantOwnedTables = [
  'agenda_settings',
  'agenda_clients',
  'agenda_services',
  'agenda_professionals',
  'agenda_professional_services',
  'agenda_date_overrides',
  'agenda_time_off',
  'agenda_appointments',
  'agenda_auth_requests',
  'agenda_notifications',
  'agenda_campaigns',
  'agenda_campaign_runs',
  'agenda_conversations',
  'agenda_chat_messages',
  'llm_calls',
];

/** Statuses whose appointments occupy the professional's time. */
const OCCUPYING_STATUSES = sql`status in ('pending_approval', 'confirmed', 'completed')`;

export async function up(db: Kysely<any>): Promise<void> {
  // Exclusion constraints that mix equality on uuids with range overlap need btree_gist.
  await sql`create extension if not exists btree_gist`.execute(db);

  // One row per tenant that uses the agenda: how n8n reaches it and how it reaches clients.
  await sql`
    create table agenda_settings (
      tenant_id uuid primary key references tenants(id) on delete cascade,
      n8n_outbound_url text,
      inbound_secret_sealed text not null,
      inbound_secret_hash text not null,
      notification_route text not null default 'n8n' check (notification_route in ('n8n', 'helpdesk')),
      helpdesk_channel_id uuid,
      chat_from_helpdesk boolean not null default false,
      auth_request_ttl_hours integer not null default 24 check (auth_request_ttl_hours between 1 and 720),
      min_notice_minutes integer not null default 60 check (min_notice_minutes between 0 and 10080),
      slot_step_minutes integer not null default 15 check (slot_step_minutes between 5 and 240),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // n8n may present the secret alone: it names the tenant.
  await sql`create unique index agenda_settings_inbound_secret on agenda_settings (inbound_secret_hash)`.execute(db);

  await sql`
    create table agenda_clients (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 160),
      phone text not null check (phone ~ '^[+][1-9][0-9]{6,14}$'),
      email text,
      birthday date,
      notes text not null default '',
      opted_out_at timestamptz,
      last_contacted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id),
      unique (tenant_id, phone)
    )`.execute(db);
  await sql`create index agenda_clients_name on agenda_clients (tenant_id, lower(name))`.execute(db);

  await sql`
    create table agenda_services (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 120),
      duration_min integer not null check (duration_min between 5 and 720),
      price_cents integer not null check (price_cents >= 0),
      buffer_before_min integer not null default 0 check (buffer_before_min between 0 and 240),
      buffer_after_min integer not null default 0 check (buffer_after_min between 0 and 240),
      return_cycle_days integer check (return_cycle_days between 1 and 3650),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id),
      unique (tenant_id, name)
    )`.execute(db);

  // Weekly hours and breaks are [{ weekday, start: 'HH:MM', end: 'HH:MM' }] in the tenant's zone.
  await sql`
    create table agenda_professionals (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 120),
      weekly_hours jsonb not null default '[]',
      breaks jsonb not null default '[]',
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id)
    )`.execute(db);

  await sql`
    create table agenda_professional_services (
      tenant_id uuid not null,
      professional_id uuid not null,
      service_id uuid not null,
      primary key (tenant_id, professional_id, service_id),
      foreign key (tenant_id, professional_id) references agenda_professionals (tenant_id, id) on delete cascade,
      foreign key (tenant_id, service_id) references agenda_services (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index agenda_professional_services_service on agenda_professional_services (tenant_id, service_id)`.execute(db);

  // A date's own hours replace the weekly ones; an empty list closes the day.
  await sql`
    create table agenda_date_overrides (
      tenant_id uuid not null,
      professional_id uuid not null,
      date date not null,
      intervals jsonb not null default '[]',
      primary key (tenant_id, professional_id, date),
      foreign key (tenant_id, professional_id) references agenda_professionals (tenant_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table agenda_time_off (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      professional_id uuid not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reason text not null default '',
      created_at timestamptz not null default now(),
      check (ends_at > starts_at),
      foreign key (tenant_id, professional_id) references agenda_professionals (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index agenda_time_off_professional on agenda_time_off (tenant_id, professional_id, starts_at)`.execute(db);

  // Proposed bookings the owner approves or rejects; a pending one holds its slot until it expires.
  // dedupe_key makes a campaign that runs again (after a crash, or on two instances) propose nothing twice.
  await sql`
    create table agenda_auth_requests (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      client_id uuid not null,
      service_id uuid not null,
      professional_id uuid not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      occupied_starts_at timestamptz not null,
      occupied_ends_at timestamptz not null,
      offer jsonb not null default '{"type":"none","value":0}',
      price_cents integer not null check (price_cents >= 0),
      created_by_agent text not null check (created_by_agent in ('prazo_certo', 'encher_agenda', 'chat', 'manual')),
      campaign_run_id uuid,
      conversation_id uuid,
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'expired')),
      expires_at timestamptz not null,
      decided_by uuid,
      decided_at timestamptz,
      decision_notes text,
      appointment_id uuid,
      dedupe_key text,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at and occupied_starts_at <= starts_at and occupied_ends_at >= ends_at),
      unique (tenant_id, id),
      unique (tenant_id, dedupe_key),
      foreign key (tenant_id, client_id) references agenda_clients (tenant_id, id) on delete cascade,
      foreign key (tenant_id, service_id) references agenda_services (tenant_id, id),
      foreign key (tenant_id, professional_id) references agenda_professionals (tenant_id, id)
    )`.execute(db);
  await sql`create index agenda_auth_requests_status on agenda_auth_requests (tenant_id, status, created_at desc, id desc)`.execute(db);
  await sql`create index agenda_auth_requests_holds on agenda_auth_requests (tenant_id, professional_id, starts_at) where status = 'pending'`.execute(db);
  await sql`create index agenda_auth_requests_expiry on agenda_auth_requests (expires_at) where status = 'pending'`.execute(db);

  // No two occupying appointments of one professional overlap, buffers included: the
  // database refuses the second writer, whatever the application checked before.
  await sql`
    create table agenda_appointments (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      client_id uuid not null,
      service_id uuid not null,
      professional_id uuid not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      occupied_starts_at timestamptz not null,
      occupied_ends_at timestamptz not null,
      status text not null check (status in ('pending_approval', 'confirmed', 'cancelled', 'completed', 'no_show')),
      source text not null check (source in ('manual', 'prazo_certo', 'encher_agenda', 'chat')),
      price_cents integer not null check (price_cents >= 0),
      auth_request_id uuid,
      notes text not null default '',
      created_by uuid,
      cancel_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_at > starts_at and occupied_starts_at <= starts_at and occupied_ends_at >= ends_at),
      unique (tenant_id, id),
      unique (tenant_id, auth_request_id),
      foreign key (tenant_id, client_id) references agenda_clients (tenant_id, id) on delete cascade,
      foreign key (tenant_id, service_id) references agenda_services (tenant_id, id),
      foreign key (tenant_id, professional_id) references agenda_professionals (tenant_id, id),
      constraint agenda_appointments_no_overlap exclude using gist (
        tenant_id with =,
        professional_id with =,
        tstzrange(occupied_starts_at, occupied_ends_at, '[)') with &&
      ) where (${OCCUPYING_STATUSES})
    )`.execute(db);
  await sql`create index agenda_appointments_calendar on agenda_appointments (tenant_id, starts_at, professional_id)`.execute(db);
  // Prazo Certo reads each client's history of a service, newest first.
  await sql`create index agenda_appointments_client_history on agenda_appointments (tenant_id, client_id, service_id, starts_at desc) where status in ('completed', 'confirmed', 'pending_approval')`.execute(db);

  // Every message the agenda sends a client, once per dedupe_key (a decision, an offer, a reply).
  await sql`
    create table agenda_notifications (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      client_id uuid not null,
      kind text not null,
      message text not null,
      route text not null check (route in ('n8n', 'helpdesk', 'none')),
      delivery_id uuid,
      dedupe_key text not null,
      created_at timestamptz not null default now(),
      unique (tenant_id, dedupe_key),
      foreign key (tenant_id, client_id) references agenda_clients (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index agenda_notifications_client on agenda_notifications (tenant_id, client_id, created_at desc)`.execute(db);

  await sql`
    create table agenda_campaigns (
      tenant_id uuid not null references tenants(id) on delete cascade,
      type text not null check (type in ('prazo_certo', 'encher_agenda')),
      enabled boolean not null default true,
      schedule text not null,
      offer_type text not null default 'discount_percent' check (offer_type in ('none', 'discount_percent')),
      offer_value integer not null default 0 check (offer_value between 0 and 100),
      window_days integer not null default 7 check (window_days between 0 and 365),
      days_ahead integer not null default 7 check (days_ahead between 1 and 60),
      daily_cap integer not null default 50 check (daily_cap between 1 and 10000),
      quiet_hours_start text not null default '20:00',
      quiet_hours_end text not null default '08:00',
      frequency_cap_days integer not null default 14 check (frequency_cap_days between 0 and 365),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, type)
    )`.execute(db);

  // A run per (campaign, trigger slot): a scheduled slot runs once across instances and restarts.
  await sql`
    create table agenda_campaign_runs (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      type text not null check (type in ('prazo_certo', 'encher_agenda')),
      trigger text not null check (trigger in ('schedule', 'manual', 'n8n')),
      slot_key text not null,
      status text not null default 'running' check (status in ('running', 'completed', 'failed')),
      context jsonb not null default '{}',
      stats jsonb not null default '{}',
      error text,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      unique (tenant_id, type, slot_key)
    )`.execute(db);
  await sql`create index agenda_campaign_runs_recent on agenda_campaign_runs (tenant_id, started_at desc)`.execute(db);

  await sql`
    create table agenda_conversations (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      client_id uuid not null,
      channel text not null default 'whatsapp',
      last_message_at timestamptz not null default now(),
      last_intent text,
      created_at timestamptz not null default now(),
      unique (tenant_id, id),
      unique (tenant_id, client_id, channel),
      foreign key (tenant_id, client_id) references agenda_clients (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index agenda_conversations_recent on agenda_conversations (tenant_id, last_message_at desc, id desc)`.execute(db);

  // dedupe_key: a webhook delivered twice stores (and answers) one message.
  await sql`
    create table agenda_chat_messages (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      conversation_id uuid not null,
      role text not null check (role in ('client', 'agent')),
      body text not null,
      intent text,
      booking_created boolean not null default false,
      auth_request_id uuid,
      dedupe_key text,
      replied_at timestamptz,
      created_at timestamptz not null default now(),
      unique (tenant_id, dedupe_key),
      foreign key (tenant_id, conversation_id) references agenda_conversations (tenant_id, id) on delete cascade
    )`.execute(db);
  // Client messages stored but not yet answered (a restart in between): the agent's sweep finds them.
  await sql`create index agenda_chat_messages_unanswered on agenda_chat_messages (created_at) where role = 'client' and replied_at is null`.execute(db);
  await sql`create index agenda_chat_messages_conversation on agenda_chat_messages (tenant_id, conversation_id, created_at desc)`.execute(db);

  // Every call to a language model, whoever made it: what it cost and how it ended.
  await sql`
    create table llm_calls (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      purpose text not null,
      provider text not null,
      model text not null,
      input_tokens integer not null default 0,
      output_tokens integer not null default 0,
      latency_ms integer not null default 0,
      outcome text not null,
      error text,
      fell_back boolean not null default false,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index llm_calls_tenant on llm_calls (tenant_id, at desc)`.execute(db);

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
  for (const table of [...tenantOwnedTables].reverse()) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
