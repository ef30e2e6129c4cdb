import type { EventTypeDeclarations } from '../../platform/events/catalog';
import type { ChannelStatus, DeliveryStatus } from './channels/provider';
import { helpdeskPermissions as can } from './permissions';

/** What the inbox needs to place a ticket without fetching it again. */
export interface TicketSummary {
  ticketId: string;
  number: number;
  status: 'pending' | 'open' | 'closed';
  channelId: string;
  contactId: string;
  queueId: string | null;
  assigneeId: string | null;
  unreadCount: number;
  lastMessageAt: string;
  lastMessagePreview: string;
}

declare module '../../platform/events/catalog' {
  interface EventMap {
    'ticket.created': TicketSummary;
    'ticket.updated': TicketSummary & {
      change: 'accepted' | 'transferred' | 'closed' | 'reopened' | 'message' | 'read' | 'tags';
      /** Where the ticket was before a transition moved it: who could see it until now. */
      previous?: { queueId: string | null; assigneeId: string | null };
    };
    'message.created': {
      messageId: string;
      ticketId: string;
      direction: 'inbound' | 'outbound';
      kind: string;
      body: string;
      isNote: boolean;
      status: DeliveryStatus | 'received';
      createdAt: string;
    };
    'message.status_changed': { messageId: string; ticketId: string; status: DeliveryStatus; failureReason: string | null };
    'channel.status_changed': { channelId: string; name: string; status: ChannelStatus; reason: string | null };
    /** A queue's members now (none when it was deleted): agents' live streams and inboxes follow at once. */
    'queue.members_changed': { queueId: string; memberIds: string[] };
    /** A quick reply was created, changed or deleted: agents' pickers refresh. */
    'quick_reply.changed': { quickReplyId: string; shortcut: string; change: 'created' | 'updated' | 'deleted' };
  }
}

// Tickets and messages are narrowed further to the agent's queues by the domain's audience.
const seesTickets = { readPermission: can['helpdesk.tickets.read'] };

export const helpdeskEventTypes = {
  'ticket.created': seesTickets,
  'ticket.updated': seesTickets,
  'message.created': seesTickets,
  'message.status_changed': seesTickets,
  'channel.status_changed': { readPermission: can['helpdesk.channels.read'] },
  'queue.members_changed': seesTickets,
  'quick_reply.changed': seesTickets,
} as const satisfies EventTypeDeclarations;
