import type { RouterInputs } from '../../../lib/trpc';
import type { TicketStatus } from '../labels';

/** What the inbox filter form holds: plain strings, empty for "any". */
export interface TicketFilterValues {
  queueId: string;
  assigneeId: string;
  tag: string;
  search: string;
}

export const NO_TICKET_FILTERS: TicketFilterValues = { queueId: '', assigneeId: '', tag: '', search: '' };

export type TicketQuery = Omit<NonNullable<RouterInputs['helpdesk']['tickets']['list']>, 'cursor' | 'limit'>;

/** The server's filters for one status tab, empty fields dropped. */
export function toTicketQuery(status: TicketStatus, values: TicketFilterValues): TicketQuery {
  return {
    status,
    ...(values.queueId ? { queueId: values.queueId } : {}),
    ...(values.assigneeId ? { assigneeId: values.assigneeId } : {}),
    ...(values.tag.trim() ? { tag: values.tag.trim() } : {}),
    ...(values.search.trim() ? { search: values.search.trim() } : {}),
  };
}
