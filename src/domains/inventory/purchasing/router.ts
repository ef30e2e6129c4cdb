import { router } from '../../../trpc/init';
import { permittedProcedure } from '../../../trpc/procedures';
import { inventoryPermissions as can } from '../permissions';
import {
  cancelPurchaseOrder,
  createPurchaseOrder,
  decidePurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  receivePurchaseOrder,
} from './purchase-orders';
import { addBudget, cancelQuote, chooseBudget, compareQuote, createQuote, listQuotes } from './quotes';
import {
  addBudgetInput,
  byId,
  chooseBudgetInput,
  createPurchaseOrderInput,
  createQuoteInput,
  createSupplierInput,
  decidePurchaseOrderInput,
  listPurchaseOrdersInput,
  listQuotesInput,
  listSuppliersInput,
  receivePurchaseOrderInput,
  updateSupplierInput,
} from './schemas';
import { createSupplier, listSuppliers, toSupplierView, updateSupplier } from './suppliers';

const inventory = (permission: string | readonly string[]) => permittedProcedure(permission, 'inventory');
const reads = inventory(can['inventory.purchasing.read']);
const writes = inventory(can['inventory.purchasing.write']);
const approvals = inventory(can['inventory.purchasing.approve']);
/** Maintenance forms pick suppliers too: reading the list needs either part's read permission. */
const supplierReads = inventory([can['inventory.purchasing.read'], can['inventory.maintenance.read']]);

const suppliersRouter = router({
  list: supplierReads
    .input(listSuppliersInput)
    .query(({ ctx, input }) => ctx.withTenant(async (trx) => (await listSuppliers(trx, input)).map(toSupplierView))),
  create: writes
    .input(createSupplierInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toSupplierView(await createSupplier(trx, ctx.audit, input)))),
  update: writes
    .input(updateSupplierInput)
    .mutation(({ ctx, input }) => ctx.withTenant(async (trx) => toSupplierView(await updateSupplier(trx, ctx.audit, input)))),
});

const quotesRouter = router({
  list: reads.input(listQuotesInput).query(({ ctx, input }) => ctx.withTenant((trx) => listQuotes(trx, input))),
  /** The side-by-side comparison of the suppliers' budgets. */
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => compareQuote(trx, input.id))),
  create: writes.input(createQuoteInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => createQuote(trx, ctx.audit, input))),
  addBudget: writes.input(addBudgetInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => addBudget(trx, ctx.audit, input))),
  choose: writes.input(chooseBudgetInput).mutation(({ ctx, input }) => ctx.withTenant((trx) => chooseBudget(trx, ctx.audit, input))),
  cancel: writes.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => cancelQuote(trx, ctx.audit, input.id))),
});

const purchaseOrdersRouter = router({
  list: reads.input(listPurchaseOrdersInput).query(({ ctx, input }) => ctx.withTenant((trx) => listPurchaseOrders(trx, input))),
  get: reads.input(byId).query(({ ctx, input }) => ctx.withTenant((trx) => getPurchaseOrder(trx, input.id))),
  create: writes
    .input(createPurchaseOrderInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => createPurchaseOrder(trx, ctx.audit, input))),
  approve: approvals
    .input(decidePurchaseOrderInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => decidePurchaseOrder(trx, ctx.audit, 'approve', input))),
  reject: approvals
    .input(decidePurchaseOrderInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => decidePurchaseOrder(trx, ctx.audit, 'reject', input))),
  /** Receives an approved order into a location: one asset per unit, in one transaction. */
  receive: writes
    .input(receivePurchaseOrderInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => receivePurchaseOrder(trx, ctx.audit, input))),
  cancel: writes.input(byId).mutation(({ ctx, input }) => ctx.withTenant((trx) => cancelPurchaseOrder(trx, ctx.audit, input.id))),
});

/** The purchasing procedures of the inventory, merged into `inventory.*` by ../router.ts. */
export const purchasingRouters = {
  suppliers: suppliersRouter,
  quotes: quotesRouter,
  purchaseOrders: purchaseOrdersRouter,
};
