import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, DefaultedTimestamp, Int8Identity, Json, Timestamp } from './columns';

/** int8 money and counters: read as strings (no precision lost), written as numbers or strings. */
type Int8 = ColumnType<string, number | string, number | string>;
type NullableInt8 = ColumnType<string | null, number | string | null | undefined, number | string | null>;
type DefaultedInt8 = ColumnType<string, number | string | undefined, number | string>;
/** numeric: read as strings (exact), written as numbers or strings. */
type NullableNumeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;
/** A date column, read as 'YYYY-MM-DD'. */
type DateColumn = ColumnType<string, string, string>;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

export type InventoryLocationType = 'unit' | 'building' | 'floor' | 'room';
export type InventoryAssetStatus = 'available' | 'in_use' | 'on_loan' | 'in_maintenance' | 'missing' | 'lost' | 'disposed';
export type InventoryLifecycleState = 'ordered' | 'in_service' | 'retired' | 'disposed';
export type InventoryAttachmentKind = 'photo' | 'invoice' | 'manual' | 'other';
export type InventoryMovementType = 'transfer' | 'loan_internal' | 'loan_external';
export type InventoryMovementStatus = 'requested' | 'approved' | 'rejected' | 'cancelled' | 'executed' | 'returned';
export type InventoryLoanStatus = 'pending' | 'active' | 'returned' | 'cancelled';
export type InventoryTermStatus = 'pending' | 'accepted' | 'void';
export type InventoryTermAcceptance = 'signature_pad' | 'link';
export type InventoryAuditStatus = 'draft' | 'in_progress' | 'closed' | 'cancelled';
export type InventoryAuditItemStatus = 'PENDING' | 'FOUND' | 'MISSING' | 'UNEXPECTED' | 'WRONG_LOCATION';
export type InventoryAuditResolution = 'moved_here' | 'marked_lost' | 'kept';
export type InventoryPriority = 'low' | 'medium' | 'high' | 'critical';
export type InventoryOrderStatus = 'open' | 'in_progress' | 'waiting_parts' | 'done' | 'cancelled';
export type InventorySchedulePeriod = 'interval' | 'date';
export type InventoryQuoteRequestStatus = 'open' | 'decided' | 'cancelled';
export type InventoryBudgetStatus = 'received' | 'chosen' | 'rejected';
export type InventoryPurchaseOrderStatus = 'pending_approval' | 'approved' | 'rejected' | 'received' | 'cancelled';
export type InventoryTicketStatus = 'open' | 'in_progress' | 'closed';
export type InventoryAlertSeverity = 'info' | 'warning' | 'critical';

/** A field a category adds to its assets (and its subcategories' assets). */
export interface InventoryCustomField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean' | 'select';
  required: boolean;
  options?: string[];
}

/** An A4 label sheet's grid: columns × rows per page, margins and gaps in millimetres. */
export interface InventoryLabelSheet {
  columns?: number;
  rows?: number;
  marginTopMm?: number;
  marginLeftMm?: number;
  gapXMm?: number;
  gapYMm?: number;
}

/** Hours to respond to and to resolve an order, per priority. */
export type InventorySla = Record<InventoryPriority, { respondHours: number; resolveHours: number }>;

/** What an audit session counts: a location subtree, categories, or both (neither: every asset). */
export interface InventoryAuditScope {
  locationId?: string;
  categoryIds?: string[];
}

/** A responsibility term as issued; its canonical JSON (keys sorted) is what `content_sha256` hashes. */
export interface InventoryTermContent {
  version: 1;
  termId: string;
  company: string;
  asset: { tag: string; name: string; serialNumber: string | null; patrimonio: string | null; valueCents: number | null };
  borrower: { type: 'user' | 'third_party'; name: string; document: string | null; email: string | null; phone: string | null };
  loan: {
    movementId: string;
    type: 'loan_internal' | 'loan_external';
    issuedAt: string;
    dueDate: string;
    timeZone: string;
    fromLocation: string | null;
  };
  clauses: string[];
}

export interface InventorySettingsTable {
  tenant_id: string;
  tag_prefix: Generated<string>;
  tag_digits: Generated<number>;
  /** Counters bumped in the creating transaction: tags, maintenance orders and purchase orders are numbered per tenant. */
  last_tag_number: Generated<number>;
  last_order_number: Generated<number>;
  last_purchase_number: Generated<number>;
  label_sheet: ColumnType<InventoryLabelSheet, InventoryLabelSheet | string | undefined, InventoryLabelSheet | string>;
  loan_reminder_days: Generated<number>;
  sla_warning_percent: Generated<number>;
  agent_silence_minutes: Generated<number>;
  heartbeat_retention_days: Generated<number>;
  updated_at: DefaultedTimestamp;
}

