import { sql } from 'kysely';
import type { z } from 'zod';
import type { InventoryBudgetStatus, InventoryQuoteRequest, InventoryQuoteRequestStatus } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { tenantToday } from '../tenant-clock';
import { assertCategoriesExist, insertPurchaseOrder } from './purchase-orders';
import type { addBudgetInput, chooseBudgetInput, createQuoteInput, listQuotesInput } from './schemas';
import { findSupplier } from './suppliers';
import { refusingDuplicates } from './unique-keys';

/** A quote request (orçamento) in the list: how many suppliers answered and the lowest total so far. */
export interface QuoteSummary {
  id: string;
  title: string;
  status: InventoryQuoteRequestStatus;
  itemCount: number;
  budgetCount: number;
  lowestTotalCents: number | null;
  purchaseOrderId: string | null;
  purchaseOrderNumber: number | null;
  createdByName: string | null;
  createdAt: string;
}

export interface BudgetColumn {
  id: string;
  supplierId: string;
  supplierName: string;
  status: InventoryBudgetStatus;
  totalValueCents: number;
  deliveryDays: number | null;
  validUntil: string | null;
  notes: string;
  /** The lowest total of the request (ties all marked). */
  lowestTotal: boolean;
  /** The shortest delivery promised (ties all marked). */
  fastestDelivery: boolean;
}

export interface ComparedItem {
  id: string;
  description: string;
  quantity: number;
  categoryId: string | null;
  categoryName: string | null;
  /** One offer per budget, in the budgets' order; `lowest` marks the cheapest unit value (ties all marked). */
  offers: Array<{ budgetId: string; unitValueCents: number; lineValueCents: number; lowest: boolean }>;
}

/** The side-by-side comparison: items as rows, each supplier's budget as a column. */
export interface QuoteComparison extends QuoteSummary {
  chosenBudgetId: string | null;
  items: ComparedItem[];
  budgets: BudgetColumn[];
}

const STATUS_LABELS: Record<InventoryQuoteRequestStatus, string> = { open: 'aberto', decided: 'decidido', cancelled: 'cancelado' };

function selectQuotes(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_quote_requests as quote')
    .leftJoin('users as creator', 'creator.id', 'quote.created_by')
    .leftJoin('inventory_purchase_orders as po', 'po.id', 'quote.purchase_order_id')
    .selectAll('quote')
    .select(['creator.name as created_by_name', 'po.number as purchase_order_number'])
    .select((eb) => [
      eb
        .selectFrom('inventory_quote_request_items as item')
        .select((inner) => inner.fn.countAll<string>().as('count'))
        .whereRef('item.quote_request_id', '=', 'quote.id')
        .as('item_count'),
      eb
        .selectFrom('inventory_budgets as budget')
        .select((inner) => inner.fn.countAll<string>().as('count'))
        .whereRef('budget.quote_request_id', '=', 'quote.id')
        .as('budget_count'),
      eb
        .selectFrom('inventory_budgets as budget')
        .select((inner) => inner.fn.min<string>('budget.total_value_cents').as('lowest'))
        .whereRef('budget.quote_request_id', '=', 'quote.id')
        .as('lowest_total_cents'),
    ]);
}

type QuoteRow = InventoryQuoteRequest & {
  created_by_name: string | null;
  purchase_order_number: number | null;
  item_count: string | null;
  budget_count: string | null;
  lowest_total_cents: string | null;
};

const toQuoteSummary = (row: QuoteRow): QuoteSummary => ({
  id: row.id,
  title: row.title,
  status: row.status,
  itemCount: Number(row.item_count ?? 0),
  budgetCount: Number(row.budget_count ?? 0),
  lowestTotalCents: row.lowest_total_cents === null ? null : Number(row.lowest_total_cents),
  purchaseOrderId: row.purchase_order_id,
  purchaseOrderNumber: row.purchase_order_number,
  createdByName: row.created_by_name,
  createdAt: row.created_at.toISOString(),
});

export async function listQuotes(trx: TenantTransaction, input: z.infer<typeof listQuotesInput>): Promise<QuoteSummary[]> {
  let query = selectQuotes(trx);
  if (input.status) query = query.where('quote.status', '=', input.status);
  const rows = await query.orderBy('quote.created_at', 'desc').orderBy('quote.id').limit(200).execute();
  return rows.map(toQuoteSummary);
}

/** The values that are the minimum of their list: every one tied for it is marked. */
const lowestOf = (values: readonly number[]) => {
  const lowest = Math.min(...values);
  return values.map((value) => values.length > 0 && value === lowest);
};

