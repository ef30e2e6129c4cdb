import { trpc } from '../../../lib/trpc';
import { TICKET_STATUS_ORDER, TICKET_STATUSES, type TicketStatus } from '../labels';
import type { TicketFilters } from './filters';

interface StatusTabsProps {
  current: TicketStatus;
  onChange: (status: TicketStatus) => void;
  /** The inbox's filters, so each count is what its tab lists. */
  filters: TicketFilters;
}

/** Pendentes / Em atendimento / Encerrados, each with the number of tickets in the user's inbox that pass the filters. */
export function StatusTabs({ current, onChange, filters }: StatusTabsProps) {
  const counts = trpc.helpdesk.tickets.counts.useQuery(filters);
  return (
    <div role="tablist" aria-label="Situação dos tickets" className="grid grid-cols-3 border-b border-zinc-200">
      {TICKET_STATUS_ORDER.map((status) => {
        const selected = status === current;
        return (
          <button
            key={status}
            type="button"
            role="tab"
            aria-selected={selected}
            onClick={() => onChange(status)}
            className={`-mb-px flex min-w-0 flex-col-reverse items-center border-b-2 px-1 py-2 text-sm ${selected ? 'border-zinc-900 font-medium text-zinc-900' : 'border-transparent text-zinc-500 hover:text-zinc-800'}`}
          >
            {/* The label first for screen readers ("Pendentes 3"); the number shows on top. */}
            <span className="truncate">{TICKET_STATUSES[status].tab}</span>
            <span data-testid={`ticket-count-${status}`} className="text-lg leading-6 font-semibold tabular-nums">
              {counts.data?.[status] ?? '…'}
            </span>
          </button>
        );
      })}
    </div>
  );
}
