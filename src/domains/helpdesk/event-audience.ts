import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withTenant } from '../../db/tenant-scope';
import type { EventAudience, StreamViewer } from '../../platform/events/audience';
import { helpdeskPermissions as can } from './permissions';

/** Tickets whose visibility a stream remembers; past this it starts over (each ticket is looked up again once). */
const REMEMBERED_TICKETS = 10_000;

/**
 * Agents receive the live events of the tickets they may open (their queues, no queue, their
 * own) and nothing of the others' conversations; a ticket leaving their inbox is announced to
 * them once, so their list drops it. `helpdesk.tickets.readAll` receives everything. Queue
 * memberships are read when the stream starts and follow `queue.members_changed` from then on.
 */
export async function helpdeskEventAudience(db: Kysely<DB>, viewer: StreamViewer): Promise<EventAudience> {
  if (viewer.permissions.has(can['helpdesk.tickets.readAll'])) return () => true;
  const memberships = await withTenant(db, viewer.tenantId, (trx) =>
    trx.selectFrom('helpdesk_queue_members').select('queue_id').where('user_id', '=', viewer.userId).execute(),
  );
  const queueIds = new Set(memberships.map((membership) => membership.queue_id));
  const sees = (ticket: { queueId: string | null; assigneeId: string | null }) =>
    ticket.queueId === null || ticket.assigneeId === viewer.userId || queueIds.has(ticket.queueId);

  const visible = new Map<string, boolean>();
  const remember = (ticketId: string, seen: boolean) => {
    if (visible.size >= REMEMBERED_TICKETS) visible.clear();
    visible.set(ticketId, seen);
  };
  const seesTicket = async (ticketId: string) => {
    const known = visible.get(ticketId);
    if (known !== undefined) return known;
    const ticket = await withTenant(db, viewer.tenantId, (trx) =>
      trx.selectFrom('helpdesk_tickets').select(['queue_id', 'assignee_id']).where('id', '=', ticketId).executeTakeFirst(),
    );
    const seen = ticket ? sees({ queueId: ticket.queue_id, assigneeId: ticket.assignee_id }) : false;
    remember(ticketId, seen);
    return seen;
  };

  return async (event) => {
    switch (event.type) {
      case 'ticket.created':
      case 'ticket.updated': {
        const before =
          visible.get(event.data.ticketId) ?? ('previous' in event.data && event.data.previous ? sees(event.data.previous) : false);
        const now = sees(event.data);
        remember(event.data.ticketId, now);
        return now || before;
      }
      case 'message.created':
      case 'message.status_changed':
        return seesTicket(event.data.ticketId);
      case 'queue.members_changed':
        if (event.data.memberIds.includes(viewer.userId)) queueIds.add(event.data.queueId);
        else queueIds.delete(event.data.queueId);
        // Which tickets the agent may open changed with it: each is looked up again.
        visible.clear();
        return true;
      default:
        return true;
    }
  };
}
