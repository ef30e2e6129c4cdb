import { getQueryKey } from '@trpc/react-query';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, EmptyState, Panel } from '../../../ui/Layout';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { useFormatInstant } from '../dates';
import { formatLatency, formatTokens, formatUsd } from '../format';
import type { UsageRecord } from '../types';

const PAGE_SIZE = 20;

/** The user's requests, newest first, 20 at a time. */
export function UserRecords({ userId }: { userId: string }) {
  const input = { userId };
  const { client } = trpc.useUtils();
  const formatInstant = useFormatInstant();
  const records = useCursorPages(getQueryKey(trpc.usage.analytics.records, input, 'infinite'), (cursor) =>
    client.usage.analytics.records.query({ ...input, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
  );
  const columns: Column<UsageRecord>[] = [
    { header: 'Quando', cell: (record) => <span className="whitespace-nowrap">{formatInstant(record.createdAt)}</span> },
    {
      header: 'Modelo',
      cell: (record) => (
        <div>
          <p className="text-zinc-900">{record.model}</p>
          <p className="font-mono text-xs text-zinc-500">{record.endpoint}</p>
        </div>
      ),
    },
    {
      header: 'Resposta',
      cell: (record) => (
        <div className="space-y-0.5">
          <Badge tone={record.statusCode < 400 ? 'green' : record.statusCode < 500 ? 'amber' : 'red'}>{record.statusCode}</Badge>
          {record.errorType && <p className="font-mono text-xs text-zinc-500">{record.errorType}</p>}
        </div>
      ),
    },
    {
      header: 'Tokens',
      cell: (record) => (
        <div className="tabular-nums">
          <p className="text-zinc-900">{formatTokens(record.totalTokens)}</p>
          <p className="text-xs text-zinc-500">
            {formatTokens(record.promptTokens)} entrada · {formatTokens(record.completionTokens)} saída
          </p>
        </div>
      ),
    },
    { header: 'Custo', cell: (record) => <span className="tabular-nums">{formatUsd(record.totalCost)}</span> },
    {
      header: 'Latência',
      cell: (record) => <span className="whitespace-nowrap tabular-nums">{formatLatency(record.responseTimeMs)}</span>,
    },
  ];
  return (
    <Panel title="Últimos pedidos">
      <DataTable
        label="Pedidos do usuário"
        testId="usage-records-table"
        columns={columns}
        rows={records.items}
        rowKey={(record) => record.id}
        loading={records.isPending}
        empty={<EmptyState title={records.isError ? errorMessage(records.error) : 'Nenhum pedido ainda'} />}
      />
      <LoadMoreButton pages={records} />
    </Panel>
  );
}
