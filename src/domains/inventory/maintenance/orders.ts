import type { InventoryMaintenanceOrder, InventoryOrderStatus, InventoryPriority } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../../platform/keyset-cursor';
import { changeAssetState, lockAsset } from '../assets';
import { loadInventorySettings, nextInventoryNumber } from '../settings';
import { tenantToday } from '../tenant-clock';
import { checkSupplier, findContract } from './contracts';
import { ORDER_TRANSITIONS, selectOrders, toOrderSummary, toOrderView, type OrderTarget, type OrderView } from './order-views';
import { ACTIVE_ORDER_STATUSES, contractInForce, deadlinesOf } from './sla-clock';

const ORDER_PAGE = 50;

const STATUS_LABELS: Record<InventoryOrderStatus, string> = {
  open: 'aberta',
  in_progress: 'em andamento',
  waiting_parts: 'aguardando peças',
  done: 'concluída',
  cancelled: 'cancelada',
};

const TARGET_LABELS: Record<OrderTarget, string> = {
  in_progress: 'pôr em andamento',
  waiting_parts: 'pôr aguardando peças',
  done: 'concluir',
  cancelled: 'cancelar',
};

export async function getOrder(trx: TenantTransaction, orderId: string, now = new Date()): Promise<OrderView> {
  const row = await selectOrders(trx).where('o.id', '=', orderId).executeTakeFirst();
  if (!row) throw notFound('Ordem de serviço');
  return toOrderView(row, (await loadInventorySettings(trx)).sla_warning_percent, now);
}

/** A page of orders, newest number first: all, of one status, only the ones being worked on, or one asset's. */
export async function listOrders(
  trx: TenantTransaction,
  input: {
    status?: InventoryOrderStatus | undefined;
    active?: boolean | undefined;
    assetId?: string | undefined;
    cursor?: string | undefined;
  },
  now = new Date(),
): Promise<{ items: OrderView[]; nextCursor: string | null }> {
  let query = selectOrders(trx);
  if (input.status) query = query.where('o.status', '=', input.status);
  if (input.active !== undefined) query = query.where('o.status', input.active ? 'in' : 'not in', ACTIVE_ORDER_STATUSES);
  if (input.assetId) query = query.where('o.asset_id', '=', input.assetId);
  if (input.cursor) {
    const [number] = decodeKeysetCursor(input.cursor, 'text');
    if (!/^\d{1,9}$/.test(number)) throw new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'Cursor inválido');
    query = query.where('o.number', '<', Number(number));
  }
  const rows = await query
    .orderBy('o.number', 'desc')
    .limit(ORDER_PAGE + 1)
    .execute();
  const page = rows.slice(0, ORDER_PAGE);
  const warningPercent = (await loadInventorySettings(trx)).sla_warning_percent;
  const last = page.at(-1);
  return {
    items: page.map((row) => toOrderView(row, warningPercent, now)),
    nextCursor: rows.length > ORDER_PAGE && last ? encodeKeysetCursor(String(last.number), last.id) : null,
  };
}

export interface NewOrder {
  assetId: string;
  title: string;
  description?: string | undefined;
  priority: InventoryPriority;
  supplierId?: string | null | undefined;
  contractId?: string | null | undefined;
  scheduledFor?: string | null | undefined;
  /** Set by a plan: the plan and the due date the order was made for. */
  scheduleId?: string;
  dueDate?: string;
}

/**
 * Opens an order, numbered per tenant, and takes its asset into maintenance. With a contract (in
 * force today; its supplier is the order's), the order gets its respond and resolve deadlines
 * counted from now. An asset out on loan cannot be taken in (409: it comes back first), nor a lost
 * or disposed one.
 */
