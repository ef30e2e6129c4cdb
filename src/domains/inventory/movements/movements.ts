import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { InventoryAsset, InventoryMovement, InventoryMovementStatus, InventoryMovementType } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { DomainError, notFound } from '../../../platform/errors';
import { changeAssetState, lockAsset } from '../assets';
import { inventoryPermissions as can } from '../permissions';
import { MOVEMENT_STATUS_LABELS } from '../movement-labels';
import { tenantTimeZone } from '../tenant-clock';
import {
  assertMayDecide,
  assetOf,
  deciderCheck,
  decidingLocationOf,
  isLoan,
  loanOfMovement,
  lockForDecider,
  lockMovement,
  recordStep,
  type MovementActor,
  type StepAction,
} from './movement-records';
import {
  decodeCursor,
  instantOfMicroseconds,
  encodeCursor,
  movementListQuery,
  pageOf,
  toMovementItem,
  type MovementListItem,
  type MovementRow,
} from './movement-list';
import type { LoanInput, RequestMovementInput } from './schemas';
import { hasAcceptedTerm, issueTerm, termsOfLoan, type TermView } from './terms';

export type MovementAction = 'approve' | 'reject' | 'cancel' | 'execute' | 'return';

// The one state machine of transfers and loans: each action, the states it may start from, the state it leads to.
const TRANSITIONS: Record<
  MovementAction,
  { from: readonly InventoryMovementStatus[]; to: InventoryMovementStatus; step: StepAction; loansOnly?: true }
> = {
  approve: { from: ['requested'], to: 'approved', step: 'approved' },
  reject: { from: ['requested'], to: 'rejected', step: 'rejected' },
  cancel: { from: ['requested', 'approved'], to: 'cancelled', step: 'cancelled' },
  execute: { from: ['approved'], to: 'executed', step: 'executed' },
  return: { from: ['executed'], to: 'returned', step: 'returned', loansOnly: true },
};

export const MOVEMENT_ACTIONS = Object.keys(TRANSITIONS) as MovementAction[];

const ACTION_LABELS: Record<MovementAction, string> = {
  approve: 'aprovar',
  reject: 'recusar',
  cancel: 'cancelar',
  execute: 'executar',
  return: 'registrar a devolução de',
};

/** Whether the state machine lets `action` start from where the movement is. */
export function canTake(movement: Pick<InventoryMovement, 'status' | 'type'>, action: MovementAction): boolean {
  const transition = TRANSITIONS[action];
  return transition.from.includes(movement.status) && (!transition.loansOnly || isLoan(movement));
}

function invalidTransition(movement: InventoryMovement, action: MovementAction): DomainError {
  const message =
    action === 'return' && movement.status === 'executed'
      ? 'Só empréstimos têm devolução: uma transferência executada termina aí'
      : `Não é possível ${ACTION_LABELS[action]} uma movimentação ${MOVEMENT_STATUS_LABELS[movement.status]}`;
  return new DomainError('CONFLICT', 'INVALID_TRANSITION', message, { currentState: movement.status, action });
}

const assetConflict = (reason: string, message: string, asset: InventoryAsset) =>
  new DomainError('CONFLICT', reason, message, { assetStatus: asset.status, lifecycleState: asset.lifecycle_state });

/** The asset rules, checked at the request and again at approval and execution (its state may have changed meanwhile). */
export function assertAssetMayGo(asset: InventoryAsset, type: InventoryMovementType): void {
  if (asset.status === 'lost' || asset.status === 'disposed' || asset.lifecycle_state === 'disposed' || asset.lifecycle_state === 'retired')
    throw assetConflict('ASSET_UNAVAILABLE', `O ativo ${asset.tag} está perdido ou baixado e não pode ser movimentado`, asset);
  if (asset.status === 'on_loan')
    throw assetConflict(
      'ASSET_ON_LOAN',
      `O ativo ${asset.tag} está emprestado: registre a devolução antes de movê-lo ou emprestá-lo de novo`,
      asset,
    );
  if (type === 'transfer') return;
  if (asset.status === 'in_maintenance')
    throw assetConflict('ASSET_IN_MAINTENANCE', `O ativo ${asset.tag} está em manutenção e não pode ser emprestado`, asset);
  if (asset.status === 'missing')
    throw assetConflict('ASSET_MISSING', `O ativo ${asset.tag} está desaparecido e não pode ser emprestado`, asset);
}

