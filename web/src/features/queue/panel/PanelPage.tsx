import { useRef, useState } from 'react';
import { errorMessage } from '../../../lib/errors';
import { formatTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { CheckboxGroup, SelectField } from '../../../ui/Field';
import { Badge, Banner, Card, PageHeader, Panel } from '../../../ui/Layout';
import { useQueueLiveQueries } from '../liveEvents';
import type { QueueService, Ticket } from '../types';
import { unitOrFirst, UnitSelect } from '../UnitSelect';
import { usePanelChoice } from './panelChoice';
import { TicketActions } from './TicketActions';

/** The operator's desk: pick where and what, call the next ticket, and move the tickets at the desk. */
export function PanelPage() {
  useQueueLiveQueries();
  const { choice, update } = usePanelChoice();
  const units = trpc.queue.units.list.useQuery();
  const unit = unitOrFirst(units.data, choice.unitId);
  const desks = trpc.queue.desks.list.useQuery({ unitId: unit?.id ?? '' }, { enabled: Boolean(unit) });
  const services = trpc.queue.services.list.useQuery({ unitId: unit?.id ?? '' }, { enabled: Boolean(unit) });
  const activeDesks = desks.data?.filter((desk) => desk.active) ?? [];
  const desk = activeDesks.find((candidate) => candidate.id === choice.deskId) ?? activeDesks[0];
  const activeServices = services.data?.filter((service) => service.active) ?? [];
  const served = choice.serviceIds.filter((id) => activeServices.some((service) => service.id === id));
  const serviceIds = served.length > 0 ? served : undefined;

  const overview = trpc.queue.panel.overview.useQuery(
    { unitId: unit?.id ?? '', deskId: desk?.id, ...(serviceIds ? { serviceIds } : {}) },
    { enabled: Boolean(unit) },
  );

  if (units.data && units.data.length === 0) {
    return (
      <>
        <PageHeader title="Painel do operador" />
        <Banner tone="info">Nenhuma unidade cadastrada: configure a fila primeiro.</Banner>
      </>
    );
  }

  return (
    <div className="space-y-6">
      <PageHeader title="Painel do operador" description="Chame a próxima senha, atenda e conclua." />
      <Card>
        <div className="grid gap-4 md:grid-cols-3">
          {units.data && unit && <UnitSelect units={units.data} value={unit.id} onChange={(unitId) => update({ unitId, deskId: null })} />}
          <SelectField
            label="Guichê"
            options={activeDesks.map((option) => ({ value: option.id, label: `${option.name} (nº ${option.number})` }))}
            value={desk?.id ?? ''}
            onChange={(event) => update({ deskId: event.target.value })}
          />
          <CheckboxGroup
            legend="Serviços atendidos (nenhum marcado: todos)"
            options={activeServices.map((service) => ({ value: service.id, label: `${service.prefix} · ${service.name}` }))}
            selected={served}
            onChange={(next) => update({ serviceIds: next })}
          />
        </div>
      </Card>
      {desk && unit && <CallNext deskId={desk.id} serviceIds={serviceIds} />}
      {overview.isError && <Banner>{errorMessage(overview.error)}</Banner>}
      <Panel title="No guichê" testId="at-desk">
        <AtDesk tickets={overview.data?.atDesk ?? []} services={activeServices} />
      </Panel>
      <div className="grid gap-6 md:grid-cols-2">
        <Panel title="Próximas senhas" testId="next-tickets">
          <ol className="space-y-1.5">
            {overview.data?.next.length === 0 && <li className="text-sm text-zinc-500">Ninguém aguardando.</li>}
            {overview.data?.next.map((ticket) => (
              <li key={ticket.ticketId} className="flex items-center gap-2 text-sm">
                <span className="font-mono text-base font-semibold">{ticket.code}</span>
                {ticket.priority && <Badge tone="amber">prioridade</Badge>}
                <span className="text-xs text-zinc-500">chegou às {formatTime(ticket.arrivedAt)}</span>
              </li>
            ))}
          </ol>
        </Panel>
        <Panel title="Fila por serviço" testId="lines">
          <ul className="space-y-1.5 text-sm">
            {overview.data?.lines.map((line) => {
              const service = services.data?.find((candidate) => candidate.id === line.serviceId);
              return (
                <li key={line.serviceId} className="flex items-center justify-between gap-2">
                  <span>{service ? `${service.prefix} · ${service.name}` : '—'}</span>
                  <span className="tabular-nums">
                    {line.waiting} aguardando{line.priorityWaiting > 0 && ` (${line.priorityWaiting} prioritária(s))`}
                  </span>
                </li>
              );
            })}
          </ul>
        </Panel>
      </div>
    </div>
  );
}

/** "Chamar próxima": one requestId per intended call, kept until it resolves so a double click is one call. */
function CallNext({ deskId, serviceIds }: { deskId: string; serviceIds: string[] | undefined }) {
  const utils = trpc.useUtils();
  const pendingRequestId = useRef<string | null>(null);
  const [nobodyWaiting, setNobodyWaiting] = useState(false);
  const callNext = trpc.queue.panel.callNext.useMutation({
    onSettled: () => {
      pendingRequestId.current = null;
      void utils.queue.panel.overview.invalidate();
    },
    onSuccess: (called) => setNobodyWaiting(called === null),
  });
  const call = () => {
    pendingRequestId.current ??= crypto.randomUUID();
    callNext.mutate({ deskId, ...(serviceIds ? { serviceIds } : {}), requestId: pendingRequestId.current });
  };
  return (
    <div className="space-y-2">
      <Button tone="primary" className="h-14 w-full text-lg md:w-auto md:px-10" onClick={call} disabled={callNext.isPending}>
        Chamar próxima
      </Button>
      {nobodyWaiting && <Banner tone="info">Nenhuma senha aguardando</Banner>}
      {callNext.error && <Banner>{errorMessage(callNext.error)}</Banner>}
    </div>
  );
}

function AtDesk({ tickets, services }: { tickets: readonly Ticket[]; services: readonly QueueService[] }) {
  if (tickets.length === 0) return <p className="text-sm text-zinc-500">Nenhuma senha no guichê.</p>;
  return (
    <ul className="space-y-3">
      {tickets.map((ticket) => (
        <li key={ticket.ticketId}>
          <Card>
            <div className="flex flex-wrap items-center gap-3">
              <span className="font-mono text-2xl font-semibold" data-testid="desk-ticket-code">
                {ticket.code}
              </span>
              {ticket.priority && <Badge tone="amber">prioridade</Badge>}
              <Badge tone={ticket.status === 'in_service' ? 'green' : 'blue'}>
                {ticket.status === 'in_service' ? 'em atendimento' : 'chamada'}
              </Badge>
            </div>
            <TicketActions ticket={ticket} services={services} />
          </Card>
        </li>
      ))}
    </ul>
  );
}
