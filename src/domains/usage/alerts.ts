import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB, UsageAlertRow, UsageAlertSeverity, UsageAlertStatus, UsageAlertType } from '../../db/schema';
import { withSystem } from '../../db/system-scope';
import { tenantOf, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/auth/secret-box';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { Logger } from '../../platform/observability/logger';
import { sendMail } from './mail';
import { currentPeriod } from './periods';
import type { listAlertsInput } from './schemas';
import { loadSettings } from './settings';
import { paginationOf, type Paginated } from './users';

/** The seed's Alert. */
export interface AlertView {
  id: string;
  userId: string | null;
  userName: string | null;
  type: UsageAlertType;
  title: string;
  message: string;
  severity: UsageAlertSeverity;
  status: UsageAlertStatus;
  period: string | null;
  sentAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  emailTo: string | null;
  emailError: string | null;
  isTest: boolean;
  metadata: Record<string, unknown>;
  createdAt: string;
}

function toAlertView(row: UsageAlertRow & { user_name: string | null }): AlertView {
  return {
    id: row.id,
    userId: row.user_id,
    userName: row.user_name,
    type: row.type,
    title: row.title,
    message: row.message,
    severity: row.severity,
    status: row.status,
    period: row.period,
    sentAt: row.sent_at?.toISOString() ?? null,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    emailTo: row.email_to,
    emailError: row.email_error,
    isTest: row.is_test,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
  };
}

function alertsWithUser(trx: TenantTransaction) {
  return trx
    .selectFrom('usage_alerts')
    .leftJoin('usage_users', 'usage_users.id', 'usage_alerts.user_id')
    .selectAll('usage_alerts')
    .select('usage_users.name as user_name');
}

export async function listAlerts(trx: TenantTransaction, filters: z.infer<typeof listAlertsInput>): Promise<Paginated<AlertView>> {
  let query = alertsWithUser(trx);
  if (filters.userId) query = query.where('usage_alerts.user_id', '=', filters.userId);
  if (filters.type) query = query.where('usage_alerts.type', '=', filters.type);
  if (filters.status) query = query.where('usage_alerts.status', '=', filters.status);
  const { total } = await query
    .clearSelect()
    .select(sql<string>`count(*)`.as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('usage_alerts.created_at', 'desc')
    .orderBy('usage_alerts.id')
    .limit(filters.limit)
    .offset((filters.page - 1) * filters.limit)
    .execute();
  return { items: rows.map(toAlertView), pagination: paginationOf(filters.page, filters.limit, Number(total)) };
}

async function findAlert(trx: TenantTransaction, id: string): Promise<AlertView> {
  const row = await alertsWithUser(trx).where('usage_alerts.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Alerta');
  return toAlertView(row);
}

export async function acknowledgeAlert(trx: TenantTransaction, audit: AuditContext, id: string): Promise<AlertView> {
  const updated = await trx
    .updateTable('usage_alerts')
    .set({ status: 'acknowledged', acknowledged_at: new Date(), acknowledged_by: audit.actor.label })
    .where('id', '=', id)
    .where('status', '<>', 'acknowledged')
    .returning(['id', 'user_id'])
    .executeTakeFirst();
  if (updated) {
    // The user the alert was about, as the other entries about a user name them (logs.audit filters on it).
    await recordAudit(trx, audit, {
      action: 'usage.alert.acknowledge',
      entity: 'usage_alert',
      entityId: id,
      details: { userId: updated.user_id },
    });
    await appendEvent(trx, 'usage.alert.updated', { alertId: id, status: 'acknowledged' });
  }
  return findAlert(trx, id);
}

const TEST_TEXT: Record<UsageAlertType, { title: string; severity: UsageAlertSeverity }> = {
  usage_80: { title: 'Teste: uso de tokens em 80%', severity: 'warning' },
  usage_95: { title: 'Teste: uso de tokens em 95%', severity: 'error' },
  blocked: { title: 'Teste: limite de tokens atingido', severity: 'critical' },
  system_error: { title: 'Teste: erro do sistema', severity: 'error' },
  model_error: { title: 'Teste: erro de modelo', severity: 'error' },
};

/** A test alert of the given type for a user: stored, shown live and mailed like a real one, marked as a test; no threshold changes. */
export async function raiseTestAlert(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { userId: string; type: UsageAlertType },
): Promise<AlertView> {
  const user = await trx
    .selectFrom('usage_users')
    .select(['id', 'name', 'email', 'email_notifications_enabled'])
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!user) throw notFound('Usuário de IA');
  const { period } = await currentPeriod(trx);
  const text = TEST_TEXT[input.type];
  const row = await insertAlert(trx, {
    userId: user.id,
    type: input.type,
    title: text.title,
    message: `Alerta de teste para ${user.name}, enviado por ${audit.actor.label}. Nenhum limite foi alterado.`,
    severity: text.severity,
    period,
    emailTo: user.email_notifications_enabled ? user.email : null,
    metadata: { test: true },
    isTest: true,
  });
  await recordAudit(trx, audit, {
    action: 'usage.alert.test',
    entity: 'usage_alert',
    entityId: row.id,
    details: { userId: user.id, type: input.type },
  });
  return findAlert(trx, row.id);
}

interface NewAlert {
  userId: string | null;
  type: UsageAlertType;
  title: string;
  message: string;
  severity: UsageAlertSeverity;
  period: string | null;
  emailTo: string | null;
  metadata: Record<string, unknown>;
  isTest?: boolean;
}

/** Stores an alert and raises usage.alert.raised in the same transaction (threshold alerts are raised by usage_settle itself). */
export async function insertAlert(trx: TenantTransaction, alert: NewAlert): Promise<UsageAlertRow> {
  const row = await trx
    .insertInto('usage_alerts')
    .values({
      tenant_id: tenantOf(trx),
      user_id: alert.userId,
      type: alert.type,
      title: alert.title,
      message: alert.message,
      severity: alert.severity,
      period: alert.period,
      email_to: alert.emailTo,
      metadata: JSON.stringify(alert.metadata),
      is_test: alert.isTest ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(trx, 'usage.alert.raised', {
    alertId: row.id,
    userId: row.user_id,
    type: row.type,
    severity: row.severity,
    title: row.title,
    period: row.period,
  });
  return row;
}

/**
 * Sends the settings' test e-mail to the given address; the SMTP server's refusal is the answer.
 * The settings are read, and the sending audited, in two short transactions: none stays open while
 * the SMTP server talks.
 */
export async function sendTestEmail(
  runInTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => Promise<T>,
  audit: AuditContext,
  secrets: SecretBox,
  to: string,
): Promise<{ sent: true; to: string }> {
  const settings = await runInTenant(loadSettings);
  try {
    await sendMail(settings, secrets, {
      to,
      subject: 'Balcão: e-mail de teste dos alertas de IA',
      text: 'Este é um e-mail de teste das configurações de SMTP dos alertas de uso de IA. Se chegou, os alertas também chegarão.',
    });
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError('BAD_REQUEST', 'SMTP_FAILED', `O servidor SMTP recusou o envio: ${(error as Error).message}`);
  }
  await runInTenant((trx) =>
    recordAudit(trx, audit, { action: 'usage.settings.test_email', entity: 'usage_settings', entityId: tenantOf(trx), details: { to } }),
  );
  return { sent: true, to };
}

const MAIL_ATTEMPTS = 5;
const MAIL_BATCH = 50;

/**
 * Mails pending alerts (the job every minute, and right after alerts are raised). Each alert is
 * claimed with SKIP LOCKED, so instances never send one twice; a failure is retried on the next
 * runs and marked failed after the last attempt.
 */
export async function mailPendingAlerts(db: Kysely<DB>, secrets: SecretBox, logger: Logger): Promise<{ sent: number; failed: number }> {
  const due = await withSystem(db, (trx) =>
    trx
      .selectFrom('usage_alerts')
      // Only tenants with an SMTP server: the others' alerts wait without holding a place in the batch.
      .innerJoin('usage_settings', 'usage_settings.tenant_id', 'usage_alerts.tenant_id')
      .select(['usage_alerts.id', 'usage_alerts.tenant_id'])
      .where('usage_alerts.status', '=', 'pending')
      .where('usage_alerts.email_to', 'is not', null)
      .where('usage_alerts.email_attempts', '<', MAIL_ATTEMPTS)
      .where('usage_settings.smtp_host', '<>', '')
      .where('usage_settings.from_email', '<>', '')
      .orderBy('usage_alerts.created_at')
      .limit(MAIL_BATCH)
      .execute(),
  );
  let sent = 0;
  let failed = 0;
  for (const { id, tenant_id: tenantId } of due) {
    const outcome = await withTenant(db, tenantId, async (trx) => {
      const alert = await trx
        .selectFrom('usage_alerts')
        .selectAll()
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!alert?.email_to) return null;
      const settings = await loadSettings(trx);
      if (!settings.smtp_host || !settings.from_email) return null; // kept pending until SMTP is configured
      try {
        await sendMail(settings, secrets, { to: alert.email_to, subject: alert.title, text: alert.message });
        await trx
          .updateTable('usage_alerts')
          .set({ status: 'sent', sent_at: new Date(), email_attempts: alert.email_attempts + 1 })
          .where('id', '=', id)
          .execute();
        await appendEvent(trx, 'usage.alert.updated', { alertId: id, status: 'sent' });
        return 'sent' as const;
      } catch (error) {
        const attempts = alert.email_attempts + 1;
        const finalFailure = attempts >= MAIL_ATTEMPTS;
        await trx
          .updateTable('usage_alerts')
          .set({
            email_attempts: attempts,
            email_error: (error as Error).message.slice(0, 500),
            ...(finalFailure ? { status: 'failed' } : {}),
          })
          .where('id', '=', id)
          .execute();
        if (finalFailure) await appendEvent(trx, 'usage.alert.updated', { alertId: id, status: 'failed' });
        logger.warn({ err: (error as Error).message, alertId: id, attempts }, 'usage alert email failed');
        return 'failed' as const;
      }
    });
    if (outcome === 'sent') sent += 1;
    if (outcome === 'failed') failed += 1;
  }
  return { sent, failed };
}