export async function createOrder(trx: TenantTransaction, audit: AuditContext, input: NewOrder, at = new Date()): Promise<OrderView> {
  const asset = await lockAsset(trx, input.assetId);
  if (asset.status === 'on_loan')
    throw new DomainError('CONFLICT', 'ASSET_ON_LOAN', `O ativo ${asset.tag} está emprestado: a ordem de serviço espera a devolução`, {
      currentState: asset.status,
    });
  if (asset.status === 'lost' || asset.status === 'disposed')
    throw new DomainError(
      'CONFLICT',
      'ASSET_NOT_SERVICEABLE',
      `O ativo ${asset.tag} está ${asset.status === 'lost' ? 'extraviado' : 'baixado'}`,
      {
        currentState: asset.status,
      },
    );
  let supplierId = input.supplierId ?? null;
  if (supplierId) await checkSupplier(trx, supplierId);
  const contract = input.contractId ? await findContract(trx, input.contractId) : null;
  if (contract) {
    if (!contractInForce(contract, await tenantToday(trx, at)))
      throw new DomainError('CONFLICT', 'CONTRACT_NOT_IN_FORCE', `O contrato ${contract.name} não está em vigência`, {
        field: 'contractId',
      });
    if (supplierId && supplierId !== contract.supplier_id)
      throw new DomainError('BAD_REQUEST', 'SUPPLIER_MISMATCH', 'O contrato é de outro fornecedor', { field: 'contractId' });
    supplierId = contract.supplier_id;
  }
  const deadlines = contract ? deadlinesOf(contract.sla_json, input.priority, at) : null;
  const { number } = await nextInventoryNumber(trx, 'last_order_number');
  const order = await trx
    .insertInto('inventory_maintenance_orders')
    .values({
      tenant_id: tenantOf(trx),
      number,
      asset_id: asset.id,
      title: input.title,
      description: input.description ?? '',
      priority: input.priority,
      supplier_id: supplierId,
      contract_id: contract?.id ?? null,
      schedule_id: input.scheduleId ?? null,
      due_date: input.dueDate ?? null,
      scheduled_for: input.scheduledFor ?? null,
      respond_by: deadlines?.respondBy ?? null,
      resolve_by: deadlines?.resolveBy ?? null,
      created_by: audit.actor.type === 'user' ? audit.actor.id : null,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (asset.status !== 'in_maintenance')
    await changeAssetState(trx, audit, asset.id, { status: 'in_maintenance', reason: 'maintenance_opened' });
  await recordAudit(trx, audit, {
    action: 'inventory.maintenance.order_created',
    entity: 'inventory_maintenance_orders',
    entityId: order.id,
    after: { number, assetId: asset.id, title: order.title, priority: order.priority, contractId: order.contract_id },
  });
  await appendEvent(trx, 'inventory.maintenance.order_created', toOrderSummary(order));
  return getOrder(trx, order.id, at);
}

async function lockOrder(trx: TenantTransaction, orderId: string): Promise<InventoryMaintenanceOrder> {
  const order = await trx.selectFrom('inventory_maintenance_orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
  if (!order) throw notFound('Ordem de serviço');
  return order;
}

const closedOrder = (order: InventoryMaintenanceOrder, action: string) =>
  new DomainError(
    'CONFLICT',
    'ORDER_CLOSED',
    `A ordem de serviço ${order.number} está ${STATUS_LABELS[order.status]}: não dá para ${action}`,
    {
      currentState: order.status,
    },
  );

/** Writes an order's change after it happened: its audit row and `order_updated`, in the change's transaction. */
async function recordOrderChange(
  trx: TenantTransaction,
  audit: AuditContext,
  action: string,
  before: InventoryMaintenanceOrder,
  after: InventoryMaintenanceOrder,
  fields: readonly (keyof InventoryMaintenanceOrder)[],
): Promise<void> {
  const pick = (order: InventoryMaintenanceOrder) => Object.fromEntries(fields.map((field) => [field, order[field]]));
  await recordAudit(trx, audit, {
    action: `inventory.maintenance.${action}`,
    entity: 'inventory_maintenance_orders',
    entityId: after.id,
    before: pick(before),
    after: pick(after),
  });
  await appendEvent(trx, 'inventory.maintenance.order_updated', toOrderSummary(after));
}

/** Edits an order still being worked on; a new priority under a contract moves its deadlines (still counted from the opening). */
export async function updateOrder(
  trx: TenantTransaction,
  audit: AuditContext,
  input: {
    id: string;
    title?: string | undefined;
    description?: string | undefined;
    priority?: InventoryPriority | undefined;
    supplierId?: string | null | undefined;
    scheduledFor?: string | null | undefined;
    costCents?: number | null | undefined;
  },
): Promise<OrderView> {
  const before = await lockOrder(trx, input.id);
  if (!(ACTIVE_ORDER_STATUSES as readonly string[]).includes(before.status)) throw closedOrder(before, 'editar');
  if (input.supplierId) await checkSupplier(trx, input.supplierId);
  if (input.supplierId !== undefined && before.contract_id && input.supplierId !== before.supplier_id)
    throw new DomainError('BAD_REQUEST', 'SUPPLIER_MISMATCH', 'Uma ordem com contrato fica com o fornecedor do contrato', {
      field: 'supplierId',
    });
  const contract = input.priority && before.contract_id ? await findContract(trx, before.contract_id) : null;
  const deadlines = contract ? deadlinesOf(contract.sla_json, input.priority!, before.created_at) : null;
  const after = await trx
    .updateTable('inventory_maintenance_orders')
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.supplierId !== undefined ? { supplier_id: input.supplierId } : {}),
      ...(input.scheduledFor !== undefined ? { scheduled_for: input.scheduledFor } : {}),
      ...(input.costCents !== undefined ? { cost_cents: input.costCents } : {}),
      ...(deadlines ? { respond_by: deadlines.respondBy, resolve_by: deadlines.resolveBy } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordOrderChange(trx, audit, 'order_edited', before, after, [
    'title',
    'description',
    'priority',
    'supplier_id',
    'scheduled_for',
    'cost_cents',
    'respond_by',
    'resolve_by',
  ]);
  return getOrder(trx, after.id);
}

/**
 * Moves an order along its state machine (409 with the current state otherwise). The first move
 * out of open, but a cancel, is the response; done or cancelled close it, and hand the asset back
 * (available) unless another order still holds it.
 */
export async function moveOrder(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { id: string; to: OrderTarget; costCents?: number | undefined },
  at = new Date(),
): Promise<OrderView> {
  const before = await lockOrder(trx, input.id);
  if (!ORDER_TRANSITIONS[input.to].includes(before.status))
    throw new DomainError(
      'CONFLICT',
      'INVALID_TRANSITION',
      `Não é possível ${TARGET_LABELS[input.to]} uma ordem de serviço ${STATUS_LABELS[before.status]}`,
      { currentState: before.status, to: input.to },
    );
  const closes = input.to === 'done' || input.to === 'cancelled';
  const after = await trx
    .updateTable('inventory_maintenance_orders')
    .set({
      status: input.to,
      ...(before.responded_at === null && input.to !== 'cancelled' ? { responded_at: at } : {}),
      ...(closes ? { closed_at: at } : {}),
      ...(input.costCents !== undefined ? { cost_cents: input.costCents } : {}),
      updated_at: at,
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (closes) await releaseAsset(trx, audit, after);
  await recordOrderChange(trx, audit, `order_${input.to}`, before, after, ['status', 'responded_at', 'closed_at', 'cost_cents']);
  return getOrder(trx, after.id, at);
}

/** The asset back in service once its last running order closes. */
async function releaseAsset(trx: TenantTransaction, audit: AuditContext, closed: InventoryMaintenanceOrder): Promise<void> {
  const asset = await lockAsset(trx, closed.asset_id);
  if (asset.status !== 'in_maintenance') return;
  const other = await trx
    .selectFrom('inventory_maintenance_orders')
    .select('id')
    .where('asset_id', '=', asset.id)
    .where('id', '<>', closed.id)
    .where('status', 'in', ACTIVE_ORDER_STATUSES)
    .limit(1)
    .executeTakeFirst();
  if (!other) await changeAssetState(trx, audit, asset.id, { status: 'available', reason: 'maintenance_closed' });
}

/** The avaliação of a done order: 1 to 5 and a comment; it may be given again. */
export async function rateOrder(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { id: string; rating: number; comment?: string | undefined },
): Promise<OrderView> {
  const before = await lockOrder(trx, input.id);
  if (before.status !== 'done')
    throw new DomainError('CONFLICT', 'ORDER_NOT_DONE', 'Só uma ordem de serviço concluída pode ser avaliada', {
      currentState: before.status,
    });
  const after = await trx
    .updateTable('inventory_maintenance_orders')
    .set({ rating: input.rating, rating_comment: input.comment ?? '', updated_at: new Date() })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordOrderChange(trx, audit, 'order_rated', before, after, ['rating', 'rating_comment']);
  return getOrder(trx, after.id);
}
