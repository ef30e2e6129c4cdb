import { getQueryKey } from '@trpc/react-query';
import { Link } from 'react-router';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { Spinner } from '../../../ui/Button';
import type { TicketListItem } from '../labels';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { ticketPath } from '../paths';
import { EmptyOrError } from '../../../ui/QueryStatus';
import type { TicketQuery } from './filters';

/** One status tab of the inbox with its filters, newest activity first, page by page. */
export function useTicketPages(query: TicketQuery) {
  const { client } = trpc.useUtils();
  return useCursorPages(getQueryKey(trpc.helpdesk.tickets.list, query, 'infinite'), (cursor) =>
    client.helpdesk.tickets.list.query({ ...query, ...(cursor ? { cursor } : {}) }),
  );
}

export type TicketPages = ReturnType<typeof useTicketPages>;

/** The tickets of one status tab, with "carregar mais". */
export function TicketList({ tickets, selectedId }: { tickets: TicketPages; selectedId: string | null }) {
  if (tickets.isPending) {
    return (
      <p className="inline-flex items-center gap-2 px-1 py-6 text-sm text-zinc-500">
        <Spinner /> Carregando…
      </p>
    );
  }
  if (!tickets.items || tickets.items.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-10 text-center text-sm">
        <EmptyOrError query={tickets} title="Nenhum ticket aqui" hint="Novas conversas aparecem sem recarregar a página." />
      </div>
    );
  }
  return (
    <div className="space-y-3">
      <ul
        aria-label="Tickets"
        data-testid="ticket-list"
        className="divide-y divide-zinc-100 overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs"
      >
        {tickets.items.map((ticket) => (
          <li key={ticket.id}>
            <TicketEntry ticket={ticket} selected={ticket.id === selectedId} />
          </li>
        ))}
      </ul>
      <LoadMoreButton pages={tickets} />
    </div>
  );
}

function TicketEntry({ ticket, selected }: { ticket: TicketListItem; selected: boolean }) {
  return (
    <Link
      to={ticketPath(ticket.id)}
      aria-current={selected ? 'true' : undefined}
      data-testid="ticket-item"
      data-ticket-id={ticket.id}
      className={`block px-4 py-3 ${selected ? 'bg-zinc-100' : 'hover:bg-zinc-50'}`}
    >
      <div className="flex items-baseline justify-between gap-2">
        <p className={`truncate text-sm ${ticket.unreadCount > 0 ? 'font-semibold text-zinc-900' : 'font-medium text-zinc-800'}`}>
          {ticket.contact.name}
        </p>
        <time dateTime={ticket.lastMessageAt} title={formatDateTime(ticket.lastMessageAt)} className="shrink-0 text-xs text-zinc-500">
          {formatRelative(ticket.lastMessageAt)}
        </time>
      </div>
      <div className="mt-0.5 flex items-center justify-between gap-2">
        <p className="truncate text-sm text-zinc-600" data-testid="ticket-preview">
          {ticket.lastMessagePreview || '—'}
        </p>
        {ticket.unreadCount > 0 && (
          <span
            data-testid="unread-badge"
            aria-label={`${ticket.unreadCount} não lida(s)`}
            className="grid h-5 min-w-5 shrink-0 place-items-center rounded-full bg-emerald-600 px-1.5 text-xs font-semibold text-white tabular-nums"
          >
            {ticket.unreadCount}
          </span>
        )}
      </div>
      <p className="mt-1 truncate text-xs text-zinc-500">
        #{ticket.number}
        {ticket.queueName && <> · {ticket.queueName}</>}
        {ticket.assigneeName && <> · {ticket.assigneeName}</>}
        {ticket.tags.length > 0 && <> · {ticket.tags.join(', ')}</>}
      </p>
    </Link>
  );
}
