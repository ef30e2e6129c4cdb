import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Timestamp, CreatedAt, DefaultedTimestamp, Int8Identity, Json } from './columns';

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
  /** When chat_from_helpdesk was last switched on; null while it is off. */
  chat_from_helpdesk_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
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

/** Clients, services, professionals, appointments, authorizations, notifications, campaigns, the chat agent and its LLM calls. */
export interface AgendaTables {
  agenda_settings: AgendaSettingsTable;
  agenda_clients: AgendaClientsTable;
  agenda_services: AgendaServicesTable;
  agenda_professionals: AgendaProfessionalsTable;
  agenda_professional_services: AgendaProfessionalServicesTable;
  agenda_date_overrides: AgendaDateOverridesTable;
  agenda_time_off: AgendaTimeOffTable;
  agenda_auth_requests: AgendaAuthRequestsTable;
  agenda_appointments: AgendaAppointmentsTable;
  agenda_notifications: AgendaNotificationsTable;
  agenda_campaigns: AgendaCampaignsTable;
  agenda_campaign_runs: AgendaCampaignRunsTable;
  agenda_conversations: AgendaConversationsTable;
  agenda_chat_messages: AgendaChatMessagesTable;
  llm_calls: LlmCallsTable;
}
