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

export interface HelpdeskSettingsTable {
  tenant_id: string;
  last_ticket_number: Generated<number>;
  reopen_window_minutes: Generated<number>;
  business_hours: Json<unknown> | null;
  out_of_hours_message: string | null;
  queue_menu_enabled: Generated<boolean>;
  updated_at: DefaultedTimestamp;
}

export interface HelpdeskChannelsTable {
  id: Generated<string>;
  tenant_id: string;
  type: 'n8n' | 'whatsapp_cloud';
  name: string;
  status: ColumnType<
    'connected' | 'disconnected' | 'error',
    'connected' | 'disconnected' | 'error' | undefined,
    'connected' | 'disconnected' | 'error'
  >;
  status_reason: string | null;
  status_changed_at: DefaultedTimestamp;
  config: Json<Record<string, unknown>>;
  /** The webhook secret, encrypted with the server's secret box (it signs and checks HMACs). */
  webhook_secret_sealed: string;
  /** SHA-256 of the webhook secret, for the plain header check. */
  webhook_secret_hash: string;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
  deleted_at: Timestamp | null;
}

export interface HelpdeskChannelStatusEventsTable {
  id: Int8Identity;
  tenant_id: string;
  channel_id: string;
  status: 'connected' | 'disconnected' | 'error';
  reason: string | null;
  at: CreatedAt;
}

export interface HelpdeskContactsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  phone: string;
  email: string | null;
  tags: Generated<string[]>;
  notes: Generated<string>;
  custom_fields: ColumnType<Record<string, string>, Record<string, string> | string | undefined, Record<string, string> | string>;
  merged_into_id: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface HelpdeskQueuesTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  color: Generated<string>;
  greeting: Generated<string>;
  position: Generated<number>;
  business_hours: Json<unknown> | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface HelpdeskQueueMembersTable {
  tenant_id: string;
  queue_id: string;
  user_id: string;
}

export type TicketStatus = 'pending' | 'open' | 'closed';