export async function compareQuote(trx: TenantTransaction, quoteRequestId: string): Promise<QuoteComparison> {
  const row = await selectQuotes(trx).where('quote.id', '=', quoteRequestId).executeTakeFirst();
  if (!row) throw notFound('Orçamento');
  const items = await trx
    .selectFrom('inventory_quote_request_items as item')
    .leftJoin('inventory_categories as category', 'category.id', 'item.category_id')
    .select(['item.id', 'item.description', 'item.quantity', 'item.category_id', 'category.name as category_name'])
    .where('item.quote_request_id', '=', quoteRequestId)
    .orderBy('item.position')
    .execute();
  const budgets = await trx
    .selectFrom('inventory_budgets as budget')
    .innerJoin('inventory_suppliers as supplier', 'supplier.id', 'budget.supplier_id')
    .selectAll('budget')
    .select('supplier.name as supplier_name')
    .where('budget.quote_request_id', '=', quoteRequestId)
    .orderBy('budget.created_at')
    .orderBy('budget.id')
    .execute();
  const prices = await trx
    .selectFrom('inventory_budget_items as price')
    .innerJoin('inventory_budgets as budget', 'budget.id', 'price.budget_id')
    .select(['price.budget_id', 'price.request_item_id', 'price.unit_value_cents'])
    .where('budget.quote_request_id', '=', quoteRequestId)
    .execute();
  const unitValue = new Map(prices.map((price) => [`${price.budget_id}:${price.request_item_id}`, Number(price.unit_value_cents)]));
  const totals = budgets.map((budget) => Number(budget.total_value_cents));
  const lowestTotals = lowestOf(totals);
  const deliveries = budgets.map((budget) => budget.delivery_days ?? Number.POSITIVE_INFINITY);
  const fastest = lowestOf(deliveries).map((marked, index) => marked && budgets[index]!.delivery_days !== null);
  return {
    ...toQuoteSummary(row),
    chosenBudgetId: row.chosen_budget_id,
    budgets: budgets.map((budget, index) => ({
      id: budget.id,
      supplierId: budget.supplier_id,
      supplierName: budget.supplier_name,
      status: budget.status,
      totalValueCents: totals[index]!,
      deliveryDays: budget.delivery_days,
      validUntil: budget.valid_until,
      notes: budget.notes,
      lowestTotal: lowestTotals[index]!,
      fastestDelivery: fastest[index]!,
    })),
    items: items.map((item) => {
      const units = budgets.map((budget) => unitValue.get(`${budget.id}:${item.id}`) ?? 0);
      const lowest = lowestOf(units);
      return {
        id: item.id,
        description: item.description,
        quantity: item.quantity,
        categoryId: item.category_id,
        categoryName: item.category_name,
        offers: budgets.map((budget, index) => ({
          budgetId: budget.id,
          unitValueCents: units[index]!,
          lineValueCents: units[index]! * item.quantity,
          lowest: lowest[index]!,
        })),
      };
    }),
  };
}

async function recordQuoteChange(
  trx: TenantTransaction,
  audit: AuditContext,
  quote: InventoryQuoteRequest,
  change: { action: string; details?: Record<string, unknown> },
): Promise<void> {
  await recordAudit(trx, audit, {
    action: `inventory.quote.${change.action}`,
    entity: 'inventory_quote_requests',
    entityId: quote.id,
    after: { status: quote.status, title: quote.title },
    ...(change.details ? { details: change.details } : {}),
  });
  await appendEvent(trx, 'inventory.quote.updated', { quoteRequestId: quote.id, title: quote.title, status: quote.status });
}

export async function createQuote(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createQuoteInput>,
): Promise<QuoteComparison> {
  await assertCategoriesExist(
    trx,
    input.items.map((item) => item.categoryId),
  );
  const quote = await trx
    .insertInto('inventory_quote_requests')
    .values({ tenant_id: tenantOf(trx), title: input.title, created_by: audit.actor.type === 'user' ? audit.actor.id : null })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('inventory_quote_request_items')
    .values(
      input.items.map((item, position) => ({
        tenant_id: quote.tenant_id,
        quote_request_id: quote.id,
        category_id: item.categoryId ?? null,
        description: item.description,
        quantity: item.quantity,
        position,
      })),
    )
    .execute();
  await recordQuoteChange(trx, audit, quote, { action: 'created', details: { items: input.items.length } });
  return compareQuote(trx, quote.id);
}

/** The request locked while it changes; only an open one takes budgets, a choice or a cancel (409 with its state). */
async function lockOpenQuote(trx: TenantTransaction, quoteRequestId: string): Promise<InventoryQuoteRequest> {
  const quote = await trx
    .selectFrom('inventory_quote_requests')
    .selectAll()
    .where('id', '=', quoteRequestId)
    .forUpdate()
    .executeTakeFirst();
  if (!quote) throw notFound('Orçamento');
  if (quote.status !== 'open')
    throw new DomainError('CONFLICT', 'QUOTE_STATE', `O orçamento "${quote.title}" está ${STATUS_LABELS[quote.status]}`, {
      currentState: quote.status,
    });
  return quote;
}

