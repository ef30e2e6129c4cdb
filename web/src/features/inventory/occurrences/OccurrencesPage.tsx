import { useState } from 'react';
import { Link } from 'react-router';
import { useCan } from '../../../app/providers';
import { formatDateTime } from '../../../lib/format';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { SelectField, type Option } from '../../../ui/Field';
import { Badge, PageHeader, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { useActionFeedback } from '../../../ui/Toast';
import { useMachinesLiveQueries } from '../machines/machinesLive';
import { assetPath } from '../paths';

type Alert = RouterOutputs['inventory']['alerts']['list'][number];
type Ticket = RouterOutputs['inventory']['tickets']['list'][number];

const SEVERITY: Record<Alert['severity'], { label: string; tone: 'blue' | 'amber' | 'red' }> = {
  info: { label: 'Informação', tone: 'blue' },
  warning: { label: 'Atenção', tone: 'amber' },
  critical: { label: 'Crítico', tone: 'red' },
};

/** The alerts the inventory itself raises; an agent's own types are shown as it sent them. */
const ALERT_TYPES: Record<string, string> = {
  agent_silent: 'Agente sem sinal',
  loan_overdue: 'Empréstimo atrasado',
  maintenance_sla_warning: 'SLA perto de vencer',
  maintenance_sla_breached: 'SLA vencido',
};

const TICKET_STATUS: Option[] = [
  { value: 'open', label: 'Aberto' },
  { value: 'in_progress', label: 'Em andamento' },
  { value: 'closed', label: 'Fechado' },
];

const ALERT_FILTER: Option[] = [
  { value: 'pending', label: 'Pendentes' },
  { value: 'all', label: 'Todos' },
];

/** A select inside a table row: named for screen readers (and tests) by `label`, without a visible label repeating the row. */
function InlineSelect({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly Option[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <select
      aria-label={label}
      className="block w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 shadow-xs focus:outline-2 focus:-outline-offset-1 focus:outline-zinc-900"
      value={value}
      onChange={(event) => onChange(event.target.value)}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

function AssetCell({ assetId, assetTag, assetName }: { assetId: string | null; assetTag: string | null; assetName: string | null }) {
  if (!assetId) return <span className="text-zinc-500">—</span>;
  return (
    <Link to={assetPath(assetId)} className="text-xs text-zinc-900 underline underline-offset-2">
      <span className="font-mono">{assetTag}</span>
      {assetName && ` · ${assetName}`}
    </Link>
  );
}

function AlertsPanel() {
  const canWrite = useCan('inventory.machines.write');
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const [filter, setFilter] = useState('pending');
  const alerts = trpc.inventory.alerts.list.useQuery(filter === 'pending' ? { acknowledged: false } : {}, {
    placeholderData: (previous) => previous,
  });
  const acknowledge = trpc.inventory.alerts.acknowledge.useMutation({ onSettled: () => utils.inventory.alerts.list.invalidate() });
  const columns: Column<Alert>[] = [
    { header: 'Quando', cell: (alert) => <span className="whitespace-nowrap">{formatDateTime(alert.createdAt)}</span> },
    {
      header: 'Alerta',
      cell: (alert) => (
        <div className="max-w-md space-y-1" data-testid="inventory-alert" data-type={alert.type}>
          <p className="flex flex-wrap items-center gap-1.5">
            <Badge tone={SEVERITY[alert.severity].tone}>{SEVERITY[alert.severity].label}</Badge>
            <span className="font-medium text-zinc-900">{ALERT_TYPES[alert.type] ?? alert.type}</span>
          </p>
          <p className="text-xs text-zinc-600">{alert.message}</p>
        </div>
      ),
    },
    { header: 'Ativo', cell: (alert) => <AssetCell {...alert} /> },
    {
      header: 'Situação',
      className: 'text-right',
      cell: (alert) =>
        alert.acknowledgedAt ? (
          <span className="text-xs text-zinc-500">Reconhecido{alert.acknowledgedByName ? ` por ${alert.acknowledgedByName}` : ''}</span>
        ) : canWrite ? (
          <Button
            size="sm"
            aria-label={`Reconhecer ${alert.message}`}
            onClick={() => void feedback(() => acknowledge.mutateAsync({ id: alert.id }), 'Alerta reconhecido').catch(() => undefined)}
          >
            Reconhecer
          </Button>
        ) : (
          <Badge tone="amber">Pendente</Badge>
        ),
    },
  ];
  return (
    <Panel
      title="Alertas"
      description="Empréstimos atrasados, SLA de manutenção, agentes sem sinal e os alertas que os agentes enviam."
      actions={
        <div className="w-44">
          <SelectField label="Mostrar alertas" options={ALERT_FILTER} value={filter} onChange={(event) => setFilter(event.target.value)} />
        </div>
      }
    >
      <DataTable
        label="Alertas do inventário"
        testId="inventory-alerts-table"
        columns={columns}
        rows={alerts.data}
        rowKey={(alert) => alert.id}
        loading={alerts.isPending}
        empty={<EmptyOrError query={alerts} title={filter === 'pending' ? 'Nenhum alerta pendente' : 'Nenhum alerta'} />}
      />
    </Panel>
  );
}

function TicketsPanel() {
  const canWrite = useCan('inventory.machines.write');
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const tickets = trpc.inventory.tickets.list.useQuery();
  const users = trpc.users.list.useQuery(undefined, { enabled: useCan('identity.users.read') && canWrite });
  const update = trpc.inventory.tickets.update.useMutation({ onSettled: () => utils.inventory.tickets.list.invalidate() });
  const change = (ticket: Ticket, patch: { status?: Ticket['status']; assigneeId?: string | null }) =>
    void feedback(() => update.mutateAsync({ id: ticket.id, ...patch }), `Chamado "${ticket.title}" atualizado`).catch(() => undefined);
  const assigneeOptions = (ticket: Ticket): Option[] => {
    const people = (users.data ?? []).filter((user) => user.active).map((user) => ({ value: user.id, label: user.name }));
    const current = ticket.assigneeId && !people.some((person) => person.value === ticket.assigneeId);
    return [
      { value: '', label: 'Ninguém' },
      ...(current ? [{ value: ticket.assigneeId!, label: ticket.assigneeName ?? 'Usuário' }] : []),
      ...people,
    ];
  };
  const columns: Column<Ticket>[] = [
    {
      header: 'Chamado',
      cell: (ticket) => (
        <div className="max-w-md" data-testid="inventory-ticket">
          <p className="font-medium text-zinc-900">{ticket.title}</p>
          {ticket.description && <p className="text-xs whitespace-pre-line text-zinc-600">{ticket.description}</p>}
          <p className="text-xs text-zinc-500">
            {formatDateTime(ticket.createdAt)}
            {ticket.machineHostname && ` · ${ticket.machineHostname}`}
          </p>
        </div>
      ),
    },
    { header: 'Ativo', cell: (ticket) => <AssetCell {...ticket} /> },
    {
      header: 'Situação',
      cell: (ticket) =>
        canWrite ? (
          <InlineSelect
            label={`Situação do chamado ${ticket.title}`}
            options={TICKET_STATUS}
            value={ticket.status}
            onChange={(status) => change(ticket, { status: status as Ticket['status'] })}
          />
        ) : (
          TICKET_STATUS.find((option) => option.value === ticket.status)?.label
        ),
    },
    {
      header: 'Responsável',
      cell: (ticket) =>
        canWrite && users.data ? (
          <InlineSelect
            label={`Responsável pelo chamado ${ticket.title}`}
            options={assigneeOptions(ticket)}
            value={ticket.assigneeId ?? ''}
            onChange={(assigneeId) => change(ticket, { assigneeId: assigneeId || null })}
          />
        ) : (
          (ticket.assigneeName ?? '—')
        ),
    },
  ];
  return (
    <Panel title="Chamados" description="Abertos pelos agentes das máquinas (POST /api/v1/tickets/create), ligados ao ativo da máquina.">
      <DataTable
        label="Chamados de máquinas"
        testId="inventory-tickets-table"
        columns={columns}
        rows={tickets.data}
        rowKey={(ticket) => ticket.id}
        loading={tickets.isPending}
        empty={<EmptyOrError query={tickets} title="Nenhum chamado" />}
      />
    </Panel>
  );
}

/** Ocorrências: the inventory's alerts (to acknowledge) and the machines' tickets (status and who handles them), live. */
export function OccurrencesPage() {
  useMachinesLiveQueries();
  return (
    <div className="space-y-8">
      <PageHeader title="Ocorrências" description="Alertas e chamados do inventário, atualizados ao vivo." />
      <AlertsPanel />
      <TicketsPanel />
    </div>
  );
}