export interface HelpdeskTicketsTable {
  id: Generated<string>;
  tenant_id: string;
  number: number;
  channel_id: string;
  contact_id: string;
  status: TicketStatus;
  queue_id: string | null;
  assignee_id: string | null;
  unread_count: Generated<number>;
  last_message_at: DefaultedTimestamp;
  last_message_preview: Generated<string>;
  tags: Generated<string[]>;
  close_reason: string | null;
  closed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export type TicketActorType = 'user' | 'contact' | 'system' | 'api';

export interface HelpdeskTicketEventsTable {
  id: Int8Identity;
  tenant_id: string;
  ticket_id: string;
  action: string;
  from_status: TicketStatus | null;
  to_status: TicketStatus | null;
  actor_type: TicketActorType;
  actor_id: string | null;
  reason: string | null;
  details: Json<Record<string, unknown>>;
  at: CreatedAt;
}

export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
export type MessageSource = 'contact' | 'dashboard' | 'api' | 'system';

export interface HelpdeskMessagesTable {
  id: Generated<string>;
  tenant_id: string;
  ticket_id: string;
  channel_id: string;
  contact_id: string;
  direction: 'inbound' | 'outbound';
  kind: string;
  body: Generated<string>;
  is_note: Generated<boolean>;
  media_url: string | null;
  media_mime_type: string | null;
  media_size_bytes: number | null;
  media_file_name: string | null;
  quoted_message_id: string | null;
  external_id: string | null;
  status: MessageStatus;
  failure_reason: string | null;
  sender_user_id: string | null;
  source: MessageSource;
  /** Set on messages sent through the external API: whose callback hears of their status. */
  api_config_id: string | null;
  /** The API client's own key for the message (`externalKey`). */
  external_key: string | null;
  sent_at: Timestamp | null;
  status_changed_at: DefaultedTimestamp;
  created_at: CreatedAt;
}

export interface HelpdeskQuickRepliesTable {
  id: Generated<string>;
  tenant_id: string;
  shortcut: string;
  text: string;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface HelpdeskApiConfigsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  channel_id: string;
  api_token_id: string;
  callback_url: string | null;
  callback_secret_sealed: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface HelpdeskApiCallsTable {
  id: Int8Identity;
  tenant_id: string;
  api_config_id: string;
  method: string;
  path: string;
  status_code: number;
  error: string | null;
  idempotency_key: string | null;
  message_id: string | null;
  response: Json<unknown> | null;
  at: CreatedAt;
}

export interface HelpdeskMediaTable {
  id: Generated<string>;
  tenant_id: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  /** pg reads bytea as a Buffer, PGlite as a Uint8Array. */
  content: ColumnType<Uint8Array, Uint8Array, never>;
  uploaded_by: string | null;
  created_at: CreatedAt;
}

/** 'HH:MM' wall-clock hours of a weekday (0 = Sunday) in the tenant's zone. */
export interface WeeklyHoursEntry {
  weekday: number;
  start: string;
  end: string;
}

export interface AgendaSettingsTable {
  tenant_id: string;
  n8n_outbound_url: string | null;
  inbound_secret_sealed: string;
  inbound_secret_hash: string;
  notification_route: Generated<'n8n' | 'helpdesk'>;
  helpdesk_channel_id: string | null;
  chat_from_helpdesk: Generated<boolean>;
  auth_request_ttl_hours: Generated<number>;
  min_notice_minutes: Generated<number>;
  slot_step_minutes: Generated<number>;
  updated_at: DefaultedTimestamp;
}

export interface AgendaClientsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  phone: string;
  email: string | null;
  /** A date column, read as 'YYYY-MM-DD'. */
  birthday: ColumnType<string | null, string | null | undefined, string | null>;
  notes: Generated<string>;
  opted_out_at: Timestamp | null;
  last_contacted_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface AgendaServicesTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  duration_min: number;
  price_cents: number;
  buffer_before_min: Generated<number>;
  buffer_after_min: Generated<number>;
  return_cycle_days: number | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface AgendaProfessionalsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  weekly_hours: Json<WeeklyHoursEntry[]>;
  breaks: Json<WeeklyHoursEntry[]>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface AgendaProfessionalServicesTable {
  tenant_id: string;
  professional_id: string;
  service_id: string;
}

export interface AgendaDateOverridesTable {
  tenant_id: string;
  professional_id: string;
  date: ColumnType<string, string, string>;
  intervals: Json<Array<{ start: string; end: string }>>;
}

export interface AgendaTimeOffTable {
  id: Generated<string>;
  tenant_id: string;
  professional_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: Generated<string>;
  created_at: CreatedAt;
}

export type AppointmentStatus = 'pending_approval' | 'confirmed' | 'cancelled' | 'completed' | 'no_show';
export type AppointmentSource = 'manual' | 'prazo_certo' | 'encher_agenda' | 'chat';
export type AuthRequestStatus = 'pending' | 'approved' | 'rejected' | 'expired';
export type AuthRequestAgent = 'prazo_certo' | 'encher_agenda' | 'chat' | 'manual';
export interface BookingOffer {
  type: 'none' | 'discount_percent';
  value: number;
}

export interface AgendaAuthRequestsTable {
  id: Generated<string>;
  tenant_id: string;
  client_id: string;
  service_id: string;
  professional_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  occupied_starts_at: Timestamp;
  occupied_ends_at: Timestamp;
  offer: ColumnType<BookingOffer, BookingOffer | string | undefined, BookingOffer | string>;
  price_cents: number;
  created_by_agent: AuthRequestAgent;
  campaign_run_id: string | null;
  conversation_id: string | null;
  status: Generated<AuthRequestStatus>;
  expires_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_notes: string | null;
  appointment_id: string | null;
  dedupe_key: string | null;
  created_at: CreatedAt;
}

export interface AgendaAppointmentsTable {
  id: Generated<string>;
  tenant_id: string;
  client_id: string;
  service_id: string;
  professional_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  occupied_starts_at: Timestamp;
  occupied_ends_at: Timestamp;
  status: AppointmentStatus;
  source: AppointmentSource;
  price_cents: number;
  auth_request_id: string | null;
  notes: Generated<string>;
  created_by: string | null;
  cancel_reason: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface AgendaNotificationsTable {
  id: Generated<string>;
  tenant_id: string;
  client_id: string;
  kind: string;
  message: string;
  route: 'n8n' | 'helpdesk' | 'none';
  delivery_id: string | null;
  dedupe_key: string;
  created_at: CreatedAt;
}

export type CampaignType = 'prazo_certo' | 'encher_agenda';

export interface AgendaCampaignsTable {
  tenant_id: string;
  type: CampaignType;
  enabled: Generated<boolean>;
  schedule: string;
  offer_type: Generated<'none' | 'discount_percent'>;
  offer_value: Generated<number>;
  window_days: Generated<number>;
  days_ahead: Generated<number>;
  daily_cap: Generated<number>;
  quiet_hours_start: Generated<string>;
  quiet_hours_end: Generated<string>;
  frequency_cap_days: Generated<number>;
  updated_at: DefaultedTimestamp;
}

export interface CampaignRunStats {
  total_clients_found: number;
  suggestions_created: number;
  notifications_sent: number;
}

export interface AgendaCampaignRunsTable {
  id: Generated<string>;
  tenant_id: string;
  type: CampaignType;
  trigger: 'schedule' | 'manual' | 'n8n';
  slot_key: string;
  status: Generated<'running' | 'completed' | 'failed'>;
  context: Json<Record<string, unknown>>;
  stats: Json<Partial<CampaignRunStats>>;
  error: string | null;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface AgendaConversationsTable {
  id: Generated<string>;
  tenant_id: string;
  client_id: string;
  channel: Generated<string>;
  last_message_at: DefaultedTimestamp;
  last_intent: string | null;
  created_at: CreatedAt;
}

export interface AgendaChatMessagesTable {
  id: Generated<string>;
  tenant_id: string;
  conversation_id: string;
  role: 'client' | 'agent';
  body: string;
  intent: string | null;
  booking_created: Generated<boolean>;
  auth_request_id: string | null;
  dedupe_key: string | null;
  replied_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface LlmCallsTable {
  id: Int8Identity;
  tenant_id: string;
  purpose: string;
  provider: string;
  model: string;
  input_tokens: Generated<number>;
  output_tokens: Generated<number>;
  latency_ms: Generated<number>;
  outcome: string;
  error: string | null;
  fell_back: Generated<boolean>;
  at: CreatedAt;
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
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  helpdesk_settings: HelpdeskSettingsTable;
  helpdesk_channels: HelpdeskChannelsTable;
  helpdesk_channel_status_events: HelpdeskChannelStatusEventsTable;
  helpdesk_contacts: HelpdeskContactsTable;
  helpdesk_queues: HelpdeskQueuesTable;
  helpdesk_queue_members: HelpdeskQueueMembersTable;
  helpdesk_tickets: HelpdeskTicketsTable;
  helpdesk_ticket_events: HelpdeskTicketEventsTable;
  helpdesk_messages: HelpdeskMessagesTable;
  helpdesk_quick_replies: HelpdeskQuickRepliesTable;
  helpdesk_api_configs: HelpdeskApiConfigsTable;
  helpdesk_api_calls: HelpdeskApiCallsTable;
  helpdesk_media: HelpdeskMediaTable;
  agenda_settings: AgendaSettingsTable;
  agenda_clients: AgendaClientsTable;
  agenda_services: AgendaServicesTable;
  agenda_professionals: AgendaProfessionalsTable;
  agenda_professional_services: AgendaProfessionalServicesTable;
  agenda_date_overrides: AgendaDateOverridesTable;
  agenda_time_off: AgendaTimeOffTable;
  agenda_appointments: AgendaAppointmentsTable;
  agenda_auth_requests: AgendaAuthRequestsTable;
  agenda_notifications: AgendaNotificationsTable;
  agenda_campaigns: AgendaCampaignsTable;
  agenda_campaign_runs: AgendaCampaignRunsTable;
  agenda_conversations: AgendaConversationsTable;
  agenda_chat_messages: AgendaChatMessagesTable;
  llm_calls: LlmCallsTable;
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
export type HelpdeskChannel = Selectable<HelpdeskChannelsTable>;
export type HelpdeskContact = Selectable<HelpdeskContactsTable>;
export type HelpdeskQueue = Selectable<HelpdeskQueuesTable>;
export type HelpdeskTicket = Selectable<HelpdeskTicketsTable>;
export type HelpdeskTicketEvent = Selectable<HelpdeskTicketEventsTable>;
export type HelpdeskMessage = Selectable<HelpdeskMessagesTable>;
export type NewHelpdeskMessage = Insertable<HelpdeskMessagesTable>;
export type HelpdeskQuickReply = Selectable<HelpdeskQuickRepliesTable>;
export type HelpdeskApiConfig = Selectable<HelpdeskApiConfigsTable>;

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
export type AgendaSettings = Selectable<AgendaSettingsTable>;
export type AgendaClient = Selectable<AgendaClientsTable>;
export type AgendaService = Selectable<AgendaServicesTable>;
export type AgendaProfessional = Selectable<AgendaProfessionalsTable>;
export type AgendaAppointment = Selectable<AgendaAppointmentsTable>;
export type AgendaAuthRequest = Selectable<AgendaAuthRequestsTable>;
export type AgendaCampaign = Selectable<AgendaCampaignsTable>;
export type AgendaCampaignRun = Selectable<AgendaCampaignRunsTable>;
export type AgendaConversation = Selectable<AgendaConversationsTable>;
export type AgendaChatMessage = Selectable<AgendaChatMessagesTable>;
