import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

const tenantOwnedTables = [
  'usage_settings',
  'usage_users',
  'usage_keys',
  'usage_grants',
  'usage_ledger',
  'usage_reservations',
  'usage_records',
  'usage_daily',
  'usage_daily_model',
  'usage_daily_user',
  'usage_daily_user_model',
  'usage_user_activity',
  'usage_alerts',
  'usage_models',
];

/**
 * LLM token budgets. A user's spend lives in a ledger row keyed by (user, calendar month in the
 * tenant's zone): a new month is a new row, so no reset job can misfire. The proxy reserves and
 * settles through two functions, each one statement and one round trip, that lock the ledger
 * row: no interleaving of concurrent requests can spend past the budget, and a threshold alert
 * is raised by exactly one of the requests that cross it. Records are raw per request and rolled
 * up per day; the rollups survive the raw records' retention.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table usage_settings (
      tenant_id uuid primary key references tenants(id) on delete cascade,
      default_monthly_limit bigint not null default 100000 check (default_monthly_limit >= 0),
      plan_limits jsonb not null default '{"trial": 10000, "basic": 100000, "pro": 500000, "enterprise": 2000000}',
      alert_threshold_80 smallint not null default 80 check (alert_threshold_80 between 1 and 100),
      alert_threshold_95 smallint not null default 95 check (alert_threshold_95 between 1 and 100),
      block_threshold smallint not null default 100 check (block_threshold between 1 and 1000),
      min_user_limit bigint not null default 1000 check (min_user_limit >= 0),
      max_user_limit bigint not null default 100000000 check (max_user_limit >= min_user_limit),
      completion_estimate integer not null default 1024 check (completion_estimate between 1 and 1000000),
      smtp_host text not null default '',
      smtp_port integer not null default 587 check (smtp_port between 1 and 65535),
      smtp_user text not null default '',
      smtp_password_sealed text,
      from_email text not null default '',
      from_name text not null default 'Balcão',
      use_tls boolean not null default true,
      rate_limit_per_minute integer not null default 60 check (rate_limit_per_minute between 1 and 100000),
      rate_limit_burst integer not null default 20 check (rate_limit_burst between 0 and 100000),
      cors_origins text[] not null default '{}',
      upstream_base_url text not null default '',
      upstream_api_key_sealed text,
      upstream_timeout_ms integer not null default 60000 check (upstream_timeout_ms between 1000 and 600000),
      upstream_max_retries smallint not null default 2 check (upstream_max_retries between 0 and 10),
      health_check_interval_seconds integer not null default 300 check (health_check_interval_seconds between 60 and 86400),
      upstream_status text not null default 'unknown' check (upstream_status in ('unknown', 'healthy', 'unhealthy')),
      upstream_checked_at timestamptz,
      raw_retention_days integer not null default 90 check (raw_retention_days between 1 and 3650),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table usage_users (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      email text not null check (email = lower(email) and length(email) between 3 and 254),
      name text not null check (length(name) between 1 and 200),
      phone text,
      status text not null default 'active' check (status in ('active', 'suspended', 'blocked', 'pending')),
      plan text not null default 'basic' check (plan in ('basic', 'pro', 'enterprise', 'trial')),
      monthly_limit bigint not null check (monthly_limit >= 0),
      notes text not null default '' check (length(notes) <= 2000),
      custom_alert_threshold_80 smallint check (custom_alert_threshold_80 between 1 and 100),
      custom_alert_threshold_95 smallint check (custom_alert_threshold_95 between 1 and 100),
      email_notifications_enabled boolean not null default true,
      -- the tenant's own AI features (the agenda's chat agent) spend under this user
      is_system boolean not null default false,
      last_request_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, email),
      unique (tenant_id, id)
    )`.execute(db);
  await sql`create unique index usage_users_one_system on usage_users (tenant_id) where is_system`.execute(db);
  await sql`create index usage_users_listing on usage_users (tenant_id, created_at desc, id)`.execute(db);

  await sql`
    create table usage_keys (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid not null,
      name text not null default '' check (length(name) <= 100),
      prefix text not null unique,
      token_hash text not null,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      foreign key (tenant_id, user_id) references usage_users (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index usage_keys_user on usage_keys (tenant_id, user_id)`.execute(db);

  await sql`
    create table usage_grants (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid not null,
      amount bigint not null check (amount > 0),
      remaining bigint not null check (remaining between 0 and amount),
      reason text not null check (length(reason) between 1 and 500),
      expires_at timestamptz,
      granted_by text not null,
      created_at timestamptz not null default now(),
      foreign key (tenant_id, user_id) references usage_users (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index usage_grants_user on usage_grants (tenant_id, user_id, created_at desc)`.execute(db);

  // plan_spent counts against the monthly limit, grant_spent against grants; reserved is held by requests in flight.
  await sql`
    create table usage_ledger (
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid not null,
      period text not null check (period ~ '^[0-9]{4}-[0-9]{2}$'),
      plan_spent bigint not null default 0 check (plan_spent >= 0),
      grant_spent bigint not null default 0 check (grant_spent >= 0),
      reserved bigint not null default 0 check (reserved >= 0),
      reset_tokens bigint not null default 0,
      requests integer not null default 0,
      alert_80_at timestamptz,
      alert_95_at timestamptz,
      blocked_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, user_id, period),
      foreign key (tenant_id, user_id) references usage_users (tenant_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table usage_reservations (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid not null,
      key_id uuid,
      period text not null,
      amount bigint not null check (amount >= 0),
      prompt_tokens integer not null,
      model text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index usage_reservations_expiry on usage_reservations (expires_at)`.execute(db);

  // No foreign keys here: the table takes batches of thousands of rows a second.
  await sql`
    create table usage_records (
      id bigint generated always as identity primary key,
      tenant_id uuid not null,
      user_id uuid not null,
      key_id uuid,
      request_id text not null,
      session_id text,
      model text not null,
      endpoint text not null,
      method text not null,
      prompt_tokens integer not null,
      completion_tokens integer not null,
      total_tokens integer not null,
      estimated_tokens integer,
      estimation_accuracy numeric(5, 2),
      cost_per_token numeric(24, 12) not null default 0,
      total_cost numeric(24, 12) not null default 0,
      user_agent text,
      ip_address text,
      country_code text,
      response_time_ms integer,
      queue_time_ms integer,
      processing_time_ms integer,
      status_code integer not null,
      error_message text,
      error_type text,
      is_cached boolean not null default false,
      is_retry boolean not null default false,
      retry_count integer not null default 0,
      request_data text,
      response_data text,
      created_at timestamptz not null,
      day date not null
    )`.execute(db);
  await sql`create index usage_records_time on usage_records (tenant_id, created_at, id)`.execute(db);
  await sql`create index usage_records_user on usage_records (tenant_id, user_id, created_at)`.execute(db);

  const rollupMeasures = `
      requests bigint not null default 0,
      errors bigint not null default 0,
      prompt_tokens bigint not null default 0,
      completion_tokens bigint not null default 0,
      total_tokens bigint not null default 0,
      cost numeric(24, 12) not null default 0,
      response_time_ms_sum bigint not null default 0,
      cached bigint not null default 0`;
  await sql`
    create table usage_daily (
      tenant_id uuid not null references tenants(id) on delete cascade,
      day date not null,
      users integer not null default 0,
      ${sql.raw(rollupMeasures)},
      primary key (tenant_id, day)
    )`.execute(db);
  await sql`
    create table usage_daily_model (
      tenant_id uuid not null references tenants(id) on delete cascade,
      day date not null,
      model text not null,
      ${sql.raw(rollupMeasures)},
      primary key (tenant_id, day, model)
    )`.execute(db);
  await sql`
    create table usage_daily_user (
      tenant_id uuid not null references tenants(id) on delete cascade,
      day date not null,
      user_id uuid not null,
      ${sql.raw(rollupMeasures)},
      primary key (tenant_id, day, user_id)
    )`.execute(db);
  await sql`create index usage_daily_user_by_user on usage_daily_user (tenant_id, user_id, day)`.execute(db);
  await sql`
    create table usage_daily_user_model (
      tenant_id uuid not null references tenants(id) on delete cascade,
      day date not null,
      user_id uuid not null,
      model text not null,
      ${sql.raw(rollupMeasures)},
      primary key (tenant_id, day, user_id, model)
    )`.execute(db);
  await sql`create index usage_daily_user_model_by_user on usage_daily_user_model (tenant_id, user_id, day)`.execute(db);
  // Each user's last day with a record: "users with usage since D" is one small scan, not a distinct count over days.
  await sql`
    create table usage_user_activity (
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid not null,
      last_day date not null,
      primary key (tenant_id, user_id)
    )`.execute(db);

  await sql`
    create table usage_alerts (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid,
      type text not null check (type in ('usage_80', 'usage_95', 'blocked', 'system_error', 'model_error')),
      title text not null,
      message text not null,
      severity text not null check (severity in ('info', 'warning', 'error', 'critical')),
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'acknowledged')),
      period text,
      email_to text,
      email_attempts integer not null default 0,
      email_error text,
      sent_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by text,
      metadata jsonb not null default '{}',
      is_test boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index usage_alerts_listing on usage_alerts (tenant_id, created_at desc, id)`.execute(db);
  await sql`create index usage_alerts_mail on usage_alerts (created_at) where status = 'pending' and email_to is not null`.execute(db);

  await sql`
    create table usage_models (
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      provider text not null default '',
      cost_per_input_token numeric(24, 12) not null default 0 check (cost_per_input_token >= 0),
      cost_per_output_token numeric(24, 12) not null default 0 check (cost_per_output_token >= 0),
      max_tokens integer check (max_tokens > 0),
      supports_vision boolean not null default false,
      supports_function_calling boolean not null default false,
      status text not null default 'healthy' check (status in ('healthy', 'unhealthy', 'rate_limited', 'unavailable')),
      last_check timestamptz,
      response_time_ms integer,
      listed_upstream boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, name)
    )`.execute(db);

  for (const table of tenantOwnedTables) await sql`select protect_tenant_table(${sql.lit(table)})`.execute(db);

  await createReserveFunction(db);
  await createSettleFunction(db);
}

/**
 * usage_reserve(key prefix, key digest, model, prompt tokens, completion tokens or null, seconds
 * to expiry): finds the key, its user and the period in the tenant's zone, checks the model's
 * maximum, and holds prompt + completion against what is left, all under the ledger row's lock.
 */
