import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, CreatedAt, DefaultedTimestamp, Int8Identity, Json } from './columns';

export interface AuditLogTable {
  id: Int8Identity;
  tenant_id: string;
  occurred_at: DefaultedTimestamp;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity: string;
  entity_id: string | null;
  diff: Json<Record<string, unknown>>;
  request_id: string | null;
  ip: string | null;
}

export interface EventsTable {
  id: Int8Identity;
  tenant_id: string;
  type: string;
  data: Json<unknown>;
  occurred_at: DefaultedTimestamp;
  tx_id: Int8Identity;
}

export type JobRunTrigger = 'schedule' | 'catch_up' | 'manual';

export type JobRunStatus = 'running' | 'succeeded' | 'failed';

export interface JobRunsTable {
  id: Int8Identity;
  job: string;
  tenant_id: string | null;
  slot: Timestamp;
  trigger: JobRunTrigger;
  status: JobRunStatus;
  started_at: DefaultedTimestamp;
  finished_at: Timestamp | null;
  error: string | null;
  stats: Json<Record<string, unknown>>;
  instance_id: string;
}

export type AuditEntry = Selectable<AuditLogTable>;

export type StoredEvent = Selectable<EventsTable>;

export type JobRun = Selectable<JobRunsTable>;

export type DeliveryQueueStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';

export interface DeliveriesTable {
  id: Generated<string>;
  tenant_id: string;
  kind: string;
  /** Sent as X-Balcao-Event-Id on every try, so the receiver can dedupe. */
  event_id: Generated<string>;
  ordering_key: string | null;
  payload: Json<unknown>;
  status: ColumnType<DeliveryQueueStatus, DeliveryQueueStatus | undefined, DeliveryQueueStatus>;
  /** Tries claimed so far (a claim counts even if its process dies mid-send). */
  attempts: Generated<number>;
  /** Null: the deployment's DELIVERIES_MAX_ATTEMPTS. */
  max_attempts: number | null;
  next_attempt_at: DefaultedTimestamp;
  /** Set while a worker holds the delivery in flight; an expired lease makes it claimable again. */
  lease_until: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  target_url: string | null;
  delivered_at: Timestamp | null;
  enqueue_order: Int8Identity;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface DeliveryAttemptsTable {
  id: Int8Identity;
  tenant_id: string;
  delivery_id: string;
  attempt: number;
  attempted_at: DefaultedTimestamp;
  duration_ms: number;
  target_url: string | null;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export type StoredDelivery = Selectable<DeliveriesTable>;

export type DeliveryAttempt = Selectable<DeliveryAttemptsTable>;

/** The platform's own tables: audit log, events, job runs and deliveries. */
export interface PlatformTables {
  audit_log: AuditLogTable;
  events: EventsTable;
  job_runs: JobRunsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
}
