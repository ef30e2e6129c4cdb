import { Link } from 'react-router';
import { useCan } from '../../../app/providers';
import { formatCents } from '../../../lib/money';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { ConfirmButton } from '../../../ui/Dialog';
import { Badge, EmptyState, Panel, WithSideColumn } from '../../../ui/Layout';
import { useActionFeedback } from '../../../ui/Toast';
import { INVENTORY_PATHS } from '../paths';
import { QUOTE_STATUS } from '../purchases/labels';
import { BudgetForm } from './BudgetForm';

type Quote = RouterOutputs['inventory']['quotes']['get'];
type Budget = Quote['budgets'][number];

const BUDGET_STATUS: Record<Budget['status'], string> = { received: '', chosen: 'Escolhido', rejected: 'Não escolhido' };

const cell = 'px-3 py-2 text-sm';
const highlighted = (marked: boolean) => (marked ? 'bg-emerald-50 font-semibold text-emerald-800' : 'text-zinc-700');
const dateOnly = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeZone: 'UTC' });

/** The request's budgets side by side: items as rows, one column per supplier, the lowest of each row highlighted. */
function ComparisonTable({ quote }: { quote: Quote }) {
  const canWrite = useCan('inventory.purchasing.write');
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const choose = trpc.inventory.quotes.choose.useMutation({
    onSuccess: (chosen) => {
      utils.inventory.quotes.get.setData({ id: chosen.quote.id }, chosen.quote);
      void utils.inventory.quotes.list.invalidate();
      void utils.inventory.purchaseOrders.invalidate();
    },
  });
  if (quote.budgets.length === 0)
    return <EmptyState title="Nenhum orçamento de fornecedor ainda" hint="Registre o primeiro no formulário ao lado." />;
  const open = quote.status === 'open';
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table aria-label="Comparação de orçamentos" data-testid="quote-comparison" className="min-w-full divide-y divide-zinc-200">
        <thead className="bg-zinc-50 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase">
          <tr>
            <th scope="col" className={cell}>
              Item
            </th>
            <th scope="col" className={cell}>
              Qtd.
            </th>
            {quote.budgets.map((budget) => (
              <th key={budget.id} scope="col" className={cell}>
                <span className="normal-case">{budget.supplierName}</span>
                {BUDGET_STATUS[budget.status] && (
                  <span className="ml-1.5">
                    <Badge tone={budget.status === 'chosen' ? 'green' : 'zinc'}>{BUDGET_STATUS[budget.status]}</Badge>
                  </span>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {quote.items.map((item) => (
            <tr key={item.id}>
              <th scope="row" className={`${cell} text-left font-medium text-zinc-900`}>
                {item.description}
                {item.categoryName && <span className="block text-xs font-normal text-zinc-500">{item.categoryName}</span>}
              </th>
              <td className={cell}>{item.quantity}</td>
              {item.offers.map((offer) => (
                <td key={offer.budgetId} className={`${cell} ${highlighted(offer.lowest)}`} data-lowest={offer.lowest || undefined}>
                  {formatCents(offer.unitValueCents)}
                  <span className="block text-xs font-normal text-zinc-500">total {formatCents(offer.lineValueCents)}</span>
                  {offer.lowest && <span className="sr-only"> (menor preço)</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t-2 border-zinc-200">
          <tr>
            <th scope="row" colSpan={2} className={`${cell} text-left`}>
              Total
            </th>
            {quote.budgets.map((budget) => (
              <td
                key={budget.id}
                className={`${cell} ${highlighted(budget.lowestTotal)}`}
                data-testid="budget-total"
                data-lowest={budget.lowestTotal || undefined}
              >
                {formatCents(budget.totalValueCents)}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row" colSpan={2} className={`${cell} text-left font-normal text-zinc-500`}>
              Entrega
            </th>
            {quote.budgets.map((budget) => (
              <td key={budget.id} className={`${cell} ${highlighted(budget.fastestDelivery)}`}>
                {budget.deliveryDays === null ? '—' : `${budget.deliveryDays} dia(s)`}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row" colSpan={2} className={`${cell} text-left font-normal text-zinc-500`}>
              Validade
            </th>
            {quote.budgets.map((budget) => (
              <td key={budget.id} className={`${cell} text-zinc-700`} title={budget.notes || undefined}>
                {budget.validUntil ? dateOnly.format(new Date(budget.validUntil)) : '—'}
              </td>
            ))}
          </tr>
          {open && canWrite && (
            <tr>
              <td colSpan={2} />
              {quote.budgets.map((budget) => (
                <td key={budget.id} className={cell}>
                  <Button
                    size="sm"
                    tone="primary"
                    aria-label={`Escolher ${budget.supplierName}`}
                    busy={choose.isPending && choose.variables?.budgetId === budget.id}
                    onClick={() =>
                      void feedback(
                        () => choose.mutateAsync({ quoteRequestId: quote.id, budgetId: budget.id }),
                        `${budget.supplierName} escolhido: pedido de compra criado`,
                      ).catch(() => undefined)
                    }
                  >
                    Escolher
                  </Button>
                </td>
              ))}
            </tr>
          )}
        </tfoot>
      </table>
    </div>
  );
}

/** One request: its comparison, the form for another supplier's budget while it is open, and what it became. */
export function QuoteComparison({ quoteId }: { quoteId: string }) {
  const canWrite = useCan('inventory.purchasing.write');
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const quote = trpc.inventory.quotes.get.useQuery({ id: quoteId });
  const cancel = trpc.inventory.quotes.cancel.useMutation({
    onSuccess: (cancelled) => {
      utils.inventory.quotes.get.setData({ id: cancelled.id }, cancelled);
      void utils.inventory.quotes.list.invalidate();
    },
  });
  if (!quote.data) return null;
  const data = quote.data;
  const status = QUOTE_STATUS[data.status];
  return (
    <WithSideColumn
      main={
        <Panel
          title={`Orçamento: ${data.title}`}
          testId="quote-detail"
          description={
            <span className="inline-flex flex-wrap items-center gap-2">
              <Badge tone={status.tone}>{status.label}</Badge>
              {data.purchaseOrderNumber !== null && (
                <Link
                  to={INVENTORY_PATHS.purchases}
                  className="text-zinc-900 underline underline-offset-2"
                  data-testid="quote-purchase-order"
                >
                  Pedido de compra nº {data.purchaseOrderNumber}
                </Link>
              )}
            </span>
          }
          actions={
            data.status === 'open' && canWrite ? (
              <ConfirmButton
                label="Cancelar orçamento"
                title={`Cancelar o orçamento "${data.title}"?`}
                message="Nenhum orçamento poderá mais ser escolhido."
                confirmLabel="Cancelar orçamento"
                onConfirm={() => feedback(() => cancel.mutateAsync({ id: data.id }), 'Orçamento cancelado')}
              />
            ) : undefined
          }
        >
          <ComparisonTable quote={data} />
        </Panel>
      }
      side={data.status === 'open' && canWrite ? <BudgetForm key={data.id} quote={data} /> : undefined}
    />
  );
}
