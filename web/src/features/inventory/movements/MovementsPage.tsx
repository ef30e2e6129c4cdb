import { getQueryKey } from '@trpc/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useCan } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { DataTable, type Column } from '../../../ui/DataTable';
import { SelectField } from '../../../ui/Field';
import { Badge, EmptyState, PageHeader, Panel, WithSideColumn } from '../../../ui/Layout';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { movementPath } from '../paths';
import { LoansPanel } from './LoansPanel';
import { STATUS_LABELS, STATUS_TONES, TYPE_LABELS } from './labels';
import { useMovementsLiveQueries } from './liveEvents';
import { MovementActions } from './MovementActions';
import { MovementTarget } from './MovementTarget';
import { MovementDetail } from './MovementDetail';
import { NewMovementForm } from './NewMovementForm';
import type { MovementListItem, MovementStatus, MovementType } from './types';

const PAGE_SIZE = 25;

/** /inventario/movimentacoes lists transfers and loans; /inventario/movimentacoes/<id> opens one with its trail and term. */
export function MovementsPage() {
  useMovementsLiveQueries();
  const movementId = useParams()['*'] || null;
  return movementId ? <MovementDetail key={movementId} movementId={movementId} /> : <MovementsList />;
}

const optionsOf = (labels: Record<string, string>, all: string) => [
  { value: '', label: all },
  ...Object.entries(labels).map(([value, label]) => ({ value, label })),
];

function MovementsList() {
  const canRequest = useCan('inventory.movements.request');
  const [search] = useSearchParams();
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const filters = useMemo(
    () => ({ ...(status ? { status: status as MovementStatus } : {}), ...(type ? { type: type as MovementType } : {}) }),
    [status, type],
  );
  const { client } = trpc.useUtils();
  const movements = useCursorPages(getQueryKey(trpc.inventory.movements.list, filters, 'infinite'), (cursor) =>
    client.inventory.movements.list.query({ ...filters, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
  );

  const columns: Column<MovementListItem>[] = [
    {
      header: 'Ativo',
      cell: (movement) => (
        <div className="min-w-40">
          <Link to={movementPath(movement.id)} className="font-medium text-zinc-900 underline-offset-2 hover:underline">
            {movement.asset.tag}
          </Link>
          <p className="text-xs text-zinc-500">{movement.asset.name}</p>
        </div>
      ),
    },
    { header: 'Tipo', cell: (movement) => TYPE_LABELS[movement.type] },
    { header: 'Situação', cell: (movement) => <Badge tone={STATUS_TONES[movement.status]}>{STATUS_LABELS[movement.status]}</Badge> },
    { header: 'Destino ou tomador', cell: (movement) => <MovementTarget movement={movement} /> },
    {
      header: 'Pedido',
      cell: (movement) => (
        <div className="whitespace-nowrap">
          <p>{movement.requester?.name ?? '—'}</p>
          <p className="text-xs text-zinc-500">{formatDateTime(movement.createdAt)}</p>
        </div>
      ),
    },
    { header: 'Ações', className: 'text-right', cell: (movement) => <MovementActions movement={movement} /> },
  ];

  const main = (
    <div className="space-y-6">
      <Panel title="Movimentações e empréstimos">
        <div className="grid gap-3 sm:grid-cols-2" role="group" aria-label="Filtros das movimentações">
          <SelectField
            label="Filtrar por situação"
            options={optionsOf(STATUS_LABELS, 'Todas')}
            value={status}
            onChange={(event) => setStatus(event.target.value)}
          />
          <SelectField
            label="Filtrar por tipo"
            options={optionsOf(TYPE_LABELS, 'Todos')}
            value={type}
            onChange={(event) => setType(event.target.value)}
          />
        </div>
        <DataTable
          label="Movimentações"
          testId="movements-table"
          columns={columns}
          rows={movements.items}
          rowKey={(movement) => movement.id}
          loading={movements.isPending}
          empty={
            <EmptyState
              title={movements.isError ? errorMessage(movements.error) : 'Nenhuma movimentação'}
              hint={movements.isError ? undefined : 'Peça uma transferência ou um empréstimo no formulário ao lado.'}
            />
          }
        />
        <LoadMoreButton pages={movements} />
      </Panel>
      <LoansPanel />
    </div>
  );

  return (
    <div className="space-y-6">
      <PageHeader
        title="Movimentações"
        description="Transferências e empréstimos de ativos: pedido, aprovação de quem gerencia o local, execução e devolução."
      />
      <WithSideColumn main={main} side={canRequest ? <NewMovementForm initialAssetId={search.get('ativo') ?? undefined} /> : undefined} />
    </div>
  );
}
