import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { formatDateTime } from '../../../lib/format';
import { formatCents } from '../../../lib/money';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { actionsColumn } from '../../../ui/actionsColumn';
import { Button } from '../../../ui/Button';
import type { Column } from '../../../ui/DataTable';
import { Badge, PageHeader } from '../../../ui/Layout';
import { QueryTable } from '../../../ui/QueryTable';
import { QUOTE_STATUS } from '../purchases/labels';
import { usePurchasingLiveQueries } from '../purchases/purchasingLive';
import { NewQuoteForm } from './NewQuoteForm';
import { QuoteComparison } from './QuoteComparison';

type QuoteSummary = RouterOutputs['inventory']['quotes']['list'][number];

/** Orçamentos: requests with their items, each supplier's budget side by side, and the choice that becomes a purchase order. */
export function QuotesPage() {
  usePurchasingLiveQueries();
  const canWrite = useCan('inventory.purchasing.write');
  const quotes = trpc.inventory.quotes.list.useQuery();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const columns: Column<QuoteSummary>[] = [
    {
      header: 'Orçamento',
      cell: (quote) => (
        <div>
          <p className="font-medium text-zinc-900">{quote.title}</p>
          <p className="text-xs text-zinc-500">
            {formatDateTime(quote.createdAt)}
            {quote.createdByName ? ` · ${quote.createdByName}` : ''}
          </p>
        </div>
      ),
    },
    { header: 'Situação', cell: (quote) => <Badge tone={QUOTE_STATUS[quote.status].tone}>{QUOTE_STATUS[quote.status].label}</Badge> },
    { header: 'Itens', cell: (quote) => quote.itemCount },
    { header: 'Fornecedores', cell: (quote) => quote.budgetCount },
    { header: 'Menor total', cell: (quote) => (quote.lowestTotalCents === null ? '—' : formatCents(quote.lowestTotalCents)) },
    { header: 'Pedido', cell: (quote) => (quote.purchaseOrderNumber === null ? '—' : `nº ${quote.purchaseOrderNumber}`) },
    actionsColumn((quote) => (
      <Button size="sm" aria-label={`Abrir ${quote.title}`} onClick={() => setSelectedId(quote.id)}>
        Abrir
      </Button>
    )),
  ];
  return (
    <div className="space-y-8">
      <PageHeader
        title="Orçamentos"
        description="Peça preços a vários fornecedores, compare lado a lado e escolha: a escolha vira pedido de compra."
      />
      <QueryTable
        title="Pedidos de orçamento"
        testId="quotes-table"
        query={quotes}
        columns={columns}
        rowKey={(quote) => quote.id}
        empty={{ title: 'Nenhum orçamento ainda', hint: 'Abra o primeiro no formulário ao lado.' }}
        form={canWrite && <NewQuoteForm onCreated={(quote) => setSelectedId(quote.id)} />}
      />
      {selectedId && <QuoteComparison key={selectedId} quoteId={selectedId} />}
    </div>
  );
}