async function createReserveFunction(db: Kysely<any>): Promise<void> {
  await sql`
    create function usage_reserve(
      p_prefix text, p_digest text, p_model text, p_prompt_tokens integer, p_completion_tokens integer, p_expires_in_seconds integer
    ) returns table (
      outcome text, tenant_id uuid, user_id uuid, key_id uuid, reservation_id uuid, period text, amount bigint,
      available bigint, model_max_tokens integer, cost_per_input_token numeric, cost_per_output_token numeric, settings_version timestamptz
    ) language plpgsql security definer set search_path = pg_catalog, public, pg_temp as $$
    declare
      k usage_keys%rowtype;
      u usage_users%rowtype;
      s usage_settings%rowtype;
      v_zone text;
      v_period text;
      v_max integer;
      v_cost_in numeric;
      v_cost_out numeric;
      v_amount bigint;
      v_ledger usage_ledger%rowtype;
      v_grants bigint;
      v_available bigint;
      v_reservation uuid;
    begin
      select * into k from usage_keys where prefix = p_prefix;
      if not found or k.token_hash <> p_digest or k.revoked_at is not null then
        return query select 'invalid_key'::text, null::uuid, null::uuid, null::uuid, null::uuid, null::text, null::bigint, null::bigint, null::integer, null::numeric, null::numeric, null::timestamptz;
        return;
      end if;
      select * into u from usage_users where id = k.user_id and usage_users.tenant_id = k.tenant_id;
      select * into s from usage_settings where usage_settings.tenant_id = k.tenant_id;
      if u.status <> 'active' then
        return query select 'user_' || u.status, k.tenant_id, u.id, k.id, null::uuid, null::text, null::bigint, null::bigint, null::integer, null::numeric, null::numeric, s.updated_at;
        return;
      end if;
      select m.max_tokens, m.cost_per_input_token, m.cost_per_output_token into v_max, v_cost_in, v_cost_out from usage_models m where m.tenant_id = k.tenant_id and m.name = p_model;
      if v_max is not null and p_prompt_tokens > v_max then
        return query select 'prompt_too_long'::text, k.tenant_id, u.id, k.id, null::uuid, null::text, null::bigint, null::bigint, v_max, v_cost_in, v_cost_out, s.updated_at;
        return;
      end if;
      select timezone into v_zone from tenants where id = k.tenant_id;
      v_period := to_char(now() at time zone v_zone, 'YYYY-MM');
      v_amount := p_prompt_tokens + coalesce(p_completion_tokens, s.completion_estimate, 1024);
      insert into usage_ledger (tenant_id, user_id, period) values (k.tenant_id, u.id, v_period) on conflict do nothing;
      select * into v_ledger from usage_ledger l where l.tenant_id = k.tenant_id and l.user_id = u.id and l.period = v_period for update;
      if v_ledger.blocked_at is not null then
        return query select 'budget_blocked'::text, k.tenant_id, u.id, k.id, null::uuid, v_period, v_amount, 0::bigint, v_max, v_cost_in, v_cost_out, s.updated_at;
        return;
      end if;
      select coalesce(sum(g.remaining), 0) into v_grants from usage_grants g
        where g.tenant_id = k.tenant_id and g.user_id = u.id and g.remaining > 0 and (g.expires_at is null or g.expires_at > now());
      v_available := greatest(u.monthly_limit - v_ledger.plan_spent, 0) + v_grants - v_ledger.reserved;
      if v_available < v_amount then
        return query select 'over_budget'::text, k.tenant_id, u.id, k.id, null::uuid, v_period, v_amount, greatest(v_available, 0), v_max, v_cost_in, v_cost_out, s.updated_at;
        return;
      end if;
      update usage_ledger l set reserved = l.reserved + v_amount
        where l.tenant_id = k.tenant_id and l.user_id = u.id and l.period = v_period;
      insert into usage_reservations (tenant_id, user_id, key_id, period, amount, prompt_tokens, model, expires_at)
        values (k.tenant_id, u.id, k.id, v_period, v_amount, p_prompt_tokens, p_model, now() + make_interval(secs => p_expires_in_seconds))
        returning id into v_reservation;
      -- the key's and user's last use, at most once a minute each: no write per request on hot rows.
      -- Never waiting for the row: an admin's change (grant, update, reset) locks the user's row and
      -- then the ledger's, while this holds the ledger's; waiting here would deadlock with it.
      update usage_keys x set last_used_at = now() where x.id in (
        select y.id from usage_keys y where y.id = k.id and (y.last_used_at is null or y.last_used_at < now() - interval '1 minute')
        for update skip locked);
      update usage_users x set last_request_at = now() where x.id in (
        select y.id from usage_users y where y.id = u.id and (y.last_request_at is null or y.last_request_at < now() - interval '1 minute')
        for update skip locked);
      return query select 'reserved'::text, k.tenant_id, u.id, k.id, v_reservation, v_period, v_amount, v_available - v_amount, v_max, v_cost_in, v_cost_out, s.updated_at;
    end $$`.execute(db);
  await sql`revoke all on function usage_reserve(text, text, text, integer, integer, integer) from public`.execute(db);
  await sql`grant execute on function usage_reserve(text, text, text, integer, integer, integer) to app_rls, app_system`.execute(db);
}

