import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { BusinessHours } from '../../platform/business-hours';

export interface HelpdeskSettingsView {
  reopenWindowMinutes: number;
  /** The tenant's opening hours; a queue's own hours take precedence for its tickets. */
  businessHours: BusinessHours | null;
  /** Sent once when a contact opens (or reopens) a ticket outside business hours; null = never. */
  outOfHoursMessage: string | null;
  /** Route new tickets to a queue by a numbered menu (one queue: straight to it), with the queue's greeting. */
  queueMenu: boolean;
  /** Attachments and received media older than this many days are deleted each night; null = kept for good. */
  mediaRetentionDays: number | null;
}

const DEFAULT_REOPEN_WINDOW_MINUTES = 1440;

/** The tenant's helpdesk settings row exists from its first channel on. */
export async function ensureHelpdeskSettings(trx: TenantTransaction): Promise<void> {
  await trx
    .insertInto('helpdesk_settings')
    .values({ tenant_id: tenantOf(trx) })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
}

/**
 * Locks the tenant's helpdesk settings until the transaction ends. Every decision to open or
 * reopen a ticket takes this lock first, so two first messages from one contact cannot both
 * decide to open one, and ticket numbers are handed out without gaps (ticketsForContacts takes
 * them from last_ticket_number in the statement that inserts the tickets).
 */
export async function lockTicketOpening(trx: TenantTransaction): Promise<HelpdeskSettingsView> {
  const read = () => trx.selectFrom('helpdesk_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).forUpdate().executeTakeFirst();
  let row = await read();
  if (!row) {
    await ensureHelpdeskSettings(trx);
    row = await read();
  }
  if (!row) throw new Error('helpdesk settings row missing after insert');
  return toSettingsView(row);
}

function toSettingsView(
  row:
    | {
        reopen_window_minutes: number;
        business_hours: unknown;
        out_of_hours_message: string | null;
        queue_menu_enabled: boolean;
        media_retention_days: number | null;
      }
    | undefined,
): HelpdeskSettingsView {
  return {
    reopenWindowMinutes: row?.reopen_window_minutes ?? DEFAULT_REOPEN_WINDOW_MINUTES,
    businessHours: (row?.business_hours as BusinessHours | null | undefined) ?? null,
    outOfHoursMessage: row?.out_of_hours_message ?? null,
    queueMenu: row?.queue_menu_enabled ?? false,
    mediaRetentionDays: row?.media_retention_days ?? null,
  };
}

export async function getHelpdeskSettings(trx: TenantTransaction): Promise<HelpdeskSettingsView> {
  return toSettingsView(await trx.selectFrom('helpdesk_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).executeTakeFirst());
}

export async function updateHelpdeskSettings(
  trx: TenantTransaction,
  audit: AuditContext,
  input: Partial<HelpdeskSettingsView>,
): Promise<HelpdeskSettingsView> {
  await ensureHelpdeskSettings(trx);
  const before = await getHelpdeskSettings(trx);
  await trx
    .updateTable('helpdesk_settings')
    .set({
      ...(input.reopenWindowMinutes !== undefined ? { reopen_window_minutes: input.reopenWindowMinutes } : {}),
      ...(input.businessHours !== undefined ? { business_hours: input.businessHours ? JSON.stringify(input.businessHours) : null } : {}),
      ...(input.outOfHoursMessage !== undefined ? { out_of_hours_message: input.outOfHoursMessage } : {}),
      ...(input.queueMenu !== undefined ? { queue_menu_enabled: input.queueMenu } : {}),
      ...(input.mediaRetentionDays !== undefined ? { media_retention_days: input.mediaRetentionDays } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantOf(trx))
    .execute();
  const after = await getHelpdeskSettings(trx);
  await recordAudit(trx, audit, {
    action: 'helpdesk.settings.updated',
    entity: 'helpdesk_settings',
    entityId: tenantOf(trx),
    before: { ...before },
    after: { ...after },
  });
  return after;
}
