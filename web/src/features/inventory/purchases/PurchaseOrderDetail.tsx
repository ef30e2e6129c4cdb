import { Link } from 'react-router';
import { formatDateTime } from '../../../lib/format';
import { formatCents } from '../../../lib/money';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { DataTable, type Column } from '../../../ui/DataTable';
import { Badge, Panel } from '../../../ui/Layout';
import { assetPath } from '../paths';
import { PURCHASE_ORDER_STATUS } from './labels';

type OrderItem = RouterOutputs['inventory']['purchaseOrders']['get']['items'][number];

const itemColumns: Column<OrderItem>[] = [
  { header: 'Item', cell: (item) => <span className="font-medium text-zinc-900">{item.description}</span> },
  { header: 'Categoria', cell: (item) => item.categoryName ?? '—' },
  { header: 'Qtd.', cell: (item) => item.quantity },
  { header: 'Valor unitário', cell: (item) => formatCents(item.unitValueCents) },
  { header: 'Total', cell: (item) => formatCents(item.lineValueCents) },
];

/** One order: its items, who decided it and why, and the assets its receipt created (each a link to its page). */
export function PurchaseOrderDetail({ orderId }: { orderId: string }) {
  const order = trpc.inventory.purchaseOrders.get.useQuery({ id: orderId });
  if (!order.data) return null;
  const data = order.data;
  const status = PURCHASE_ORDER_STATUS[data.status];
  return (
    <Panel
      title={`Pedido de compra nº ${data.number}`}
      testId="purchase-order-detail"
      description={
        <span className="inline-flex flex-wrap items-center gap-2">
          <Badge tone={status.tone}>{status.label}</Badge>
          {data.supplierName} · {formatCents(data.totalValueCents)}
          {data.decidedByName &&
            ` · ${data.status === 'rejected' ? 'recusado' : 'aprovado'} por ${data.decidedByName} em ${formatDateTime(data.decidedAt)}`}
        </span>
      }
    >
      {data.notes && <p className="text-sm text-zinc-600">{data.notes}</p>}
      {data.decisionNote && <p className="text-sm text-zinc-600">Justificativa: {data.decisionNote}</p>}
      <DataTable
        label={`Itens do pedido nº ${data.number}`}
        columns={itemColumns}
        rows={data.items}
        rowKey={(item) => item.id}
        empty="Sem itens"
      />
      {data.assetCount > 0 && (
        <section aria-label="Ativos recebidos" className="space-y-2">
          <h3 className="text-sm font-semibold text-zinc-900">
            {data.assetCount} ativo(s) cadastrado(s) no recebimento {data.receivedAt && `em ${formatDateTime(data.receivedAt)}`}
          </h3>
          <ul className="flex flex-wrap gap-2" data-testid="received-assets">
            {data.assets.map((asset) => (
              <li key={asset.id}>
                <Link
                  to={assetPath(asset.id)}
                  className="rounded-md border border-zinc-200 px-2 py-1 font-mono text-xs text-zinc-900 hover:bg-zinc-50"
                >
                  {asset.tag} · {asset.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Panel>
  );
}
