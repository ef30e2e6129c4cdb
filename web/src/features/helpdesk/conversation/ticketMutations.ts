import { trpc } from '../../../lib/trpc';
import type { TicketDetail } from '../labels';

/**
 * Callbacks for the ticket actions (accept, transfer, close, reopen), which answer the ticket
 * as it now is: shown at once, the inbox refreshed either way, and after a refusal (another
 * agent got there first) the ticket reloaded, so the panel shows where it really stands.
 */
export function useTicketMutationCallbacks(ticketId: string) {
  const utils = trpc.useUtils();
  return (after?: (updated: TicketDetail) => void) => ({
    onSuccess: (updated: TicketDetail) => {
      utils.helpdesk.tickets.get.setData({ id: ticketId }, updated);
      after?.(updated);
    },
    onError: () => {
      void utils.helpdesk.tickets.get.invalidate({ id: ticketId });
    },
    onSettled: () => {
      void utils.helpdesk.tickets.list.invalidate();
      void utils.helpdesk.tickets.counts.invalidate();
    },
  });
}
