import { sql } from 'kysely';
import type { z } from 'zod';
import type { InventoryPurchaseOrder, InventoryPurchaseOrderItem, InventoryPurchaseOrderStatus } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { insertAsset } from '../assets';
import { nextInventoryNumber } from '../settings';
import { tenantToday } from '../tenant-clock';
import type { createPurchaseOrderInput, decidePurchaseOrderInput, listPurchaseOrdersInput, receivePurchaseOrderInput } from './schemas';
import { findSupplier } from './suppliers';

/**
 * A purchase order's life: pending_approval → approved | rejected | cancelled; approved →
 * received | cancelled. Rejected, received and cancelled are final. Whoever created an order
 * never decides it (approve or reject): a second person signs off every purchase.
 */
const ALLOWED_FROM: Record<PurchaseOrderAction, readonly InventoryPurchaseOrderStatus[]> = {
  approve: ['pending_approval'],
  reject: ['pending_approval'],
  receive: ['approved'],
  cancel: ['pending_approval', 'approved'],
};

type PurchaseOrderAction = 'approve' | 'reject' | 'receive' | 'cancel';

export interface PurchaseOrderItemView {
  id: string;
  categoryId: string | null;
  categoryName: string | null;
  description: string;
  quantity: number;
  unitValueCents: number;
  lineValueCents: number;
}

