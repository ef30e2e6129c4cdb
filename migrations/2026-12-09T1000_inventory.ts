import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

const tenantOwnedTables = [
  'inventory_settings',
  'inventory_suppliers',
  'inventory_categories',
  'inventory_locations',
  'inventory_assets',
  'inventory_attachments',
  'inventory_movements',
  'inventory_movement_steps',
  'inventory_loans',
  'inventory_loan_terms',
  'inventory_audits',
  'inventory_audit_items',
  'inventory_audit_scans',
  'inventory_audit_tallies',
  'inventory_maintenance_contracts',
  'inventory_maintenance_schedules',
  'inventory_maintenance_orders',
  'inventory_quote_requests',
  'inventory_quote_request_items',
  'inventory_budgets',
  'inventory_budget_items',
  'inventory_purchase_orders',
  'inventory_purchase_order_items',
  'inventory_machines',
  'inventory_machine_heartbeats',
  'inventory_tickets',
  'inventory_alerts',
];

/**
 * The asset inventory: a category tree and a location tree (unit → building → floor → room,
 * with a materialised path so a subtree is one index range), assets numbered per tenant, their
 * attachments; movements and loans as one state machine with an append-only trail and signed
 * responsibility terms; audit sessions with a frozen expected list; maintenance orders, plans
 * and SLA contracts; suppliers, quotes and purchase orders; and the machines an agent reports.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table inventory_settings (
      tenant_id uuid primary key references tenants(id) on delete cascade,
      tag_prefix text not null default 'PAT-' check (tag_prefix ~ '^[A-Z0-9-]{0,10}$'),
      tag_digits integer not null default 6 check (tag_digits between 3 and 10),
      last_tag_number integer not null default 0,
      last_order_number integer not null default 0,
      last_purchase_number integer not null default 0,
      label_sheet jsonb not null default '{}',
      loan_reminder_days integer not null default 2 check (loan_reminder_days between 0 and 60),
      sla_warning_percent integer not null default 80 check (sla_warning_percent between 10 and 99),
      agent_silence_minutes integer not null default 10 check (agent_silence_minutes between 1 and 10080),
      heartbeat_retention_days integer not null default 7 check (heartbeat_retention_days between 1 and 365),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table inventory_suppliers (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 160),
      tax_id text not null check (tax_id ~ '^[0-9A-Z]{14}$'),
      contact text not null default '' check (length(contact) <= 160),
      email text check (email is null or length(email) <= 254),
      phone text check (phone is null or length(phone) <= 32),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, tax_id)
    )`.execute(db);

  await sql`
    create table inventory_categories (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      parent_id uuid references inventory_categories(id) on delete restrict,
      name text not null check (length(name) between 1 and 120),
      custom_fields jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique nulls not distinct (tenant_id, parent_id, name)
    )`.execute(db);

  // path: '/<root id>/…/<own id>/', so a subtree is every path that starts with its root's.
  await sql`
    create table inventory_locations (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      parent_id uuid references inventory_locations(id) on delete restrict,
      type text not null check (type in ('unit', 'building', 'floor', 'room')),
      name text not null check (length(name) between 1 and 120),
      code text not null check (code ~ '^[A-Za-z0-9._-]{1,40}$'),
      path text not null,
      latitude numeric(9, 6) check (latitude between -90 and 90),
      longitude numeric(9, 6) check (longitude between -180 and 180),
      manager_id uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, code)
    )`.execute(db);
  await sql`create index inventory_locations_path on inventory_locations (tenant_id, path text_pattern_ops)`.execute(db);
  await sql`create index inventory_locations_parent on inventory_locations (tenant_id, parent_id)`.execute(db);

  await sql`
    create table inventory_assets (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      category_id uuid references inventory_categories(id) on delete restrict,
      tag text not null,
      tag_number integer,
      patrimonio text check (patrimonio is null or length(patrimonio) between 1 and 60),
      serial_number text check (serial_number is null or length(serial_number) between 1 and 120),
      purchase_value_cents bigint check (purchase_value_cents is null or purchase_value_cents >= 0),
      purchase_date date,
      supplier_id uuid references inventory_suppliers(id) on delete set null,
      location_id uuid references inventory_locations(id) on delete restrict,
      status text not null default 'available'
        check (status in ('available', 'in_use', 'on_loan', 'in_maintenance', 'missing', 'lost', 'disposed')),
      lifecycle_state text not null default 'in_service'
        check (lifecycle_state in ('ordered', 'in_service', 'retired', 'disposed')),
      custom_fields jsonb not null default '{}',
      notes text not null default '' check (length(notes) <= 4000),
      purchase_order_id uuid,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, tag)
    )`.execute(db);
  // Covers a location subtree's counts by status and category, and their value, without reading the rows.
  await sql`
    create index inventory_assets_location on inventory_assets (tenant_id, location_id, status)
    include (category_id, purchase_value_cents)`.execute(db);
  await sql`create index inventory_assets_category on inventory_assets (tenant_id, category_id)`.execute(db);
  await sql`create index inventory_assets_serial on inventory_assets (tenant_id, lower(serial_number))`.execute(db);
  await sql`create index inventory_assets_patrimonio on inventory_assets (tenant_id, lower(patrimonio))`.execute(db);
  await sql`create index inventory_assets_tag_lower on inventory_assets (tenant_id, lower(tag))`.execute(db);
  await sql`create index inventory_assets_name_trigram on inventory_assets using gin (name gin_trgm_ops)`.execute(db);
  // The list's three orders; each carries the name, so a name search can walk a few thousand rows of its order from the index alone.
  await sql`create index inventory_assets_recent on inventory_assets (tenant_id, created_at desc, id desc) include (name)`.execute(db);
  await sql`create index inventory_assets_by_name on inventory_assets (tenant_id, name, id)`.execute(db);
  await sql`create index inventory_assets_by_tag on inventory_assets (tenant_id, tag, id) include (name)`.execute(db);
  // Under row-level security Postgres will not use the lower() and trigram indexes (lower and ILIKE
  // are not leakproof), so the code and name searches run here, as the table's owner, scoped to the
  // caller's tenant by hand; the app reads the rows they name back under its own policies.
  await sql`
    create function inventory_assets_with_code(code text)
    returns table (id uuid) language sql stable security definer rows 5 set search_path = pg_catalog, public, pg_temp as $$
      select a.id from inventory_assets a
      where a.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
        and (lower(a.tag) = lower(code) or lower(a.serial_number) = lower(code) or lower(a.patrimonio) = lower(code))
    $$`.execute(db);
  // One page of the assets whose name matches, in the asked order after the cursor's key, without
  // those the code search already answers. A common word is found among the next few thousand rows
  // of the sort's own index; a rarer one through the trigram index, its matches sorted after: either
  // way the work stays bounded, whatever the words' spread over the order.
  await sql`
    create function inventory_assets_named(
      name_pattern text, exclude_code text, category_ids uuid[], location_path text, statuses text[],
      sort_by text, after_key text, after_id uuid, max_rows integer)
    returns table (id uuid, sort_key text) language plpgsql stable security definer rows 50 set search_path = pg_catalog, public, pg_temp as $$
    declare
      tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
      sort_column text := case sort_by when 'name' then 'a.name' when 'tag' then 'a.tag' else 'a.created_at' end;
      key_text text := case sort_by when 'name' then 'a.name' when 'tag' then 'a.tag'
        else $k$to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')$k$ end;
      key_type text := case sort_by when 'name' then 'text' when 'tag' then 'text' else 'timestamptz' end;
      direction text := case sort_by when 'name' then 'asc' when 'tag' then 'asc' else 'desc' end;
      scope text;
      matching text := $m$a.name ilike $2 and (lower(a.tag) = $3 or lower(a.serial_number) = $3 or lower(a.patrimonio) = $3) is not true$m$;
      probe_ids uuid[];
      probe_keys text[];
    begin
      scope := format(
        $s$a.tenant_id = $1 and ($4 is null or a.category_id = any($4))
           and ($5 is null or a.location_id in (select l.id from inventory_locations l where l.tenant_id = $1 and l.path like $5 || '%%'))
           and ($6 is null or a.status = any($6)) and ($7 is null or (%1$s, a.id) %2$s ($7::%3$s, $8))$s$,
        sort_column, case direction when 'desc' then '<' else '>' end, key_type);
      execute format(
        $q$select array_agg(a.id order by a.sort_value %4$s, a.id %4$s), array_agg(a.sort_key order by a.sort_value %4$s, a.id %4$s)
           from (select * from (select a.id, %1$s as sort_key, %2$s as sort_value, a.name
                                from inventory_assets a where %3$s order by %2$s %4$s, a.id %4$s limit 5000) a
                 where a.name ilike $2 and not exists (select from inventory_assets x where x.id = a.id
                   and (lower(x.tag) = $3 or lower(x.serial_number) = $3 or lower(x.patrimonio) = $3))
                 order by a.sort_value %4$s, a.id %4$s limit $9) a$q$,
        key_text, sort_column, scope, direction)
      into probe_ids, probe_keys
      using tenant, name_pattern, lower(exclude_code), category_ids, location_path, statuses, after_key, after_id, max_rows;
      if coalesce(array_length(probe_ids, 1), 0) >= max_rows then
        return query select unnest(probe_ids), unnest(probe_keys);
        return;
      end if;
      return query execute format(
        $q$with hits as materialized (select a.id, %1$s as sort_key, %2$s as sort_value from inventory_assets a where %3$s and %5$s)
           select hits.id, hits.sort_key from hits order by hits.sort_value %4$s, hits.id %4$s limit $9$q$,
        key_text, sort_column, scope, direction, matching)
      using tenant, name_pattern, lower(exclude_code), category_ids, location_path, statuses, after_key, after_id, max_rows;
    end $$`.execute(db);
  for (const search of [
    'inventory_assets_with_code(text)',
    'inventory_assets_named(text, text, uuid[], text, text[], text, text, uuid, integer)',
  ]) {
    await sql`revoke all on function ${sql.raw(search)} from public`.execute(db);
    await sql`grant execute on function ${sql.raw(search)} to app_rls`.execute(db);
  }

  await sql`
    create table inventory_attachments (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      asset_id uuid not null references inventory_assets(id) on delete cascade,
      kind text not null check (kind in ('photo', 'invoice', 'manual', 'other')),
      file_name text not null,
      mime_type text not null,
      size_bytes integer not null,
      sha256 text not null,
      content bytea not null,
      uploaded_by uuid,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index inventory_attachments_asset on inventory_attachments (tenant_id, asset_id, created_at)`.execute(db);

  // Transfers and loans: requested → approved | rejected | cancelled; approved → executed | cancelled; a loan executed → returned.
  await sql`
    create table inventory_movements (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      asset_id uuid not null references inventory_assets(id) on delete cascade,
      type text not null check (type in ('transfer', 'loan_internal', 'loan_external')),
      status text not null default 'requested'
        check (status in ('requested', 'approved', 'rejected', 'cancelled', 'executed', 'returned')),
      from_location_id uuid references inventory_locations(id) on delete set null,
      to_location_id uuid references inventory_locations(id) on delete set null,
      requester_id uuid,
      approver_id uuid,
      reason text not null default '' check (length(reason) <= 1000),
      decision_note text not null default '' check (length(decision_note) <= 1000),
      decided_at timestamptz,
      executed_at timestamptz,
      returned_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index inventory_movements_asset on inventory_movements (tenant_id, asset_id, created_at desc)`.execute(db);
  await sql`create index inventory_movements_status on inventory_movements (tenant_id, status, created_at desc)`.execute(db);
  // One open movement per asset: a second request waits until the first is decided, executed or returned.
  await sql`
    create unique index inventory_movements_one_open on inventory_movements (asset_id)
    where status in ('requested', 'approved') or (status = 'executed' and type <> 'transfer')`.execute(db);

  await sql`
    create table inventory_movement_steps (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      movement_id uuid not null references inventory_movements(id) on delete cascade,
      action text not null,
      from_status text,
      to_status text not null,
      actor_type text not null,
      actor_id text,
      actor_label text not null default '',
      note text not null default '',
      request_id text,
      ip text,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index inventory_movement_steps_movement on inventory_movement_steps (movement_id, id)`.execute(db);
  await sql`
    create function inventory_movement_steps_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'inventory_movement_steps is append-only';
    end $$`.execute(db);
  await sql`
    create trigger inventory_movement_steps_append_only before update on inventory_movement_steps
    for each row execute function inventory_movement_steps_append_only()`.execute(db);

  await sql`
    create table inventory_loans (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      movement_id uuid not null unique references inventory_movements(id) on delete cascade,
      asset_id uuid not null references inventory_assets(id) on delete cascade,
      borrower_type text not null check (borrower_type in ('user', 'third_party')),
      borrower_id uuid references users(id) on delete set null,
      borrower_name text not null check (length(borrower_name) between 1 and 160),
      borrower_document text check (borrower_document is null or length(borrower_document) <= 40),
      borrower_email text check (borrower_email is null or length(borrower_email) <= 254),
      borrower_phone text check (borrower_phone is null or length(borrower_phone) <= 32),
      start_date timestamptz,
      due_date timestamptz not null,
      status text not null default 'pending' check (status in ('pending', 'active', 'returned', 'cancelled')),
      return_condition text not null default '' check (length(return_condition) <= 1000),
      reminder_sent_at timestamptz,
      overdue_alerted_at timestamptz,
      returned_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index inventory_loans_due on inventory_loans (tenant_id, due_date) where status = 'active'`.execute(db);

  // A responsibility term: the PDF as issued (content_sha256 printed on it) and, once accepted, as signed (pdf_sha256).
  await sql`
    create table inventory_loan_terms (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      loan_id uuid not null references inventory_loans(id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'accepted', 'void')),
      content jsonb not null,
      content_sha256 text not null,
      pdf bytea not null,
      pdf_sha256 text not null,
      acceptance_method text check (acceptance_method in ('signature_pad', 'link')),
      acceptance_token_hash text unique,
      link_expires_at timestamptz,
      signer_name text,
      accepted_at timestamptz,
      accepted_ip text,
      accepted_user_agent text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index inventory_loan_terms_loan on inventory_loan_terms (tenant_id, loan_id, created_at desc)`.execute(db);

  await sql`
    create table inventory_audits (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 160),
      scope jsonb not null default '{}',
      status text not null default 'draft' check (status in ('draft', 'in_progress', 'closed', 'cancelled')),
      created_by uuid,
      started_at timestamptz,
      closed_at timestamptz,
      expected_count integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table inventory_audit_items (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      audit_id uuid not null references inventory_audits(id) on delete cascade,
      asset_id uuid not null references inventory_assets(id) on delete cascade,
      expected boolean not null,
      expected_location_id uuid,
      found_location_id uuid,
      status text not null check (status in ('PENDING', 'FOUND', 'MISSING', 'UNEXPECTED', 'WRONG_LOCATION')),
      scan_count integer not null default 0,
      first_scanned_by uuid,
      first_scanned_at timestamptz,
      resolution text check (resolution in ('moved_here', 'marked_lost', 'kept')),
      resolved_by uuid,
      resolved_at timestamptz,
      unique (audit_id, asset_id)
    )`.execute(db);
  await sql`create index inventory_audit_items_status on inventory_audit_items (audit_id, status)`.execute(db);

  await sql`
    create table inventory_audit_scans (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      audit_id uuid not null references inventory_audits(id) on delete cascade,
      asset_id uuid,
      code text not null,
      location_id uuid,
      result text not null,
      scanned_by uuid,
      client_scan_id text,
      at timestamptz not null default now(),
      unique (audit_id, client_scan_id)
    )`.execute(db);
  await sql`create index inventory_audit_scans_audit on inventory_audit_scans (audit_id, id)`.execute(db);
  // How many expected items each scanner classified first: an audit's pending count is its expected count less their sum,
  // read without counting its items; each scanner bumps only its own row, so scanners never wait for each other.
  await sql`
    create table inventory_audit_tallies (
      tenant_id uuid not null references tenants(id) on delete cascade,
      audit_id uuid not null references inventory_audits(id) on delete cascade,
      scanned_by uuid,
      classified integer not null default 0 check (classified >= 0),
      unique nulls not distinct (audit_id, scanned_by)
    )`.execute(db);

  await sql`
    create table inventory_maintenance_contracts (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      supplier_id uuid not null references inventory_suppliers(id) on delete restrict,
      name text not null check (length(name) between 1 and 160),
      start_date date not null,
      end_date date,
      sla_json jsonb not null,
      notes text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (end_date is null or end_date >= start_date)
    )`.execute(db);

  await sql`
    create table inventory_maintenance_schedules (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      asset_id uuid not null references inventory_assets(id) on delete cascade,
      title text not null check (length(title) between 1 and 160),
      description text not null default '',
      priority text not null default 'medium' check (priority in ('low', 'medium', 'high', 'critical')),
      period text not null check (period in ('interval', 'date')),
      interval_days integer check (interval_days is null or interval_days between 1 and 3650),
      next_run date,
      last_run date,
      supplier_id uuid references inventory_suppliers(id) on delete set null,
      contract_id uuid references inventory_maintenance_contracts(id) on delete set null,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((period = 'interval') = (interval_days is not null))
    )`.execute(db);
  await sql`create index inventory_maintenance_schedules_due on inventory_maintenance_schedules (next_run) where active`.execute(db);

  await sql`
    create table inventory_maintenance_orders (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      number integer not null,
      asset_id uuid not null references inventory_assets(id) on delete cascade,
      title text not null check (length(title) between 1 and 160),
      description text not null default '' check (length(description) <= 4000),
      priority text not null default 'medium' check (priority in ('low', 'medium', 'high', 'critical')),
      status text not null default 'open' check (status in ('open', 'in_progress', 'waiting_parts', 'done', 'cancelled')),
      supplier_id uuid references inventory_suppliers(id) on delete set null,
      contract_id uuid references inventory_maintenance_contracts(id) on delete set null,
      schedule_id uuid references inventory_maintenance_schedules(id) on delete set null,
      due_date date,
      scheduled_for timestamptz,
      responded_at timestamptz,
      closed_at timestamptz,
      respond_by timestamptz,
      resolve_by timestamptz,
      sla_warned_at timestamptz,
      sla_breached_at timestamptz,
      respond_warned_at timestamptz,
      respond_breached_at timestamptz,
      resolve_warned_at timestamptz,
      resolve_breached_at timestamptz,
      cost_cents bigint check (cost_cents is null or cost_cents >= 0),
      rating integer check (rating is null or rating between 1 and 5),
      rating_comment text not null default '' check (length(rating_comment) <= 1000),
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, number),
      unique (schedule_id, due_date)
    )`.execute(db);
  await sql`create index inventory_maintenance_orders_open on inventory_maintenance_orders (tenant_id, status, resolve_by)`.execute(db);
  await sql`create index inventory_maintenance_orders_asset on inventory_maintenance_orders (tenant_id, asset_id, created_at desc)`.execute(
    db,
  );
  // The SLA job's candidates: orders still running against a contract's deadlines.
  await sql`
    create index inventory_maintenance_orders_sla_running on inventory_maintenance_orders (created_at)
    where status in ('open', 'in_progress', 'waiting_parts') and (respond_by is not null or resolve_by is not null)`.execute(db);

  await sql`
    create table inventory_quote_requests (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      title text not null check (length(title) between 1 and 160),
      status text not null default 'open' check (status in ('open', 'decided', 'cancelled')),
      chosen_budget_id uuid,
      purchase_order_id uuid,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table inventory_quote_request_items (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      quote_request_id uuid not null references inventory_quote_requests(id) on delete cascade,
      category_id uuid references inventory_categories(id) on delete restrict,
      description text not null check (length(description) between 1 and 300),
      quantity integer not null check (quantity between 1 and 10000),
      position integer not null
    )`.execute(db);
  // The seed's budgets: one supplier's answer to a quote request.
  await sql`
    create table inventory_budgets (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      quote_request_id uuid not null references inventory_quote_requests(id) on delete cascade,
      supplier_id uuid not null references inventory_suppliers(id) on delete restrict,
      status text not null default 'received' check (status in ('received', 'chosen', 'rejected')),
      total_value_cents bigint not null default 0,
      valid_until date,
      delivery_days integer check (delivery_days is null or delivery_days between 0 and 3650),
      notes text not null default '',
      created_by uuid,
      created_at timestamptz not null default now(),
      unique (quote_request_id, supplier_id)
    )`.execute(db);
  await sql`
    create table inventory_budget_items (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      budget_id uuid not null references inventory_budgets(id) on delete cascade,
      request_item_id uuid not null references inventory_quote_request_items(id) on delete cascade,
      unit_value_cents bigint not null check (unit_value_cents >= 0),
      unique (budget_id, request_item_id)
    )`.execute(db);

  await sql`
    create table inventory_purchase_orders (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      number integer not null,
      supplier_id uuid not null references inventory_suppliers(id) on delete restrict,
      quote_request_id uuid references inventory_quote_requests(id) on delete set null,
      status text not null default 'pending_approval'
        check (status in ('pending_approval', 'approved', 'rejected', 'received', 'cancelled')),
      created_by uuid,
      approved_by uuid,
      approved_at timestamptz,
      received_by uuid,
      received_at timestamptz,
      total_value_cents bigint not null default 0,
      notes text not null default '',
      decision_note text not null default '' check (length(decision_note) <= 1000),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, number)
    )`.execute(db);
  await sql`
    create table inventory_purchase_order_items (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      purchase_order_id uuid not null references inventory_purchase_orders(id) on delete cascade,
      asset_category_id uuid references inventory_categories(id) on delete restrict,
      description text not null check (length(description) between 1 and 300),
      quantity integer not null check (quantity between 1 and 10000),
      unit_value_cents bigint not null check (unit_value_cents >= 0),
      position integer not null
    )`.execute(db);

  // One row per enrolled agent (a device of kind inventory.agent): its host facts and last heartbeat.
  await sql`
    create table inventory_machines (
      device_id uuid primary key references devices(id) on delete cascade,
      tenant_id uuid not null references tenants(id) on delete cascade,
      asset_id uuid references inventory_assets(id) on delete set null,
      hardware_id text not null check (length(hardware_id) between 1 and 200),
      hostname text not null default '',
      facts jsonb not null default '{}',
      last_sequence bigint not null default 0,
      last_heartbeat_at timestamptz,
      silent_alerted_at timestamptz,
      registered_at timestamptz not null default now(),
      unique (tenant_id, hardware_id)
    )`.execute(db);
  await sql`create index inventory_machines_heartbeat on inventory_machines (tenant_id, last_heartbeat_at)`.execute(db);
  await sql`
    create table inventory_machine_heartbeats (
      tenant_id uuid not null references tenants(id) on delete cascade,
      device_id uuid not null references devices(id) on delete cascade,
      sequence bigint not null,
      received_at timestamptz not null default now(),
      facts jsonb not null default '{}',
      primary key (device_id, sequence)
    )`.execute(db);
  await sql`create index inventory_machine_heartbeats_received on inventory_machine_heartbeats (tenant_id, received_at)`.execute(db);

  // The seed's tickets and alerts, raised by agents, jobs (overdue loans, SLA, silent agents) and people.
  await sql`
    create table inventory_tickets (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      title text not null check (length(title) between 1 and 200),
      description text not null default '' check (length(description) <= 8000),
      status text not null default 'open' check (status in ('open', 'in_progress', 'closed')),
      assignee_id uuid references users(id) on delete set null,
      related_asset_id uuid references inventory_assets(id) on delete set null,
      device_id uuid references devices(id) on delete set null,
      external_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, device_id, external_id)
    )`.execute(db);
  await sql`
    create table inventory_alerts (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      type text not null check (length(type) between 1 and 60),
      severity text not null check (severity in ('info', 'warning', 'critical')),
      message text not null check (length(message) between 1 and 2000),
      ticket_id uuid references inventory_tickets(id) on delete set null,
      asset_id uuid references inventory_assets(id) on delete set null,
      device_id uuid references devices(id) on delete set null,
      source_key text,
      acknowledged_by uuid,
      acknowledged_at timestamptz,
      created_at timestamptz not null default now(),
      unique (tenant_id, source_key)
    )`.execute(db);
  await sql`create index inventory_alerts_recent on inventory_alerts (tenant_id, created_at desc, id desc)`.execute(db);

  for (const table of tenantOwnedTables) await sql`select protect_tenant_table(${sql.lit(table)})`.execute(db);
  await sql`revoke update, delete on inventory_movement_steps from app_rls, app_system`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...tenantOwnedTables].reverse()) await sql`drop table if exists ${sql.table(table)}`.execute(db);
  await sql`drop function if exists inventory_movement_steps_append_only()`.execute(db);
  await sql`drop function if exists inventory_assets_with_code(text)`.execute(db);
  await sql`drop function if exists inventory_assets_named(text, text, uuid[], text, text[], text, text, uuid, integer)`.execute(db);
}
