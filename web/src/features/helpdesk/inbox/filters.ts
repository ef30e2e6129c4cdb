import type { RouterInputs } from '../../../lib/trpc';
import type { TicketListItem } from '../labels';

/** What the inbox filter form holds: plain strings, empty for "any". */
export interface TicketFilterValues {
  queueId: string;
  assigneeId: string;
  tag: string;
  search: string;
}

export const NO_TICKET_FILTERS: TicketFilterValues = { queueId: '', assigneeId: '', tag: '', search: '' };

/** The filters the list and the tab counts share. */
export type TicketFilters = NonNullable<RouterInputs['helpdesk']['tickets']['counts']>;
export type TicketQuery = Omit<NonNullable<RouterInputs['helpdesk']['tickets']['list']>, 'cursor' | 'limit'>;

/** The server's filters, empty fields dropped. */
export function toTicketFilters(values: TicketFilterValues): TicketFilters {
  return {
    ...(values.queueId ? { queueId: values.queueId } : {}),
    ...(values.assigneeId ? { assigneeId: values.assigneeId } : {}),
    ...(values.tag.trim() ? { tag: values.tag.trim() } : {}),
    ...(values.search.trim() ? { search: values.search.trim() } : {}),
  };
}

/** The tags of the tickets on screen, to pick from in the tag filter. */
export function tagsSeenIn(tickets: readonly TicketListItem[] | undefined): string[] {
  return [...new Set((tickets ?? []).flatMap((ticket) => ticket.tags))].sort((a, b) => a.localeCompare(b, 'pt-BR'));
}
