import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

const tenantOwnedTables = [
  'helpdesk_settings',
  'helpdesk_channels',
  'helpdesk_channel_status_events',
  'helpdesk_contacts',
  'helpdesk_queues',
  'helpdesk_queue_members',
  'helpdesk_tickets',
  'helpdesk_ticket_events',
  'helpdesk_messages',
  'helpdesk_quick_replies',
  'helpdesk_api_configs',
  'helpdesk_api_calls',
  'helpdesk_media',
];

export async function up(db: Kysely<any>): Promise<void> {
  // One row per tenant that uses the helpdesk; also the lock that numbers its tickets in order.
  await sql`
    create table helpdesk_settings (
      tenant_id uuid primary key references tenants(id) on delete cascade,
      last_ticket_number integer not null default 0,
      reopen_window_minutes integer not null default 1440 check (reopen_window_minutes between 0 and 525600),
      business_hours jsonb,
      out_of_hours_message text,
      queue_menu_enabled boolean not null default false,
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table helpdesk_channels (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      type text not null check (type in ('n8n', 'whatsapp_cloud')),
      name text not null check (length(name) between 1 and 120),
      status text not null default 'disconnected' check (status in ('connected', 'disconnected', 'error')),
      status_reason text,
      status_changed_at timestamptz not null default now(),
      config jsonb not null default '{}',
      webhook_secret_sealed text not null,
      webhook_secret_hash text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      unique (tenant_id, id)
    )`.execute(db);

  await sql`
    create table helpdesk_channel_status_events (
      id bigint generated always as identity primary key,
      tenant_id uuid not null,
      channel_id uuid not null,
      status text not null,
      reason text,
      at timestamptz not null default now(),
      foreign key (tenant_id, channel_id) references helpdesk_channels (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index helpdesk_channel_status_events_channel on helpdesk_channel_status_events (tenant_id, channel_id, id desc)`.execute(db);

  await sql`
    create table helpdesk_contacts (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null,
      phone text not null check (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      email text,
      tags text[] not null default '{}',
      notes text not null default '',
      custom_fields jsonb not null default '{}',
      merged_into_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id)
    )`.execute(db);
  // A contact merged into another keeps its row (history points at it) but frees its phone.
  await sql`create unique index helpdesk_contacts_phone on helpdesk_contacts (tenant_id, phone) where merged_into_id is null`.execute(db);
  await sql`create index helpdesk_contacts_name on helpdesk_contacts (tenant_id, lower(name))`.execute(db);
  // Inbox and contact search match any part of a name or phone: trigram indexes keep that fast at 100k+ contacts.
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index helpdesk_contacts_name_trigram on helpdesk_contacts using gin (name gin_trgm_ops)`.execute(db);
  await sql`create index helpdesk_contacts_phone_trigram on helpdesk_contacts using gin (phone gin_trgm_ops)`.execute(db);
  // Under row-level security Postgres will not use those indexes for ILIKE (not a leakproof
  // operator), so the search runs here, as the table's owner, scoped to the caller's tenant by hand.
  await sql`
    create function helpdesk_contacts_matching(name_pattern text, phone_pattern text)
    returns table (id uuid) language sql stable security definer set search_path = public as $$
      select c.id from helpdesk_contacts c
      where c.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
        and (c.name ilike name_pattern or (phone_pattern is not null and c.phone like phone_pattern))
    $$`.execute(db);
  await sql`revoke all on function helpdesk_contacts_matching(text, text) from public`.execute(db);
  await sql`grant execute on function helpdesk_contacts_matching(text, text) to app_rls`.execute(db);

  await sql`
    create table helpdesk_queues (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 80),
      color text not null default '#6366f1',
      greeting text not null default '',
      position integer not null default 0,
      business_hours jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id),
      unique (tenant_id, name)
    )`.execute(db);

  await sql`
    create table helpdesk_queue_members (
      tenant_id uuid not null,
      queue_id uuid not null,
      user_id uuid not null,
      primary key (tenant_id, queue_id, user_id),
      foreign key (tenant_id, queue_id) references helpdesk_queues (tenant_id, id) on delete cascade,
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index helpdesk_queue_members_user on helpdesk_queue_members (tenant_id, user_id)`.execute(db);

  await sql`
    create table helpdesk_tickets (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      number integer not null,
      channel_id uuid not null,
      contact_id uuid not null,
      status text not null check (status in ('pending', 'open', 'closed')),
      queue_id uuid,
      assignee_id uuid,
      unread_count integer not null default 0 check (unread_count >= 0),
      last_message_at timestamptz not null default now(),
      last_message_preview text not null default '',
      tags text[] not null default '{}',
      close_reason text,
      closed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id),
      unique (tenant_id, number),
      foreign key (tenant_id, channel_id) references helpdesk_channels (tenant_id, id),
      foreign key (tenant_id, contact_id) references helpdesk_contacts (tenant_id, id),
      foreign key (tenant_id, queue_id) references helpdesk_queues (tenant_id, id),
      foreign key (tenant_id, assignee_id) references users (tenant_id, id)
    )`.execute(db);
  // At most one active ticket per contact and channel: concurrent first messages meet here.
  await sql`
    create unique index helpdesk_tickets_one_active on helpdesk_tickets (tenant_id, channel_id, contact_id)
      where status in ('pending', 'open')`.execute(db);
  await sql`create index helpdesk_tickets_inbox on helpdesk_tickets (tenant_id, status, last_message_at desc, id desc)`.execute(db);
  await sql`create index helpdesk_tickets_queue on helpdesk_tickets (tenant_id, queue_id, status, last_message_at desc, id desc)`.execute(db);
  await sql`create index helpdesk_tickets_assignee on helpdesk_tickets (tenant_id, assignee_id, status, last_message_at desc, id desc)`.execute(db);
  await sql`create index helpdesk_tickets_contact on helpdesk_tickets (tenant_id, contact_id, created_at desc)`.execute(db);

  await sql`
    create table helpdesk_ticket_events (
      id bigint generated always as identity primary key,
      tenant_id uuid not null,
      ticket_id uuid not null,
      action text not null,
      from_status text,
      to_status text,
      actor_type text not null check (actor_type in ('user', 'contact', 'system', 'api')),
      actor_id text,
      reason text,
      details jsonb not null default '{}',
      at timestamptz not null default now(),
      foreign key (tenant_id, ticket_id) references helpdesk_tickets (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index helpdesk_ticket_events_ticket on helpdesk_ticket_events (tenant_id, ticket_id, id)`.execute(db);

  await sql`
    create table helpdesk_messages (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      ticket_id uuid not null,
      channel_id uuid not null,
      contact_id uuid not null,
      direction text not null check (direction in ('inbound', 'outbound')),
      kind text not null,
      body text not null default '',
      is_note boolean not null default false,
      media_url text,
      media_mime_type text,
      media_size_bytes integer,
      media_file_name text,
      quoted_message_id uuid,
      external_id text,
      status text not null check (status in ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
      failure_reason text,
      sender_user_id uuid,
      source text not null default 'dashboard' check (source in ('contact', 'dashboard', 'api', 'system')),
      api_config_id uuid,
      external_key text,
      sent_at timestamptz,
      status_changed_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      unique (tenant_id, id),
      foreign key (tenant_id, ticket_id) references helpdesk_tickets (tenant_id, id) on delete cascade,
      foreign key (tenant_id, channel_id) references helpdesk_channels (tenant_id, id),
      foreign key (tenant_id, contact_id) references helpdesk_contacts (tenant_id, id)
    )`.execute(db);
  // A retried or concurrent webhook stores one message: the provider's id is unique per channel.
  await sql`create unique index helpdesk_messages_external on helpdesk_messages (tenant_id, channel_id, external_id) where external_id is not null`.execute(db);
  await sql`create index helpdesk_messages_ticket on helpdesk_messages (tenant_id, ticket_id, created_at desc, id desc)`.execute(db);

  await sql`
    create table helpdesk_quick_replies (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      shortcut text not null check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      text text not null check (length(text) between 1 and 4096),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, shortcut)
    )`.execute(db);

  // External API v1: each config is bound to one channel and one API token of the platform.
  await sql`
    create table helpdesk_api_configs (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 120),
      channel_id uuid not null,
      api_token_id uuid not null references api_tokens(id),
      callback_url text,
      callback_secret_sealed text not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      unique (tenant_id, id),
      foreign key (tenant_id, channel_id) references helpdesk_channels (tenant_id, id)
    )`.execute(db);

  // Every call of the external API, for the dashboard; a call with an idempotency key also
  // holds the first answer, which a retry with that key gets again.
  await sql`
    create table helpdesk_api_calls (
      id bigint generated always as identity primary key,
      tenant_id uuid not null,
      api_config_id uuid not null,
      method text not null,
      path text not null,
      status_code integer not null,
      error text,
      idempotency_key text,
      message_id uuid,
      response jsonb,
      at timestamptz not null default now(),
      foreign key (tenant_id, api_config_id) references helpdesk_api_configs (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index helpdesk_api_calls_idempotency on helpdesk_api_calls (tenant_id, api_config_id, idempotency_key) where idempotency_key is not null`.execute(db);
  await sql`create index helpdesk_api_calls_recent on helpdesk_api_calls (tenant_id, api_config_id, id desc)`.execute(db);

  // Files agents attach (kept in the database, so every instance serves them); fetched by
  // providers through an unguessable link.
  await sql`
    create table helpdesk_media (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      file_name text not null,
      mime_type text not null,
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null,
      content bytea not null,
      uploaded_by uuid,
      created_at timestamptz not null default now()
    )`.execute(db);

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
  await sql`drop function if exists helpdesk_contacts_matching(text, text)`.execute(db);
  for (const table of [...tenantOwnedTables].reverse()) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
