import type { z } from 'zod';
import type { UsageSettingsRow } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/auth/secret-box';
import { DomainError } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { updateSettingsInput } from './schemas';

/** The seed's SystemSettings, plus what the proxy needs; secrets are write-only (only whether they are set is shown). */
export interface UsageSettingsView {
  defaultMonthlyLimit: number;
  planLimits: Record<'basic' | 'pro' | 'enterprise' | 'trial', number>;
  alertThreshold80: number;
  alertThreshold95: number;
  blockThreshold: number;
  maxUserLimit: number;
  minUserLimit: number;
  completionEstimate: number;
  rawRetentionDays: number;
  emailSettings: {
    smtpHost: string;
    smtpPort: number;
    smtpUser: string;
    smtpPasswordSet: boolean;
    fromEmail: string;
    fromName: string;
    useTls: boolean;
  };
  securitySettings: { rateLimitPerMinute: number; rateLimitBurst: number; corsOrigins: string[] };
  litellmSettings: {
    baseUrl: string;
    apiKeySet: boolean;
    timeout: number;
    maxRetries: number;
    healthCheckInterval: number;
    status: 'unknown' | 'healthy' | 'unhealthy';
    checkedAt: string | null;
  };
  updatedAt: string;
}

export function toSettingsView(row: UsageSettingsRow): UsageSettingsView {
  return {
    defaultMonthlyLimit: Number(row.default_monthly_limit),
    planLimits: row.plan_limits,
    alertThreshold80: row.alert_threshold_80,
    alertThreshold95: row.alert_threshold_95,
    blockThreshold: row.block_threshold,
    maxUserLimit: Number(row.max_user_limit),
    minUserLimit: Number(row.min_user_limit),
    completionEstimate: row.completion_estimate,
    rawRetentionDays: row.raw_retention_days,
    emailSettings: {
      smtpHost: row.smtp_host,
      smtpPort: row.smtp_port,
      smtpUser: row.smtp_user,
      smtpPasswordSet: row.smtp_password_sealed !== null,
      fromEmail: row.from_email,
      fromName: row.from_name,
      useTls: row.use_tls,
    },
    securitySettings: {
      rateLimitPerMinute: row.rate_limit_per_minute,
      rateLimitBurst: row.rate_limit_burst,
      corsOrigins: row.cors_origins,
    },
    litellmSettings: {
      baseUrl: row.upstream_base_url,
      apiKeySet: row.upstream_api_key_sealed !== null,
      timeout: row.upstream_timeout_ms,
      maxRetries: row.upstream_max_retries,
      healthCheckInterval: row.health_check_interval_seconds,
      status: row.upstream_status,
      checkedAt: row.upstream_checked_at?.toISOString() ?? null,
    },
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The tenant's settings row, created with the defaults on first use. */
export async function loadSettings(trx: TenantTransaction): Promise<UsageSettingsRow> {
  const tenantId = tenantOf(trx);
  const existing = await trx.selectFrom('usage_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (existing) return existing;
  await trx
    .insertInto('usage_settings')
    .values({ tenant_id: tenantId })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  return trx.selectFrom('usage_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
}

type SettingsUpdate = z.infer<typeof updateSettingsInput>;

/** A sealed secret from a write-only field: undefined keeps it, '' clears it. */
function sealedSecret(secrets: SecretBox, value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === '' ? null : secrets.seal(value);
}

export async function updateSettings(
  trx: TenantTransaction,
  audit: AuditContext,
  secrets: SecretBox,
  input: SettingsUpdate,
): Promise<UsageSettingsRow> {
  const before = await loadSettings(trx);
  const email = input.emailSettings ?? {};
  const security = input.securitySettings ?? {};
  const upstream = input.litellmSettings ?? {};
  const changes = {
    default_monthly_limit: input.defaultMonthlyLimit,
    plan_limits: input.planLimits === undefined ? undefined : JSON.stringify(input.planLimits),
    alert_threshold_80: input.alertThreshold80,
    alert_threshold_95: input.alertThreshold95,
    block_threshold: input.blockThreshold,
    max_user_limit: input.maxUserLimit,
    min_user_limit: input.minUserLimit,
    completion_estimate: input.completionEstimate,
    raw_retention_days: input.rawRetentionDays,
    smtp_host: email.smtpHost,
    smtp_port: email.smtpPort,
    smtp_user: email.smtpUser,
    smtp_password_sealed: sealedSecret(secrets, email.smtpPassword),
    from_email: email.fromEmail,
    from_name: email.fromName,
    use_tls: email.useTls,
    rate_limit_per_minute: security.rateLimitPerMinute,
    rate_limit_burst: security.rateLimitBurst,
    cors_origins: security.corsOrigins,
    upstream_base_url: upstream.baseUrl?.replace(/\/+$/, ''),
    upstream_api_key_sealed: sealedSecret(secrets, upstream.apiKey),
    upstream_timeout_ms: upstream.timeout,
    upstream_max_retries: upstream.maxRetries,
    health_check_interval_seconds: upstream.healthCheckInterval,
  };
  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const merged = { ...before, ...set } as UsageSettingsRow;
  const thresholds = [merged.alert_threshold_80, merged.alert_threshold_95];
  if (thresholds[0]! >= thresholds[1]!)
    throw new DomainError('BAD_REQUEST', 'INVALID_THRESHOLDS', 'O primeiro alerta precisa ser menor que o segundo', {
      alertThreshold80: thresholds[0],
      alertThreshold95: thresholds[1],
    });
  if (Number(merged.min_user_limit) > Number(merged.max_user_limit))
    throw new DomainError('BAD_REQUEST', 'INVALID_LIMITS', 'O limite mínimo por usuário não pode passar do máximo', {
      minUserLimit: Number(merged.min_user_limit),
      maxUserLimit: Number(merged.max_user_limit),
    });
  if (Object.keys(set).length === 0) return before;
  const after = await trx
    .updateTable('usage_settings')
    .set({ ...set, updated_at: new Date() })
    .where('tenant_id', '=', tenantOf(trx))
    .returningAll()
    .executeTakeFirstOrThrow();
  const fields = Object.keys(set);
  await recordAudit(trx, audit, {
    action: 'usage.settings.update',
    entity: 'usage_settings',
    entityId: tenantOf(trx),
    before: auditedSettings(before),
    after: auditedSettings(after),
  });
  await appendEvent(trx, 'usage.settings.changed', { fields });
  return after;
}

/** What the audit shows of the settings: secrets only as whether they changed. */
function auditedSettings(row: UsageSettingsRow): Record<string, unknown> {
  const { smtp_password_sealed, upstream_api_key_sealed, ...rest } = row;
  // The sealed value's tail changes with every new secret and reveals nothing of it.
  return { ...rest, smtp_password: smtp_password_sealed?.slice(-8) ?? null, upstream_api_key: upstream_api_key_sealed?.slice(-8) ?? null };
}
