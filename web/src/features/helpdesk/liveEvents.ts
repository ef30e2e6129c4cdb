import { trpc } from '../../lib/trpc';
import { useLiveEvents } from '../../lib/useLiveEvents';

/**
 * Keeps the helpdesk's cached queries in step with the stream: what an event changes is
 * refetched where it is on screen and marked stale everywhere else.
 */
export function useHelpdeskLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    switch (event.type) {
      case 'ticket.created':
      case 'ticket.updated':
        void utils.helpdesk.tickets.list.invalidate();
        void utils.helpdesk.tickets.counts.invalidate();
        void utils.helpdesk.tickets.get.invalidate({ id: event.data.ticketId });
        // A contact's first message creates the contact too.
        if (event.type === 'ticket.created') void utils.helpdesk.contacts.list.invalidate();
        return;
      case 'message.created':
      case 'message.status_changed':
        void utils.helpdesk.messages.list.invalidate({ ticketId: event.data.ticketId });
        return;
      case 'user.created':
      case 'user.updated':
        // Who can take tickets, and the names shown beside what they did.
        void utils.helpdesk.agents.list.invalidate();
        return;
      case 'channel.status_changed':
        void utils.helpdesk.channels.list.invalidate();
        void utils.helpdesk.channels.statusHistory.invalidate({ id: event.data.channelId });
        return;
      case 'queue.members_changed':
        // Whose inbox holds which tickets follows queue membership.
        void utils.helpdesk.queues.list.invalidate();
        void utils.helpdesk.tickets.list.invalidate();
        void utils.helpdesk.tickets.counts.invalidate();
        return;
      case 'quick_reply.changed':
        void utils.helpdesk.quickReplies.list.invalidate();
        return;
      default:
        return;
    }
  });
}
