import type { z } from 'zod';
import type { InventoryAsset } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { insertAsset, lockAsset, toAssetSummary } from './assets';
import { categoryNotFound, fieldsOfCategory } from './categories';
import { validCustomFields } from './custom-fields';
import { missing } from './errors';
import { findLocation } from './locations';
import type { createAssetInput, updateAssetInput } from './schemas';

/** Checks that the category, location and supplier an asset points at are the tenant's (each unknown one: NOT_FOUND beside its field). */
async function assertReferences(
  trx: TenantTransaction,
  refs: { categoryId?: string | null | undefined; locationId?: string | null | undefined; supplierId?: string | null | undefined },
): Promise<void> {
  if (refs.categoryId) {
    const category = await trx.selectFrom('inventory_categories').select('id').where('id', '=', refs.categoryId).executeTakeFirst();
    if (!category) throw categoryNotFound('categoryId');
  }
  if (refs.locationId) await findLocation(trx, refs.locationId, 'locationId');
  if (refs.supplierId) {
    const supplier = await trx.selectFrom('inventory_suppliers').select('id').where('id', '=', refs.supplierId).executeTakeFirst();
    if (!supplier) throw missing('Fornecedor não encontrado', 'supplierId');
  }
}

export async function createAsset(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createAssetInput>,
): Promise<InventoryAsset> {
  await assertReferences(trx, input);
  const customFields = validCustomFields(await fieldsOfCategory(trx, input.categoryId ?? null), input.customFields ?? {});
  return insertAsset(trx, audit, {
    name: input.name,
    categoryId: input.categoryId ?? null,
    patrimonio: input.patrimonio ?? null,
    serialNumber: input.serialNumber ?? null,
    purchaseValueCents: input.purchaseValueCents ?? null,
    purchaseDate: input.purchaseDate ?? null,
    supplierId: input.supplierId ?? null,
    locationId: input.locationId ?? null,
    ...(input.status ? { status: input.status } : {}),
    ...(input.lifecycleState ? { lifecycleState: input.lifecycleState } : {}),
    customFields,
    ...(input.notes !== undefined ? { notes: input.notes } : {}),
  });
}

const STATUS_OWNERS: Partial<Record<InventoryAsset['status'], string>> = {
  on_loan: 'está emprestado: a situação muda com a devolução',
  in_maintenance: 'está em manutenção: a situação muda quando a ordem de serviço termina',
};

/**
 * Where the asset may go: not while it is out on loan, nor while a movement of it is waiting to
 * be decided or carried out (that movement would place it somewhere else).
 */
async function assertMovable(trx: TenantTransaction, asset: InventoryAsset): Promise<void> {
  if (asset.status === 'on_loan') {
    throw new DomainError('CONFLICT', 'ASSET_ON_LOAN', 'Um ativo emprestado não pode mudar de lugar', {
      field: 'locationId',
      status: asset.status,
    });
  }
  const open = await trx
    .selectFrom('inventory_movements')
    .select(['id', 'status'])
    .where('asset_id', '=', asset.id)
    .where('status', 'in', ['requested', 'approved'])
    .executeTakeFirst();
  if (open) {
    throw new DomainError('CONFLICT', 'MOVEMENT_OPEN', 'Há uma movimentação deste ativo em andamento: conclua-a ou cancele-a antes', {
      field: 'locationId',
      movementId: open.id,
      status: open.status,
    });
  }
}

const audited = (asset: InventoryAsset) => ({
  name: asset.name,
  categoryId: asset.category_id,
  patrimonio: asset.patrimonio,
  serialNumber: asset.serial_number,
  purchaseValueCents: asset.purchase_value_cents,
  purchaseDate: asset.purchase_date,
  supplierId: asset.supplier_id,
  locationId: asset.location_id,
  status: asset.status,
  lifecycleState: asset.lifecycle_state,
  customFields: asset.custom_fields,
  notes: asset.notes,
});

/**
 * Changes an asset's data. Its custom values are checked again when they or its category change
 * (a new category keeps only the values of fields it also has). Status and place are the
 * movements' and maintenance's while they hold the asset.
 */
export async function updateAsset(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateAssetInput>,
): Promise<InventoryAsset> {
  const before = await lockAsset(trx, input.id);
  await assertReferences(trx, input);
  const categoryId = input.categoryId === undefined ? before.category_id : input.categoryId;
  const categoryChanged = categoryId !== before.category_id;
  let customFields = before.custom_fields;
  if (input.customFields !== undefined || categoryChanged) {
    const fields = await fieldsOfCategory(trx, categoryId);
    const kept =
      input.customFields ??
      Object.fromEntries(Object.entries(before.custom_fields).filter(([key]) => fields.some((field) => field.key === key)));
    customFields = validCustomFields(fields, kept);
  }
  if (input.status !== undefined && input.status !== before.status && STATUS_OWNERS[before.status]) {
    throw new DomainError('CONFLICT', 'ASSET_BUSY', `O ativo ${STATUS_OWNERS[before.status]}`, { field: 'status', status: before.status });
  }
  if (input.locationId !== undefined && input.locationId !== before.location_id) await assertMovable(trx, before);
  const after = await trx
    .updateTable('inventory_assets')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      category_id: categoryId,
      ...(input.patrimonio !== undefined ? { patrimonio: input.patrimonio } : {}),
      ...(input.serialNumber !== undefined ? { serial_number: input.serialNumber } : {}),
      ...(input.purchaseValueCents !== undefined ? { purchase_value_cents: input.purchaseValueCents } : {}),
      ...(input.purchaseDate !== undefined ? { purchase_date: input.purchaseDate } : {}),
      ...(input.supplierId !== undefined ? { supplier_id: input.supplierId } : {}),
      ...(input.locationId !== undefined ? { location_id: input.locationId } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.lifecycleState !== undefined ? { lifecycle_state: input.lifecycleState } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      custom_fields: JSON.stringify(customFields),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.asset.updated',
    entity: 'inventory_assets',
    entityId: after.id,
    before: audited(before),
    after: audited(after),
  });
  await appendEvent(trx, 'inventory.asset.updated', toAssetSummary(after));
  return after;
}
