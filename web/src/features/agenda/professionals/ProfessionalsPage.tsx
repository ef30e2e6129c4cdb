import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import type { Column } from '../../../ui/DataTable';
import { Badge, PageHeader } from '../../../ui/Layout';
import { actionsColumn } from '../../../ui/actionsColumn';
import { QueryTable } from '../../../ui/QueryTable';
import { useCatalogue } from '../catalogue';
import { editColumn } from '../../../ui/editColumn';
import type { Professional } from '../labels';
import { useAgendaLiveQueries } from '../liveEvents';
import { summarizeWeek } from '../weekdays';
import { ProfessionalForm } from './ProfessionalForm';
import { ScheduleExceptions } from './ScheduleExceptions';

/** Who does the services, on which weekly hours and breaks; and per professional, special dates and time off. */
export function ProfessionalsPage() {
  useAgendaLiveQueries();
  const canWrite = useCan('agenda.catalogue.write');
  const professionals = trpc.agenda.professionals.list.useQuery();
  const { services } = useCatalogue();
  const [editing, setEditing] = useState<Professional | null>(null);
  const [exceptionsOf, setExceptionsOf] = useState<Professional | null>(null);
  const exceptionsButton = (professional: Professional) => (
    <Button size="sm" aria-label={`Datas especiais e folgas de ${professional.name}`} onClick={() => setExceptionsOf(professional)}>
      Folgas
    </Button>
  );

  const columns: Column<Professional>[] = [
    {
      header: 'Profissional',
      cell: (professional) => (
        <span className="inline-flex items-center gap-2 font-medium text-zinc-900">
          {professional.name}
          {!professional.active && <Badge>Inativo</Badge>}
        </span>
      ),
    },
    {
      header: 'Serviços',
      cell: (professional) =>
        services
          .filter((service) => professional.serviceIds.includes(service.id))
          .map((service) => service.name)
          .join(', ') || <span className="text-zinc-400">Nenhum</span>,
    },
    {
      header: 'Horário',
      className: 'max-w-xs',
      cell: (professional) => <span className="text-xs text-zinc-600">{summarizeWeek(professional.hours) ?? 'Sem horário'}</span>,
    },
    {
      header: 'Pausas',
      className: 'max-w-xs',
      cell: (professional) => <span className="text-xs text-zinc-600">{summarizeWeek(professional.breaks) ?? '—'}</span>,
    },
    canWrite ? editColumn<Professional>(setEditing, exceptionsButton) : actionsColumn(exceptionsButton),
  ];

  return (
    <>
      <PageHeader title="Profissionais" description="Quem atende, quais serviços faz e em que horários (no fuso da empresa)." />
      <QueryTable
        title="Profissionais"
        testId="professionals-table"
        query={professionals}
        columns={columns}
        rowKey={(professional) => professional.id}
        empty={{ title: 'Nenhum profissional cadastrado', hint: 'Cadastre os serviços primeiro, depois quem os faz.' }}
        form={
          canWrite && (
            <ProfessionalForm key={editing?.id ?? 'new'} professional={editing} services={services} onDone={() => setEditing(null)} />
          )
        }
      />
      {exceptionsOf && <ScheduleExceptions key={exceptionsOf.id} professional={exceptionsOf} onClose={() => setExceptionsOf(null)} />}
    </>
  );
}
