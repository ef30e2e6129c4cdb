import { sql } from 'kysely';
import type { z } from 'zod';
import { type TenantTransaction } from '../../db/tenant-scope';
import { notFound } from '../../platform/errors';
import type { Services } from '../../platform/services';
import { currentPeriod } from './periods';
import type { AnalyticsPeriod, listRecordsInput, usageAnalyticsInput } from './schemas';
import { loadSettings } from './settings';

type Health = 'healthy' | 'unhealthy';

/** The seed's DashboardMetrics, plus request counts, errors and latency. */
export interface DashboardMetrics {
  period: AnalyticsPeriod;
  from: string;
  to: string;
  totalUsers: number;
  activeUsers: number;
  /** Users with at least one request in the window. */
  usersWithUsage: number;
  totalTokensUsed: number;
  totalCost: string;
  avgTokensPerUser: number;
  requests: number;
  errors: number;
  errorRate: number;
  avgResponseTimeMs: number;
  topModels: Array<{ model: string; usage: number; percentage: number; requests: number; cost: string }>;
  usageByDay: Array<{
    date: string;
    tokens: number;
    cost: string;
    users: number;
    requests: number;
    errors: number;
    avgResponseTimeMs: number;
  }>;
  alertsSent: { alert80: number; alert95: number; blocked: number };
  systemHealth: { proxy: Health; litellm: Health | 'unknown' | 'not_configured'; database: Health; redis: Health | 'not_configured' };
}

/** The first and last day ('YYYY-MM-DD', inclusive) of a window ending today in the tenant's zone. */
export function windowOf(period: AnalyticsPeriod, today: string): { from: string; to: string } {
  const back = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  switch (period) {
    case 'today':
      return { from: today, to: today };
    case '7d':
      return { from: back(6), to: today };
    case '30d':
      return { from: back(29), to: today };
    case '90d':
      return { from: back(89), to: today };
    case 'month':
      return { from: `${today.slice(0, 7)}-01`, to: today };
  }
}

