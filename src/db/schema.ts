import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

/** timestamptz: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 and xid8 columns are read as strings so no precision is ever lost. */
type Int8Identity = GeneratedAlways<string>;
type Json<T> = ColumnType<T, T | string, T | string>;

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  timezone: Generated<string>;
  modules: Generated<string[]>;
  settings: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface RolesTable {
  id: Generated<string>;
  tenant_id: string;
  key: string;
  name: string;
  description: Generated<string>;
  permissions: string[];
  builtin: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  name: string;
  /** Null while an invitation is pending. */
  password_hash: string | null;
  invite_token_hash: string | null;
  invite_expires_at: Timestamp | null;
  role_id: string;
  active: Generated<boolean>;
  last_login_at: Timestamp | null;
  deactivated_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Timestamp;
  rotated_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: Generated<string>;
  tenant_id: string;
  kind: Generated<string>;
  name: string;
  prefix: string;
  token_hash: string;
  scopes: string[];
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
}

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

export interface DB {
  tenants: TenantsTable;
  roles: RolesTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  events: EventsTable;
  job_runs: JobRunsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type NewTenant = Insertable<TenantsTable>;
export type TenantUpdate = Updateable<TenantsTable>;
export type Role = Selectable<RolesTable>;
export type User = Selectable<UsersTable>;
export type RefreshToken = Selectable<RefreshTokensTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type StoredEvent = Selectable<EventsTable>;
export type JobRun = Selectable<JobRunsTable>;