/** A supplier's answer to an open request: a unit value for every item; one budget per supplier. */
export async function addBudget(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof addBudgetInput>,
): Promise<QuoteComparison> {
  const quote = await lockOpenQuote(trx, input.quoteRequestId);
  const supplier = await findSupplier(trx, input.supplierId);
  if (!supplier.active)
    throw new DomainError('CONFLICT', 'SUPPLIER_INACTIVE', `O fornecedor ${supplier.name} está desativado`, { field: 'supplierId' });
  const requestItems = await trx
    .selectFrom('inventory_quote_request_items')
    .select(['id', 'quantity'])
    .where('quote_request_id', '=', quote.id)
    .execute();
  const quantityOf = new Map(requestItems.map((item) => [item.id, item.quantity]));
  if (input.items.some((item) => !quantityOf.has(item.requestItemId))) throw notFound('Item do orçamento');
  const priced = new Set(input.items.map((item) => item.requestItemId));
  const missing = requestItems.filter((item) => !priced.has(item.id)).map((item) => item.id);
  if (missing.length > 0)
    throw new DomainError('BAD_REQUEST', 'BUDGET_INCOMPLETE', 'Informe o preço de todos os itens do pedido', {
      field: 'items',
      missing,
    });
  const total = input.items.reduce((sum, item) => sum + item.unitValueCents * quantityOf.get(item.requestItemId)!, 0);
  const budget = await refusingDuplicates(
    trx
      .insertInto('inventory_budgets')
      .values({
        tenant_id: quote.tenant_id,
        quote_request_id: quote.id,
        supplier_id: supplier.id,
        total_value_cents: total,
        valid_until: input.validUntil ?? null,
        delivery_days: input.deliveryDays ?? null,
        notes: input.notes ?? '',
        created_by: audit.actor.type === 'user' ? audit.actor.id : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
    () => new DomainError('CONFLICT', 'BUDGET_EXISTS', `${supplier.name} já enviou orçamento para este pedido`, { field: 'supplierId' }),
  );
  await trx
    .insertInto('inventory_budget_items')
    .values(
      input.items.map((item) => ({
        tenant_id: quote.tenant_id,
        budget_id: budget.id,
        request_item_id: item.requestItemId,
        unit_value_cents: item.unitValueCents,
      })),
    )
    .execute();
  await recordQuoteChange(trx, audit, quote, {
    action: 'budget_added',
    details: { budgetId: budget.id, supplierId: supplier.id, totalValueCents: total },
  });
  return compareQuote(trx, quote.id);
}

/**
 * Chooses one budget: the request is decided, that budget chosen and the others rejected, and a
 * purchase order for its supplier is created (items with the request's categories and the chosen
 * unit values), all in one transaction. A budget past its validity cannot be chosen.
 */
export async function chooseBudget(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof chooseBudgetInput>,
): Promise<{ quote: QuoteComparison; purchaseOrderId: string; purchaseOrderNumber: number }> {
  const quote = await lockOpenQuote(trx, input.quoteRequestId);
  const budget = await trx
    .selectFrom('inventory_budgets')
    .select(['id', 'supplier_id', 'notes', 'valid_until'])
    .where('id', '=', input.budgetId)
    .where('quote_request_id', '=', quote.id)
    .executeTakeFirst();
  if (!budget) throw notFound('Orçamento do fornecedor');
  if (budget.valid_until !== null && budget.valid_until < (await tenantToday(trx)))
    throw new DomainError('CONFLICT', 'BUDGET_EXPIRED', 'A validade deste orçamento já passou; peça ao fornecedor um novo', {
      field: 'budgetId',
    });
  const items = await trx
    .selectFrom('inventory_quote_request_items as item')
    .innerJoin('inventory_budget_items as price', (join) =>
      join.onRef('price.request_item_id', '=', 'item.id').on('price.budget_id', '=', budget.id),
    )
    .select(['item.category_id', 'item.description', 'item.quantity', 'price.unit_value_cents'])
    .where('item.quote_request_id', '=', quote.id)
    .orderBy('item.position')
    .execute();
  const order = await insertPurchaseOrder(trx, audit, {
    supplierId: budget.supplier_id,
    quoteRequestId: quote.id,
    notes: `Orçamento "${quote.title}"${budget.notes ? ` · ${budget.notes}` : ''}`.slice(0, 2000),
    items: items.map((item) => ({
      categoryId: item.category_id,
      description: item.description,
      quantity: item.quantity,
      unitValueCents: Number(item.unit_value_cents),
    })),
  });
  await trx
    .updateTable('inventory_budgets')
    .set({ status: sql<InventoryBudgetStatus>`case when id = ${budget.id} then 'chosen' else 'rejected' end` })
    .where('quote_request_id', '=', quote.id)
    .execute();
  const decided = await trx
    .updateTable('inventory_quote_requests')
    .set({ status: 'decided', chosen_budget_id: budget.id, purchase_order_id: order.id, updated_at: new Date() })
    .where('id', '=', quote.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordQuoteChange(trx, audit, decided, {
    action: 'decided',
    details: { budgetId: budget.id, purchaseOrderId: order.id, purchaseOrderNumber: order.number },
  });
  return { quote: await compareQuote(trx, quote.id), purchaseOrderId: order.id, purchaseOrderNumber: order.number };
}

export async function cancelQuote(trx: TenantTransaction, audit: AuditContext, quoteRequestId: string): Promise<QuoteComparison> {
  const quote = await lockOpenQuote(trx, quoteRequestId);
  const cancelled = await trx
    .updateTable('inventory_quote_requests')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('id', '=', quote.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordQuoteChange(trx, audit, cancelled, { action: 'cancelled' });
  return compareQuote(trx, quote.id);
}
