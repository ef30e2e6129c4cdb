import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { appendEvent } from '../../platform/events/outbox';
import type { Logger } from '../../platform/observability/logger';
import type { RecordedUsage } from './events';

/** One proxied (or metered) request: the seed's TokenUsage. */
export interface UsageRecordInput {
  tenantId: string;
  userId: string;
  keyId: string | null;
  requestId: string;
  sessionId: string | null;
  model: string;
  endpoint: string;
  method: string;
  promptTokens: number;
  completionTokens: number;
  estimatedTokens: number | null;
  estimationAccuracy: number | null;
  costPerInputToken: string;
  costPerOutputToken: string;
  userAgent: string | null;
  ipAddress: string | null;
  countryCode: string | null;
  responseTimeMs: number | null;
  queueTimeMs: number | null;
  processingTimeMs: number | null;
  statusCode: number;
  errorMessage: string | null;
  errorType: string | null;
  isCached: boolean;
  isRetry: boolean;
  retryCount: number;
  createdAt: Date;
}

const FLUSH_INTERVAL_MS = 100;
const MAX_BATCH = 5_000;
/** Beyond this many waiting records (the database is away), the oldest are dropped and counted: the ledger already holds the spend. */
const MAX_BUFFERED = 200_000;
const MAX_USERS_PER_EVENT = 200;

/**
 * Writes usage records in batches: one statement per tenant and batch inserts the records and
 * adds them to the four daily rollups (per day; day and model; day and user; day, user and model).
 * Budgets never wait on it: the ledger is charged when each request settles.
 */
export class UsageRecorder {
  #buffer: UsageRecordInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #dropped = 0;
  #stopped = false;

  constructor(private readonly deps: { db: Kysely<DB>; logger: Logger; flushIntervalMs?: number }) {}

  record(input: UsageRecordInput): void {
    if (this.#buffer.length >= MAX_BUFFERED) {
      this.#buffer.shift();
      this.#dropped += 1;
    }
    this.#buffer.push(input);
    // One flush at a time: the one running takes the next batch when it is done.
    if (this.#buffer.length >= MAX_BATCH) {
      if (!this.#flushing) void this.flush();
    } else this.#schedule();
  }

  get pending(): number {
    return this.#buffer.length;
  }

  get dropped(): number {
    return this.#dropped;
  }

  #schedule(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.deps.flushIntervalMs ?? FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Writes everything recorded so far; resolves once it is in the database. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer.splice(0, MAX_BATCH);
    this.#flushing = this.#write(batch).finally(() => (this.#flushing = undefined));
    await this.#flushing;
    if (this.#buffer.length > 0) {
      if (this.#buffer.length >= MAX_BATCH || this.#stopped) await this.flush();
      else this.#schedule();
    }
  }

