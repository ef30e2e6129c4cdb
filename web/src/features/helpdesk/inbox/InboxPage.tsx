import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { EmptyState, PageHeader } from '../../../ui/Layout';
import { ConnectionIndicator } from '../../../lib/eventStream';
import { ChannelAlerts } from '../channels/ChannelAlerts';
import { ConversationPanel } from '../conversation/ConversationPanel';
import type { TicketStatus } from '../labels';
import { useHelpdeskLiveQueries } from '../liveEvents';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { NO_TICKET_FILTERS, tagsSeenIn, toTicketFilters, type TicketFilterValues } from './filters';
import { StatusTabs } from './StatusTabs';
import { TicketFilters } from './TicketFilters';
import { TicketList, useTicketPages } from './TicketList';

const FILTER_DEBOUNCE_MS = 300;

/** The inbox: tickets by status on the left, the open conversation on the right; both follow the live stream. */
export function InboxPage() {
  useHelpdeskLiveQueries();
  // The ticket whose conversation is open: /atendimento/<id>.
  const selectedId = useParams()['*'] || null;
  const [status, setStatus] = useState<TicketStatus>('pending');
  const [filterValues, setFilterValues] = useState<TicketFilterValues>(NO_TICKET_FILTERS);
  const settledFilters = useDebouncedValue(filterValues, FILTER_DEBOUNCE_MS);
  const filters = useMemo(() => toTicketFilters(settledFilters), [settledFilters]);
  const tickets = useTicketPages({ status, ...filters });
  return (
    <>
      <PageHeader
        title="Atendimento"
        description="As conversas dos seus canais. Novas mensagens aparecem aqui sem recarregar a página."
        actions={<ConnectionIndicator />}
      />
      <ChannelAlerts linkToChannels />
      <TicketFilters values={filterValues} onChange={setFilterValues} tags={tagsSeenIn(tickets.items)} />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[22rem_minmax(0,1fr)] lg:items-start">
        <section aria-label="Caixa de entrada" className="space-y-3">
          <StatusTabs current={status} onChange={setStatus} filters={filters} />
          <TicketList tickets={tickets} selectedId={selectedId} />
        </section>
        {selectedId ? (
          <ConversationPanel key={selectedId} ticketId={selectedId} />
        ) : (
          <div className="hidden rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-16 text-center text-sm lg:block">
            <EmptyState title="Escolha um ticket" hint="A conversa abre aqui, ao lado da lista." />
          </div>
        )}
      </div>
    </>
  );
}
