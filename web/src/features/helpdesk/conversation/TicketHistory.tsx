import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { TICKET_ACTIONS, TICKET_STATUSES, type TicketDetail } from '../labels';
import { useTeam } from '../team';

type HistoryEntry = TicketDetail['history'][number];

/** What a step changed, from what the server recorded: where a transfer sent the ticket, the new tags. */
function changeOf(
  entry: HistoryEntry,
  queueName: (id: string) => string | undefined,
  userName: (id: string) => string | undefined,
): string | null {
  const details = (entry.details ?? {}) as { queueId?: unknown; assigneeId?: unknown; to?: unknown };
  if (entry.action === 'tags') return Array.isArray(details.to) && details.to.length > 0 ? details.to.join(', ') : 'nenhuma';
  if (entry.action !== 'transfer') return null;
  const targets = [
    typeof details.queueId === 'string' ? `fila ${queueName(details.queueId) ?? '?'}` : null,
    typeof details.assigneeId === 'string' ? (userName(details.assigneeId) ?? 'um atendente') : null,
  ];
  const named = targets.filter(Boolean);
  return named.length > 0 ? `para ${named.join(', ')}` : null;
}

/** Every step of the ticket: who took it, moved it, closed or reopened it, and why. */
export function TicketHistory({ ticket }: { ticket: TicketDetail }) {
  const team = useTeam();
  const queues = trpc.helpdesk.queues.list.useQuery();
  const queueName = (id: string) => queues.data?.find((queue) => queue.id === id)?.name;
  const actorName = (actor: HistoryEntry['actor']) => {
    if (actor.type === 'contact') return ticket.contact.name;
    if (actor.type === 'system') return 'Sistema';
    if (actor.type === 'api') return 'API externa';
    return team.nameOf(actor.id) ?? 'Usuário';
  };
  return (
    <details className="border-t border-zinc-200 px-4 py-3 text-sm">
      <summary className="cursor-pointer font-medium text-zinc-700">Histórico do ticket ({ticket.history.length})</summary>
      <ol aria-label="Histórico do ticket" className="mt-2 space-y-1.5">
        {ticket.history.map((entry) => (
          <li key={entry.id} data-testid="history-entry" data-action={entry.action} className="flex flex-wrap gap-x-2 text-zinc-600">
            <time dateTime={entry.at} className="text-xs text-zinc-500 tabular-nums">
              {formatDateTime(entry.at)}
            </time>
            <span className="font-medium text-zinc-900">{TICKET_ACTIONS[entry.action] ?? entry.action}</span>
            <span>por {actorName(entry.actor)}</span>
            {changeOf(entry, queueName, team.nameOf) && <span>{changeOf(entry, queueName, team.nameOf)}</span>}
            {entry.toStatus && <span className="text-zinc-500">→ {TICKET_STATUSES[entry.toStatus].label.toLowerCase()}</span>}
            {entry.reason && <span className="w-full text-xs text-zinc-500">Motivo: {entry.reason}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}
