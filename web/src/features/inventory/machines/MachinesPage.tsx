import { useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { actionsColumn } from '../../../ui/actionsColumn';
import { Button } from '../../../ui/Button';
import { DataTable, type Column } from '../../../ui/DataTable';
import { SelectField, TextField } from '../../../ui/Field';
import { Badge, PageHeader, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { assetPath } from '../paths';
import { factLines } from './facts';
import { MACHINES_REFRESH_MS, useMachinesLiveQueries } from './machinesLive';

type Machine = RouterOutputs['inventory']['machines']['list'][number];

const STATUS_FILTER = [
  { value: '', label: 'Todas' },
  { value: 'online', label: 'Online' },
  { value: 'offline', label: 'Offline' },
];

function MachineStatus({ machine }: { machine: Machine }) {
  if (machine.revoked) return <Badge tone="zinc">Revogado</Badge>;
  return machine.online ? <Badge tone="green">Online</Badge> : <Badge tone="red">Offline</Badge>;
}

function AssetLink({ machine }: { machine: Pick<Machine, 'assetId' | 'assetTag' | 'assetName'> }) {
  if (!machine.assetId) return <span className="text-zinc-500">—</span>;
  return (
    <Link to={assetPath(machine.assetId)} className="font-mono text-xs text-zinc-900 underline underline-offset-2">
      {machine.assetTag ?? 'ativo'}
      {machine.assetName && <span className="font-sans"> · {machine.assetName}</span>}
    </Link>
  );
}

function FactList({ facts, limit }: { facts: Record<string, unknown>; limit?: number }) {
  const lines = factLines(facts);
  const shown = limit ? lines.slice(0, limit) : lines;
  if (shown.length === 0) return <span className="text-zinc-500">—</span>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
      {shown.map((line) => (
        <div key={line.label} className="contents">
          <dt className="text-zinc-500">{line.label}</dt>
          <dd className="truncate text-zinc-900">{line.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One machine: every fact, its last heartbeats and what is open about it. */
function MachineDetail({ deviceId }: { deviceId: string }) {
  const machine = trpc.inventory.machines.get.useQuery({ deviceId }, { refetchInterval: MACHINES_REFRESH_MS });
  if (!machine.data) return null;
  const data = machine.data;
  return (
    <Panel
      title={`Máquina ${data.hostname || data.name}`}
      testId="machine-detail"
      description={`${data.openTickets} chamado(s) aberto(s) · ${data.pendingAlerts} alerta(s) pendente(s) · hardware ${data.hardwareId}`}
    >
      <div className="grid gap-6 md:grid-cols-2">
        <div className="rounded-lg border border-zinc-200 bg-white p-4">
          <FactList facts={data.facts} />
        </div>
        <DataTable
          label="Últimos heartbeats"
          columns={[
            { header: 'Sequência', cell: (beat) => beat.sequence },
            { header: 'Recebido', cell: (beat) => formatDateTime(beat.receivedAt) },
          ]}
          rows={data.recentHeartbeats}
          rowKey={(beat) => String(beat.sequence)}
          empty="Nenhum heartbeat guardado"
        />
      </div>
    </Panel>
  );
}

/** Máquinas: the computers an agent reports, online or offline by their last heartbeat (live), their facts and asset. */
export function MachinesPage() {
  useMachinesLiveQueries();
  const [status, setStatus] = useState<'' | 'online' | 'offline'>('');
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 250);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const machines = trpc.inventory.machines.list.useQuery(
    { ...(status ? { status } : {}), ...(q ? { q } : {}) },
    { refetchInterval: MACHINES_REFRESH_MS, placeholderData: (previous) => previous },
  );
  const columns: Column<Machine>[] = [
    {
      header: 'Máquina',
      cell: (machine) => (
        <div>
          <p className="font-medium text-zinc-900">{machine.hostname || machine.name}</p>
          <p className="text-xs text-zinc-500">
            {machine.name} · <span className="font-mono">{machine.hardwareId}</span>
          </p>
        </div>
      ),
    },
    {
      header: 'Situação',
      cell: (machine) => (
        <span data-testid="machine-status">
          <MachineStatus machine={machine} />
        </span>
      ),
    },
    {
      header: 'Último sinal',
      cell: (machine) => (
        <span className="whitespace-nowrap" title={formatDateTime(machine.lastHeartbeatAt)}>
          {formatRelative(machine.lastHeartbeatAt)}
        </span>
      ),
    },
    { header: 'Fatos', cell: (machine) => <FactList facts={machine.facts} limit={4} /> },
    { header: 'Ativo', cell: (machine) => <AssetLink machine={machine} /> },
    actionsColumn((machine) => (
      <Button size="sm" aria-label={`Detalhes de ${machine.hostname || machine.name}`} onClick={() => setSelectedId(machine.deviceId)}>
        Detalhes
      </Button>
    )),
  ];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Máquinas"
        description="Computadores com o agente de inventário: cadastre o agente em Dispositivos (tipo agente de inventário) e registre-o com o código."
      />
      <form
        aria-label="Filtros de máquinas"
        className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:grid-cols-2"
        onSubmit={(event) => event.preventDefault()}
      >
        <SelectField
          label="Situação da máquina"
          options={STATUS_FILTER}
          value={status}
          onChange={(event) => setStatus(event.target.value as '' | 'online' | 'offline')}
        />
        <TextField label="Buscar por nome, hardware ou etiqueta" value={search} onChange={(event) => setSearch(event.target.value)} />
      </form>
      <Panel title="Máquinas com agente">
        <DataTable
          label="Máquinas com agente"
          testId="machines-table"
          columns={columns}
          rows={machines.data}
          rowKey={(machine) => machine.deviceId}
          loading={machines.isPending}
          empty={
            <EmptyOrError
              query={machines}
              title="Nenhuma máquina registrada"
              hint="O agente aparece aqui ao se registrar em /api/v1/machines/register."
            />
          }
        />
      </Panel>
      {selectedId && <MachineDetail key={selectedId} deviceId={selectedId} />}
    </div>
  );
}