/** Every day of a window, so charts show the quiet days as zeros. */
export function daysOf(window: { from: string; to: string }): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${window.from}T00:00:00Z`); at <= Date.parse(`${window.to}T00:00:00Z`); at += 86_400_000)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

const averageMs = (sum: number, count: number) => (count > 0 ? Math.round(sum / count) : 0);
const percentOf = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10_000) / whole) / 100 : 0);

interface RollupRow {
  requests: string;
  errors: string;
  total_tokens: string;
  response_time_ms_sum: string;
}

function sumOf(rows: readonly RollupRow[]): { requests: number; errors: number; tokens: number; responseMs: number } {
  const sum = { requests: 0, errors: 0, tokens: 0, responseMs: 0 };
  for (const row of rows) {
    sum.requests += Number(row.requests);
    sum.errors += Number(row.errors);
    sum.tokens += Number(row.total_tokens);
    sum.responseMs += Number(row.response_time_ms_sum);
  }
  return sum;
}

/** The window's total cost, added up by Postgres beside its rows (numeric is exact; a float sum would drift). */
const windowCost = sql<string>`(sum(cost) over ())::text`.as('window_cost');

async function probe(check: () => Promise<unknown>): Promise<Health> {
  try {
    await check();
    return 'healthy';
  } catch {
    return 'unhealthy';
  }
}

/** The dashboard, from the daily rollups only: its cost does not grow with the raw records. */
export async function dashboardMetrics(trx: TenantTransaction, services: Services, period: AnalyticsPeriod): Promise<DashboardMetrics> {
  const { today, timeZone } = await currentPeriod(trx);
  const window = windowOf(period, today);
  const users = await trx
    .selectFrom('usage_users')
    .select([sql<string>`count(*)`.as('total'), sql<string>`count(*) filter (where status = 'active')`.as('active')])
    .where('is_system', '=', false)
    .executeTakeFirstOrThrow();
  const daily = await trx
    .selectFrom('usage_daily')
    .select(['day', 'users', 'requests', 'errors', 'total_tokens', 'cost', 'response_time_ms_sum', windowCost])
    .where('day', '>=', window.from)
    .where('day', '<=', window.to)
    .execute();
  const models = await trx
    .selectFrom('usage_daily_model')
    .select([
      'model',
      sql<string>`sum(total_tokens)`.as('tokens'),
      sql<string>`sum(requests)`.as('requests'),
      sql<string>`sum(cost)`.as('cost'),
    ])
    .where('day', '>=', window.from)
    .where('day', '<=', window.to)
    .groupBy('model')
    .orderBy(sql`sum(total_tokens)`, 'desc')
    .limit(5)
    .execute();
  // The window ends today: a user with usage in it is one whose last day with usage is in it.
  const { users_with_usage } = await trx
    .selectFrom('usage_user_activity')
    .select(sql<string>`count(*)`.as('users_with_usage'))
    .where('last_day', '>=', window.from)
    .executeTakeFirstOrThrow();
  const alerts = await trx
    .selectFrom('usage_alerts')
    .select(['type', sql<string>`count(*)`.as('count')])
    .where('is_test', '=', false)
    .where('created_at', '>=', sql<Date>`${window.from}::date::timestamp at time zone ${timeZone}`)
    .groupBy('type')
    .execute();
  const settings = await loadSettings(trx);

  const byDay = new Map(daily.map((row) => [row.day, row]));
  const totals = sumOf(daily);
  const totalCost = daily[0]?.window_cost ?? '0';
  const alertCount = (type: string) => Number(alerts.find((row) => row.type === type)?.count ?? 0);
  const usersWithUsage = Number(users_with_usage);
  // The database has just answered every read above, in this transaction.
  const database: Health = 'healthy';
  const redis = services.redis ? await probe(() => services.redis!.ping()) : ('not_configured' as const);
  return {
    period,
    ...window,
    totalUsers: Number(users.total),
    activeUsers: Number(users.active),
    usersWithUsage,
    totalTokensUsed: totals.tokens,
    totalCost,
    avgTokensPerUser: usersWithUsage > 0 ? Math.round(totals.tokens / usersWithUsage) : 0,
    requests: totals.requests,
    errors: totals.errors,
    errorRate: percentOf(totals.errors, totals.requests),
    avgResponseTimeMs: averageMs(totals.responseMs, totals.requests),
    topModels: models.map((row) => ({
      model: row.model,
      usage: Number(row.tokens),
      percentage: percentOf(Number(row.tokens), totals.tokens),
      requests: Number(row.requests),
      cost: row.cost,
    })),
    usageByDay: daysOf(window).map((date) => {
      const row = byDay.get(date);
      return {
        date,
        tokens: Number(row?.total_tokens ?? 0),
        cost: row?.cost ?? '0',
        users: row?.users ?? 0,
        requests: Number(row?.requests ?? 0),
        errors: Number(row?.errors ?? 0),
        avgResponseTimeMs: averageMs(Number(row?.response_time_ms_sum ?? 0), Number(row?.requests ?? 0)),
      };
    }),
    alertsSent: { alert80: alertCount('usage_80'), alert95: alertCount('usage_95'), blocked: alertCount('blocked') },
    systemHealth: {
      proxy: 'healthy',
      litellm: settings.upstream_base_url ? settings.upstream_status : 'not_configured',
      database,
      redis,
    },
  };
}

/** The seed's UserAnalytics. */
export interface UserAnalytics {
  userId: string;
  period: AnalyticsPeriod;
  from: string;
  to: string;
  totalTokens: number;
  totalCost: string;
  requestCount: number;
  avgTokensPerRequest: number;
  modelUsage: Array<{ model: string; tokens: number; requests: number; cost: string }>;
  dailyUsage: Array<{ date: string; tokens: number; requests: number; cost: string }>;
  errorRate: number;
  avgResponseTime: number;
}

export async function userAnalytics(trx: TenantTransaction, userId: string, period: AnalyticsPeriod): Promise<UserAnalytics> {
  const user = await trx.selectFrom('usage_users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('Usuário de IA');
  const { today } = await currentPeriod(trx);
  const window = windowOf(period, today);
  const daily = await trx
    .selectFrom('usage_daily_user')
    .select(['day', 'requests', 'errors', 'total_tokens', 'cost', 'response_time_ms_sum', windowCost])
    .where('user_id', '=', userId)
    .where('day', '>=', window.from)
    .where('day', '<=', window.to)
    .execute();
  const models = await trx
    .selectFrom('usage_daily_user_model')
    .select([
      'model',
      sql<string>`sum(total_tokens)`.as('tokens'),
      sql<string>`sum(requests)`.as('requests'),
      sql<string>`sum(cost)`.as('cost'),
    ])
    .where('user_id', '=', userId)
    .where('day', '>=', window.from)
    .where('day', '<=', window.to)
    .groupBy('model')
    .orderBy(sql`sum(total_tokens)`, 'desc')
    .execute();
  const byDay = new Map(daily.map((row) => [row.day, row]));
  const { requests, tokens, errors, responseMs } = sumOf(daily);
  const totalCost = daily[0]?.window_cost ?? '0';
  return {
    userId,
    period,
    ...window,
    totalTokens: tokens,
    totalCost,
    requestCount: requests,
    avgTokensPerRequest: requests > 0 ? Math.round(tokens / requests) : 0,
    modelUsage: models.map((row) => ({ model: row.model, tokens: Number(row.tokens), requests: Number(row.requests), cost: row.cost })),
    dailyUsage: daysOf(window).map((date) => {
      const row = byDay.get(date);
      return { date, tokens: Number(row?.total_tokens ?? 0), requests: Number(row?.requests ?? 0), cost: row?.cost ?? '0' };
    }),
    errorRate: percentOf(errors, requests),
    avgResponseTime: averageMs(responseMs, requests),
  };
}

export interface UsageGroup {
  key: string;
  label: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: string;
  avgResponseTimeMs: number;
}

/** Usage between two days, grouped by day, user or model, from the finest rollup (day, user, model). */
/** The smallest rollup that holds the grouping and the filters: a day total is read from the day totals, not summed from every user and model. */
function rollupFor(input: z.infer<typeof usageAnalyticsInput>) {
  const byUser = input.groupBy === 'user' || input.userId !== undefined;
  const byModel = input.groupBy === 'model' || input.model !== undefined;
  if (byUser && byModel) return 'usage_daily_user_model';
  if (byUser) return 'usage_daily_user';
  return byModel ? 'usage_daily_model' : 'usage_daily';
}

export async function usageAnalytics(trx: TenantTransaction, input: z.infer<typeof usageAnalyticsInput>): Promise<UsageGroup[]> {
  const groupColumn = input.groupBy === 'day' ? sql.ref('r.day') : input.groupBy === 'user' ? sql.ref('r.user_id') : sql.ref('r.model');
  // Typed as the finest rollup, whose columns include every other's; user_id and model are only named when the chosen one has them.
  const table = `${rollupFor(input)} as r` as 'usage_daily_user_model as r';
  let query = trx
    .selectFrom(table)
    .$if(input.groupBy === 'user', (user) => user.leftJoin('usage_users as u', 'u.id', 'r.user_id'))
    .select([
      sql<string>`${groupColumn}::text`.as('key'),
      sql<string>`${input.groupBy === 'user' ? sql`min(u.name)` : sql`${groupColumn}::text`}`.as('label'),
      sql<string>`sum(r.requests)`.as('requests'),
      sql<string>`sum(r.errors)`.as('errors'),
      sql<string>`sum(r.prompt_tokens)`.as('prompt_tokens'),
      sql<string>`sum(r.completion_tokens)`.as('completion_tokens'),
      sql<string>`sum(r.total_tokens)`.as('total_tokens'),
      sql<string>`sum(r.cost)`.as('cost'),
      sql<string>`sum(r.response_time_ms_sum)`.as('response_ms'),
    ])
    .where('r.day', '>=', input.from)
    .where('r.day', '<=', input.to)
    .groupBy(groupColumn)
    .orderBy(input.groupBy === 'day' ? sql`${groupColumn}` : sql`sum(r.total_tokens) desc`)
    .limit(1000);
  if (input.userId) query = query.where('r.user_id', '=', input.userId);
  if (input.model) query = query.where('r.model', '=', input.model);
  const rows = await query.execute();
  return rows.map((row) => ({
    key: row.key,
    label: row.label ?? row.key,
    requests: Number(row.requests),
    errors: Number(row.errors),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    cost: row.cost,
    avgResponseTimeMs: averageMs(Number(row.response_ms), Number(row.requests)),
  }));
}

/** The seed's TokenUsage. */
export interface UsageRecordView {
  id: string;
  userId: string;
  userName: string | null;
  requestId: string;
  sessionId: string | null;
  model: string;
  endpoint: string;
  method: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  estimatedTokens: number | null;
  estimationAccuracy: number | null;
  costPerToken: string;
  totalCost: string;
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
  createdAt: string;
}

export function recordsQuery(
  trx: TenantTransaction,
  filters: { userId?: string | undefined; model?: string | undefined; from?: string | undefined; to?: string | undefined },
) {
  let query = trx
    .selectFrom('usage_records as r')
    .leftJoin('usage_users as u', 'u.id', 'r.user_id')
    .selectAll('r')
    .select('u.name as user_name');
  if (filters.userId) query = query.where('r.user_id', '=', filters.userId);
  if (filters.model) query = query.where('r.model', '=', filters.model);
  if (filters.from) query = query.where('r.created_at', '>=', new Date(filters.from));
  if (filters.to) query = query.where('r.created_at', '<', new Date(filters.to));
  return query;
}

type RecordRow = Awaited<ReturnType<ReturnType<typeof recordsQuery>['executeTakeFirstOrThrow']>>;

export function toRecordView(row: RecordRow): UsageRecordView {
  return {
    id: row.id,
    userId: row.user_id,
    userName: row.user_name,
    requestId: row.request_id,
    sessionId: row.session_id,
    model: row.model,
    endpoint: row.endpoint,
    method: row.method,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    estimatedTokens: row.estimated_tokens,
    estimationAccuracy: row.estimation_accuracy === null ? null : Number(row.estimation_accuracy),
    costPerToken: row.cost_per_token,
    totalCost: row.total_cost,
    userAgent: row.user_agent,
    ipAddress: row.ip_address,
    countryCode: row.country_code,
    responseTimeMs: row.response_time_ms,
    queueTimeMs: row.queue_time_ms,
    processingTimeMs: row.processing_time_ms,
    statusCode: row.status_code,
    errorMessage: row.error_message,
    errorType: row.error_type,
    isCached: row.is_cached,
    isRetry: row.is_retry,
    retryCount: row.retry_count,
    createdAt: row.created_at.toISOString(),
  };
}

/** The usage history, newest first, keyset-paginated by id. */
export async function listRecords(
  trx: TenantTransaction,
  filters: z.infer<typeof listRecordsInput>,
): Promise<{ items: UsageRecordView[]; nextCursor: string | null }> {
  let query = recordsQuery(trx, filters)
    .orderBy('r.id', 'desc')
    .limit(filters.limit + 1);
  if (filters.cursor) query = query.where('r.id', '<', filters.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, filters.limit).map(toRecordView);
  return { items, nextCursor: rows.length > filters.limit ? items.at(-1)!.id : null };
}
