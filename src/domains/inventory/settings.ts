import type { z } from 'zod';
import type { InventoryLabelSheet, InventorySettings } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError } from '../../platform/errors';
import type { updateSettingsInput } from './assets/schemas';

/** The tenant's inventory settings; the row is made with its defaults the first time anyone reads it. */
export async function loadInventorySettings(trx: TenantTransaction): Promise<InventorySettings> {
  const existing = await trx.selectFrom('inventory_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).executeTakeFirst();
  if (existing) return existing;
  await trx
    .insertInto('inventory_settings')
    .values({ tenant_id: tenantOf(trx) })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  return trx.selectFrom('inventory_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
}

type Counter = 'last_tag_number' | 'last_order_number' | 'last_purchase_number';

/**
 * The tenant's next `count` numbers of a kind (asset tags, maintenance orders, purchase orders),
 * bumped in the caller's transaction: the row lock orders concurrent creators, so no number is
 * shared or skipped. Answers the first of them.
 */
export async function reserveInventoryNumbers(
  trx: TenantTransaction,
  counter: Counter,
  count: number,
): Promise<{ first: number; settings: InventorySettings }> {
  await loadInventorySettings(trx);
  const settings = await trx
    .updateTable('inventory_settings')
    .set((eb) => ({ [counter]: eb(counter, '+', count) }))
    .where('tenant_id', '=', tenantOf(trx))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { first: settings[counter] - count + 1, settings };
}

/** The tenant's next number of a kind, as `reserveInventoryNumbers` with one. */
export async function nextInventoryNumber(
  trx: TenantTransaction,
  counter: Counter,
): Promise<{ number: number; settings: InventorySettings }> {
  const { first, settings } = await reserveInventoryNumbers(trx, counter, 1);
  return { number: first, settings };
}

/** An A4 sheet of 3 × 8 labels of 70 × 36 mm (a common adhesive sheet), when the tenant has not set its own. */
export const DEFAULT_LABEL_SHEET: Required<InventoryLabelSheet> = {
  columns: 3,
  rows: 8,
  marginTopMm: 4.5,
  marginLeftMm: 0,
  gapXMm: 0,
  gapYMm: 0,
};

export const A4_MM = { width: 210, height: 297 } as const;
/** Below this a QR code and a tag no longer fit on a label readably. */
const SMALLEST_LABEL_MM = { width: 25, height: 12 } as const;

/** The tenant's grid with the defaults filled in. */
export function labelSheetOf(settings: Pick<InventorySettings, 'label_sheet'>): Required<InventoryLabelSheet> {
  return { ...DEFAULT_LABEL_SHEET, ...settings.label_sheet };
}

/** One label's size on the sheet: the page less the margins (the same on both sides) and the gaps, shared by the grid. */
export function labelSizeMm(sheet: Required<InventoryLabelSheet>): { width: number; height: number } {
  return {
    width: (A4_MM.width - 2 * sheet.marginLeftMm - (sheet.columns - 1) * sheet.gapXMm) / sheet.columns,
    height: (A4_MM.height - 2 * sheet.marginTopMm - (sheet.rows - 1) * sheet.gapYMm) / sheet.rows,
  };
}

export interface InventorySettingsView {
  tagPrefix: string;
  tagDigits: number;
  /** The tag the next asset gets. */
  nextTag: string;
  labelSheet: Required<InventoryLabelSheet>;
  labelSizeMm: { width: number; height: number };
  loanReminderDays: number;
  slaWarningPercent: number;
  agentSilenceMinutes: number;
  heartbeatRetentionDays: number;
  updatedAt: string;
}

export const formatTag = (settings: Pick<InventorySettings, 'tag_prefix' | 'tag_digits'>, number: number) =>
  `${settings.tag_prefix}${String(number).padStart(settings.tag_digits, '0')}`;

export function toSettingsView(settings: InventorySettings): InventorySettingsView {
  const sheet = labelSheetOf(settings);
  const size = labelSizeMm(sheet);
  return {
    tagPrefix: settings.tag_prefix,
    tagDigits: settings.tag_digits,
    nextTag: formatTag(settings, settings.last_tag_number + 1),
    labelSheet: sheet,
    labelSizeMm: { width: Math.round(size.width * 10) / 10, height: Math.round(size.height * 10) / 10 },
    loanReminderDays: settings.loan_reminder_days,
    slaWarningPercent: settings.sla_warning_percent,
    agentSilenceMinutes: settings.agent_silence_minutes,
    heartbeatRetentionDays: settings.heartbeat_retention_days,
    updatedAt: new Date(settings.updated_at).toISOString(),
  };
}

/** Changes the tenant's settings; a label grid whose labels come out too small is refused beside the field. */
export async function updateInventorySettings(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateSettingsInput>,
): Promise<InventorySettings> {
  const before = await loadInventorySettings(trx);
  if (input.labelSheet) {
    const size = labelSizeMm(input.labelSheet);
    if (size.width < SMALLEST_LABEL_MM.width || size.height < SMALLEST_LABEL_MM.height) {
      throw new DomainError(
        'BAD_REQUEST',
        'LABEL_TOO_SMALL',
        `Com essa grade cada etiqueta teria ${size.width.toFixed(1)} × ${size.height.toFixed(1)} mm; o mínimo é ${SMALLEST_LABEL_MM.width} × ${SMALLEST_LABEL_MM.height} mm`,
        { field: 'labelSheet' },
      );
    }
  }
  const after = await trx
    .updateTable('inventory_settings')
    .set({
      ...(input.tagPrefix !== undefined ? { tag_prefix: input.tagPrefix } : {}),
      ...(input.tagDigits !== undefined ? { tag_digits: input.tagDigits } : {}),
      ...(input.labelSheet !== undefined ? { label_sheet: JSON.stringify(input.labelSheet) } : {}),
      ...(input.loanReminderDays !== undefined ? { loan_reminder_days: input.loanReminderDays } : {}),
      ...(input.slaWarningPercent !== undefined ? { sla_warning_percent: input.slaWarningPercent } : {}),
      ...(input.agentSilenceMinutes !== undefined ? { agent_silence_minutes: input.agentSilenceMinutes } : {}),
      ...(input.heartbeatRetentionDays !== undefined ? { heartbeat_retention_days: input.heartbeatRetentionDays } : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantOf(trx))
    .returningAll()
    .executeTakeFirstOrThrow();
  const { updatedAt: _before, nextTag: _nextBefore, ...viewBefore } = toSettingsView(before);
  const { updatedAt: _after, nextTag: _nextAfter, ...viewAfter } = toSettingsView(after);
  await recordAudit(trx, audit, {
    action: 'inventory.settings.updated',
    entity: 'inventory_settings',
    before: viewBefore,
    after: viewAfter,
  });
  return after;
}
