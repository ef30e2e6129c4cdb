import type { InventoryAssetStatus, InventoryLifecycleState } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';

/** An asset as lists, forms and the CSV show it: its own fields and the names of what it points at. */
export interface AssetView {
  id: string;
  tag: string;
  name: string;
  categoryId: string | null;
  categoryName: string | null;
  locationId: string | null;
  locationName: string | null;
  locationCode: string | null;
  patrimonio: string | null;
  serialNumber: string | null;
  /** Whole cents (an int8 below 2^53: exact as a JSON number). */
  purchaseValueCents: number | null;
  purchaseDate: string | null;
  supplierId: string | null;
  supplierName: string | null;
  status: InventoryAssetStatus;
  lifecycleState: InventoryLifecycleState;
  customFields: Record<string, unknown>;
  notes: string;
  createdAt: string;
  updatedAt: string;
}

/** Assets with their category, location and supplier names; callers add filters, order and limits. */
export function selectAssetViews(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_assets as asset')
    .leftJoin('inventory_categories as category', 'category.id', 'asset.category_id')
    .leftJoin('inventory_locations as location', 'location.id', 'asset.location_id')
    .leftJoin('inventory_suppliers as supplier', 'supplier.id', 'asset.supplier_id')
    .selectAll('asset')
    .select([
      'category.name as category_name',
      'location.name as location_name',
      'location.code as location_code',
      'supplier.name as supplier_name',
    ]);
}

type AssetViewRow = Awaited<ReturnType<ReturnType<typeof selectAssetViews>['executeTakeFirstOrThrow']>>;

const isoDate = (value: string | Date | null) => (value === null ? null : value instanceof Date ? value.toISOString().slice(0, 10) : value);

export function toAssetView(row: AssetViewRow): AssetView {
  return {
    id: row.id,
    tag: row.tag,
    name: row.name,
    categoryId: row.category_id,
    categoryName: row.category_name,
    locationId: row.location_id,
    locationName: row.location_name,
    locationCode: row.location_code,
    patrimonio: row.patrimonio,
    serialNumber: row.serial_number,
    purchaseValueCents: row.purchase_value_cents === null ? null : Number(row.purchase_value_cents),
    purchaseDate: isoDate(row.purchase_date),
    supplierId: row.supplier_id,
    supplierName: row.supplier_name,
    status: row.status,
    lifecycleState: row.lifecycle_state,
    customFields: row.custom_fields,
    notes: row.notes,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** One asset as a view, or undefined. */
export async function findAssetView(trx: TenantTransaction, assetId: string): Promise<AssetView | undefined> {
  const row = await selectAssetViews(trx).where('asset.id', '=', assetId).executeTakeFirst();
  return row ? toAssetView(row) : undefined;
}
