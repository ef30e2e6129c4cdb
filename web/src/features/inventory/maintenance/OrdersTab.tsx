import { getQueryKey } from '@trpc/react-query';
import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { useCursorPages } from '../../../lib/useCursorPages';
import { CheckboxField } from '../../../ui/CheckboxField';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, Panel, WithSideColumn } from '../../../ui/Layout';
import { LoadMoreButton } from '../../../ui/LoadMoreButton';
import { EmptyOrError } from '../../../ui/QueryStatus';
import { ORDER_STATUS, PRIORITIES, type OrderView } from './labels';
import { NewOrderForm } from './NewOrderForm';
import { OrderDetail } from './OrderDetail';
import { SlaClock } from './SlaClock';

/** The orders, newest first, each with its live SLA clock; one opens beside the list. */
export function OrdersTab({ openOrderId, onOpen }: { openOrderId: string | null; onOpen: (orderId: string | null) => void }) {
  const canWrite = useCan('inventory.maintenance.write');
  const { client } = trpc.useUtils();
  const [onlyActive, setOnlyActive] = useState(false);
  const input = onlyActive ? { active: true } : {};
  const orders = useCursorPages(getQueryKey(trpc.inventory.maintenance.orders.list, input, 'infinite'), (cursor) =>
    client.inventory.maintenance.orders.list.query({ ...input, ...(cursor ? { cursor } : {}) }),
  );
  const columns: Column<OrderView>[] = [
    {
      header: 'OS',
      cell: (order) => (
        <button
          type="button"
          className="font-medium text-zinc-900 underline-offset-2 hover:underline"
          aria-label={`Abrir OS ${order.number}`}
          onClick={() => onOpen(order.id)}
        >
          {order.number}
        </button>
      ),
    },
    {
      header: 'Ordem',
      cell: (order) => (
        <span className="block min-w-40">
          <span className="block text-zinc-900">{order.title}</span>
          <span className="text-xs text-zinc-500">
            {order.asset.tag} · {order.asset.name}
          </span>
        </span>
      ),
    },
    { header: 'Prioridade', cell: (order) => <Badge tone={PRIORITIES[order.priority].tone}>{PRIORITIES[order.priority].label}</Badge> },
    { header: 'Situação', cell: (order) => <Badge tone={ORDER_STATUS[order.status].tone}>{ORDER_STATUS[order.status].label}</Badge> },
    { header: 'SLA', cell: (order) => <SlaClock sla={order.sla} /> },
    { header: 'Fornecedor', cell: (order) => order.supplier?.name ?? '—' },
  ];
  const side = openOrderId ? (
    <OrderDetail key={openOrderId} orderId={openOrderId} onClose={() => onOpen(null)} />
  ) : (
    canWrite && <NewOrderForm onCreated={(order) => onOpen(order.id)} />
  );
  return (
    <WithSideColumn
      main={
        <Panel title="Ordens de serviço" actions={<CheckboxField label="Só as em aberto" checked={onlyActive} onChange={setOnlyActive} />}>
          <DataTable
            label="Ordens de serviço"
            testId="orders-table"
            columns={columns}
            rows={orders.items}
            rowKey={(order) => order.id}
            loading={orders.isPending}
            empty={<EmptyOrError query={orders} title="Nenhuma ordem de serviço" hint="Abra uma ordem ou crie um plano de manutenção." />}
          />
          <LoadMoreButton pages={orders} />
        </Panel>
      }
      side={side}
    />
  );
}
