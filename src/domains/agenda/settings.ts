import { sql } from 'kysely';
import type { AgendaSettings } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { secretDigest, type SecretBox } from '../../platform/auth/secret-box';
import { newWebhookSecret } from '../../platform/auth/webhook-secrets';
import { DomainError } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { z } from 'zod';
import type { updateSettingsInput } from './schemas';

export interface AgendaSettingsView {
  /** Where notifications to clients are posted, for n8n to send them on WhatsApp. */
  n8nOutboundUrl: string | null;
  /**
   * The last characters of what n8n sends in `X-Webhook-Secret` (or keys its HMAC with), to tell
   * which secret is in use: the secret itself is shown once, by rotateInboundSecret.
   */
  inboundSecretHint: string;
  notificationRoute: 'n8n' | 'helpdesk';
  helpdeskChannelId: string | null;
  chatFromHelpdesk: boolean;
  authRequestTtlHours: number;
  minNoticeMinutes: number;
  slotStepMinutes: number;
  webhookUrls: { messageReceived: string; prazoCerto: string; encherAgenda: string };
}

/** The tenant's agenda settings, created with a fresh inbound secret on first use. */
export async function agendaSettingsRow(trx: TenantTransaction, secrets: SecretBox): Promise<AgendaSettings> {
  const existing = await trx.selectFrom('agenda_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).executeTakeFirst();
  if (existing) return existing;
  const secret = newWebhookSecret();
  await trx
    .insertInto('agenda_settings')
    .values({ tenant_id: tenantOf(trx), inbound_secret_sealed: secrets.seal(secret), inbound_secret_hash: secretDigest(secret) })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  return trx.selectFrom('agenda_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
}

export function toSettingsView(row: AgendaSettings, secrets: SecretBox, publicUrl: string): AgendaSettingsView {
  return {
    n8nOutboundUrl: row.n8n_outbound_url,
    inboundSecretHint: secretHint(secrets.open(row.inbound_secret_sealed)),
    notificationRoute: row.notification_route,
    helpdeskChannelId: row.helpdesk_channel_id,
    chatFromHelpdesk: row.chat_from_helpdesk,
    authRequestTtlHours: row.auth_request_ttl_hours,
    minNoticeMinutes: row.min_notice_minutes,
    slotStepMinutes: row.slot_step_minutes,
    webhookUrls: {
      messageReceived: `${publicUrl}/api/v1/webhooks/n8n/message-received`,
      prazoCerto: `${publicUrl}/api/v1/automations/prazo-certo/execute`,
      encherAgenda: `${publicUrl}/api/v1/automations/encher-agenda/execute`,
    },
  };
}

/** Enough of a secret to recognise it, never enough to use it. */
export function secretHint(secret: string): string {
  return `…${secret.slice(-4)}`;
}

type SettingsChange = z.output<typeof updateSettingsInput>;

export async function updateAgendaSettings(
  trx: TenantTransaction,
  audit: AuditContext,
  secrets: SecretBox,
  change: SettingsChange,
): Promise<AgendaSettings> {
  const before = await agendaSettingsRow(trx, secrets);
  const helpdeskChannelId = change.helpdeskChannelId === undefined ? before.helpdesk_channel_id : change.helpdeskChannelId;
  if (change.helpdeskChannelId) {
    const channel = await trx
      .selectFrom('helpdesk_channels')
      .select('id')
      .where('id', '=', change.helpdeskChannelId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!channel) throw new DomainError('NOT_FOUND', 'CHANNEL_NOT_FOUND', 'Canal do Atendimento não encontrado');
  }
  if ((change.notificationRoute ?? before.notification_route) === 'helpdesk' && !helpdeskChannelId) {
    throw new DomainError('BAD_REQUEST', 'HELPDESK_CHANNEL_REQUIRED', 'Para enviar pelo Atendimento, escolha o canal (helpdeskChannelId)');
  }
  const after = await trx
    .updateTable('agenda_settings')
    .set({
      ...(change.n8nOutboundUrl !== undefined ? { n8n_outbound_url: change.n8nOutboundUrl } : {}),
      ...(change.notificationRoute !== undefined ? { notification_route: change.notificationRoute } : {}),
      ...(change.helpdeskChannelId !== undefined ? { helpdesk_channel_id: change.helpdeskChannelId } : {}),
      ...(change.chatFromHelpdesk !== undefined && change.chatFromHelpdesk !== before.chat_from_helpdesk
        ? { chat_from_helpdesk: change.chatFromHelpdesk, chat_from_helpdesk_since: change.chatFromHelpdesk ? sql<Date>`now()` : null }
        : {}),
      ...(change.authRequestTtlHours !== undefined ? { auth_request_ttl_hours: change.authRequestTtlHours } : {}),
      ...(change.minNoticeMinutes !== undefined ? { min_notice_minutes: change.minNoticeMinutes } : {}),
      ...(change.slotStepMinutes !== undefined ? { slot_step_minutes: change.slotStepMinutes } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantOf(trx))
    .returningAll()
    .executeTakeFirstOrThrow();
  const { inbound_secret_sealed: _sealedBefore, inbound_secret_hash: _hashBefore, ...auditedBefore } = before;
  const { inbound_secret_sealed: _sealedAfter, inbound_secret_hash: _hashAfter, ...auditedAfter } = after;
  await appendEvent(trx, 'agenda.settings_changed', {
    chatFromHelpdesk: after.chat_from_helpdesk,
    notificationRoute: after.notification_route,
  });
  await recordAudit(trx, audit, {
    action: 'agenda.settings.updated',
    entity: 'agenda_settings',
    entityId: tenantOf(trx),
    before: auditedBefore,
    after: auditedAfter,
  });
  return after;
}

/** A new inbound secret, answered this once (reads show only its hint); the old one stops working at once. */
export async function rotateInboundSecret(
  trx: TenantTransaction,
  audit: AuditContext,
  secrets: SecretBox,
): Promise<{ inboundSecret: string }> {
  await agendaSettingsRow(trx, secrets);
  const secret = newWebhookSecret();
  await trx
    .updateTable('agenda_settings')
    .set({ inbound_secret_sealed: secrets.seal(secret), inbound_secret_hash: secretDigest(secret), updated_at: new Date() })
    .where('tenant_id', '=', tenantOf(trx))
    .execute();
  await recordAudit(trx, audit, { action: 'agenda.settings.secret_rotated', entity: 'agenda_settings', entityId: tenantOf(trx) });
  return { inboundSecret: secret };
}
