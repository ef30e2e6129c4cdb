import type { InventoryAlert, InventoryAlertSeverity } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';

export interface NewInventoryAlert {
  type: string;
  severity: InventoryAlertSeverity;
  message: string;
  assetId?: string | null;
  deviceId?: string | null;
  ticketId?: string | null;
  /** What raised it (`loan-overdue:<loan id>`): the same key raises one alert, however often a job runs. */
  sourceKey?: string;
}

/** Raises an inventory alert (and its live event) unless one with the same source key exists; answers its id when raised. */
export async function raiseInventoryAlert(trx: TenantTransaction, alert: NewInventoryAlert): Promise<string | undefined> {
  const inserted = await trx
    .insertInto('inventory_alerts')
    .values({
      tenant_id: tenantOf(trx),
      type: alert.type,
      severity: alert.severity,
      message: alert.message,
      asset_id: alert.assetId ?? null,
      device_id: alert.deviceId ?? null,
      ticket_id: alert.ticketId ?? null,
      source_key: alert.sourceKey ?? null,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'source_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return undefined;
  await appendEvent(trx, 'inventory.alert.raised', {
    alertId: inserted.id,
    type: alert.type,
    severity: alert.severity,
    message: alert.message,
    assetId: alert.assetId ?? null,
  });
  return inserted.id;
}

export interface InventoryAlertView {
  id: string;
  type: string;
  severity: InventoryAlertSeverity;
  message: string;
  assetId: string | null;
  assetTag: string | null;
  assetName: string | null;
  deviceId: string | null;
  ticketId: string | null;
  acknowledgedAt: string | null;
  acknowledgedByName: string | null;
  createdAt: string;
}

function selectAlerts(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_alerts as alert')
    .leftJoin('inventory_assets as asset', 'asset.id', 'alert.asset_id')
    .leftJoin('users as acknowledger', 'acknowledger.id', 'alert.acknowledged_by')
    .selectAll('alert')
    .select(['asset.tag as asset_tag', 'asset.name as asset_name', 'acknowledger.name as acknowledged_by_name']);
}

type AlertRow = InventoryAlert & { asset_tag: string | null; asset_name: string | null; acknowledged_by_name: string | null };

const toAlertView = (row: AlertRow): InventoryAlertView => ({
  id: row.id,
  type: row.type,
  severity: row.severity,
  message: row.message,
  assetId: row.asset_id,
  assetTag: row.asset_tag,
  assetName: row.asset_name,
  deviceId: row.device_id,
  ticketId: row.ticket_id,
  acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
  acknowledgedByName: row.acknowledged_by_name,
  createdAt: row.created_at.toISOString(),
});

const DEFAULT_LISTED = 200;

/** Every inventory alert (overdue loans, SLA, silent agents, agents' own), newest first. */
export async function listInventoryAlerts(
  trx: TenantTransaction,
  filters: { acknowledged?: boolean | undefined; type?: string | undefined; assetId?: string | undefined; limit?: number | undefined },
): Promise<InventoryAlertView[]> {
  let query = selectAlerts(trx);
  if (filters.acknowledged !== undefined) query = query.where('alert.acknowledged_at', filters.acknowledged ? 'is not' : 'is', null);
  if (filters.type) query = query.where('alert.type', '=', filters.type);
  if (filters.assetId) query = query.where('alert.asset_id', '=', filters.assetId);
  const rows = await query
    .orderBy('alert.created_at', 'desc')
    .orderBy('alert.id', 'desc')
    .limit(filters.limit ?? DEFAULT_LISTED)
    .execute();
  return rows.map(toAlertView);
}

/** The alert by its id in the tenant. */
export async function findInventoryAlert(trx: TenantTransaction, alertId: string): Promise<InventoryAlertView> {
  const row = await selectAlerts(trx).where('alert.id', '=', alertId).executeTakeFirst();
  if (!row) throw notFound('Alerta');
  return toAlertView(row);
}

/** Marks an alert as seen by the user; acknowledging it again changes nothing. */
export async function acknowledgeInventoryAlert(trx: TenantTransaction, audit: AuditContext, alertId: string): Promise<InventoryAlertView> {
  const acknowledged = await trx
    .updateTable('inventory_alerts')
    .set({ acknowledged_at: new Date(), acknowledged_by: audit.actor.type === 'user' ? audit.actor.id : null })
    .where('id', '=', alertId)
    .where('acknowledged_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (acknowledged) {
    await recordAudit(trx, audit, {
      action: 'inventory.alert.acknowledged',
      entity: 'inventory_alerts',
      entityId: acknowledged.id,
      after: { type: acknowledged.type, acknowledged: true },
    });
    await appendEvent(trx, 'inventory.alert.acknowledged', {
      alertId: acknowledged.id,
      type: acknowledged.type,
      message: acknowledged.message,
    });
  }
  return findInventoryAlert(trx, alertId);
}
