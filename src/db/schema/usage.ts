import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, DefaultedTimestamp, Int8Identity, Json, Timestamp } from './columns';

/** int8 counts: read as strings (no precision lost), written as numbers or strings. */
type Int8 = ColumnType<string, number | string, number | string>;
type DefaultedInt8 = ColumnType<string, number | string | undefined, number | string>;
/** numeric: read as strings (exact), written as numbers or strings. */
type Numeric = ColumnType<string, number | string | undefined, number | string>;
type DateColumn = ColumnType<string, string, string>;

export type UsageUserStatus = 'active' | 'suspended' | 'blocked' | 'pending';
export type UsagePlan = 'basic' | 'pro' | 'enterprise' | 'trial';
export type UsageAlertType = 'usage_80' | 'usage_95' | 'blocked' | 'system_error' | 'model_error';
export type UsageAlertSeverity = 'info' | 'warning' | 'error' | 'critical';
export type UsageAlertStatus = 'pending' | 'sent' | 'failed' | 'acknowledged';
export type UsageModelStatus = 'healthy' | 'unhealthy' | 'rate_limited' | 'unavailable';
export type PlanLimits = Record<UsagePlan, number>;

export interface UsageSettingsTable {
  tenant_id: string;
  default_monthly_limit: DefaultedInt8;
  plan_limits: ColumnType<PlanLimits, PlanLimits | string | undefined, PlanLimits | string>;
  alert_threshold_80: Generated<number>;
  alert_threshold_95: Generated<number>;
  block_threshold: Generated<number>;
  min_user_limit: DefaultedInt8;
  max_user_limit: DefaultedInt8;
  /** Completion tokens reserved when a request names no max_tokens. */
  completion_estimate: Generated<number>;
  smtp_host: Generated<string>;
  smtp_port: Generated<number>;
  smtp_user: Generated<string>;
  smtp_password_sealed: string | null;
  from_email: Generated<string>;
  from_name: Generated<string>;
  use_tls: Generated<boolean>;
  rate_limit_per_minute: Generated<number>;
  rate_limit_burst: Generated<number>;
  cors_origins: Generated<string[]>;
  upstream_base_url: Generated<string>;
  upstream_api_key_sealed: string | null;
  upstream_timeout_ms: Generated<number>;
  upstream_max_retries: Generated<number>;
  health_check_interval_seconds: Generated<number>;
  upstream_status: Generated<'unknown' | 'healthy' | 'unhealthy'>;
  upstream_checked_at: Timestamp | null;
  raw_retention_days: Generated<number>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface UsageUsersTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  name: string;
  phone: string | null;
  status: Generated<UsageUserStatus>;
  plan: Generated<UsagePlan>;
  monthly_limit: Int8;
  notes: Generated<string>;
  custom_alert_threshold_80: number | null;
  custom_alert_threshold_95: number | null;
  email_notifications_enabled: Generated<boolean>;
  is_system: Generated<boolean>;
  last_request_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface UsageKeysTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  name: Generated<string>;
  prefix: string;
  token_hash: string;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface UsageGrantsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  amount: Int8;
  remaining: Int8;
  reason: string;
  expires_at: Timestamp | null;
  granted_by: string;
  created_at: CreatedAt;
}

export interface UsageLedgerTable {
  tenant_id: string;
  user_id: string;
  /** 'YYYY-MM' in the tenant's zone. */
  period: string;
  plan_spent: DefaultedInt8;
  grant_spent: DefaultedInt8;
  reserved: DefaultedInt8;
  /** Tokens spent before an admin reset this period. */
  reset_tokens: DefaultedInt8;
  requests: Generated<number>;
  alert_80_at: Timestamp | null;
  alert_95_at: Timestamp | null;
  blocked_at: Timestamp | null;
  updated_at: DefaultedTimestamp;
}

