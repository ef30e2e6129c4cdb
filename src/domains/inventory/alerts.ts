import type { InventoryAlertSeverity } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
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
