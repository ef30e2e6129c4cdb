import { sql } from 'kysely';
import type { z } from 'zod';
import type { UsagePlan, UsageUserStatus } from '../../db/schema';
import { sqlStateOf, UNIQUE_VIOLATION } from '../../db/savepoint';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { escapeLike } from '../../db/like-patterns';
import { currentPeriod, spendableGrants } from './periods';
import type { createUserInput, grantTokensInput, listUsersInput, updateUserInput } from './schemas';
import { loadSettings } from './settings';

/** The seed's User, with the current period's ledger folded in. */
export interface UsageUserView {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  /** What the proxy applies now: 'blocked' also when this period's budget is spent. */
  status: UsageUserStatus;
  /** The status an admin set. */
  accountStatus: UsageUserStatus;
  plan: UsagePlan;
  monthlyLimit: number;
  currentUsage: number;
  /** Grant tokens still spendable (unexpired). */
  additionalTokens: number;
  /** Held by requests in flight. */
  reservedTokens: number;
  /** Monthly limit plus the grants available this period. */
  allowance: number;
  usagePercent: number;
  period: string;
  alert80Sent: boolean;
  alert95Sent: boolean;
  blockedForPeriod: boolean;
  lastAlertDate: string | null;
  lastLogin: string | null;
  /** Requests this period. */
  loginCount: number;
  notes: string;
  customAlertThreshold80: number | null;
  customAlertThreshold95: number | null;
  emailNotificationsEnabled: boolean;
  isSystem: boolean;
  createdAt: string;
  updatedAt: string;
}

function usersWithLedger(trx: TenantTransaction, period: string) {
  return trx
    .selectFrom('usage_users')
    .leftJoin('usage_ledger as ledger', (join) =>
      join
        .onRef('ledger.tenant_id', '=', 'usage_users.tenant_id')
        .onRef('ledger.user_id', '=', 'usage_users.id')
        .on('ledger.period', '=', period),
    )
    .selectAll('usage_users')
    .select([
      sql<string>`coalesce(ledger.plan_spent, 0) + coalesce(ledger.grant_spent, 0)`.as('current_usage'),
      sql<string>`coalesce(ledger.grant_spent, 0)`.as('grant_spent'),
      sql<string>`coalesce(ledger.reserved, 0)`.as('reserved'),
      sql<number>`coalesce(ledger.requests, 0)`.as('requests'),
      'ledger.alert_80_at',
      'ledger.alert_95_at',
      'ledger.blocked_at',
      spendableGrants.as('grants_left'),
    ]);
}

type UserWithLedger = Awaited<ReturnType<ReturnType<typeof usersWithLedger>['executeTakeFirstOrThrow']>>;