export interface UsageReservationsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  key_id: string | null;
  period: string;
  amount: Int8;
  prompt_tokens: number;
  model: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface UsageRecordsTable {
  id: Int8Identity;
  tenant_id: string;
  user_id: string;
  key_id: string | null;
  request_id: string;
  session_id: string | null;
  model: string;
  endpoint: string;
  method: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  estimated_tokens: number | null;
  estimation_accuracy: Numeric | null;
  cost_per_token: Numeric;
  total_cost: Numeric;
  user_agent: string | null;
  ip_address: string | null;
  country_code: string | null;
  response_time_ms: number | null;
  queue_time_ms: number | null;
  processing_time_ms: number | null;
  status_code: number;
  error_message: string | null;
  error_type: string | null;
  is_cached: Generated<boolean>;
  is_retry: Generated<boolean>;
  retry_count: Generated<number>;
  request_data: string | null;
  response_data: string | null;
  created_at: Timestamp;
  day: DateColumn;
}

interface RollupMeasures {
  requests: DefaultedInt8;
  errors: DefaultedInt8;
  prompt_tokens: DefaultedInt8;
  completion_tokens: DefaultedInt8;
  total_tokens: DefaultedInt8;
  cost: Numeric;
  response_time_ms_sum: DefaultedInt8;
  cached: DefaultedInt8;
}

export interface UsageDailyTable extends RollupMeasures {
  tenant_id: string;
  day: DateColumn;
  /** Users with at least one request that day. */
  users: Generated<number>;
}

export interface UsageDailyModelTable extends RollupMeasures {
  tenant_id: string;
  day: DateColumn;
  model: string;
}

export interface UsageDailyUserTable extends RollupMeasures {
  tenant_id: string;
  day: DateColumn;
  user_id: string;
}

export interface UsageDailyUserModelTable extends RollupMeasures {
  tenant_id: string;
  day: DateColumn;
  user_id: string;
  model: string;
}

export interface UsageUserActivityTable {
  tenant_id: string;
  user_id: string;
  /** The user's last day (tenant's zone) with a usage record. */
  last_day: DateColumn;
}

export interface UsageAlertsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string | null;
  type: UsageAlertType;
  title: string;
  message: string;
  severity: UsageAlertSeverity;
  status: Generated<UsageAlertStatus>;
  period: string | null;
  /** Where the alert is mailed; null when the user turned mail off. */
  email_to: string | null;
  email_attempts: Generated<number>;
  email_error: string | null;
  sent_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  metadata: Json<Record<string, unknown>>;
  is_test: Generated<boolean>;
  created_at: CreatedAt;
}

export interface UsageModelsTable {
  tenant_id: string;
  name: string;
  provider: Generated<string>;
  cost_per_input_token: Numeric;
  cost_per_output_token: Numeric;
  max_tokens: number | null;
  supports_vision: Generated<boolean>;
  supports_function_calling: Generated<boolean>;
  status: Generated<UsageModelStatus>;
  last_check: Timestamp | null;
  response_time_ms: number | null;
  /** Whether the upstream's /v1/models listed it at the last refresh. */
  listed_upstream: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export type UsageSettingsRow = Selectable<UsageSettingsTable>;
export type UsageUserRow = Selectable<UsageUsersTable>;
export type UsageKeyRow = Selectable<UsageKeysTable>;
export type UsageGrantRow = Selectable<UsageGrantsTable>;
export type UsageLedgerRow = Selectable<UsageLedgerTable>;
export type UsageRecordRow = Selectable<UsageRecordsTable>;
export type UsageAlertRow = Selectable<UsageAlertsTable>;
export type UsageModelRow = Selectable<UsageModelsTable>;

/** LLM users and their proxy keys, grants, the monthly ledger and reservations, per-request records with daily rollups, alerts and models. */
export interface UsageTables {
  usage_settings: UsageSettingsTable;
  usage_users: UsageUsersTable;
  usage_keys: UsageKeysTable;
  usage_grants: UsageGrantsTable;
  usage_ledger: UsageLedgerTable;
  usage_reservations: UsageReservationsTable;
  usage_records: UsageRecordsTable;
  usage_daily: UsageDailyTable;
  usage_daily_model: UsageDailyModelTable;
  usage_daily_user: UsageDailyUserTable;
  usage_daily_user_model: UsageDailyUserModelTable;
  usage_user_activity: UsageUserActivityTable;
  usage_alerts: UsageAlertsTable;
  usage_models: UsageModelsTable;
}