/**
 * usage_settle(reservation, prompt tokens, completion tokens, whether the reservation may already
 * be gone): releases the hold and charges what was used, plan first, then grants (soonest to
 * expire first); then raises each threshold alert the charge crossed, at most once per period,
 * with its event, in the same transaction. A reservation the sweep already settled (charging its
 * prompt) is charged its completion only; a null reservation charges usage metered after the fact.
 */
async function createSettleFunction(db: Kysely<any>): Promise<void> {
  await sql`
    create function usage_settle(p_reservation uuid, p_prompt_tokens integer, p_completion_tokens integer, p_tenant uuid, p_user uuid, p_period text)
    returns table (outcome text, user_id uuid, period text, spent bigint, allowance bigint, alerts jsonb)
    language plpgsql security definer set search_path = pg_catalog, public, pg_temp as $$
    declare
      r usage_reservations%rowtype;
      u usage_users%rowtype;
      s usage_settings%rowtype;
      l usage_ledger%rowtype;
      g record;
      v_charge bigint;
      v_held bigint := 0;
      v_plan_part bigint;
      v_rest bigint;
      v_take bigint;
      v_grant_used bigint := 0;
      v_grants_left bigint;
      v_spent bigint;
      v_allowance bigint;
      v_percent numeric;
      v_alerts jsonb := '[]'::jsonb;
      v_outcome text := 'settled';
      v_threshold record;
      v_alert_id uuid;
      v_title text;
      v_message text;
    begin
      if p_reservation is null then
        -- a charge with no reservation: usage metered after the fact (the tenant's own AI features)
        r.tenant_id := p_tenant; r.user_id := p_user; r.period := p_period;
        v_charge := p_prompt_tokens + p_completion_tokens;
      else
        delete from usage_reservations where id = p_reservation returning * into r;
      end if;
      if p_reservation is null then
        null;
      elsif found then
        v_held := r.amount;
        v_charge := p_prompt_tokens + p_completion_tokens;
      else
        -- the sweep settled it first and charged the prompt
        if p_tenant is null then
          return query select 'not_found'::text, null::uuid, null::text, null::bigint, null::bigint, '[]'::jsonb;
          return;
        end if;
        r.tenant_id := p_tenant; r.user_id := p_user; r.period := p_period;
        v_charge := p_completion_tokens;
        v_outcome := 'settled_after_sweep';
      end if;

      insert into usage_ledger (tenant_id, user_id, period) values (r.tenant_id, r.user_id, r.period) on conflict do nothing;
      select * into l from usage_ledger x where x.tenant_id = r.tenant_id and x.user_id = r.user_id and x.period = r.period for update;
      select * into u from usage_users x where x.id = r.user_id and x.tenant_id = r.tenant_id;
      select * into s from usage_settings x where x.tenant_id = r.tenant_id;

      v_plan_part := least(v_charge, greatest(u.monthly_limit - l.plan_spent, 0));
      v_rest := v_charge - v_plan_part;
      if v_rest > 0 then
        for g in
          select id, remaining from usage_grants x
          where x.tenant_id = r.tenant_id and x.user_id = r.user_id and x.remaining > 0 and (x.expires_at is null or x.expires_at > now())
          order by x.expires_at nulls last, x.created_at
          for update
        loop
          exit when v_rest = 0;
          v_take := least(v_rest, g.remaining);
          update usage_grants set remaining = remaining - v_take where id = g.id;
          v_rest := v_rest - v_take;
          v_grant_used := v_grant_used + v_take;
        end loop;
      end if;
      -- what neither the plan nor a grant covered (an estimate that fell short) still counts
      update usage_ledger x set
        plan_spent = x.plan_spent + v_plan_part + v_rest,
        grant_spent = x.grant_spent + v_grant_used,
        reserved = greatest(x.reserved - v_held, 0),
        requests = x.requests + case when v_charge > 0 then 1 else 0 end,
        updated_at = now()
      where x.tenant_id = r.tenant_id and x.user_id = r.user_id and x.period = r.period
      returning * into l;

      select coalesce(sum(x.remaining), 0) into v_grants_left from usage_grants x
        where x.tenant_id = r.tenant_id and x.user_id = r.user_id and x.remaining > 0 and (x.expires_at is null or x.expires_at > now());
      v_spent := l.plan_spent + l.grant_spent;
      v_allowance := u.monthly_limit + l.grant_spent + v_grants_left;
      v_percent := case when v_allowance > 0 then v_spent * 100.0 / v_allowance when v_spent > 0 then 100 else 0 end;

      if not u.is_system then
        for v_threshold in
          select * from (values
            ('usage_80', coalesce(u.custom_alert_threshold_80, s.alert_threshold_80, 80), 'warning', l.alert_80_at),
            ('usage_95', coalesce(u.custom_alert_threshold_95, s.alert_threshold_95, 95), 'error', l.alert_95_at),
            ('blocked', coalesce(s.block_threshold, 100), 'critical', l.blocked_at)
          ) as t(type, threshold, severity, fired_at)
        loop
          continue when v_threshold.fired_at is not null or v_percent < v_threshold.threshold;
          if v_threshold.type = 'usage_80' then
            update usage_ledger x set alert_80_at = now() where x.tenant_id = r.tenant_id and x.user_id = r.user_id and x.period = r.period;
          elsif v_threshold.type = 'usage_95' then
            update usage_ledger x set alert_95_at = now() where x.tenant_id = r.tenant_id and x.user_id = r.user_id and x.period = r.period;
          else
            update usage_ledger x set blocked_at = now() where x.tenant_id = r.tenant_id and x.user_id = r.user_id and x.period = r.period;
          end if;
          if v_threshold.type = 'blocked' then
            v_title := 'Limite de tokens atingido';
            v_message := format('%s usou %s de %s tokens em %s e está bloqueado até a virada do mês ou a concessão de tokens.',
              u.name, v_spent, v_allowance, r.period);
          else
            v_title := format('Uso de tokens em %s%%', v_threshold.threshold);
            v_message := format('%s usou %s de %s tokens (%s%%) em %s.', u.name, v_spent, v_allowance, round(v_percent, 1), r.period);
          end if;
          insert into usage_alerts (tenant_id, user_id, type, title, message, severity, period, email_to, metadata)
            values (r.tenant_id, r.user_id, v_threshold.type, v_title, v_message, v_threshold.severity, r.period,
              case when u.email_notifications_enabled then u.email end,
              jsonb_build_object('threshold', v_threshold.threshold, 'spent', v_spent, 'allowance', v_allowance, 'percent', round(v_percent, 2)))
            returning id into v_alert_id;
          insert into events (tenant_id, type, data) values (r.tenant_id, 'usage.alert.raised', jsonb_build_object(
            'alertId', v_alert_id, 'userId', r.user_id, 'type', v_threshold.type, 'severity', v_threshold.severity,
            'title', v_title, 'period', r.period, 'percent', round(v_percent, 2)));
          v_alerts := v_alerts || jsonb_build_object('alertId', v_alert_id, 'type', v_threshold.type);
        end loop;
      end if;

      return query select v_outcome, r.user_id, r.period, v_spent, v_allowance, v_alerts;
    end $$`.execute(db);
  await sql`revoke all on function usage_settle(uuid, integer, integer, uuid, uuid, text) from public`.execute(db);
  await sql`grant execute on function usage_settle(uuid, integer, integer, uuid, uuid, text) to app_rls, app_system`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists usage_settle(uuid, integer, integer, uuid, uuid, text)`.execute(db);
  await sql`drop function if exists usage_reserve(text, text, text, integer, integer, integer)`.execute(db);
  for (const table of [...tenantOwnedTables].reverse()) await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
