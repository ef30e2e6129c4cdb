import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { summarizeBusinessHours } from '../../../ui/BusinessHoursEditor';
import type { Column } from '../../../ui/DataTable';
import { editColumn } from '../../../ui/editColumn';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { useQueueLiveQueries } from '../liveEvents';
import type { Desk, Priority, QueueService, Unit } from '../types';
import { unitOrFirst, UnitSelect } from '../UnitSelect';
import { DeskForm } from './DeskForm';
import { DisplaysTable } from './DisplaysTable';
import { PriorityForm } from './PriorityForm';
import { ServiceForm } from './ServiceForm';
import { UnitForm } from './UnitForm';

const nameWithState = (row: { name: string; active: boolean }) => (
  <span className="inline-flex items-center gap-2 font-medium text-zinc-900">
    {row.name}
    {!row.active && <Badge>Inativo</Badge>}
  </span>
);

/** The queue's setup: units with their services, desks and displays, and the tenant's priority categories. */
export function SetupPage() {
  useQueueLiveQueries();
  const canWrite = useCan('queue.setup.write');
  const units = trpc.queue.units.list.useQuery();
  const [pickedUnitId, setPickedUnitId] = useState<string | null>(null);
  const [editingUnit, setEditingUnit] = useState<Unit | null>(null);
  const unit = unitOrFirst(units.data, pickedUnitId);

  const unitColumns: Column<Unit>[] = [
    { header: 'Unidade', cell: nameWithState },
    { header: 'Fuso', cell: (row) => row.timeZone },
    { header: 'Horário', cell: (row) => <span className="text-xs text-zinc-600">{summarizeBusinessHours(row.openingHours)}</span> },
    { header: 'Regra', cell: (row) => `${row.priorityRatio}:1 · espera máx. ${row.maxWaitMin} min` },
    ...(canWrite ? [editColumn<Unit>(setEditingUnit)] : []),
  ];

  return (
    <div className="space-y-8">
      <PageHeader title="Configuração da fila" description="Onde a fila funciona: unidades, serviços, guichês, painéis e prioridades." />
      <QueryTable
        title="Unidades"
        testId="units-table"
        query={units}
        columns={unitColumns}
        rowKey={(row) => row.id}
        empty={{ title: 'Nenhuma unidade cadastrada', hint: 'Crie a primeira no formulário ao lado.' }}
        form={
          canWrite && (
            <UnitForm
              key={editingUnit?.id ?? 'new'}
              unit={editingUnit}
              onDone={(saved) => {
                setEditingUnit(null);
                if (saved) setPickedUnitId(saved.id);
              }}
            />
          )
        }
      />
      {unit && units.data && (
        <section className="space-y-6" aria-label="Da unidade">
          <div className="max-w-xs">
            <UnitSelect units={units.data} value={unit.id} onChange={setPickedUnitId} />
          </div>
          <UnitServices key={`services-${unit.id}`} unitId={unit.id} canWrite={canWrite} />
          <UnitDesks key={`desks-${unit.id}`} unitId={unit.id} canWrite={canWrite} />
          <DisplaysTable unitId={unit.id} />
        </section>
      )}
      <Priorities canWrite={canWrite} />
    </div>
  );
}

function UnitServices({ unitId, canWrite }: { unitId: string; canWrite: boolean }) {
  const services = trpc.queue.services.list.useQuery({ unitId });
  const [editing, setEditing] = useState<QueueService | null>(null);
  const columns: Column<QueueService>[] = [
    { header: 'Serviço', cell: nameWithState },
    { header: 'Prefixo', cell: (row) => <span className="font-mono">{row.prefix}</span> },
    {
      header: 'Horário',
      cell: (row) => <span className="text-xs text-zinc-600">{summarizeBusinessHours(row.openingHours) ?? 'As da unidade'}</span>,
    },
    { header: 'Limite diário', cell: (row) => row.dailyCap ?? '—' },
    { header: 'Duração esperada', cell: (row) => `${row.expectedServiceMin} min` },
    ...(canWrite ? [editColumn<QueueService>(setEditing)] : []),
  ];
  return (
    <QueryTable
      title="Serviços da unidade"
      testId="queue-services-table"
      query={services}
      columns={columns}
      rowKey={(row) => row.id}
      empty={{ title: 'Nenhum serviço nesta unidade' }}
      form={canWrite && <ServiceForm key={editing?.id ?? 'new'} unitId={unitId} service={editing} onDone={() => setEditing(null)} />}
    />
  );
}

function UnitDesks({ unitId, canWrite }: { unitId: string; canWrite: boolean }) {
  const desks = trpc.queue.desks.list.useQuery({ unitId });
  const [editing, setEditing] = useState<Desk | null>(null);
  const columns: Column<Desk>[] = [
    { header: 'Guichê', cell: nameWithState },
    { header: 'Número', cell: (row) => row.number },
    ...(canWrite ? [editColumn<Desk>(setEditing)] : []),
  ];
  return (
    <QueryTable
      title="Guichês"
      testId="desks-table"
      query={desks}
      columns={columns}
      rowKey={(row) => row.id}
      empty={{ title: 'Nenhum guichê nesta unidade' }}
      form={canWrite && <DeskForm key={editing?.id ?? 'new'} unitId={unitId} desk={editing} onDone={() => setEditing(null)} />}
    />
  );
}

function Priorities({ canWrite }: { canWrite: boolean }) {
  const priorities = trpc.queue.priorities.list.useQuery();
  const [editing, setEditing] = useState<Priority | null>(null);
  const columns: Column<Priority>[] = [
    { header: 'Prioridade', cell: nameWithState },
    { header: 'Descrição', cell: (row) => <span className="text-xs text-zinc-600">{row.description || '—'}</span> },
    { header: 'Peso', cell: (row) => row.weight },
    ...(canWrite ? [editColumn<Priority>(setEditing)] : []),
  ];
  return (
    <QueryTable
      title="Prioridades"
      testId="priorities-table"
      query={priorities}
      columns={columns}
      rowKey={(row) => row.id}
      empty={{ title: 'Nenhuma prioridade cadastrada' }}
      form={canWrite && <PriorityForm key={editing?.id ?? 'new'} priority={editing} onDone={() => setEditing(null)} />}
    />
  );
}