async function assertNoOpenMovement(trx: TenantTransaction, asset: InventoryAsset): Promise<void> {
  const open = await trx
    .selectFrom('inventory_movements')
    .select(['id', 'status'])
    .where('asset_id', '=', asset.id)
    .where((eb) =>
      eb.or([eb('status', 'in', ['requested', 'approved']), eb.and([eb('status', '=', 'executed'), eb('type', '<>', 'transfer')])]),
    )
    .executeTakeFirst();
  if (open)
    throw new DomainError('CONFLICT', 'MOVEMENT_OPEN', `O ativo ${asset.tag} já tem uma movimentação em aberto`, {
      movementId: open.id,
      currentState: open.status,
    });
}

const badField = (reason: string, field: string, message: string) => new DomainError('BAD_REQUEST', reason, message, { field });

const MAX_LOAN_DAYS = 366;

/** A day is due at its end on the company's clock; an instant is taken as is. It must lie ahead, within a year. */
export function dueDateOf(value: string, timeZone: string, now = new Date()): Date {
  const due = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? DateTime.fromISO(value, { zone: timeZone }).endOf('day')
    : DateTime.fromISO(value, { setZone: true });
  if (!due.isValid) throw badField('INVALID_DUE_DATE', 'dueDate', 'Data de devolução inválida');
  if (due.toMillis() <= now.getTime()) throw badField('DUE_DATE_PAST', 'dueDate', 'A data de devolução precisa ser futura');
  if (due.toMillis() > now.getTime() + MAX_LOAN_DAYS * 86_400_000)
    throw badField('DUE_DATE_TOO_FAR', 'dueDate', 'A data de devolução pode ser de no máximo um ano à frente');
  return due.toJSDate();
}

/** Who takes the asset: a user of the company for an internal loan, a named third party (with a document) otherwise. */
async function borrowerOf(trx: TenantTransaction, type: InventoryMovementType, loan: LoanInput) {
  const contact = { borrower_document: loan.document || null, borrower_phone: loan.phone || null };
  if (type === 'loan_internal') {
    if (!loan.borrowerUserId) throw badField('BORROWER_REQUIRED', 'borrowerUserId', 'Escolha o colaborador que leva o ativo');
    const user = await trx
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('id', '=', loan.borrowerUserId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!user) throw notFound('Usuário');
    return {
      borrower_type: 'user' as const,
      borrower_id: user.id,
      borrower_name: user.name,
      borrower_email: loan.email ?? user.email,
      ...contact,
    };
  }
  if (loan.borrowerUserId)
    throw badField('BORROWER_NOT_THIRD_PARTY', 'borrowerUserId', 'Um empréstimo a terceiro não tem colaborador: informe o nome do tomador');
  if (!loan.borrowerName) throw badField('BORROWER_REQUIRED', 'borrowerName', 'Informe o nome do tomador');
  if (!loan.document) throw badField('DOCUMENT_REQUIRED', 'document', 'Informe o documento (CPF, CNPJ ou RG) do tomador');
  return {
    borrower_type: 'third_party' as const,
    borrower_id: null,
    borrower_name: loan.borrowerName,
    borrower_email: loan.email ?? null,
    ...contact,
  };
}

/**
 * Asks for a transfer or a loan. The asset is locked while its rules are checked, so of two
 * requests for one asset the second sees the first and gets 409 (the partial unique index backs this).
 */
