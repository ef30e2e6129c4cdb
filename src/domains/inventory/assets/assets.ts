import type { InventoryAsset, InventoryAssetStatus, InventoryLifecycleState } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import type { InventoryAssetSummary } from '../events';
import { nextInventoryNumber } from '../settings';

/** What creating an asset takes, whoever creates it (the form, an import row, a purchase receipt, an agent's registration). */
export interface NewAsset {
  name: string;
  categoryId?: string | null;
  patrimonio?: string | null;
  serialNumber?: string | null;
  purchaseValueCents?: number | null;
  purchaseDate?: string | null;
  supplierId?: string | null;
  locationId?: string | null;
  status?: InventoryAssetStatus;
  lifecycleState?: InventoryLifecycleState;
  customFields?: Record<string, unknown>;
  notes?: string;
  purchaseOrderId?: string | null;
}

export const toAssetSummary = (asset: InventoryAsset): InventoryAssetSummary => ({
  assetId: asset.id,
  tag: asset.tag,
  name: asset.name,
  status: asset.status,
  locationId: asset.location_id,
  categoryId: asset.category_id,
});

/** The tenant's next tag: its prefix and the next number, zero-padded (`PAT-000042`). */
export async function nextAssetTag(trx: TenantTransaction): Promise<{ tag: string; number: number }> {
  const { number, settings } = await nextInventoryNumber(trx, 'last_tag_number');
  return { tag: `${settings.tag_prefix}${String(number).padStart(settings.tag_digits, '0')}`, number };
}

/**
 * Inserts an asset with the tenant's next tag, its audit row and its event. The caller has
 * checked the references (category, location, supplier) belong to the tenant.
 */
export async function insertAsset(trx: TenantTransaction, audit: AuditContext, input: NewAsset): Promise<InventoryAsset> {
  const { tag, number } = await nextAssetTag(trx);
  const asset = await trx
    .insertInto('inventory_assets')
    .values({
      tenant_id: tenantOf(trx),
      name: input.name,
      category_id: input.categoryId ?? null,
      tag,
      tag_number: number,
      patrimonio: input.patrimonio ?? null,
      serial_number: input.serialNumber ?? null,
      purchase_value_cents: input.purchaseValueCents ?? null,
      purchase_date: input.purchaseDate ?? null,
      supplier_id: input.supplierId ?? null,
      location_id: input.locationId ?? null,
      status: input.status ?? 'available',
      lifecycle_state: input.lifecycleState ?? 'in_service',
      custom_fields: JSON.stringify(input.customFields ?? {}),
      notes: input.notes ?? '',
      purchase_order_id: input.purchaseOrderId ?? null,
      created_by: audit.actor.type === 'user' ? audit.actor.id : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.asset.created',
    entity: 'inventory_assets',
    entityId: asset.id,
    after: { tag: asset.tag, name: asset.name, locationId: asset.location_id, categoryId: asset.category_id },
  });
  await appendEvent(trx, 'inventory.asset.created', toAssetSummary(asset));
  return asset;
}

/** The asset, locked for the rest of the transaction (a movement, a scan correction or an order changes its state). */
export async function lockAsset(trx: TenantTransaction, assetId: string): Promise<InventoryAsset> {
  const asset = await trx.selectFrom('inventory_assets').selectAll().where('id', '=', assetId).forUpdate().executeTakeFirst();
  if (!asset) throw notFound('Ativo');
  return asset;
}

/**
 * Moves an asset to a new status and/or location on behalf of another part of the inventory (a loan
 * going out, an order opening, an audit correction), with its audit row and `inventory.asset.updated`.
 */
export async function changeAssetState(
  trx: TenantTransaction,
  audit: AuditContext,
  assetId: string,
  change: { status?: InventoryAssetStatus; locationId?: string | null; lifecycleState?: InventoryLifecycleState; reason: string },
): Promise<InventoryAsset> {
  const before = await lockAsset(trx, assetId);
  const after = await trx
    .updateTable('inventory_assets')
    .set({
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.locationId !== undefined ? { location_id: change.locationId } : {}),
      ...(change.lifecycleState !== undefined ? { lifecycle_state: change.lifecycleState } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', assetId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: `inventory.asset.${change.reason}`,
    entity: 'inventory_assets',
    entityId: assetId,
    before: { status: before.status, locationId: before.location_id, lifecycleState: before.lifecycle_state },
    after: { status: after.status, locationId: after.location_id, lifecycleState: after.lifecycle_state },
  });
  await appendEvent(trx, 'inventory.asset.updated', toAssetSummary(after));
  return after;
}
