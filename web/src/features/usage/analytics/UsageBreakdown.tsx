import { useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { DataTable, type Column } from '../../../ui/DataTable';
import { TextField } from '../../../ui/Field';
import { Banner, Panel } from '../../../ui/Layout';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { fullDay } from '../dates';
import { formatLatency, formatTokens, formatUsd } from '../format';
import { GROUP_BY } from '../labels';
import type { GroupBy, UsageGroup } from '../types';

/** The usage between two days (the period's by default), grouped by day, user or model. */
export function UsageBreakdown({ window }: { window: { from: string; to: string } }) {
  const [groupBy, setGroupBy] = useState<GroupBy>('day');
  const [range, setRange] = useState(window);
  const valid = Boolean(range.from && range.to && range.from <= range.to);
  const usage = trpc.usage.analytics.usage.useQuery({ ...range, groupBy }, { enabled: valid, placeholderData: (previous) => previous });
  const columns: Column<UsageGroup>[] = [
    {
      header: GROUP_BY[groupBy],
      cell: (row) => <span className="font-medium text-zinc-900">{groupBy === 'day' ? fullDay(row.key) : row.label}</span>,
    },
    { header: 'Requisições', cell: (row) => <span className="tabular-nums">{formatTokens(row.requests)}</span> },
    { header: 'Erros', cell: (row) => <span className="tabular-nums">{formatTokens(row.errors)}</span> },
    { header: 'Entrada', cell: (row) => <span className="tabular-nums">{formatTokens(row.promptTokens)}</span> },
    { header: 'Saída', cell: (row) => <span className="tabular-nums">{formatTokens(row.completionTokens)}</span> },
    { header: 'Tokens', cell: (row) => <span className="font-medium tabular-nums">{formatTokens(row.totalTokens)}</span> },
    { header: 'Custo', cell: (row) => <span className="tabular-nums">{formatUsd(row.cost)}</span> },
    { header: 'Latência média', cell: (row) => <span className="tabular-nums">{formatLatency(row.avgResponseTimeMs)}</span> },
  ];
  return (
    <Panel
      title="Uso detalhado"
      actions={
        <div role="group" aria-label="Agrupar por" className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 shadow-xs">
          {(Object.keys(GROUP_BY) as GroupBy[]).map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={groupBy === option}
              onClick={() => setGroupBy(option)}
              className={`rounded px-3 py-1 text-sm font-medium ${groupBy === option ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100'}`}
            >
              {GROUP_BY[option]}
            </button>
          ))}
        </div>
      }
    >
      <div className="grid max-w-md grid-cols-2 gap-3">
        <TextField label="De" type="date" value={range.from} onChange={(event) => setRange({ ...range, from: event.target.value })} />
        <TextField label="Até" type="date" value={range.to} onChange={(event) => setRange({ ...range, to: event.target.value })} />
      </div>
      {!valid && <Banner>O fim do período deve ser no mesmo dia do início ou depois.</Banner>}
      <DataTable
        label="Uso detalhado"
        testId="usage-breakdown"
        columns={columns}
        rows={usage.data}
        rowKey={(row) => row.key}
        loading={usage.isPending && valid}
        empty={<EmptyOrError query={usage} title="Nenhum uso no período" />}
      />
    </Panel>
  );
}
