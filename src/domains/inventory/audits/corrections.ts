import type { InventoryAuditResolution } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { changeAssetState, lockAsset } from '../assets';
import { correctionsFor, selectItemRows, toItemView, type AuditCorrection, type AuditItemView } from './items';
import { countPending } from './scans';

const RESOLUTION_OF: Record<AuditCorrection, InventoryAuditResolution> = {
  move_here: 'moved_here',
  mark_lost: 'marked_lost',
  keep: 'kept',
};

const CORRECTION_LABELS: Record<AuditCorrection, string> = {
  move_here: 'mover para cá',
  mark_lost: 'marcar como extraviado',
  keep: 'manter como está',
};

/**
 * Applies one explicit correction to an item, once: "move here" puts the asset where it was found
 * (back in service if it was missing or lost), "mark lost" sets it lost, "keep" records that it
 * stays as it is. The asset changes through `changeAssetState`, with its own audit row and event;
 * an asset out on loan is left to its loan (409).
 */
export async function correctAuditItem(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { itemId: string; action: AuditCorrection },
  at = new Date(),
): Promise<AuditItemView> {
  const item = await trx
    .selectFrom('inventory_audit_items as item')
    .innerJoin('inventory_audits as session', 'session.id', 'item.audit_id')
    .selectAll('item')
    .select(['session.status as audit_status'])
    .where('item.id', '=', input.itemId)
    .forUpdate('item')
    .executeTakeFirst();
  if (!item) throw notFound('Item do inventário');
  const allowed = correctionsFor(item, item.audit_status);
  if (!allowed.includes(input.action)) {
    const why = item.resolution
      ? 'o item já foi corrigido'
      : item.audit_status === 'in_progress' || item.audit_status === 'closed'
        ? `não se aplica a um item ${item.status}`
        : 'o inventário não está em andamento nem encerrado';
    throw new DomainError('CONFLICT', 'CORRECTION_NOT_ALLOWED', `Não é possível ${CORRECTION_LABELS[input.action]}: ${why}`, {
      currentState: item.status,
      resolution: item.resolution,
      auditStatus: item.audit_status,
      allowed,
    });
  }
  if (input.action !== 'keep') {
    const asset = await lockAsset(trx, item.asset_id);
    if (asset.status === 'on_loan')
      throw new DomainError('CONFLICT', 'ASSET_ON_LOAN', `O ativo ${asset.tag} está emprestado: a devolução é que o traz de volta`, {
        currentState: asset.status,
      });
    if (input.action === 'move_here')
      await changeAssetState(trx, audit, asset.id, {
        locationId: item.found_location_id,
        ...(asset.status === 'missing' || asset.status === 'lost' ? { status: 'available' as const } : {}),
        reason: 'audit_moved_here',
      });
    else await changeAssetState(trx, audit, asset.id, { status: 'lost', reason: 'audit_marked_lost' });
  }
  const resolution = RESOLUTION_OF[input.action];
  await trx
    .updateTable('inventory_audit_items')
    .set({ resolution, resolved_by: audit.actor.type === 'user' ? audit.actor.id : null, resolved_at: at })
    .where('id', '=', item.id)
    .execute();
  await recordAudit(trx, audit, {
    action: 'inventory.audit.corrected',
    entity: 'inventory_audit_items',
    entityId: item.id,
    before: { resolution: null },
    after: { resolution },
    details: { auditId: item.audit_id, assetId: item.asset_id, status: item.status },
  });
  const row = await selectItemRows(trx, item.audit_id).where('item.id', '=', item.id).executeTakeFirstOrThrow();
  await appendEvent(trx, 'inventory.audit.corrected', {
    auditId: item.audit_id,
    itemId: item.id,
    assetId: item.asset_id,
    assetTag: row.tag,
    status: item.status,
    pending: await countPending(trx, item.audit_id),
    resolution,
  });
  return toItemView(row, item.audit_status);
}