export interface PurchaseOrderView {
  id: string;
  number: number;
  supplierId: string;
  supplierName: string;
  quoteRequestId: string | null;
  status: InventoryPurchaseOrderStatus;
  totalValueCents: number;
  units: number;
  notes: string;
  decisionNote: string;
  createdBy: string | null;
  createdByName: string | null;
  /** Who approved or rejected it, and when. */
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  receivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PurchaseOrderDetail extends PurchaseOrderView {
  items: PurchaseOrderItemView[];
  /** The assets its receipt created (the first 200), in tag order. */
  assets: Array<{ id: string; tag: string; name: string }>;
  assetCount: number;
}

/** What an order is made of, from the form or from a chosen quote. */
export interface NewPurchaseOrder {
  supplierId: string;
  quoteRequestId?: string | null;
  notes?: string | undefined;
  items: ReadonlyArray<{ categoryId?: string | null | undefined; description: string; quantity: number; unitValueCents: number }>;
}

function selectOrders(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_purchase_orders as po')
    .innerJoin('inventory_suppliers as supplier', 'supplier.id', 'po.supplier_id')
    .leftJoin('users as creator', 'creator.id', 'po.created_by')
    .leftJoin('users as decider', 'decider.id', 'po.approved_by')
    .selectAll('po')
    .select([
      'supplier.name as supplier_name',
      'creator.name as created_by_name',
      'decider.name as decided_by_name',
      (eb) =>
        eb
          .selectFrom('inventory_purchase_order_items as item')
          .select((inner) => sql<string>`coalesce(sum(${inner.ref('item.quantity')}), 0)`.as('units'))
          .whereRef('item.purchase_order_id', '=', 'po.id')
          .as('units'),
    ]);
}

type OrderRow = InventoryPurchaseOrder & {
  supplier_name: string;
  created_by_name: string | null;
  decided_by_name: string | null;
  units: string | null;
};

const toPurchaseOrderView = (row: OrderRow): PurchaseOrderView => ({
  id: row.id,
  number: row.number,
  supplierId: row.supplier_id,
  supplierName: row.supplier_name,
  quoteRequestId: row.quote_request_id,
  status: row.status,
  totalValueCents: Number(row.total_value_cents),
  units: Number(row.units ?? 0),
  notes: row.notes,
  decisionNote: row.decision_note,
  createdBy: row.created_by,
  createdByName: row.created_by_name,
  decidedBy: row.approved_by,
  decidedByName: row.decided_by_name,
  decidedAt: row.approved_at?.toISOString() ?? null,
  receivedAt: row.received_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function listPurchaseOrders(
  trx: TenantTransaction,
  input: z.infer<typeof listPurchaseOrdersInput>,
): Promise<PurchaseOrderView[]> {
  let query = selectOrders(trx);
  if (input.status) query = query.where('po.status', '=', input.status);
  const rows = await query.orderBy('po.number', 'desc').limit(200).execute();
  return rows.map(toPurchaseOrderView);
}

async function orderItems(trx: TenantTransaction, orderId: string) {
  return trx
    .selectFrom('inventory_purchase_order_items as item')
    .leftJoin('inventory_categories as category', 'category.id', 'item.asset_category_id')
    .selectAll('item')
    .select('category.name as category_name')
    .where('item.purchase_order_id', '=', orderId)
    .orderBy('item.position')
    .execute();
}

const toItemView = (item: InventoryPurchaseOrderItem & { category_name: string | null }): PurchaseOrderItemView => ({
  id: item.id,
  categoryId: item.asset_category_id,
  categoryName: item.category_name,
  description: item.description,
  quantity: item.quantity,
  unitValueCents: Number(item.unit_value_cents),
  lineValueCents: Number(item.unit_value_cents) * item.quantity,
});

const MAX_ASSETS_SHOWN = 200;

export async function getPurchaseOrder(trx: TenantTransaction, orderId: string): Promise<PurchaseOrderDetail> {
  const row = await selectOrders(trx).where('po.id', '=', orderId).executeTakeFirst();
  if (!row) throw notFound('Pedido de compra');
  const items = await orderItems(trx, orderId);
  const assets = await trx
    .selectFrom('inventory_assets')
    .select(['id', 'tag', 'name'])
    .where('purchase_order_id', '=', orderId)
    .orderBy('tag_number')
    .orderBy('tag')
    .limit(MAX_ASSETS_SHOWN)
    .execute();
  const counted = await trx
    .selectFrom('inventory_assets')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('purchase_order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  return { ...toPurchaseOrderView(row), items: items.map(toItemView), assets, assetCount: Number(counted.count) };
}

/** Every category named by the items belongs to the tenant (another tenant's answers like a random id). */
export async function assertCategoriesExist(trx: TenantTransaction, categoryIds: ReadonlyArray<string | null | undefined>): Promise<void> {
  const wanted = [...new Set(categoryIds.filter((categoryId): categoryId is string => Boolean(categoryId)))];
  if (wanted.length === 0) return;
  const found = await trx.selectFrom('inventory_categories').select('id').where('id', 'in', wanted).execute();
  if (found.length !== wanted.length) throw notFound('Categoria');
}

async function recordOrderChange(
  trx: TenantTransaction,
  audit: AuditContext,
  order: InventoryPurchaseOrder,
  change: { action: string; from?: InventoryPurchaseOrderStatus; details?: Record<string, unknown> },
): Promise<void> {
  await recordAudit(trx, audit, {
    action: `inventory.purchase.${change.action}`,
    entity: 'inventory_purchase_orders',
    entityId: order.id,
    ...(change.from ? { before: { status: change.from } } : {}),
    after: { status: order.status, number: order.number },
    ...(change.details ? { details: change.details } : {}),
  });
  await appendEvent(trx, 'inventory.purchase.updated', { purchaseOrderId: order.id, number: order.number, status: order.status });
}

/** Inserts an order (numbered per tenant) with its items, pending approval; the supplier must be active. */
export async function insertPurchaseOrder(
  trx: TenantTransaction,
  audit: AuditContext,
  input: NewPurchaseOrder,
): Promise<InventoryPurchaseOrder> {
  const supplier = await findSupplier(trx, input.supplierId);
  if (!supplier.active)
    throw new DomainError('CONFLICT', 'SUPPLIER_INACTIVE', `O fornecedor ${supplier.name} está desativado`, { field: 'supplierId' });
  await assertCategoriesExist(
    trx,
    input.items.map((item) => item.categoryId),
  );
  const { number } = await nextInventoryNumber(trx, 'last_purchase_number');
  const total = input.items.reduce((sum, item) => sum + item.unitValueCents * item.quantity, 0);
  const order = await trx
    .insertInto('inventory_purchase_orders')
    .values({
      tenant_id: tenantOf(trx),
      number,
      supplier_id: supplier.id,
      quote_request_id: input.quoteRequestId ?? null,
      created_by: audit.actor.type === 'user' ? audit.actor.id : null,
      total_value_cents: total,
      notes: input.notes ?? '',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('inventory_purchase_order_items')
    .values(
      input.items.map((item, position) => ({
        tenant_id: order.tenant_id,
        purchase_order_id: order.id,
        asset_category_id: item.categoryId ?? null,
        description: item.description,
        quantity: item.quantity,
        unit_value_cents: item.unitValueCents,
        position,
      })),
    )
    .execute();
  await recordOrderChange(trx, audit, order, {
    action: 'created',
    details: { supplierId: supplier.id, totalValueCents: total, quoteRequestId: input.quoteRequestId ?? null },
  });
  return order;
}

export async function createPurchaseOrder(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createPurchaseOrderInput>,
): Promise<PurchaseOrderDetail> {
  const order = await insertPurchaseOrder(trx, audit, input);
  return getPurchaseOrder(trx, order.id);
}

/** The order locked for a step of its state machine; a step its status does not allow is 409 with the status. */
async function lockOrderFor(trx: TenantTransaction, orderId: string, action: PurchaseOrderAction): Promise<InventoryPurchaseOrder> {
  const order = await trx.selectFrom('inventory_purchase_orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
  if (!order) throw notFound('Pedido de compra');
  if (!ALLOWED_FROM[action].includes(order.status))
    throw new DomainError('CONFLICT', 'PURCHASE_ORDER_STATE', `O pedido ${order.number} está ${STATUS_LABELS[order.status]}`, {
      currentState: order.status,
      action,
    });
  return order;
}

const STATUS_LABELS: Record<InventoryPurchaseOrderStatus, string> = {
  pending_approval: 'aguardando aprovação',
  approved: 'aprovado',
  rejected: 'recusado',
  received: 'recebido',
  cancelled: 'cancelado',
};

export async function decidePurchaseOrder(
  trx: TenantTransaction,
  audit: AuditContext,
  decision: 'approve' | 'reject',
  input: z.infer<typeof decidePurchaseOrderInput>,
): Promise<PurchaseOrderDetail> {
  const order = await lockOrderFor(trx, input.id, decision);
  if (audit.actor.type === 'user' && order.created_by === audit.actor.id)
    throw new DomainError('FORBIDDEN', 'OWN_PURCHASE_ORDER', 'Quem criou o pedido não pode aprová-lo nem recusá-lo; peça a outra pessoa', {
      currentState: order.status,
    });
  const decided = await trx
    .updateTable('inventory_purchase_orders')
    .set({
      status: decision === 'approve' ? 'approved' : 'rejected',
      approved_by: audit.actor.id,
      approved_at: new Date(),
      decision_note: input.note ?? '',
      updated_at: new Date(),
    })
    .where('id', '=', order.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordOrderChange(trx, audit, decided, {
    action: decision === 'approve' ? 'approved' : 'rejected',
    from: order.status,
    details: input.note ? { note: input.note } : {},
  });
  return getPurchaseOrder(trx, order.id);
}

export async function cancelPurchaseOrder(trx: TenantTransaction, audit: AuditContext, orderId: string): Promise<PurchaseOrderDetail> {
  const order = await lockOrderFor(trx, orderId, 'cancel');
  const cancelled = await trx
    .updateTable('inventory_purchase_orders')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('id', '=', order.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordOrderChange(trx, audit, cancelled, { action: 'cancelled', from: order.status });
  return getPurchaseOrder(trx, order.id);
}

/**
 * Receives an approved order into a location: one asset per unit of each item (its category, the
 * unit value, the supplier, today in the tenant's zone as purchase date), all in the caller's
 * transaction, so a failure on any unit leaves no asset and the order approved.
 */
export async function receivePurchaseOrder(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof receivePurchaseOrderInput>,
): Promise<PurchaseOrderDetail> {
  const order = await lockOrderFor(trx, input.id, 'receive');
  const location = await trx.selectFrom('inventory_locations').select('id').where('id', '=', input.locationId).executeTakeFirst();
  if (!location) throw notFound('Localização');
  const today = await tenantToday(trx);
  const items = await orderItems(trx, order.id);
  let created = 0;
  for (const item of items) {
    for (let unit = 1; unit <= item.quantity; unit += 1) {
      await insertAsset(trx, audit, {
        name: item.description,
        categoryId: item.asset_category_id,
        purchaseValueCents: Number(item.unit_value_cents),
        purchaseDate: today,
        supplierId: order.supplier_id,
        locationId: location.id,
        purchaseOrderId: order.id,
      });
      created += 1;
    }
  }
  const received = await trx
    .updateTable('inventory_purchase_orders')
    .set({ status: 'received', received_by: audit.actor.id, received_at: new Date(), updated_at: new Date() })
    .where('id', '=', order.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordOrderChange(trx, audit, received, {
    action: 'received',
    from: order.status,
    details: { locationId: location.id, assetsCreated: created },
  });
  return getPurchaseOrder(trx, order.id);
}
