import { trpc } from '../../../lib/trpc';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Card, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { formatValue, STATUS_LABELS } from '../assets/labels';
import type { RouterOutputs } from '../../../lib/trpc';

type Counts = RouterOutputs['inventory']['locations']['counts'];

const statusColumns: Column<Counts['byStatus'][number]>[] = [
  { header: 'Situação', cell: (row) => STATUS_LABELS[row.status] },
  { header: 'Ativos', cell: (row) => <span className="tabular-nums">{row.count}</span> },
];
const categoryColumns: Column<Counts['byCategory'][number]>[] = [
  { header: 'Categoria', cell: (row) => row.name },
  { header: 'Ativos', cell: (row) => <span className="tabular-nums">{row.count}</span> },
  { header: 'Valor', cell: (row) => <span className="tabular-nums">{formatValue(row.valueCents)}</span> },
];

/** What a place and everything inside it holds: by status, by category, and what it is worth. */
export function LocationCounts({ locationId }: { locationId: string }) {
  const counts = trpc.inventory.locations.counts.useQuery({ locationId });
  const data = counts.data;
  return (
    <Panel
      title={data ? `Contagens de ${data.name}` : 'Contagens'}
      description="O local e tudo o que há dentro dele."
      testId="location-counts"
    >
      {data ? (
        <div className="space-y-3">
          <Card className="flex flex-wrap gap-8 p-4">
            <p className="text-sm text-zinc-500">
              Ativos:{' '}
              <span className="text-lg font-semibold text-zinc-900 tabular-nums" data-testid="location-total">
                {data.total}
              </span>
            </p>
            <p className="text-sm text-zinc-500">
              Valor: <span className="text-lg font-semibold text-zinc-900 tabular-nums">{formatValue(data.totalValueCents)}</span>
            </p>
          </Card>
          <div className="grid gap-3 lg:grid-cols-2">
            <DataTable
              label="Por situação"
              columns={statusColumns}
              rows={data.byStatus}
              rowKey={(row) => row.status}
              empty="Nenhum ativo"
            />
            <DataTable
              label="Por categoria"
              columns={categoryColumns}
              rows={data.byCategory}
              rowKey={(row) => row.categoryId ?? 'none'}
              empty="Nenhum ativo"
            />
          </div>
        </div>
      ) : (
        <EmptyOrError query={counts} title="Carregando…" />
      )}
    </Panel>
  );
}
