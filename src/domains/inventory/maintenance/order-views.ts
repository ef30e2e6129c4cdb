import type { InventoryMaintenanceOrder, InventoryOrderStatus, InventoryPriority } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import type { InventoryOrderSummary } from '../events';
import type { ORDER_TARGETS } from './schemas';
import { slaClock, type SlaClock } from './sla-clock';

export type OrderTarget = (typeof ORDER_TARGETS)[number];

// The order's state machine: each target state and the states it may be reached from.
export const ORDER_TRANSITIONS: Record<OrderTarget, readonly InventoryOrderStatus[]> = {
  in_progress: ['open', 'waiting_parts'],
  waiting_parts: ['open', 'in_progress'],
  done: ['in_progress', 'waiting_parts'],
  cancelled: ['open', 'in_progress', 'waiting_parts'],
};

export const toOrderSummary = (order: InventoryMaintenanceOrder): InventoryOrderSummary => ({
  orderId: order.id,
  number: order.number,
  assetId: order.asset_id,
  title: order.title,
  priority: order.priority,
  status: order.status,
  respondBy: order.respond_by?.toISOString() ?? null,
  resolveBy: order.resolve_by?.toISOString() ?? null,
});

export interface OrderView {
  id: string;
  number: number;
  asset: { id: string; tag: string; name: string };
  title: string;
  description: string;
  priority: InventoryPriority;
  status: InventoryOrderStatus;
  supplier: { id: string; name: string } | null;
  contract: { id: string; name: string } | null;
  /** The plan that made it, and the plan's due date it was made for. */
  scheduleId: string | null;
  dueDate: string | null;
  scheduledFor: string | null;
  createdAt: string;
  respondedAt: string | null;
  closedAt: string | null;
  costCents: number | null;
  rating: number | null;
  ratingComment: string;
  /** The contract's deadlines, each with its clock at the time of reading. */
  sla: { respond: SlaClock | null; resolve: SlaClock | null; breachedAt: string | null };
  moves: OrderTarget[];
  canRate: boolean;
}

/** Orders with the names their views show: the asset, the supplier and the contract. */
export function selectOrders(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_maintenance_orders as o')
    .innerJoin('inventory_assets as asset', 'asset.id', 'o.asset_id')
    .leftJoin('inventory_suppliers as supplier', 'supplier.id', 'o.supplier_id')
    .leftJoin('inventory_maintenance_contracts as contract', 'contract.id', 'o.contract_id')
    .selectAll('o')
    .select(['asset.tag as asset_tag', 'asset.name as asset_name', 'supplier.name as supplier_name', 'contract.name as contract_name']);
}

export type OrderRow = Awaited<ReturnType<ReturnType<typeof selectOrders>['execute']>>[number];

export function toOrderView(row: OrderRow, warningPercent: number, now = new Date()): OrderView {
  return {
    id: row.id,
    number: row.number,
    asset: { id: row.asset_id, tag: row.asset_tag, name: row.asset_name },
    title: row.title,
    description: row.description,
    priority: row.priority,
    status: row.status,
    supplier: row.supplier_id && row.supplier_name !== null ? { id: row.supplier_id, name: row.supplier_name } : null,
    contract: row.contract_id && row.contract_name !== null ? { id: row.contract_id, name: row.contract_name } : null,
    scheduleId: row.schedule_id,
    dueDate: row.due_date,
    scheduledFor: row.scheduled_for?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    respondedAt: row.responded_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    costCents: row.cost_cents === null ? null : Number(row.cost_cents),
    rating: row.rating,
    ratingComment: row.rating_comment,
    sla: {
      respond: slaClock(row, 'respond', warningPercent, now),
      resolve: slaClock(row, 'resolve', warningPercent, now),
      breachedAt: row.sla_breached_at?.toISOString() ?? null,
    },
    moves: (Object.keys(ORDER_TRANSITIONS) as OrderTarget[]).filter((target) => ORDER_TRANSITIONS[target].includes(row.status)),
    canRate: row.status === 'done',
  };
}
