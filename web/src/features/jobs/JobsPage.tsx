import { getQueryKey } from '@trpc/react-query';
import { formatDateTime, formatDuration, summarizeRecord } from '../../lib/format';
import { trpc, type RouterOutputs } from '../../lib/trpc';
import { useCursorPages } from '../../lib/useCursorPages';
import { Button } from '../../ui/Button';
import { DataTable, type Column } from '../../ui/DataTable';
import { Badge, Card, EmptyState, PageHeader, Panel } from '../../ui/Layout';

type JobRun = RouterOutputs['jobs']['runs']['items'][number];

// The server types status and trigger as plain strings (text columns): unknown values show as they are.
const STATUS: Record<string, { label: string; tone: 'green' | 'red' | 'blue' } | undefined> = {
  succeeded: { label: 'Concluída', tone: 'green' },
  failed: { label: 'Falhou', tone: 'red' },
  running: { label: 'Em execução', tone: 'blue' },
};

const TRIGGERS: Record<string, string | undefined> = { schedule: 'agendada', catch_up: 'recuperação', manual: 'manual' };

const columns: Column<JobRun>[] = [
  { header: 'Tarefa', cell: (run) => <span className="font-mono text-xs text-zinc-900">{run.job}</span> },
  { header: 'Situação', cell: (run) => <Badge tone={STATUS[run.status]?.tone ?? 'zinc'}>{STATUS[run.status]?.label ?? run.status}</Badge> },
  { header: 'Disparo', cell: (run) => TRIGGERS[run.trigger] ?? run.trigger },
  { header: 'Horário previsto', cell: (run) => <span className="whitespace-nowrap">{formatDateTime(run.slot)}</span> },
  { header: 'Duração', cell: (run) => <span className="whitespace-nowrap">{formatDuration(run.durationMs)}</span> },
  {
    header: 'Resultado',
    cell: (run) => <span className="text-xs text-zinc-600">{summarizeRecord(run.stats)}</span>,
    className: 'max-w-xs',
  },
  {
    header: 'Erro',
    cell: (run) => (run.error ? <span className="text-xs break-words text-red-700">{run.error}</span> : '—'),
    className: 'max-w-xs',
  },
];

export function JobsPage() {
  const definitions = trpc.jobs.definitions.useQuery();
  const { client } = trpc.useUtils();
  const runs = useCursorPages(getQueryKey(trpc.jobs.runs, undefined, 'infinite'), (cursor) =>
    client.jobs.runs.query({ limit: 50, ...(cursor ? { cursor } : {}) }),
  );
  return (
    <>
      <PageHeader
        title="Execuções de tarefas"
        description="As tarefas agendadas e cada vez que rodaram: quando, quanto demoraram e o que fizeram."
      />
      <Panel title="Tarefas agendadas">
        {definitions.data && definitions.data.length === 0 && <EmptyState title="Nenhuma tarefa agendada nesta instalação" />}
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="job-definitions">
          {definitions.data?.map((job) => (
            <Card key={job.name} className="space-y-1 !p-4">
              <p className="font-mono text-xs font-medium text-zinc-900">{job.name}</p>
              <p className="text-sm text-zinc-600">{job.description}</p>
              <p className="text-xs text-zinc-500">
                <span className="font-mono">{job.schedule}</span> · {job.scope === 'tenant' ? 'por empresa' : 'global'}
              </p>
            </Card>
          ))}
        </div>
      </Panel>
      <Panel title="Execuções">
        <DataTable
          label="Execuções de tarefas"
          testId="job-runs-table"
          columns={columns}
          rows={runs.items}
          rowKey={(run) => run.id}
          loading={runs.isPending}
          empty={<EmptyState title="Nenhuma execução registrada" hint="As execuções aparecem aqui depois que as tarefas rodam." />}
        />
        {runs.hasNextPage && (
          <div className="flex justify-center">
            <Button busy={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
              Carregar mais
            </Button>
          </div>
        )}
      </Panel>
    </>
  );
}