export async function requestMovement(
  trx: TenantTransaction,
  actor: MovementActor,
  input: RequestMovementInput,
  now = new Date(),
): Promise<MovementView> {
  const asset = await lockAsset(trx, input.assetId);
  assertAssetMayGo(asset, input.type);
  await assertNoOpenMovement(trx, asset);
  let toLocationId: string | null = null;
  if (input.type === 'transfer') {
    const destination = await trx.selectFrom('inventory_locations').select('id').where('id', '=', input.toLocationId!).executeTakeFirst();
    if (!destination) throw notFound('Localização');
    if (destination.id === asset.location_id) throw badField('SAME_LOCATION', 'toLocationId', 'O ativo já está nesta localização');
    toLocationId = destination.id;
  }
  const borrower = input.loan ? await borrowerOf(trx, input.type, input.loan) : null;
  const dueDate = input.loan ? dueDateOf(input.loan.dueDate, await tenantTimeZone(trx), now) : null;
  const movement = await trx
    .insertInto('inventory_movements')
    .values({
      tenant_id: tenantOf(trx),
      asset_id: asset.id,
      type: input.type,
      from_location_id: asset.location_id,
      to_location_id: toLocationId,
      requester_id: actor.userId,
      reason: input.reason,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (borrower && dueDate)
    await trx
      .insertInto('inventory_loans')
      .values({ tenant_id: tenantOf(trx), movement_id: movement.id, asset_id: asset.id, ...borrower, due_date: dueDate })
      .execute();
  await recordStep(trx, actor.audit, movement, asset.tag, { action: 'requested', fromStatus: null, note: input.reason });
  return getMovementView(trx, actor, movement.id);
}

/** Moves the locked movement by the state machine: one conditional update, then its trail row, audit row and event. */
async function applyTransition(
  trx: TenantTransaction,
  actor: MovementActor,
  locked: { movement: InventoryMovement; asset: InventoryAsset },
  action: MovementAction,
  options: {
    changes?: Partial<Pick<InventoryMovement, 'approver_id' | 'decision_note' | 'decided_at' | 'executed_at' | 'returned_at'>>;
    note?: string;
    now: Date;
  },
): Promise<InventoryMovement> {
  const { from, to, step, loansOnly } = TRANSITIONS[action];
  let update = trx
    .updateTable('inventory_movements')
    .set({ ...options.changes, status: to, updated_at: options.now })
    .where('id', '=', locked.movement.id)
    .where('status', 'in', from);
  if (loansOnly) update = update.where('type', '<>', 'transfer');
  const moved = await update.returningAll().executeTakeFirst();
  if (!moved) throw invalidTransition(locked.movement, action);
  await recordStep(trx, actor.audit, moved, locked.asset.tag, {
    action: step,
    fromStatus: locked.movement.status,
    ...(options.note ? { note: options.note } : {}),
  });
  return moved;
}

/** Closes a loan that never went out (rejected or cancelled): the loan ends and its pending term is void. */
async function closeUnsentLoan(trx: TenantTransaction, movementId: string, now: Date): Promise<void> {
  const loan = await trx
    .updateTable('inventory_loans')
    .set({ status: 'cancelled', updated_at: now })
    .where('movement_id', '=', movementId)
    .returning('id')
    .executeTakeFirst();
  if (loan)
    await trx
      .updateTable('inventory_loan_terms')
      .set({ status: 'void' })
      .where('loan_id', '=', loan.id)
      .where('status', '=', 'pending')
      .execute();
}

/** Approves or rejects a request: only who manages the deciding location, or who may approve anywhere. A loan's term is issued on approval. */
export async function decideMovement(
  trx: TenantTransaction,
  actor: MovementActor,
  input: { id: string; note?: string | undefined },
  decision: 'approve' | 'reject',
  now = new Date(),
): Promise<MovementView> {
  const { movement, asset } = await lockForDecider(trx, actor, input.id);
  if (decision === 'approve' && canTake(movement, 'approve')) assertAssetMayGo(asset, movement.type);
  const decided = await applyTransition(trx, actor, { movement, asset }, decision, {
    changes: { approver_id: actor.userId, decided_at: now, decision_note: input.note ?? '' },
    ...(input.note ? { note: input.note } : {}),
    now,
  });
  const loan = await loanOfMovement(trx, decided.id);
  if (loan && decision === 'approve') await issueTerm(trx, actor.audit, decided, asset, loan, now);
  if (decision === 'reject') await closeUnsentLoan(trx, decided.id, now);
  return getMovementView(trx, actor, decided.id);
}

/**
 * Carries an approved movement out: a transfer moves the asset to its destination; a loan hands it
 * over (status on_loan), only once its term is accepted. The asset's rules are checked again here.
 */
export async function executeMovement(
  trx: TenantTransaction,
  actor: MovementActor,
  movementId: string,
  now = new Date(),
): Promise<MovementView> {
  const { movement, asset } = await lockForDecider(trx, actor, movementId, { lockAsset: true });
  const executed = await applyTransition(trx, actor, { movement, asset }, 'execute', { changes: { executed_at: now }, now });
  assertAssetMayGo(asset, movement.type);
  if (movement.type === 'transfer') {
    if (!movement.to_location_id)
      throw new DomainError('CONFLICT', 'DESTINATION_GONE', 'A localização de destino foi excluída: cancele e peça de novo', {
        currentState: movement.status,
      });
    await changeAssetState(trx, actor.audit, asset.id, { locationId: movement.to_location_id, reason: 'moved' });
  } else {
    const loan = (await loanOfMovement(trx, movement.id))!;
    if (!(await hasAcceptedTerm(trx, loan.id)))
      throw new DomainError('CONFLICT', 'TERM_NOT_ACCEPTED', 'O termo de responsabilidade precisa ser aceito antes da entrega', {
        currentState: movement.status,
      });
    await trx
      .updateTable('inventory_loans')
      .set({ status: 'active', start_date: now, updated_at: now })
      .where('id', '=', loan.id)
      .execute();
    await changeAssetState(trx, actor.audit, asset.id, { status: 'on_loan', reason: 'lent' });
  }
  return getMovementView(trx, actor, executed.id);
}

/** A loan comes back: the asset is available again, with the condition it came back in. */
export async function returnLoan(
  trx: TenantTransaction,
  actor: MovementActor,
  input: { id: string; condition?: string | undefined },
  now = new Date(),
): Promise<MovementView> {
  const { movement, asset } = await lockForDecider(trx, actor, input.id, { lockAsset: true });
  const returned = await applyTransition(trx, actor, { movement, asset }, 'return', {
    changes: { returned_at: now },
    ...(input.condition ? { note: input.condition } : {}),
    now,
  });
  await trx
    .updateTable('inventory_loans')
    .set({ status: 'returned', returned_at: now, return_condition: input.condition ?? '', updated_at: now })
    .where('movement_id', '=', movement.id)
    .execute();
  await changeAssetState(trx, actor.audit, asset.id, { status: 'available', reason: 'returned' });
  return getMovementView(trx, actor, returned.id);
}

/** Withdraws a movement not yet carried out: its requester, or who may decide it. */
export async function cancelMovement(
  trx: TenantTransaction,
  actor: MovementActor,
  movementId: string,
  now = new Date(),
): Promise<MovementView> {
  const movement = await lockMovement(trx, movementId);
  const asset = await assetOf(trx, movement);
  if (movement.requester_id !== actor.userId) await assertMayDecide(trx, actor, movement, asset);
  const cancelled = await applyTransition(trx, actor, { movement, asset }, 'cancel', { now });
  await closeUnsentLoan(trx, cancelled.id, now);
  return getMovementView(trx, actor, cancelled.id);
}

/** The actions the viewer may take on each movement now: what the dashboard offers as buttons. */
export async function actionsFor(
  trx: TenantTransaction,
  viewer: Pick<MovementActor, 'userId' | 'permissions'>,
  rows: readonly MovementRow[],
): Promise<Map<string, MovementAction[]>> {
  const decides = deciderCheck(trx, viewer);
  const canRequest = viewer.permissions.has(can['inventory.movements.request']);
  const actions = new Map<string, MovementAction[]>();
  for (const row of rows) {
    const decider = await decides(decidingLocationOf(row, { location_id: row.asset_location_id }));
    const mayCancel = decider || (canRequest && row.requester_id === viewer.userId);
    actions.set(
      row.id,
      MOVEMENT_ACTIONS.filter((action) => canTake(row, action) && (action === 'cancel' ? mayCancel : decider)),
    );
  }
  return actions;
}

export interface MovementStepView {
  id: string;
  action: string;
  fromStatus: InventoryMovementStatus | null;
  toStatus: InventoryMovementStatus;
  actorLabel: string;
  note: string;
  ip: string | null;
  at: string;
}

export interface MovementView extends MovementListItem {
  decisionNote: string;
  steps: MovementStepView[];
  loanDetails: {
    borrowerId: string | null;
    document: string | null;
    email: string | null;
    phone: string | null;
    startDate: string | null;
    returnedAt: string | null;
    returnCondition: string;
    reminderSentAt: string | null;
    overdueAlertedAt: string | null;
  } | null;
  terms: TermView[];
}

/** One movement with its trail, its loan and its terms, and what the viewer may do with it. */
export async function getMovementView(
  trx: TenantTransaction,
  viewer: Pick<MovementActor, 'userId' | 'permissions'>,
  movementId: string,
): Promise<MovementView> {
  const row = await movementListQuery(trx).where('m.id', '=', movementId).executeTakeFirst();
  if (!row) throw notFound('Movimentação');
  const actions = await actionsFor(trx, viewer, [row]);
  const steps = await trx.selectFrom('inventory_movement_steps').selectAll().where('movement_id', '=', movementId).orderBy('id').execute();
  const loan = await loanOfMovement(trx, movementId);
  return {
    ...toMovementItem(row, actions.get(row.id) ?? []),
    decisionNote: row.decision_note,
    steps: steps.map((step) => ({
      id: step.id,
      action: step.action,
      fromStatus: step.from_status,
      toStatus: step.to_status,
      actorLabel: step.actor_label,
      note: step.note,
      ip: step.ip,
      at: step.at.toISOString(),
    })),
    loanDetails: loan
      ? {
          borrowerId: loan.borrower_id,
          document: loan.borrower_document,
          email: loan.borrower_email,
          phone: loan.borrower_phone,
          startDate: loan.start_date?.toISOString() ?? null,
          returnedAt: loan.returned_at?.toISOString() ?? null,
          returnCondition: loan.return_condition,
          reminderSentAt: loan.reminder_sent_at?.toISOString() ?? null,
          overdueAlertedAt: loan.overdue_alerted_at?.toISOString() ?? null,
        }
      : null,
    terms: loan ? await termsOfLoan(trx, loan.id) : [],
  };
}

/** Newest first, filtered by status, type and asset, a keyset page at a time; each row says what the viewer may do. */
export async function listMovements(
  trx: TenantTransaction,
  viewer: Pick<MovementActor, 'userId' | 'permissions'>,
  filters: {
    status?: InventoryMovementStatus | undefined;
    type?: InventoryMovementType | undefined;
    assetId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: MovementListItem[]; nextCursor: string | null }> {
  let query = movementListQuery(trx)
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(filters.limit + 1);
  if (filters.status) query = query.where('m.status', '=', filters.status);
  if (filters.type) query = query.where('m.type', '=', filters.type);
  if (filters.assetId) query = query.where('m.asset_id', '=', filters.assetId);
  if (filters.cursor) {
    const position = decodeCursor(filters.cursor);
    query = query.where(sql<boolean>`(m.created_at, m.id) < (${instantOfMicroseconds(position.at)}, ${position.id}::uuid)`);
  }
  const rows = await query.execute();
  const actions = await actionsFor(trx, viewer, rows.slice(0, filters.limit));
  return pageOf(
    rows,
    filters.limit,
    (row) => toMovementItem(row, actions.get(row.id) ?? []),
    (row) => encodeCursor(row.position_at, row.id),
  );
}