function toUserView(row: UserWithLedger, period: string): UsageUserView {
  const currentUsage = Number(row.current_usage);
  const additionalTokens = Number(row.grants_left);
  const allowance = Number(row.monthly_limit) + Number(row.grant_spent) + additionalTokens;
  const alerts = [row.alert_80_at, row.alert_95_at, row.blocked_at].filter((at): at is Date => at !== null);
  const blockedForPeriod = row.blocked_at !== null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    status: row.status === 'active' && blockedForPeriod ? 'blocked' : row.status,
    accountStatus: row.status,
    plan: row.plan,
    monthlyLimit: Number(row.monthly_limit),
    currentUsage,
    additionalTokens,
    reservedTokens: Number(row.reserved),
    allowance,
    usagePercent: allowance > 0 ? Math.round((currentUsage * 10_000) / allowance) / 100 : currentUsage > 0 ? 100 : 0,
    period,
    alert80Sent: row.alert_80_at !== null,
    alert95Sent: row.alert_95_at !== null,
    blockedForPeriod,
    lastAlertDate: alerts.length ? new Date(Math.max(...alerts.map((at) => at.getTime()))).toISOString() : null,
    lastLogin: row.last_request_at?.toISOString() ?? null,
    loginCount: Number(row.requests),
    notes: row.notes,
    customAlertThreshold80: row.custom_alert_threshold_80,
    customAlertThreshold95: row.custom_alert_threshold_95,
    emailNotificationsEnabled: row.email_notifications_enabled,
    isSystem: row.is_system,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface Paginated<T> {
  items: T[];
  pagination: { page: number; limit: number; total: number; totalPages: number; hasNext: boolean; hasPrev: boolean };
}

export function paginationOf(page: number, limit: number, total: number): Paginated<never>['pagination'] {
  const totalPages = Math.max(1, Math.ceil(total / limit));
  return { page, limit, total, totalPages, hasNext: page < totalPages, hasPrev: page > 1 };
}

export async function listUsers(trx: TenantTransaction, filters: z.infer<typeof listUsersInput>): Promise<Paginated<UsageUserView>> {
  const { period } = await currentPeriod(trx);
  let query = usersWithLedger(trx, period);
  if (filters.status) query = query.where('usage_users.status', '=', filters.status);
  if (filters.plan) query = query.where('usage_users.plan', '=', filters.plan);
  if (filters.search) {
    const pattern = `%${escapeLike(filters.search.toLowerCase())}%`;
    query = query.where((eb) => eb.or([eb('usage_users.email', 'like', pattern), eb(sql`lower(usage_users.name)`, 'like', pattern)]));
  }
  if (filters.usageAbove !== undefined)
    query = query.where(
      sql<boolean>`(coalesce(ledger.plan_spent, 0) + coalesce(ledger.grant_spent, 0)) * 100.0
        >= ${filters.usageAbove} * greatest(usage_users.monthly_limit + coalesce(ledger.grant_spent, 0) + ${spendableGrants}, 1)`,
    );
  const [{ total }] = (await query
    .clearSelect()
    .select(sql<string>`count(*)`.as('total'))
    .execute()) as [{ total: string }];
  const rows = await query
    .orderBy('usage_users.created_at', 'desc')
    .orderBy('usage_users.id')
    .limit(filters.limit)
    .offset((filters.page - 1) * filters.limit)
    .execute();
  return { items: rows.map((row) => toUserView(row, period)), pagination: paginationOf(filters.page, filters.limit, Number(total)) };
}

export async function findUser(trx: TenantTransaction, id: string): Promise<UsageUserView> {
  const { period } = await currentPeriod(trx);
  const row = await usersWithLedger(trx, period).where('usage_users.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Usuário de IA');
  return toUserView(row, period);
}

async function checkedMonthlyLimit(trx: TenantTransaction, limit: number): Promise<void> {
  const settings = await loadSettings(trx);
  const [min, max] = [Number(settings.min_user_limit), Number(settings.max_user_limit)];
  if (limit < min || limit > max)
    throw new DomainError('BAD_REQUEST', 'LIMIT_OUT_OF_RANGE', `O limite mensal precisa ficar entre ${min} e ${max} tokens`, {
      monthlyLimit: limit,
      minUserLimit: min,
      maxUserLimit: max,
    });
}

function checkThresholds(t80: number | null | undefined, t95: number | null | undefined): void {
  if (t80 != null && t95 != null && t80 >= t95)
    throw new DomainError('BAD_REQUEST', 'INVALID_THRESHOLDS', 'O primeiro alerta precisa ser menor que o segundo', {
      customAlertThreshold80: t80,
      customAlertThreshold95: t95,
    });
}

const emailTaken = (email: string) =>
  new DomainError('CONFLICT', 'EMAIL_TAKEN', `Já existe um usuário de IA com o e-mail ${email}`, { email });

export async function createUser(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createUserInput>,
): Promise<UsageUserView> {
  const settings = await loadSettings(trx);
  const plan = input.plan ?? 'basic';
  const monthlyLimit = input.monthlyLimit ?? settings.plan_limits[plan] ?? Number(settings.default_monthly_limit);
  await checkedMonthlyLimit(trx, monthlyLimit);
  checkThresholds(input.customAlertThreshold80, input.customAlertThreshold95);
  const inserted = await trx
    .insertInto('usage_users')
    .values({
      tenant_id: tenantOf(trx),
      email: input.email,
      name: input.name,
      phone: input.phone ?? null,
      status: input.status ?? 'active',
      plan,
      monthly_limit: monthlyLimit,
      notes: input.notes ?? '',
      custom_alert_threshold_80: input.customAlertThreshold80 ?? null,
      custom_alert_threshold_95: input.customAlertThreshold95 ?? null,
      email_notifications_enabled: input.emailNotificationsEnabled ?? true,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'email']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) throw emailTaken(input.email);
  await recordAudit(trx, audit, { action: 'usage.user.create', entity: 'usage_user', entityId: inserted.id, after: inserted });
  await appendEvent(trx, 'usage.user.updated', { userId: inserted.id, change: 'created' });
  return findUser(trx, inserted.id);
}

async function lockedUser(trx: TenantTransaction, id: string) {
  const row = await trx.selectFrom('usage_users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Usuário de IA');
  return row;
}

/** The user's ledger row for the current period, created if missing, locked until commit. */
async function lockedLedger(trx: TenantTransaction, userId: string) {
  const { period } = await currentPeriod(trx);
  await trx
    .insertInto('usage_ledger')
    .values({ tenant_id: tenantOf(trx), user_id: userId, period })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  return trx
    .selectFrom('usage_ledger')
    .selectAll()
    .where('user_id', '=', userId)
    .where('period', '=', period)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Lifts this period's budget block (the proxy's 403 budget_blocked) of a user whose ledger row the caller holds. */
async function liftPeriodBlock(trx: TenantTransaction, userId: string): Promise<void> {
  const ledger = await lockedLedger(trx, userId);
  if (!ledger.blocked_at) return;
  await trx
    .updateTable('usage_ledger')
    .set({ blocked_at: null, updated_at: new Date() })
    .where('user_id', '=', userId)
    .where('period', '=', ledger.period)
    .execute();
}

/**
 * The admin's unblock: this period's budget block lifts and an account an admin had blocked is
 * active again. The threshold alerts already sent this period stay sent.
 */
export async function unblockUser(trx: TenantTransaction, audit: AuditContext, userId: string): Promise<UsageUserView> {
  const before = await lockedUser(trx, userId);
  const ledger = await lockedLedger(trx, userId);
  if (before.status === 'blocked')
    await trx.updateTable('usage_users').set({ status: 'active', updated_at: new Date() }).where('id', '=', userId).execute();
  await liftPeriodBlock(trx, userId);
  await recordAudit(trx, audit, {
    action: 'usage.user.unblock',
    entity: 'usage_user',
    entityId: userId,
    details: { period: ledger.period, wasBlockedForPeriod: ledger.blocked_at !== null, accountStatus: before.status },
  });
  await appendEvent(trx, 'usage.user.updated', { userId, change: 'unblocked' });
  return findUser(trx, userId);
}

export async function updateUser(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateUserInput>,
): Promise<UsageUserView> {
  const before = await lockedUser(trx, input.id);
  if (before.is_system && (input.status !== undefined || input.email !== undefined))
    throw new DomainError('BAD_REQUEST', 'SYSTEM_USER', 'O usuário do sistema não pode mudar de e-mail nem de situação');
  const plan = input.plan ?? before.plan;
  // A new plan with no explicit limit takes the plan's limit.
  const settings = await loadSettings(trx);
  const monthlyLimit = input.monthlyLimit ?? (input.plan && input.plan !== before.plan ? settings.plan_limits[plan] : undefined);
  if (monthlyLimit !== undefined) await checkedMonthlyLimit(trx, monthlyLimit);
  checkThresholds(
    input.customAlertThreshold80 === undefined ? before.custom_alert_threshold_80 : input.customAlertThreshold80,
    input.customAlertThreshold95 === undefined ? before.custom_alert_threshold_95 : input.customAlertThreshold95,
  );
  const changes = Object.fromEntries(
    Object.entries({
      email: input.email,
      name: input.name,
      phone: input.phone,
      status: input.status,
      plan: input.plan,
      monthly_limit: monthlyLimit,
      notes: input.notes,
      custom_alert_threshold_80: input.customAlertThreshold80,
      custom_alert_threshold_95: input.customAlertThreshold95,
      email_notifications_enabled: input.emailNotificationsEnabled,
    }).filter(([, value]) => value !== undefined),
  );
  let after;
  try {
    after = await trx
      .updateTable('usage_users')
      .set({ ...changes, updated_at: new Date() })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (sqlStateOf(error) === UNIQUE_VIOLATION && input.email) throw emailTaken(input.email);
    throw error;
  }
  // A user set active again (from blocked, suspended or pending) is unblocked for this period too.
  if (input.status === 'active' && before.status !== 'active') await liftPeriodBlock(trx, input.id);
  await recordAudit(trx, audit, { action: 'usage.user.update', entity: 'usage_user', entityId: input.id, before, after });
  await appendEvent(trx, 'usage.user.updated', { userId: input.id, change: 'updated' });
  return findUser(trx, input.id);
}

export interface GrantView {
  id: string;
  amount: number;
  remaining: number;
  reason: string;
  expiresAt: string | null;
  expired: boolean;
  grantedBy: string;
  createdAt: string;
}

export async function listGrants(trx: TenantTransaction, userId: string): Promise<GrantView[]> {
  const rows = await trx.selectFrom('usage_grants').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  const now = Date.now();
  return rows.map((row) => ({
    id: row.id,
    amount: Number(row.amount),
    remaining: Number(row.remaining),
    reason: row.reason,
    expiresAt: row.expires_at?.toISOString() ?? null,
    expired: row.expires_at !== null && row.expires_at.getTime() <= now,
    grantedBy: row.granted_by,
    createdAt: row.created_at.toISOString(),
  }));
}

/** Adds grant tokens; when they bring the user back under the block threshold, this period's block lifts. */
export async function grantTokens(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof grantTokensInput>,
): Promise<UsageUserView> {
  await lockedUser(trx, input.id);
  const ledger = await lockedLedger(trx, input.id);
  const grant = await trx
    .insertInto('usage_grants')
    .values({
      tenant_id: tenantOf(trx),
      user_id: input.id,
      amount: input.amount,
      remaining: input.amount,
      reason: input.reason,
      expires_at: input.expiresAt ?? null,
      granted_by: audit.actor.label,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const user = await findUser(trx, input.id);
  const settings = await loadSettings(trx);
  // Exact, in integers: under the block threshold of what the user may now spend.
  if (ledger.blocked_at && user.currentUsage * 100 < settings.block_threshold * user.allowance) await liftPeriodBlock(trx, input.id);
  await recordAudit(trx, audit, {
    action: 'usage.user.grant_tokens',
    entity: 'usage_user',
    entityId: input.id,
    details: { grantId: grant.id, amount: input.amount, reason: input.reason, expiresAt: input.expiresAt ?? null },
  });
  await appendEvent(trx, 'usage.user.updated', { userId: input.id, change: 'granted' });
  return findUser(trx, input.id);
}

/**
 * Zeroes this period's consumption, on an admin's explicit request: what was spent stays in the
 * ledger's reset_tokens and in the records, the block lifts and the threshold alerts re-arm.
 */
export async function resetUsage(trx: TenantTransaction, audit: AuditContext, userId: string): Promise<UsageUserView> {
  await lockedUser(trx, userId);
  const ledger = await lockedLedger(trx, userId);
  const spent = Number(ledger.plan_spent) + Number(ledger.grant_spent);
  await trx
    .updateTable('usage_ledger')
    .set({
      reset_tokens: sql`reset_tokens + plan_spent + grant_spent`,
      plan_spent: 0,
      grant_spent: 0,
      alert_80_at: null,
      alert_95_at: null,
      blocked_at: null,
      updated_at: new Date(),
    })
    .where('user_id', '=', userId)
    .where('period', '=', ledger.period)
    .execute();
  await recordAudit(trx, audit, {
    action: 'usage.user.reset_usage',
    entity: 'usage_user',
    entityId: userId,
    details: { period: ledger.period, tokensBeforeReset: spent },
  });
  await appendEvent(trx, 'usage.user.updated', { userId, change: 'reset' });
  return findUser(trx, userId);
}