  async #write(batch: UsageRecordInput[]): Promise<void> {
    const byTenant = new Map<string, UsageRecordInput[]>();
    for (const record of batch) {
      const records = byTenant.get(record.tenantId);
      if (records) records.push(record);
      else byTenant.set(record.tenantId, [record]);
    }
    const unwritten: UsageRecordInput[] = [];
    for (const [tenantId, records] of byTenant) {
      try {
        await withTenant(this.deps.db, tenantId, (trx) => writeUsageRecords(trx, records));
      } catch (error) {
        unwritten.push(...records);
        this.deps.logger.warn({ err: (error as Error).message, tenantId, records: records.length }, 'usage records not written; retrying');
      }
    }
    if (unwritten.length > 0 && this.#stopped) {
      this.#dropped += unwritten.length;
      this.deps.logger.error({ records: unwritten.length }, 'usage records lost at shutdown: the database did not take them');
    } else if (unwritten.length > 0) {
      // Kept for the next flush: a database that is away for a moment loses no record.
      this.#buffer.unshift(...unwritten);
      await new Promise((resolve) => setTimeout(resolve, 500).unref());
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

/** Inserts one tenant's records and folds them into the rollups, in one statement; raises usage.usage.recorded. */
export async function writeUsageRecords(trx: TenantTransaction, records: UsageRecordInput[]): Promise<void> {
  if (records.length === 0) return;
  await usageRecordsStatement(records).execute(trx);
  await appendEvent(trx, 'usage.usage.recorded', { records: records.length, users: usersIn(records) });
}

/** The statement writeUsageRecords sends: one tenant's records inserted and added to the five rollups (bench:usage-ingest sends it bare, as its floor). */
export function usageRecordsStatement(records: readonly UsageRecordInput[]): RawBuilder<unknown> {
  const column = <T>(pick: (record: UsageRecordInput) => T) => records.map(pick);
  return sql`
    with zone as (select timezone from tenants where id = ${records[0]!.tenantId}::uuid),
    incoming as (
      select r.*, (r.prompt_tokens * r.cost_in + r.completion_tokens * r.cost_out) as total_cost
      from unnest(
        ${column((r) => r.tenantId)}::uuid[], ${column((r) => r.userId)}::uuid[], ${column((r) => r.keyId)}::uuid[],
        ${column((r) => r.requestId)}::text[], ${column((r) => r.sessionId)}::text[], ${column((r) => r.model)}::text[],
        ${column((r) => r.endpoint)}::text[], ${column((r) => r.method)}::text[], ${column((r) => r.promptTokens)}::integer[],
        ${column((r) => r.completionTokens)}::integer[], ${column((r) => r.estimatedTokens)}::integer[],
        ${column((r) => r.estimationAccuracy)}::numeric[], ${column((r) => r.costPerInputToken)}::numeric[],
        ${column((r) => r.costPerOutputToken)}::numeric[], ${column((r) => r.userAgent)}::text[], ${column((r) => r.ipAddress)}::text[],
        ${column((r) => r.countryCode)}::text[], ${column((r) => r.responseTimeMs)}::integer[], ${column((r) => r.queueTimeMs)}::integer[],
        ${column((r) => r.processingTimeMs)}::integer[], ${column((r) => r.statusCode)}::integer[], ${column((r) => r.errorMessage)}::text[],
        ${column((r) => r.errorType)}::text[], ${column((r) => r.isCached)}::boolean[], ${column((r) => r.isRetry)}::boolean[],
        ${column((r) => r.retryCount)}::integer[], ${column((r) => r.createdAt.toISOString())}::timestamptz[]
      ) as r(tenant_id, user_id, key_id, request_id, session_id, model, endpoint, method, prompt_tokens, completion_tokens,
             estimated_tokens, estimation_accuracy, cost_in, cost_out, user_agent, ip_address, country_code, response_time_ms,
             queue_time_ms, processing_time_ms, status_code, error_message, error_type, is_cached, is_retry, retry_count, created_at)
    ),
    inserted as (
      insert into usage_records (
        tenant_id, user_id, key_id, request_id, session_id, model, endpoint, method, prompt_tokens, completion_tokens, total_tokens,
        estimated_tokens, estimation_accuracy, cost_per_token, total_cost, user_agent, ip_address, country_code, response_time_ms,
        queue_time_ms, processing_time_ms, status_code, error_message, error_type, is_cached, is_retry, retry_count, created_at, day)
      select tenant_id, user_id, key_id, request_id, session_id, model, endpoint, method, prompt_tokens, completion_tokens,
        prompt_tokens + completion_tokens, estimated_tokens, estimation_accuracy,
        case when prompt_tokens + completion_tokens > 0 then total_cost / (prompt_tokens + completion_tokens) else 0 end,
        total_cost, user_agent, ip_address, country_code, response_time_ms, queue_time_ms, processing_time_ms, status_code,
        error_message, error_type, is_cached, is_retry, retry_count, created_at, (created_at at time zone (select timezone from zone))::date
      from incoming
      returning tenant_id, day, user_id, model, prompt_tokens, completion_tokens, total_tokens, total_cost, status_code, response_time_ms, is_cached
    ),
    -- Rows go in key order, so two instances flushing at once lock shared rollup rows in the same order (no deadlock).
    per_user_model as (
      insert into usage_daily_user_model as t (tenant_id, day, user_id, model, ${sql.raw(MEASURES)})
      select tenant_id, day, user_id, model, ${sql.raw(AGGREGATES)} from inserted group by tenant_id, day, user_id, model
      order by day, user_id, model
      on conflict (tenant_id, day, user_id, model) do update set ${sql.raw(ADD_MEASURES)}
    ),
    per_model as (
      insert into usage_daily_model as t (tenant_id, day, model, ${sql.raw(MEASURES)})
      select tenant_id, day, model, ${sql.raw(AGGREGATES)} from inserted group by tenant_id, day, model
      order by day, model
      on conflict (tenant_id, day, model) do update set ${sql.raw(ADD_MEASURES)}
    ),
    per_user as (
      insert into usage_daily_user as t (tenant_id, day, user_id, ${sql.raw(MEASURES)})
      select tenant_id, day, user_id, ${sql.raw(AGGREGATES)} from inserted group by tenant_id, day, user_id
      order by day, user_id
      on conflict (tenant_id, day, user_id) do update set ${sql.raw(ADD_MEASURES)}
      returning day, (xmax = 0) as first_of_day
    ),
    activity as (
      insert into usage_user_activity as t (tenant_id, user_id, last_day)
      select tenant_id, user_id, max(day) from inserted group by tenant_id, user_id
      order by user_id
      on conflict (tenant_id, user_id) do update set last_day = greatest(t.last_day, excluded.last_day)
    )
    insert into usage_daily as t (tenant_id, day, users, ${sql.raw(MEASURES)})
    select totals.tenant_id, totals.day, coalesce(newcomers.users, 0), ${sql.raw(MEASURE_COLUMNS.map((name) => `totals.${name}`).join(', '))}
    from (select tenant_id, day, ${sql.raw(AGGREGATES)} from inserted group by tenant_id, day) totals
    left join (select day, count(*) filter (where first_of_day)::integer as users from per_user group by day) newcomers on newcomers.day = totals.day
    order by totals.day
    on conflict (tenant_id, day) do update set users = t.users + excluded.users, ${sql.raw(ADD_MEASURES)}
  `;
}

const MEASURE_COLUMNS = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost',
  'response_time_ms_sum',
  'cached',
];
const MEASURES = MEASURE_COLUMNS.join(', ');
const AGGREGATES = `count(*) as requests, count(*) filter (where status_code >= 400) as errors, sum(prompt_tokens) as prompt_tokens,
  sum(completion_tokens) as completion_tokens, sum(total_tokens) as total_tokens, sum(total_cost) as cost,
  coalesce(sum(response_time_ms), 0) as response_time_ms_sum, count(*) filter (where is_cached) as cached`;
const ADD_MEASURES = MEASURE_COLUMNS.map((name) => `${name} = t.${name} + excluded.${name}`).join(', ');

function usersIn(records: UsageRecordInput[]): RecordedUsage[] {
  const users = new Map<string, RecordedUsage>();
  for (const record of records) {
    const user = users.get(record.userId) ?? { userId: record.userId, requests: 0, tokens: 0 };
    user.requests += 1;
    user.tokens += record.promptTokens + record.completionTokens;
    users.set(record.userId, user);
  }
  return [...users.values()].sort((a, b) => b.tokens - a.tokens).slice(0, MAX_USERS_PER_EVENT);
}

/** Drops raw records older than the tenant's retention, in chunks; the rollups stay. */
export async function deleteExpiredRecords(db: Kysely<DB>, tenantId: string, olderThanDays: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await withTenant(db, tenantId, (trx) =>
      sql`delete from usage_records where id in (
        select id from usage_records where tenant_id = ${tenantId}::uuid and created_at < now() - make_interval(days => ${olderThanDays}::integer)
        limit 10000)`.execute(trx),
    );
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < 10_000) return deleted;
  }
}
