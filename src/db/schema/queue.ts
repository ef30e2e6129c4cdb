import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, DefaultedTimestamp, Int8Identity, Json, Timestamp } from './columns';
import type { WeeklyHoursEntry } from './agenda';

/** A date column, read as 'YYYY-MM-DD'. */
type DateColumn = ColumnType<string, string, string>;

/** Opening intervals per weekday in the unit's zone (the shape of the helpdesk's business hours). */
export interface OpeningHours {
  intervals: WeeklyHoursEntry[];
}

export type QueueTicketStatus = 'waiting' | 'called' | 'in_service' | 'completed' | 'no_show' | 'cancelled';

/** What moved a ticket from one state to the next, as the transition log records it. */
export type QueueTicketAction = 'issued' | 'called' | 'recalled' | 'started' | 'completed' | 'no_show' | 'cancelled' | 'transferred';

export interface QueuePrioritiesTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  description: Generated<string>;
  weight: number;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface QueueUnitsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  time_zone: string;
  address: Generated<string>;
  /** Wall-clock hours per weekday (0 = Sunday) in the unit's zone. */
  opening_hours: Json<OpeningHours>;
  /** Priority tickets called in a row before a waiting normal one goes. */
  priority_ratio: Generated<number>;
  /** A normal ticket waiting longer than this goes first. */
  max_wait_min: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface QueueServicesTable {
  id: Generated<string>;
  tenant_id: string;
  unit_id: string;
  name: string;
  prefix: string;
  /** Null: the unit's hours. */
  opening_hours: Json<OpeningHours> | null;
  daily_cap: number | null;
  expected_service_min: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface QueueDesksTable {
  id: Generated<string>;
  tenant_id: string;
  unit_id: string;
  name: string;
  number: number;
  active: Generated<boolean>;
  /** Priority tickets this desk called in a row; the unit's ratio lets a normal one through after it. */
  priority_streak: Generated<number>;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface QueueDailyCountersTable {
  tenant_id: string;
  service_id: string;
  business_date: DateColumn;
  last_number: number;
}

export interface QueueTicketsTable {
  id: Generated<string>;
  tenant_id: string;
  unit_id: string;
  /** The line the ticket is in now (a transfer moves it). */
  service_id: string;
  /** The service whose numbering gave the ticket its code. */
  issued_service_id: string;
  business_date: DateColumn;
  number: number;
  code: string;
  public_code: string;
  priority_id: string | null;
  priority_name: string | null;
  priority_weight: Generated<number>;
  status: Generated<QueueTicketStatus>;
  /** The original arrival, kept through transfers: the line orders by it. */
  arrived_at: Generated<Date>;
  called_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  call_count: Generated<number>;
  desk_id: string | null;
  operator_id: string | null;
  issued_by_device_id: string | null;
  created_at: CreatedAt;
  updated_at: DefaultedTimestamp;
}

export interface QueueTransitionsTable {
  id: Int8Identity;
  tenant_id: string;
  ticket_id: string;
  unit_id: string;
  service_id: string;
  action: QueueTicketAction;
  from_status: QueueTicketStatus | null;
  to_status: QueueTicketStatus;
  desk_id: string | null;
  operator_id: string | null;
  device_id: string | null;
  /** Who it was, as the audit log names them (the operator's name, the kiosk's). */
  actor_label: Generated<string>;
  request_id: string | null;
  at: Generated<Date>;
}

export interface QueueCallRequestsTable {
  tenant_id: string;
  request_id: string;
  desk_id: string;
  ticket_id: string | null;
  created_at: CreatedAt;
}

export interface QueueDisplayStatusTable {
  device_id: string;
  tenant_id: string;
  unit_id: string;
  device_name: Generated<string>;
  showing_ticket_id: string | null;
  last_heartbeat_at: DefaultedTimestamp;
  user_agent: string | null;
}

export type QueuePriority = Selectable<QueuePrioritiesTable>;
export type QueueUnit = Selectable<QueueUnitsTable>;
export type QueueService = Selectable<QueueServicesTable>;
export type QueueDesk = Selectable<QueueDesksTable>;
export type QueueTicket = Selectable<QueueTicketsTable>;
export type QueueTransition = Selectable<QueueTransitionsTable>;

/** Units, their services and desks, priority categories, tickets with their daily numbering, the transition log and the displays' heartbeats. */
export interface QueueTables {
  queue_priorities: QueuePrioritiesTable;
  queue_units: QueueUnitsTable;
  queue_services: QueueServicesTable;
  queue_desks: QueueDesksTable;
  queue_daily_counters: QueueDailyCountersTable;
  queue_tickets: QueueTicketsTable;
  queue_transitions: QueueTransitionsTable;
  queue_call_requests: QueueCallRequestsTable;
  queue_display_status: QueueDisplayStatusTable;
}
