import { formatRelative } from '../../../lib/format';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';

type DisplayStatus = RouterOutputs['queue']['displays']['list'][number];

/** A display beats every 20 s: polling at 15 s shows a silent one within a minute of its last beat. */
const REFRESH_MS = 15_000;

const columns: Column<DisplayStatus>[] = [
  {
    header: 'Painel',
    cell: (display) => (
      <span className="inline-flex items-center gap-2 font-medium text-zinc-900">
        {display.name}
        {display.silent ? <Badge tone="red">silencioso</Badge> : <Badge tone="green">no ar</Badge>}
      </span>
    ),
  },
  { header: 'Último sinal', cell: (display) => formatRelative(display.lastHeartbeatAt) },
];

/** The unit's displays and whether each still beats. */
export function DisplaysTable({ unitId }: { unitId: string }) {
  const displays = trpc.queue.displays.list.useQuery({ unitId }, { refetchInterval: REFRESH_MS });
  return (
    <Panel title="Painéis de chamada" description="Um painel sem sinal há mais de um minuto aparece como silencioso.">
      <DataTable
        label="Painéis de chamada"
        testId="displays-table"
        columns={columns}
        rows={displays.data}
        rowKey={(display) => display.deviceId}
        loading={displays.isPending}
        empty={<EmptyOrError query={displays} title="Nenhum painel enviou sinal ainda" />}
      />
    </Panel>
  );
}