export interface InventorySuppliersTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  /** CNPJ: 14 digits or letters (the alphanumeric CNPJ), without punctuation. */
  tax_id: string;
  contact: Generated<string>;
  email: string | null;
  phone: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryCategoriesTable {
  id: Generated<string>;
  tenant_id: string;
  parent_id: string | null;
  name: string;
  custom_fields: ColumnType<InventoryCustomField[], InventoryCustomField[] | string | undefined, InventoryCustomField[] | string>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryLocationsTable {
  id: Generated<string>;
  tenant_id: string;
  parent_id: string | null;
  type: InventoryLocationType;
  name: string;
  code: string;
  /** '/<root id>/…/<own id>/': a subtree is one prefix range. */
  path: string;
  latitude: NullableNumeric;
  longitude: NullableNumeric;
  /** Approves movements into this location and its subtree. */
  manager_id: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryAssetsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  category_id: string | null;
  tag: string;
  tag_number: number | null;
  patrimonio: string | null;
  serial_number: string | null;
  purchase_value_cents: NullableInt8;
  purchase_date: NullableDate;
  supplier_id: string | null;
  location_id: string | null;
  status: Generated<InventoryAssetStatus>;
  lifecycle_state: Generated<InventoryLifecycleState>;
  custom_fields: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
  notes: Generated<string>;
  purchase_order_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryAttachmentsTable {
  id: Generated<string>;
  tenant_id: string;
  asset_id: string;
  kind: InventoryAttachmentKind;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  content: Uint8Array;
  uploaded_by: string | null;
  created_at: CreatedAt;
}

export interface InventoryMovementsTable {
  id: Generated<string>;
  tenant_id: string;
  asset_id: string;
  type: InventoryMovementType;
  status: Generated<InventoryMovementStatus>;
  from_location_id: string | null;
  to_location_id: string | null;
  requester_id: string | null;
  approver_id: string | null;
  reason: Generated<string>;
  decision_note: Generated<string>;
  decided_at: Timestamp | null;
  executed_at: Timestamp | null;
  returned_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

/** The movement's trail: one row per step, never changed. */
export interface InventoryMovementStepsTable {
  id: Int8Identity;
  tenant_id: string;
  movement_id: string;
  action: string;
  from_status: InventoryMovementStatus | null;
  to_status: InventoryMovementStatus;
  actor_type: string;
  actor_id: string | null;
  actor_label: Generated<string>;
  note: Generated<string>;
  request_id: string | null;
  ip: string | null;
  at: DefaultedTimestamp;
}

export interface InventoryLoansTable {
  id: Generated<string>;
  tenant_id: string;
  movement_id: string;
  asset_id: string;
  borrower_type: 'user' | 'third_party';
  borrower_id: string | null;
  borrower_name: string;
  borrower_document: string | null;
  borrower_email: string | null;
  borrower_phone: string | null;
  start_date: Timestamp | null;
  due_date: Timestamp;
  status: Generated<InventoryLoanStatus>;
  return_condition: Generated<string>;
  reminder_sent_at: Timestamp | null;
  overdue_alerted_at: Timestamp | null;
  returned_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryLoanTermsTable {
  id: Generated<string>;
  tenant_id: string;
  loan_id: string;
  status: Generated<InventoryTermStatus>;
  /** What the term says (company, asset, borrower, dates, clauses), as issued: the borrower's page shows it. */
  content: Json<InventoryTermContent>;
  /** SHA-256 of the term's canonical content, printed on the PDF. */
  content_sha256: string;
  /** The PDF as issued, then as signed. */
  pdf: Uint8Array;
  /** SHA-256 of `pdf`: a copy whose bytes differ fails the check. */
  pdf_sha256: string;
  acceptance_method: InventoryTermAcceptance | null;
  acceptance_token_hash: string | null;
  link_expires_at: Timestamp | null;
  signer_name: string | null;
  accepted_at: Timestamp | null;
  accepted_ip: string | null;
  accepted_user_agent: string | null;
  created_at: CreatedAt;
}

export interface InventoryAuditsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  scope: Json<InventoryAuditScope>;
  status: Generated<InventoryAuditStatus>;
  created_by: string | null;
  started_at: Timestamp | null;
  closed_at: Timestamp | null;
  expected_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

/** An audit's line per asset: expected ones frozen at start, unexpected ones added by scans. */
export interface InventoryAuditItemsTable {
  id: Generated<string>;
  tenant_id: string;
  audit_id: string;
  asset_id: string;
  expected: boolean;
  expected_location_id: string | null;
  found_location_id: string | null;
  status: InventoryAuditItemStatus;
  scan_count: Generated<number>;
  first_scanned_by: string | null;
  first_scanned_at: Timestamp | null;
  resolution: InventoryAuditResolution | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
}

export interface InventoryAuditScansTable {
  id: Int8Identity;
  tenant_id: string;
  audit_id: string;
  asset_id: string | null;
  code: string;
  location_id: string | null;
  result: string;
  scanned_by: string | null;
  /** The scanner's own id for the scan: a retried scan is counted once. */
  client_scan_id: string | null;
  at: DefaultedTimestamp;
}

/** Expected items each scanner classified first, per audit: pending = expected count − their sum. */
export interface InventoryAuditTalliesTable {
  tenant_id: string;
  audit_id: string;
  scanned_by: string | null;
  classified: Generated<number>;
}

export interface InventoryMaintenanceContractsTable {
  id: Generated<string>;
  tenant_id: string;
  supplier_id: string;
  name: string;
  start_date: DateColumn;
  end_date: NullableDate;
  sla_json: Json<InventorySla>;
  notes: Generated<string>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

/** A maintenance plan: every `interval_days`, or once on `next_run`. */
export interface InventoryMaintenanceSchedulesTable {
  id: Generated<string>;
  tenant_id: string;
  asset_id: string;
  title: string;
  description: Generated<string>;
  priority: Generated<InventoryPriority>;
  period: InventorySchedulePeriod;
  interval_days: number | null;
  next_run: NullableDate;
  last_run: NullableDate;
  supplier_id: string | null;
  contract_id: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryMaintenanceOrdersTable {
  id: Generated<string>;
  tenant_id: string;
  number: number;
  asset_id: string;
  title: string;
  description: Generated<string>;
  priority: Generated<InventoryPriority>;
  status: Generated<InventoryOrderStatus>;
  supplier_id: string | null;
  contract_id: string | null;
  schedule_id: string | null;
  /** The plan's due date this order was made for: one order per (plan, due date). */
  due_date: NullableDate;
  scheduled_for: Timestamp | null;
  responded_at: Timestamp | null;
  closed_at: Timestamp | null;
  respond_by: Timestamp | null;
  resolve_by: Timestamp | null;
  /** The first SLA warning and the first breach, whichever deadline: what the dashboard counts. */
  sla_warned_at: Timestamp | null;
  sla_breached_at: Timestamp | null;
  /** Each notice of each deadline, given once by the SLA job. */
  respond_warned_at: Timestamp | null;
  respond_breached_at: Timestamp | null;
  resolve_warned_at: Timestamp | null;
  resolve_breached_at: Timestamp | null;
  cost_cents: NullableInt8;
  rating: number | null;
  rating_comment: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryQuoteRequestsTable {
  id: Generated<string>;
  tenant_id: string;
  title: string;
  status: Generated<InventoryQuoteRequestStatus>;
  chosen_budget_id: string | null;
  purchase_order_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryQuoteRequestItemsTable {
  id: Generated<string>;
  tenant_id: string;
  quote_request_id: string;
  category_id: string | null;
  description: string;
  quantity: number;
  position: number;
}

export interface InventoryBudgetsTable {
  id: Generated<string>;
  tenant_id: string;
  quote_request_id: string;
  supplier_id: string;
  status: Generated<InventoryBudgetStatus>;
  total_value_cents: DefaultedInt8;
  valid_until: NullableDate;
  delivery_days: number | null;
  notes: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface InventoryBudgetItemsTable {
  id: Generated<string>;
  tenant_id: string;
  budget_id: string;
  request_item_id: string;
  unit_value_cents: Int8;
}

export interface InventoryPurchaseOrdersTable {
  id: Generated<string>;
  tenant_id: string;
  number: number;
  supplier_id: string;
  quote_request_id: string | null;
  status: Generated<InventoryPurchaseOrderStatus>;
  created_by: string | null;
  approved_by: string | null;
  approved_at: Timestamp | null;
  received_by: string | null;
  received_at: Timestamp | null;
  total_value_cents: DefaultedInt8;
  notes: Generated<string>;
  /** Why it was approved or rejected, as the approver wrote it. */
  decision_note: Generated<string>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryPurchaseOrderItemsTable {
  id: Generated<string>;
  tenant_id: string;
  purchase_order_id: string;
  asset_category_id: string | null;
  description: string;
  quantity: number;
  unit_value_cents: Int8;
  position: number;
}

export interface InventoryMachinesTable {
  device_id: string;
  tenant_id: string;
  asset_id: string | null;
  hardware_id: string;
  hostname: Generated<string>;
  facts: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
  /** The highest heartbeat sequence accepted: a replayed one is answered, not stored again. */
  last_sequence: DefaultedInt8;
  last_heartbeat_at: Timestamp | null;
  silent_alerted_at: Timestamp | null;
  registered_at: CreatedAt;
}

export interface InventoryMachineHeartbeatsTable {
  tenant_id: string;
  device_id: string;
  sequence: Int8;
  received_at: DefaultedTimestamp;
  facts: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
}

export interface InventoryTicketsTable {
  id: Generated<string>;
  tenant_id: string;
  title: string;
  description: Generated<string>;
  status: Generated<InventoryTicketStatus>;
  assignee_id: string | null;
  related_asset_id: string | null;
  device_id: string | null;
  /** The agent's own id for the ticket: a retried create answers the first one. */
  external_id: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface InventoryAlertsTable {
  id: Generated<string>;
  tenant_id: string;
  type: string;
  severity: InventoryAlertSeverity;
  message: string;
  ticket_id: string | null;
  asset_id: string | null;
  device_id: string | null;
  /** What raised it (`loan-overdue:<loan id>`): a job that runs again raises the same alert once. */
  source_key: string | null;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
  created_at: CreatedAt;
}

export type InventorySettings = Selectable<InventorySettingsTable>;
export type InventorySupplier = Selectable<InventorySuppliersTable>;
export type InventoryCategory = Selectable<InventoryCategoriesTable>;
export type InventoryLocation = Selectable<InventoryLocationsTable>;
export type InventoryAsset = Selectable<InventoryAssetsTable>;
export type InventoryAttachment = Selectable<InventoryAttachmentsTable>;
export type InventoryMovement = Selectable<InventoryMovementsTable>;
export type InventoryMovementStep = Selectable<InventoryMovementStepsTable>;
export type InventoryLoan = Selectable<InventoryLoansTable>;
export type InventoryLoanTerm = Selectable<InventoryLoanTermsTable>;
export type InventoryAudit = Selectable<InventoryAuditsTable>;
export type InventoryAuditItem = Selectable<InventoryAuditItemsTable>;
export type InventoryMaintenanceContract = Selectable<InventoryMaintenanceContractsTable>;
export type InventoryMaintenanceSchedule = Selectable<InventoryMaintenanceSchedulesTable>;
export type InventoryMaintenanceOrder = Selectable<InventoryMaintenanceOrdersTable>;
export type InventoryQuoteRequest = Selectable<InventoryQuoteRequestsTable>;
export type InventoryQuoteRequestItem = Selectable<InventoryQuoteRequestItemsTable>;
export type InventoryBudget = Selectable<InventoryBudgetsTable>;
export type InventoryBudgetItem = Selectable<InventoryBudgetItemsTable>;
export type InventoryPurchaseOrder = Selectable<InventoryPurchaseOrdersTable>;
export type InventoryPurchaseOrderItem = Selectable<InventoryPurchaseOrderItemsTable>;
export type InventoryMachine = Selectable<InventoryMachinesTable>;
export type InventoryTicket = Selectable<InventoryTicketsTable>;
export type InventoryAlert = Selectable<InventoryAlertsTable>;

/** Assets with their categories, locations and files; movements, loans and terms; audits; maintenance; purchasing; machines, tickets and alerts. */
export interface InventoryTables {
  inventory_settings: InventorySettingsTable;
  inventory_suppliers: InventorySuppliersTable;
  inventory_categories: InventoryCategoriesTable;
  inventory_locations: InventoryLocationsTable;
  inventory_assets: InventoryAssetsTable;
  inventory_attachments: InventoryAttachmentsTable;
  inventory_movements: InventoryMovementsTable;
  inventory_movement_steps: InventoryMovementStepsTable;
  inventory_loans: InventoryLoansTable;
  inventory_loan_terms: InventoryLoanTermsTable;
  inventory_audits: InventoryAuditsTable;
  inventory_audit_items: InventoryAuditItemsTable;
  inventory_audit_scans: InventoryAuditScansTable;
  inventory_audit_tallies: InventoryAuditTalliesTable;
  inventory_maintenance_contracts: InventoryMaintenanceContractsTable;
  inventory_maintenance_schedules: InventoryMaintenanceSchedulesTable;
  inventory_maintenance_orders: InventoryMaintenanceOrdersTable;
  inventory_quote_requests: InventoryQuoteRequestsTable;
  inventory_quote_request_items: InventoryQuoteRequestItemsTable;
  inventory_budgets: InventoryBudgetsTable;
  inventory_budget_items: InventoryBudgetItemsTable;
  inventory_purchase_orders: InventoryPurchaseOrdersTable;
  inventory_purchase_order_items: InventoryPurchaseOrderItemsTable;
  inventory_machines: InventoryMachinesTable;
  inventory_machine_heartbeats: InventoryMachineHeartbeatsTable;
  inventory_tickets: InventoryTicketsTable;
  inventory_alerts: InventoryAlertsTable;
}
