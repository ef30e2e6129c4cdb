import { useEffect, useEffectEvent, useRef } from 'react';
import { trpc } from '../../lib/trpc';
import { useEventStream } from '../../lib/eventStream';
import type { AppEvent } from '../activity/events';

/**
 * Calls `onEvent` for every event of the live stream that arrives while the component is
 * mounted, oldest first. Events already in the feed at mount are old news: the page loaded
 * its data after them.
 */
export function useLiveEvents(onEvent: (event: AppEvent) => void): void {
  const { events } = useEventStream();
  const newestSeenId = useRef(events[0]?.id);
  const handle = useEffectEvent(onEvent);
  useEffect(() => {
    const arrived: AppEvent[] = [];
    for (const event of events) {
      if (event.id === newestSeenId.current) break;
      arrived.push(event);
    }
    newestSeenId.current = events[0]?.id;
    for (const event of arrived.reverse()) handle(event);
  }, [events]);
}

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
