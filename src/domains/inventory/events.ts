import type {
  InventoryAssetStatus,
  InventoryAuditItemStatus,
  InventoryAuditStatus,
  InventoryMovementStatus,
  InventoryMovementType,
  InventoryOrderStatus,
  InventoryPriority,
  InventoryPurchaseOrderStatus,
  InventoryQuoteRequestStatus,
  InventoryTicketStatus,
} from '../../db/schema';
import type { EventTypeDeclarations } from '../../platform/events/catalog';
import { inventoryPermissions as can } from './permissions';

/** An asset as lists and the dashboard place it without fetching it again. */
export interface InventoryAssetSummary {
  assetId: string;
  tag: string;
  name: string;
  status: InventoryAssetStatus;
  locationId: string | null;
  categoryId: string | null;
}

export interface InventoryMovementSummary {
  movementId: string;
  assetId: string;
  assetTag: string;
  type: InventoryMovementType;
  status: InventoryMovementStatus;
  fromLocationId: string | null;
  toLocationId: string | null;
}

export interface InventoryAuditSummary {
  auditId: string;
  name: string;
  status: InventoryAuditStatus;
}

export interface InventoryAuditScanSummary {
  auditId: string;
  itemId: string | null;
  assetId: string | null;
  assetTag: string | null;
  status: InventoryAuditItemStatus | 'UNKNOWN';
  /** Expected items not scanned yet, after this scan. */
  pending: number;
}

export interface InventoryOrderSummary {
  orderId: string;
  number: number;
  assetId: string;
  title: string;
  priority: InventoryPriority;
  status: InventoryOrderStatus;
  respondBy: string | null;
  resolveBy: string | null;
}

declare module '../../platform/events/catalog' {
  interface EventMap {
    'inventory.asset.created': InventoryAssetSummary;
    'inventory.asset.updated': InventoryAssetSummary;
    'inventory.asset.imported': { created: number; updated: number };
    'inventory.asset.attachment_added': { assetId: string; attachmentId: string; fileName: string };
    'inventory.location.changed': { locationId: string };
    'inventory.category.changed': { categoryId: string };
    'inventory.movement.requested': InventoryMovementSummary;
    'inventory.movement.approved': InventoryMovementSummary;
    'inventory.movement.rejected': InventoryMovementSummary;
    'inventory.movement.cancelled': InventoryMovementSummary;
    'inventory.movement.executed': InventoryMovementSummary;
    'inventory.movement.returned': InventoryMovementSummary;
    'inventory.movement.term_accepted': InventoryMovementSummary & { termId: string };
    'inventory.movement.loan_due_soon': InventoryMovementSummary & { dueDate: string };
    'inventory.movement.loan_overdue': InventoryMovementSummary & { dueDate: string };
    'inventory.audit.created': InventoryAuditSummary;
    'inventory.audit.started': InventoryAuditSummary & { expected: number };
    'inventory.audit.scanned': InventoryAuditScanSummary;
    'inventory.audit.corrected': InventoryAuditScanSummary & { resolution: string };
    'inventory.audit.closed': InventoryAuditSummary & { found: number; missing: number; unexpected: number; wrongLocation: number };
    'inventory.audit.cancelled': InventoryAuditSummary;
    'inventory.maintenance.order_created': InventoryOrderSummary;
    'inventory.maintenance.order_updated': InventoryOrderSummary;
    'inventory.maintenance.sla_warning': InventoryOrderSummary & { deadline: 'respond' | 'resolve' };
    'inventory.maintenance.sla_breached': InventoryOrderSummary & { deadline: 'respond' | 'resolve' };
    'inventory.purchase.updated': { purchaseOrderId: string; number: number; status: InventoryPurchaseOrderStatus };
    'inventory.supplier.changed': { supplierId: string; name: string };
    'inventory.quote.updated': { quoteRequestId: string; title: string; status: InventoryQuoteRequestStatus };
    'inventory.machine.heartbeat': { deviceId: string; assetId: string | null; hostname: string; at: string };
    'inventory.machine.registered': { deviceId: string; assetId: string | null; hostname: string };
    'inventory.alert.raised': {
      alertId: string;
      type: string;
      severity: 'info' | 'warning' | 'critical';
      message: string;
      assetId: string | null;
    };
    'inventory.ticket.created': { ticketId: string; title: string; assetId: string | null };
    'inventory.ticket.updated': { ticketId: string; title: string; status: InventoryTicketStatus; assigneeId: string | null };
    'inventory.alert.acknowledged': { alertId: string; type: string; message: string };
  }
}

const assets = { readPermission: can['inventory.assets.read'] };
const movements = { readPermission: can['inventory.movements.read'] };
const audits = { readPermission: can['inventory.audits.read'] };
const maintenance = { readPermission: can['inventory.maintenance.read'] };
const machines = { readPermission: can['inventory.machines.read'] };
const purchasing = { readPermission: can['inventory.purchasing.read'] };

export const inventoryEventTypes = {
  'inventory.asset.created': assets,
  'inventory.asset.updated': assets,
  'inventory.asset.imported': assets,
  'inventory.asset.attachment_added': assets,
  'inventory.location.changed': assets,
  'inventory.category.changed': assets,
  'inventory.movement.requested': movements,
  'inventory.movement.approved': movements,
  'inventory.movement.rejected': movements,
  'inventory.movement.cancelled': movements,
  'inventory.movement.executed': movements,
  'inventory.movement.returned': movements,
  'inventory.movement.term_accepted': movements,
  'inventory.movement.loan_due_soon': movements,
  'inventory.movement.loan_overdue': movements,
  'inventory.audit.created': audits,
  'inventory.audit.started': audits,
  'inventory.audit.scanned': audits,
  'inventory.audit.corrected': audits,
  'inventory.audit.closed': audits,
  'inventory.audit.cancelled': audits,
  'inventory.maintenance.order_created': maintenance,
  'inventory.maintenance.order_updated': maintenance,
  'inventory.maintenance.sla_warning': maintenance,
  'inventory.maintenance.sla_breached': maintenance,
  'inventory.purchase.updated': purchasing,
  'inventory.supplier.changed': purchasing,
  'inventory.quote.updated': purchasing,
  'inventory.machine.heartbeat': machines,
  'inventory.machine.registered': machines,
  'inventory.alert.raised': machines,
  'inventory.ticket.created': machines,
  'inventory.ticket.updated': machines,
  'inventory.alert.acknowledged': machines,
} as const satisfies EventTypeDeclarations;
