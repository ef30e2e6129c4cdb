import { useState } from 'react';
import { useCan, useMe } from '../../../app/providers';
import { formatDateTime } from '../../../lib/format';
import { formatCents } from '../../../lib/money';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { actionsColumn } from '../../../ui/actionsColumn';
import { Button } from '../../../ui/Button';
import type { Column } from '../../../ui/DataTable';
import { ConfirmButton } from '../../../ui/Dialog';
import { SelectField } from '../../../ui/Field';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { useActionFeedback } from '../../../ui/Toast';
import { PURCHASE_ORDER_STATUS } from './labels';
import { NewPurchaseOrderForm } from './NewPurchaseOrderForm';
import { ReceiveOrderDialog, RejectOrderDialog } from './OrderDecisionDialogs';
import { PurchaseOrderDetail } from './PurchaseOrderDetail';
import { usePurchasingLiveQueries } from './purchasingLive';

type Order = RouterOutputs['inventory']['purchaseOrders']['list'][number];
type Status = Order['status'];

const STATUS_FILTER = [
  { value: '', label: 'Todas' },
  ...Object.entries(PURCHASE_ORDER_STATUS).map(([value, { label }]) => ({ value, label })),
];

/** Compras: purchase orders (direct or from a chosen quote), approved by someone other than their creator, then received as assets. */
export function PurchasesPage() {
  usePurchasingLiveQueries();
  const me = useMe();
  const canWrite = useCan('inventory.purchasing.write');
  const canApprove = useCan('inventory.purchasing.approve');
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const [status, setStatus] = useState<'' | Status>('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<Order | null>(null);
  const [receiving, setReceiving] = useState<Order | null>(null);
  const orders = trpc.inventory.purchaseOrders.list.useQuery(status ? { status } : {}, { placeholderData: (previous) => previous });
  const settle = { onSettled: () => utils.inventory.purchaseOrders.invalidate() };
  const approve = trpc.inventory.purchaseOrders.approve.useMutation(settle);
  const cancel = trpc.inventory.purchaseOrders.cancel.useMutation(settle);

  const actions = (order: Order) => {
    const mayDecide = canApprove && order.status === 'pending_approval' && order.createdBy !== me.user.id;
    return (
      <>
        <Button size="sm" aria-label={`Ver pedido ${order.number}`} onClick={() => setSelectedId(order.id)}>
          Ver
        </Button>
        {mayDecide && (
          <>
            <Button
              size="sm"
              tone="primary"
              aria-label={`Aprovar pedido ${order.number}`}
              onClick={() =>
                void feedback(() => approve.mutateAsync({ id: order.id }), `Pedido nº ${order.number} aprovado`).catch(() => undefined)
              }
            >
              Aprovar
            </Button>
            <Button size="sm" aria-label={`Recusar pedido ${order.number}`} onClick={() => setRejecting(order)}>
              Recusar
            </Button>
          </>
        )}
        {canWrite && order.status === 'approved' && (
          <Button size="sm" tone="primary" aria-label={`Receber pedido ${order.number}`} onClick={() => setReceiving(order)}>
            Receber
          </Button>
        )}
        {canWrite && (order.status === 'pending_approval' || order.status === 'approved') && (
          <ConfirmButton
            label="Cancelar"
            title={`Cancelar o pedido nº ${order.number}?`}
            message="O pedido não poderá mais ser aprovado nem recebido."
            confirmLabel="Cancelar pedido"
            onConfirm={() => feedback(() => cancel.mutateAsync({ id: order.id }), `Pedido nº ${order.number} cancelado`)}
          />
        )}
      </>
    );
  };

  const columns: Column<Order>[] = [
    {
      header: 'Pedido',
      cell: (order) => (
        <div>
          <p className="font-medium text-zinc-900">nº {order.number}</p>
          <p className="text-xs text-zinc-500">{order.supplierName}</p>
        </div>
      ),
    },
    {
      header: 'Situação',
      cell: (order) => (
        <span data-testid="purchase-order-status">
          <Badge tone={PURCHASE_ORDER_STATUS[order.status].tone}>{PURCHASE_ORDER_STATUS[order.status].label}</Badge>
        </span>
      ),
    },
    { header: 'Unidades', cell: (order) => order.units },
    { header: 'Total', cell: (order) => formatCents(order.totalValueCents) },
    {
      header: 'Criado',
      cell: (order) => (
        <span className="text-xs whitespace-nowrap">
          {formatDateTime(order.createdAt)}
          {order.createdByName && <span className="block text-zinc-500">{order.createdByName}</span>}
        </span>
      ),
    },
    actionsColumn(actions),
  ];

  return (
    <div className="space-y-8">
      <PageHeader
        title="Compras"
        description="Pedidos de compra: aprovação por outra pessoa, e o recebimento cadastra um ativo por unidade na localização escolhida."
      />
      <div className="max-w-xs">
        <SelectField
          label="Situação do pedido"
          options={STATUS_FILTER}
          value={status}
          onChange={(event) => setStatus(event.target.value as '' | Status)}
        />
      </div>
      <QueryTable
        title="Pedidos de compra"
        testId="purchase-orders-table"
        query={orders}
        columns={columns}
        rowKey={(order) => order.id}
        empty={{ title: 'Nenhum pedido de compra', hint: 'Crie um ao lado, ou escolha um orçamento em Orçamentos.' }}
        form={canWrite && <NewPurchaseOrderForm onCreated={setSelectedId} />}
      />
      {selectedId && <PurchaseOrderDetail key={selectedId} orderId={selectedId} />}
      {rejecting && <RejectOrderDialog order={rejecting} onClose={() => setRejecting(null)} />}
      {receiving && <ReceiveOrderDialog order={receiving} units={receiving.units} onClose={() => setReceiving(null)} />}
    </div>
  );
}
