import type { QueueTicketStatus } from '../../db/schema';
import type { EventTypeDeclarations } from '../../platform/events/catalog';
import { queuePermissions as can } from './permissions';

/** A ticket as panels, displays and status pages place it without fetching it again. */
export interface QueueTicketSummary {
  ticketId: string;
  unitId: string;
  serviceId: string;
  code: string;
  status: QueueTicketStatus;
  priority: string | null;
  arrivedAt: string;
  deskId: string | null;
  deskName: string | null;
  deskNumber: number | null;
  calledAt: string | null;
  callCount: number;
}

declare module '../../platform/events/catalog' {
  interface EventMap {
    'queue.ticket.issued': QueueTicketSummary;
    'queue.ticket.called': QueueTicketSummary;
    'queue.ticket.recalled': QueueTicketSummary;
    'queue.ticket.started': QueueTicketSummary;
    'queue.ticket.completed': QueueTicketSummary;
    'queue.ticket.no_show': QueueTicketSummary;
    'queue.ticket.cancelled': QueueTicketSummary;
    'queue.ticket.transferred': QueueTicketSummary & { fromServiceId: string };
    /** Units, services, desks or priorities changed: kiosks, panels and pickers refresh. */
    'queue.setup.changed': { entity: 'unit' | 'service' | 'desk' | 'priority'; id: string; unitId: string | null };
  }
}

const panel = { readPermission: can['queue.panel'] };

export const queueEventTypes = {
  'queue.ticket.issued': panel,
  'queue.ticket.called': panel,
  'queue.ticket.recalled': panel,
  'queue.ticket.started': panel,
  'queue.ticket.completed': panel,
  'queue.ticket.no_show': panel,
  'queue.ticket.cancelled': panel,
  'queue.ticket.transferred': panel,
  'queue.setup.changed': { readPermission: can['queue.setup.read'] },
} as const satisfies EventTypeDeclarations;

/** Every ticket event: the line, the panel's preview, the statistics and the status pages follow these. */
export const TICKET_EVENT_TYPES = [
  'queue.ticket.issued',
  'queue.ticket.called',
  'queue.ticket.recalled',
  'queue.ticket.started',
  'queue.ticket.completed',
  'queue.ticket.no_show',
  'queue.ticket.cancelled',
  'queue.ticket.transferred',
] as const;

/** What a display announces. */
export const CALL_EVENT_TYPES = ['queue.ticket.called', 'queue.ticket.recalled'] as const;
