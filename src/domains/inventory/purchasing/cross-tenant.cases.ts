import { expect } from 'vitest';
import { callerFor } from '../../../../test/support/app';
import { defineCrossTenantSuite } from '../../../../test/support/cross-tenant';
import { addUser } from '../../../../test/support/identity';
import { createTestSupplier, seedPurchasingPlaces } from '../../../../test/support/inventory-purchasing';

interface PurchasingFixture {
  purchasing: {
    categoryId: string;
    locationId: string;
    supplierId: string;
    otherSupplierId: string;
    supplierCnpj: string;
    quoteId: string;
    requestItemId: string;
    budgetId: string;
    pendingOrderId: string;
    approvedOrderId: string;
  };
}

/** Purchasing: A's suppliers, quotes, budgets and purchase orders are out of B's reach, whatever ids B holds. */
export const crossTenantSuite = defineCrossTenantSuite<PurchasingFixture>({
  name: 'inventory-purchasing',
  async prepare(services, { owner, tenant }) {
    const places = await seedPurchasingPlaces(services, tenant.tenantId, 'Compras');
    const supplier = await createTestSupplier(owner, 'Fornecedor principal');
    const other = await createTestSupplier(owner, 'Fornecedor secundário');
    const quote = await owner.inventory.quotes.create({
      title: 'Impressoras',
      items: [{ categoryId: places.category.id, description: 'Impressora laser', quantity: 2 }],
    });
    const compared = await owner.inventory.quotes.addBudget({
      quoteRequestId: quote.id,
      supplierId: supplier.id,
      items: [{ requestItemId: quote.items[0]!.id, unitValueCents: 120_000 }],
    });
    const order = () =>
      owner.inventory.purchaseOrders.create({
        supplierId: supplier.id,
        items: [{ categoryId: places.category.id, description: 'Cadeira', quantity: 1, unitValueCents: 50_000 }],
      });
    const pending = await order();
    const approved = await order();
    const approver = await callerFor(services, await addUser(services, tenant, 'manager', 'Aprovador'));
    await approver.inventory.purchaseOrders.approve({ id: approved.id });
    return {
      purchasing: {
        categoryId: places.category.id,
        locationId: places.location.id,
        supplierId: supplier.id,
        otherSupplierId: other.id,
        supplierCnpj: supplier.cnpj,
        quoteId: quote.id,
        requestItemId: quote.items[0]!.id,
        budgetId: compared.budgets[0]!.id,
        pendingOrderId: pending.id,
        approvedOrderId: approved.id,
      },
    };
  },
  snapshot: async (trx) => ({
    suppliers: await trx.selectFrom('inventory_suppliers').selectAll().orderBy('id').execute(),
    quotes: await trx.selectFrom('inventory_quote_requests').selectAll().orderBy('id').execute(),
    quoteItems: await trx.selectFrom('inventory_quote_request_items').selectAll().orderBy('id').execute(),
    budgets: await trx.selectFrom('inventory_budgets').selectAll().orderBy('id').execute(),
    budgetItems: await trx.selectFrom('inventory_budget_items').selectAll().orderBy('id').execute(),
    orders: await trx.selectFrom('inventory_purchase_orders').selectAll().orderBy('id').execute(),
    orderItems: await trx.selectFrom('inventory_purchase_order_items').selectAll().orderBy('id').execute(),
    receivedAssets: await trx
      .selectFrom('inventory_assets')
      .select('id')
      .where('purchase_order_id', 'is not', null)
      .orderBy('id')
      .execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const A = () => a.purchasing;
    const B = () => b.purchasing;
    const onlyB = (ids: string[], mine: string, theirs: string) => {
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    const orderOfA = (call: (id: string) => Promise<unknown>) => expectUnknownToB(call, () => [A().pendingOrderId, A().approvedOrderId]);
    return {
      'inventory.suppliers.list': async () =>
        onlyB(
          (await b.owner.inventory.suppliers.list({ includeInactive: true })).map((supplier) => supplier.id),
          B().supplierId,
          A().supplierId,
        ),
      'inventory.suppliers.create': async () =>
        // The CNPJ is unique per tenant: A's is free in B, and nothing of A shows.
        expect(await b.owner.inventory.suppliers.create({ name: 'Mesmo CNPJ de A', cnpj: A().supplierCnpj })).toMatchObject({
          cnpj: A().supplierCnpj,
        }),
      'inventory.suppliers.update': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.suppliers.update({ id, name: 'Sequestrado' }),
          () => [A().supplierId],
        ),
      'inventory.quotes.list': async () =>
        onlyB(
          (await b.owner.inventory.quotes.list()).map((quote) => quote.id),
          B().quoteId,
          A().quoteId,
        ),
      'inventory.quotes.get': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.quotes.get({ id }),
          () => [A().quoteId],
        ),
      'inventory.quotes.create': () =>
        expectUnknownToB(
          (categoryId) =>
            b.owner.inventory.quotes.create({ title: 'Com categoria de A', items: [{ categoryId, description: 'X', quantity: 1 }] }),
          () => [A().categoryId],
        ),
      'inventory.quotes.addBudget': async () => {
        const items = (requestItemId: string) => [{ requestItemId, unitValueCents: 1 }];
        await expectUnknownToB(
          (quoteRequestId) =>
            b.owner.inventory.quotes.addBudget({ quoteRequestId, supplierId: B().otherSupplierId, items: items(B().requestItemId) }),
          () => [A().quoteId],
        );
        await expectUnknownToB(
          (supplierId) => b.owner.inventory.quotes.addBudget({ quoteRequestId: B().quoteId, supplierId, items: items(B().requestItemId) }),
          () => [A().supplierId],
        );
        await expectUnknownToB(
          (requestItemId) =>
            b.owner.inventory.quotes.addBudget({
              quoteRequestId: B().quoteId,
              supplierId: B().otherSupplierId,
              items: items(requestItemId),
            }),
          () => [A().requestItemId],
        );
      },
      'inventory.quotes.choose': async () => {
        await expectUnknownToB(
          (quoteRequestId) => b.owner.inventory.quotes.choose({ quoteRequestId, budgetId: B().budgetId }),
          () => [A().quoteId],
        );
        await expectUnknownToB(
          (budgetId) => b.owner.inventory.quotes.choose({ quoteRequestId: B().quoteId, budgetId }),
          () => [A().budgetId],
        );
      },
      'inventory.quotes.cancel': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.quotes.cancel({ id }),
          () => [A().quoteId],
        ),
      'inventory.purchaseOrders.list': async () =>
        onlyB(
          (await b.owner.inventory.purchaseOrders.list()).map((order) => order.id),
          B().pendingOrderId,
          A().pendingOrderId,
        ),
      'inventory.purchaseOrders.get': () => orderOfA((id) => b.owner.inventory.purchaseOrders.get({ id })),
      'inventory.purchaseOrders.create': async () => {
        const item = (categoryId: string | null) => [{ categoryId, description: 'X', quantity: 1, unitValueCents: 1 }];
        await expectUnknownToB(
          (supplierId) => b.owner.inventory.purchaseOrders.create({ supplierId, items: item(null) }),
          () => [A().supplierId],
        );
        await expectUnknownToB(
          (categoryId) => b.owner.inventory.purchaseOrders.create({ supplierId: B().supplierId, items: item(categoryId) }),
          () => [A().categoryId],
        );
      },
      'inventory.purchaseOrders.approve': () => orderOfA((id) => b.owner.inventory.purchaseOrders.approve({ id })),
      'inventory.purchaseOrders.reject': () => orderOfA((id) => b.owner.inventory.purchaseOrders.reject({ id })),
      'inventory.purchaseOrders.cancel': () => orderOfA((id) => b.owner.inventory.purchaseOrders.cancel({ id })),
      'inventory.purchaseOrders.receive': async () => {
        await orderOfA((id) => b.owner.inventory.purchaseOrders.receive({ id, locationId: B().locationId }));
        await expectUnknownToB(
          (locationId) => b.owner.inventory.purchaseOrders.receive({ id: B().approvedOrderId, locationId }),
          () => [A().locationId],
        );
      },
    };
  },
});
