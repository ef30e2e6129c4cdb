import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { editColumn } from '../../../ui/editColumn';
import type { Service } from '../labels';
import { useAgendaLiveQueries } from '../liveEvents';
import { formatCents } from '../../../lib/money';
import { ServiceForm } from './ServiceForm';

const buffers = (service: Service) =>
  service.bufferBeforeMin || service.bufferAfterMin ? `${service.bufferBeforeMin} min antes · ${service.bufferAfterMin} min depois` : '—';

/** What the company offers: how long each service takes, its price, the pauses around it and when clients come back. */
export function ServicesPage() {
  useAgendaLiveQueries();
  const canWrite = useCan('agenda.catalogue.write');
  const services = trpc.agenda.services.list.useQuery();
  const [editing, setEditing] = useState<Service | null>(null);

  const columns: Column<Service>[] = [
    {
      header: 'Serviço',
      cell: (service) => (
        <span className="inline-flex items-center gap-2 font-medium text-zinc-900">
          {service.name}
          {!service.active && <Badge>Inativo</Badge>}
        </span>
      ),
    },
    { header: 'Duração', cell: (service) => `${service.durationMin} min` },
    { header: 'Preço', cell: (service) => <span className="whitespace-nowrap tabular-nums">{formatCents(service.priceCents)}</span> },
    { header: 'Intervalos', cell: (service) => <span className="text-xs text-zinc-600">{buffers(service)}</span> },
    { header: 'Retorno', cell: (service) => (service.returnCycleDays ? `a cada ${service.returnCycleDays} dias` : '—') },
    ...(canWrite ? [editColumn<Service>(setEditing)] : []),
  ];

  return (
    <>
      <PageHeader
        title="Serviços"
        description="O que a empresa oferece: duração, preço, intervalos antes e depois, e o ciclo de retorno."
      />
      <QueryTable
        title="Serviços"
        testId="services-table"
        query={services}
        columns={columns}
        rowKey={(service) => service.id}
        empty={{ title: 'Nenhum serviço cadastrado', hint: 'Crie o primeiro no formulário ao lado.' }}
        form={canWrite && <ServiceForm key={editing?.id ?? 'new'} service={editing} onDone={() => setEditing(null)} />}
      />
    </>
  );
}
