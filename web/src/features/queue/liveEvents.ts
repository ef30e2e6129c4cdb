import { trpc } from '../../lib/trpc';
import { useLiveEvents } from '../../lib/useLiveEvents';
import type { EventType } from '../../lib/appEvents';

export const isTicketEvent = (type: EventType) => type.startsWith('queue.ticket.');

/**
 * Keeps the queue's setup lists and the panel in step with the live stream: a setup change
 * refreshes the pickers and tables, a ticket event the panel's preview, lines and desk.
 */
export function useQueueLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    if (event.type === 'queue.setup.changed') {
      void utils.queue.units.invalidate();
      void utils.queue.services.invalidate();
      void utils.queue.desks.invalidate();
      void utils.queue.priorities.invalidate();
      void utils.queue.panel.overview.invalidate();
    } else if (isTicketEvent(event.type)) void utils.queue.panel.overview.invalidate();
  });
}
