import type { Queue } from './types';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { PageHeader } from '../../../ui/Layout';
import { summarizeBusinessHours } from '../../../ui/BusinessHoursEditor';
import { actionsColumn } from '../../../ui/actionsColumn';
import { EditDeleteButtons, useEditableRows } from '../../../ui/EditableRows';
import { QueryTable } from '../../../ui/QueryTable';
import { useTeam } from '../team';
import { QueueForm } from './QueueForm';
import { SettingsForm } from './SettingsForm';

/** The departments tickets are routed to, who answers each and when; and the company-wide rules. */
export function QueuesPage() {
  const canWriteSettings = useCan('helpdesk.settings.write');
  const queues = trpc.helpdesk.queues.list.useQuery();
  const team = useTeam();
  const utils = trpc.useUtils();
  const remove = trpc.helpdesk.queues.delete.useMutation({
    onSettled: () => {
      void utils.helpdesk.queues.list.invalidate();
      void utils.helpdesk.agents.list.invalidate();
      void utils.helpdesk.tickets.list.invalidate();
    },
  });
  const rows = useEditableRows<Queue>(remove.mutateAsync);

  const columns: Column<Queue>[] = [
    {
      header: 'Fila',
      cell: (queue) => (
        <span className="inline-flex items-center gap-2 font-medium text-zinc-900">
          <span aria-hidden className="size-3 shrink-0 rounded-full" style={{ backgroundColor: queue.color }} />
          {queue.name}
        </span>
      ),
    },
    {
      header: 'Membros',
      cell: (queue) =>
        queue.memberIds.length === 0 ? (
          <span className="text-zinc-400">Ninguém</span>
        ) : (
          queue.memberIds.map((id) => team.nameOf(id) ?? 'Usuário').join(', ')
        ),
    },
    {
      header: 'Saudação',
      cell: (queue) => <span className="line-clamp-2 text-xs text-zinc-600">{queue.greeting || '—'}</span>,
      className: 'max-w-xs',
    },
    {
      header: 'Horário',
      cell: (queue) => <span className="text-xs text-zinc-600">{summarizeBusinessHours(queue.businessHours) ?? 'O da empresa'}</span>,
      className: 'max-w-xs',
    },
    actionsColumn((queue) => (
      <EditDeleteButtons
        name={queue.name}
        confirmTitle={`Excluir a fila ${queue.name}?`}
        confirmMessage="Os tickets desta fila ficam sem fila, visíveis a todos os atendentes."
        deleted={`Fila ${queue.name} excluída`}
        onEdit={() => rows.edit(queue)}
        onDelete={() => rows.remove(queue)}
      />
    )),
  ];

  return (
    <>
      <PageHeader title="Filas" description="Os departamentos do atendimento: quem atende cada fila, com que saudação e em que horário." />
      <QueryTable
        title="Filas"
        testId="queues-table"
        query={queues}
        columns={columns}
        rowKey={(queue) => queue.id}
        empty={{ title: 'Nenhuma fila criada', hint: 'Sem filas, todo ticket fica visível a todos os atendentes.' }}
        form={<QueueForm key={rows.editing?.id ?? 'new'} queue={rows.editing} onDone={rows.stopEditing} />}
      />
      {canWriteSettings && <SettingsForm />}
    </>
  );
}
