import { useEffect } from 'react';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { Badge, Banner } from '../../../ui/Layout';
import { TICKET_STATUSES, type TicketDetail } from '../labels';
import { MessageHistory } from './MessageHistory';
import { ReplyBox } from './ReplyBox';
import { TicketActions } from './TicketActions';
import { TicketHistory } from './TicketHistory';

/** One ticket's conversation beside the inbox; opening it (and every new message while open) marks it read. */
export function ConversationPanel({ ticketId }: { ticketId: string }) {
  const ticket = trpc.helpdesk.tickets.get.useQuery({ id: ticketId });
  const { mutate: markRead } = trpc.helpdesk.tickets.markRead.useMutation();
  const unread = ticket.data?.unreadCount ?? 0;
  useEffect(() => {
    if (unread > 0) markRead({ id: ticketId });
  }, [ticketId, unread, markRead]);

  // A failed refetch keeps what was shown; only a ticket that never loaded shows the error.
  if (!ticket.data) {
    if (ticket.isError) return <Banner>{errorMessage(ticket.error)}</Banner>;
    return (
      <p className="inline-flex items-center gap-2 py-10 text-sm text-zinc-500" role="status">
        <Spinner /> Abrindo a conversa…
      </p>
    );
  }
  return (
    <section
      aria-label={`Conversa do ticket #${ticket.data.number}`}
      data-testid="conversation"
      className="overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs"
    >
      <TicketHeader ticket={ticket.data} />
      <MessageHistory ticketId={ticketId} />
      <ReplyBox ticket={ticket.data} />
      <TicketHistory ticket={ticket.data} />
    </section>
  );
}

function TicketHeader({ ticket }: { ticket: TicketDetail }) {
  const status = TICKET_STATUSES[ticket.status];
  return (
    <header className="space-y-3 border-b border-zinc-200 px-4 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold text-zinc-900">{ticket.contact.name}</h2>
          <p className="text-xs text-zinc-500">
            {ticket.contact.phone} · ticket #{ticket.number}
          </p>
        </div>
        <span data-testid="ticket-status" data-status={ticket.status}>
          <Badge tone={status.tone}>{status.label}</Badge>
        </span>
      </div>
      <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600">
        <div className="flex gap-1">
          <dt className="text-zinc-500">Fila:</dt>
          <dd data-testid="ticket-queue">{ticket.queueName ?? 'sem fila'}</dd>
        </div>
        <div className="flex gap-1">
          <dt className="text-zinc-500">Atendente:</dt>
          <dd data-testid="ticket-assignee">{ticket.assigneeName ?? 'ninguém'}</dd>
        </div>
        {ticket.tags.length > 0 && (
          <div className="flex gap-1">
            <dt className="text-zinc-500">Etiquetas:</dt>
            <dd>{ticket.tags.join(', ')}</dd>
          </div>
        )}
        {ticket.closeReason && (
          <div className="flex gap-1">
            <dt className="text-zinc-500">Motivo do encerramento:</dt>
            <dd>{ticket.closeReason}</dd>
          </div>
        )}
      </dl>
      <TicketActions ticket={ticket} />
    </header>
  );
}
