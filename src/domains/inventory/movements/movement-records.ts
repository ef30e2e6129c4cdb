import type { InventoryAsset, InventoryLoan, InventoryMovement, InventoryMovementStatus } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { lockAsset, managesLocation } from '../assets';
import type { InventoryMovementSummary } from '../events';
import { inventoryPermissions as can } from '../permissions';

/** Who acts on a movement: the user (their permissions decide what they may) and the audit context of the request. */
export interface MovementActor {
  audit: AuditContext;
  userId: string;
  permissions: ReadonlySet<string>;
}

/** The trail's actions: each state the machine enters, and a term's acceptance (which changes no state). */
export type StepAction = 'requested' | 'approved' | 'rejected' | 'cancelled' | 'executed' | 'returned' | 'term_accepted';

export const isLoan = (movement: Pick<InventoryMovement, 'type'>) => movement.type !== 'transfer';

export const toMovementSummary = (movement: InventoryMovement, assetTag: string): InventoryMovementSummary => ({
  movementId: movement.id,
  assetId: movement.asset_id,
  assetTag,
  type: movement.type,
  status: movement.status,
  fromLocationId: movement.from_location_id,
  toLocationId: movement.to_location_id,
});

/** The movement, locked for the rest of the transaction: of two people acting on it at once, the second sees what the first did. */
export async function lockMovement(trx: TenantTransaction, movementId: string): Promise<InventoryMovement> {
  const movement = await trx.selectFrom('inventory_movements').selectAll().where('id', '=', movementId).forUpdate().executeTakeFirst();
  if (!movement) throw notFound('Movimentação');
  return movement;
}

export async function assetOf(trx: TenantTransaction, movement: InventoryMovement): Promise<InventoryAsset> {
  return trx.selectFrom('inventory_assets').selectAll().where('id', '=', movement.asset_id).executeTakeFirstOrThrow();
}

export async function loanOfMovement(trx: TenantTransaction, movementId: string): Promise<InventoryLoan | undefined> {
  return trx.selectFrom('inventory_loans').selectAll().where('movement_id', '=', movementId).executeTakeFirst();
}

/**
 * Where the decision belongs: a transfer's destination; for a loan, where the asset is now
 * (whoever manages the place it is lent from).
 */
export const decidingLocationOf = (
  movement: Pick<InventoryMovement, 'type' | 'to_location_id'>,
  asset: Pick<InventoryAsset, 'location_id'>,
) => (isLoan(movement) ? asset.location_id : movement.to_location_id);

/** Answers "may this user decide movements into this location", remembering each location's answer for one request. */
export function deciderCheck(trx: TenantTransaction, actor: Pick<MovementActor, 'userId' | 'permissions'>) {
  const managed = new Map<string, Promise<boolean>>();
  return (locationId: string | null): Promise<boolean> => {
    if (actor.permissions.has(can['inventory.movements.approveAny'])) return Promise.resolve(true);
    if (!locationId || !actor.permissions.has(can['inventory.movements.approve'])) return Promise.resolve(false);
    let answer = managed.get(locationId);
    if (!answer) managed.set(locationId, (answer = managesLocation(trx, actor.userId, locationId)));
    return answer;
  };
}

/** 403 unless the actor manages the deciding location (or may approve anywhere). */
export async function assertMayDecide(
  trx: TenantTransaction,
  actor: MovementActor,
  movement: InventoryMovement,
  asset: InventoryAsset,
): Promise<void> {
  const locationId = decidingLocationOf(movement, asset);
  if (await deciderCheck(trx, actor)(locationId)) return;
  const place = isLoan(movement) ? 'a localização de onde o ativo sai' : 'a localização de destino';
  throw new DomainError('FORBIDDEN', 'NOT_LOCATION_MANAGER', `Só quem gerencia ${place} (ou um administrador) pode fazer isto`, {
    locationId,
  });
}

/** One row of the trail, its audit row and its live event, in the step's transaction. */
export async function recordStep(
  trx: TenantTransaction,
  audit: AuditContext,
  movement: InventoryMovement,
  assetTag: string,
  step: { action: StepAction; fromStatus: InventoryMovementStatus | null; note?: string; termId?: string },
): Promise<void> {
  await trx
    .insertInto('inventory_movement_steps')
    .values({
      tenant_id: tenantOf(trx),
      movement_id: movement.id,
      action: step.action,
      from_status: step.fromStatus,
      to_status: movement.status,
      actor_type: audit.actor.type,
      actor_id: audit.actor.id,
      actor_label: audit.actor.label,
      note: step.note ?? '',
      request_id: audit.requestId,
      ip: audit.ip,
    })
    .execute();
  await recordAudit(trx, audit, {
    action: `inventory.movement.${step.action}`,
    entity: 'inventory_movements',
    entityId: movement.id,
    before: step.fromStatus ? { status: step.fromStatus } : null,
    after: { status: movement.status },
    details: { assetTag, ...(step.note ? { note: step.note } : {}), ...(step.termId ? { termId: step.termId } : {}) },
  });
  const summary = toMovementSummary(movement, assetTag);
  if (step.action === 'term_accepted') await appendEvent(trx, 'inventory.movement.term_accepted', { ...summary, termId: step.termId! });
  else await appendEvent(trx, `inventory.movement.${step.action}`, summary);
}

/** The movement (locked) and its asset (locked too when the step changes it), once the actor may decide the movement. */
export async function lockForDecider(
  trx: TenantTransaction,
  actor: MovementActor,
  movementId: string,
  options: { lockAsset?: boolean } = {},
): Promise<{ movement: InventoryMovement; asset: InventoryAsset }> {
  const movement = await lockMovement(trx, movementId);
  const asset = options.lockAsset ? await lockAsset(trx, movement.asset_id) : await assetOf(trx, movement);
  await assertMayDecide(trx, actor, movement, asset);
  return { movement, asset };
}
