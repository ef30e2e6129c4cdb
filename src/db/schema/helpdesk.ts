import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp, CreatedAt, DefaultedTimestamp, Int8Identity, Json } from './columns';

export interface HelpdeskSettingsTable {
  tenant_id: string;
  last_ticket_number: Generated<number>;
  reopen_window_minutes: Generated<number>;
  business_hours: Json<unknown> | null;
  out_of_hours_message: string | null;
  queue_menu_enabled: Generated<boolean>;
  /** Stored media older than this many days is deleted each night; null keeps it for good. */
  media_retention_days: number | null;
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
  /** The secret before the last rotation, sealed, and its digest: a call still carrying it comes from an outdated workflow. */
  previous_webhook_secret_sealed: string | null;
  previous_webhook_secret_hash: string | null;
  /** When a call last came with the previous secret (refused); cleared by the next genuine call. */
  webhook_refused_at: Timestamp | null;
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

export type HelpdeskChannel = Selectable<HelpdeskChannelsTable>;

export type HelpdeskContact = Selectable<HelpdeskContactsTable>;

export type HelpdeskQueue = Selectable<HelpdeskQueuesTable>;

export type HelpdeskTicket = Selectable<HelpdeskTicketsTable>;

export type HelpdeskTicketEvent = Selectable<HelpdeskTicketEventsTable>;

export type HelpdeskMessage = Selectable<HelpdeskMessagesTable>;

export type NewHelpdeskMessage = Insertable<HelpdeskMessagesTable>;

export type HelpdeskQuickReply = Selectable<HelpdeskQuickRepliesTable>;

export type HelpdeskApiConfig = Selectable<HelpdeskApiConfigsTable>;

/** Channels, contacts, queues, tickets, messages, quick replies, the external API and media. */
export interface HelpdeskTables {
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
}
