import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, storedEvents, trpcError, type Caller } from '../../../../test/support/identity';
import { createTestSupplier, randomCnpj, seedPurchasingPlaces } from '../../../../test/support/inventory-purchasing';
import { withTenant } from '../../../db/tenant-scope';
import type { Services } from '../../../services';

type Places = Awaited<ReturnType<typeof seedPurchasingPlaces>>;

describe('purchasing: suppliers, quotes compared and chosen, purchase orders approved and received', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  let manager: Caller;
  let agent: Caller;
  let places: Places;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['inventory'] });
    owner = await ownerCaller(services, tenant);
    manager = await callerFor(services, await addUser(services, tenant, 'manager', 'Gerente Bia'));
    agent = await callerFor(services, await addUser(services, tenant, 'agent', 'Agente Caio'));
    places = await seedPurchasingPlaces(services, tenant.tenantId);
  });
  afterAll(async () => {
    await services.close();
  });

  const assetsOfOrder = (orderId: string) =>
    withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_assets').selectAll().where('purchase_order_id', '=', orderId).orderBy('tag_number').execute(),
    );

  describe('suppliers', () => {
    it('stores the CNPJ normalised, shows it formatted, and refuses a second supplier with it (409)', async () => {
      const created = await owner.inventory.suppliers.create({
        name: 'Alfa Informática',
        cnpj: '12.abc.345/01de-35',
        contact: 'Marta',
        email: 'marta@alfa.test',
        phone: '(11) 4002-8922',
      });
      expect(created).toMatchObject({ cnpj: '12ABC34501DE35', cnpjFormatted: '12.ABC.345/01DE-35', active: true });
      const taken = await expectTrpcError(owner.inventory.suppliers.create({ name: 'Outra', cnpj: '12ABC34501DE35' }), 'CONFLICT');
      expect(taken).toMatchObject({ reason: 'SUPPLIER_CNPJ_TAKEN', details: { field: 'cnpj' } });
      const listed = await owner.inventory.suppliers.list({ q: '12.ABC' });
      expect(listed.map((supplier) => supplier.id)).toEqual([created.id]);
    });

    it('refuses a CNPJ with wrong check digits with a clear pt-BR message beside the field', async () => {
      const refused = await expectTrpcError(owner.inventory.suppliers.create({ name: 'Beta', cnpj: '11.222.333/0001-82' }), 'BAD_REQUEST');
      expect(refused.zodError?.fieldErrors.cnpj?.[0]).toMatch(/CNPJ inválido/);
      const email = await expectTrpcError(
        owner.inventory.suppliers.create({ name: 'Beta', cnpj: randomCnpj(), email: 'não é e-mail' }),
        'BAD_REQUEST',
      );
      expect(email.zodError?.fieldErrors.email?.[0]).toBe('E-mail inválido');
    });

    it('updates fields, deactivates, and keeps absent fields as they were', async () => {
      const supplier = await createTestSupplier(owner, 'Gama Móveis');
      const updated = await owner.inventory.suppliers.update({ id: supplier.id, contact: 'Rui', active: false });
      expect(updated).toMatchObject({ contact: 'Rui', email: 'vendas@fornecedor.test', active: false });
      expect((await owner.inventory.suppliers.list()).map((row) => row.id)).not.toContain(supplier.id);
      expect((await owner.inventory.suppliers.list({ includeInactive: true })).map((row) => row.id)).toContain(supplier.id);
      await expectTrpcError(agent.inventory.suppliers.create({ name: 'X', cnpj: randomCnpj() }), 'FORBIDDEN', 'PERMISSION_DENIED');
    });
  });

  describe('quotes', () => {
    it('compares budgets side by side, marks the lowest, and choosing one makes the purchase order', async () => {
      const [alfa, beta, gama] = await Promise.all([
        createTestSupplier(owner, 'Fornecedor A'),
        createTestSupplier(owner, 'Fornecedor B'),
        createTestSupplier(owner, 'Fornecedor C'),
      ]);
      const quote = await owner.inventory.quotes.create({
        title: 'Notebooks da recepção',
        items: [
          { categoryId: places.category.id, description: 'Notebook 14"', quantity: 3 },
          { description: 'Mouse sem fio', quantity: 2 },
        ],
      });
      expect(quote).toMatchObject({ status: 'open', itemCount: 2, budgetCount: 0 });
      const [notebook, mouse] = quote.items;
      const budget = (supplierId: string, notebookCents: number, mouseCents: number, deliveryDays: number) =>
        owner.inventory.quotes.addBudget({
          quoteRequestId: quote.id,
          supplierId,
          deliveryDays,
          items: [
            { requestItemId: notebook!.id, unitValueCents: notebookCents },
            { requestItemId: mouse!.id, unitValueCents: mouseCents },
          ],
        });
      await budget(alfa.id, 400_000, 9_000, 10);
      await budget(beta.id, 380_000, 12_000, 5);
      const compared = await budget(gama.id, 390_000, 9_000, 20);

      expect(
        compared.budgets.map((column) => [column.supplierName, column.totalValueCents, column.lowestTotal, column.fastestDelivery]),
      ).toEqual([
        ['Fornecedor A', 1_218_000, false, false],
        ['Fornecedor B', 1_164_000, true, true],
        ['Fornecedor C', 1_188_000, false, false],
      ]);
      const rows = Object.fromEntries(
        compared.items.map((item) => [
          item.description,
          item.offers.map((offer) => [offer.unitValueCents, offer.lineValueCents, offer.lowest]),
        ]),
      );
      expect(rows['Notebook 14"']).toEqual([
        [400_000, 1_200_000, false],
        [380_000, 1_140_000, true],
        [390_000, 1_170_000, false],
      ]);
      // A tie: both cheapest are marked.
      expect(rows['Mouse sem fio']).toEqual([
        [9_000, 18_000, true],
        [12_000, 24_000, false],
        [9_000, 18_000, true],
      ]);
      expect(compared.items[0]).toMatchObject({ categoryId: places.category.id, categoryName: places.category.name });

      await expectTrpcError(budget(alfa.id, 1, 1, 1), 'CONFLICT', 'BUDGET_EXISTS');

      const chosenBudget = compared.budgets.find((column) => column.supplierName === 'Fornecedor C')!;
      const chosen = await owner.inventory.quotes.choose({ quoteRequestId: quote.id, budgetId: chosenBudget.id });
      expect(chosen.quote).toMatchObject({ status: 'decided', chosenBudgetId: chosenBudget.id, purchaseOrderId: chosen.purchaseOrderId });
      expect(chosen.quote.budgets.map((column) => column.status)).toEqual(['rejected', 'rejected', 'chosen']);
      const order = await owner.inventory.purchaseOrders.get({ id: chosen.purchaseOrderId });
      expect(order).toMatchObject({
        number: chosen.purchaseOrderNumber,
        supplierId: gama.id,
        quoteRequestId: quote.id,
        status: 'pending_approval',
        totalValueCents: 1_188_000,
        units: 5,
      });
      expect(order.items.map((item) => [item.categoryId, item.description, item.quantity, item.unitValueCents])).toEqual([
        [places.category.id, 'Notebook 14"', 3, 390_000],
        [null, 'Mouse sem fio', 2, 9_000],
      ]);

      // A decided request takes no more budgets, choices or cancels.
      const again = await expectTrpcError(
        owner.inventory.quotes.choose({ quoteRequestId: quote.id, budgetId: chosenBudget.id }),
        'CONFLICT',
        'QUOTE_STATE',
      );
      expect(again.details).toMatchObject({ currentState: 'decided' });
      await expectTrpcError(owner.inventory.quotes.cancel({ id: quote.id }), 'CONFLICT', 'QUOTE_STATE');
      expect((await owner.inventory.quotes.list({ status: 'decided' })).map((row) => row.id)).toContain(quote.id);
      const types = (await storedEvents(services, tenant.tenantId)).map((event) => event.type);
      expect(types).toEqual(expect.arrayContaining(['inventory.quote.updated', 'inventory.purchase.updated']));
    });

    it('needs a price for every item, refuses unknown items and expired budgets', async () => {
      const supplier = await createTestSupplier(owner, 'Fornecedor D');
      const quote = await owner.inventory.quotes.create({
        title: 'Cadeiras',
        items: [
          { description: 'Cadeira', quantity: 4 },
          { description: 'Mesa', quantity: 1 },
        ],
      });
      const incomplete = await expectTrpcError(
        owner.inventory.quotes.addBudget({
          quoteRequestId: quote.id,
          supplierId: supplier.id,
          items: [{ requestItemId: quote.items[0]!.id, unitValueCents: 100 }],
        }),
        'BAD_REQUEST',
        'BUDGET_INCOMPLETE',
      );
      expect(incomplete.details).toMatchObject({ missing: [quote.items[1]!.id] });
      await expectTrpcError(
        owner.inventory.quotes.addBudget({
          quoteRequestId: quote.id,
          supplierId: supplier.id,
          items: [{ requestItemId: crypto.randomUUID(), unitValueCents: 100 }],
        }),
        'NOT_FOUND',
      );
      const compared = await owner.inventory.quotes.addBudget({
        quoteRequestId: quote.id,
        supplierId: supplier.id,
        validUntil: '2020-01-31',
        items: quote.items.map((item) => ({ requestItemId: item.id, unitValueCents: 5_000 })),
      });
      await expectTrpcError(
        owner.inventory.quotes.choose({ quoteRequestId: quote.id, budgetId: compared.budgets[0]!.id }),
        'CONFLICT',
        'BUDGET_EXPIRED',
      );
      expect((await owner.inventory.quotes.cancel({ id: quote.id })).status).toBe('cancelled');
    });

    it('refuses more units than a receipt may create, and another tenant-unknown category', async () => {
      const tooMany = await trpcError(
        owner.inventory.quotes.create({
          title: 'Muitos',
          items: [
            { description: 'Parafuso', quantity: 600 },
            { description: 'Porca', quantity: 600 },
          ],
        }),
      );
      expect(tooMany.code).toBe('BAD_REQUEST');
      expect(tooMany.zodError?.fieldErrors.items?.[0]).toMatch(/No máximo 1000 unidades/);
      await expectTrpcError(
        owner.inventory.quotes.create({
          title: 'Sem categoria',
          items: [{ categoryId: crypto.randomUUID(), description: 'X', quantity: 1 }],
        }),
        'NOT_FOUND',
      );
    });
  });

  describe('purchase orders', () => {
    const directOrder = async (units = 3) => {
      const supplier = await createTestSupplier(owner, `Fornecedor ${crypto.randomUUID().slice(0, 6)}`);
      return owner.inventory.purchaseOrders.create({
        supplierId: supplier.id,
        notes: 'Compra direta',
        items: [
          { categoryId: places.category.id, description: 'Monitor 27"', quantity: units, unitValueCents: 150_000 },
          { description: 'Cabo HDMI', quantity: 1, unitValueCents: 3_500 },
        ],
      });
    };

    it('walks the state machine: a forbidden step is 409 with the current state, and the creator never decides', async () => {
      const order = await directOrder();
      expect(order).toMatchObject({ status: 'pending_approval', totalValueCents: 453_500, units: 4 });
      const ownApproval = await expectTrpcError(
        owner.inventory.purchaseOrders.approve({ id: order.id }),
        'FORBIDDEN',
        'OWN_PURCHASE_ORDER',
      );
      expect(ownApproval.details).toMatchObject({ currentState: 'pending_approval' });
      await expectTrpcError(agent.inventory.purchaseOrders.approve({ id: order.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
      const receiveEarly = await expectTrpcError(
        owner.inventory.purchaseOrders.receive({ id: order.id, locationId: places.location.id }),
        'CONFLICT',
        'PURCHASE_ORDER_STATE',
      );
      expect(receiveEarly.details).toMatchObject({ currentState: 'pending_approval', action: 'receive' });

      const approved = await manager.inventory.purchaseOrders.approve({ id: order.id, note: 'Dentro do orçamento' });
      expect(approved).toMatchObject({ status: 'approved', decidedByName: 'Gerente Bia', decisionNote: 'Dentro do orçamento' });
      const twice = await expectTrpcError(manager.inventory.purchaseOrders.reject({ id: order.id }), 'CONFLICT', 'PURCHASE_ORDER_STATE');
      expect(twice.details).toMatchObject({ currentState: 'approved' });

      const cancelled = await owner.inventory.purchaseOrders.cancel({ id: order.id });
      expect(cancelled.status).toBe('cancelled');
      for (const step of [
        () => owner.inventory.purchaseOrders.cancel({ id: order.id }),
        () => manager.inventory.purchaseOrders.approve({ id: order.id }),
        () => owner.inventory.purchaseOrders.receive({ id: order.id, locationId: places.location.id }),
      ]) {
        const refused = await expectTrpcError(step(), 'CONFLICT', 'PURCHASE_ORDER_STATE');
        expect(refused.details).toMatchObject({ currentState: 'cancelled' });
      }

      const rejected = await manager.inventory.purchaseOrders.reject({ id: (await directOrder()).id, note: 'Caro demais' });
      expect(rejected).toMatchObject({ status: 'rejected', decisionNote: 'Caro demais' });
      expect((await owner.inventory.purchaseOrders.list({ status: 'rejected' })).map((row) => row.id)).toEqual([rejected.id]);
    });

    it('receives an approved order into a location: one asset per unit with category, value, supplier, date and order', async () => {
      const order = await directOrder(3);
      await manager.inventory.purchaseOrders.approve({ id: order.id });
      await expectTrpcError(owner.inventory.purchaseOrders.receive({ id: order.id, locationId: crypto.randomUUID() }), 'NOT_FOUND');
      const received = await owner.inventory.purchaseOrders.receive({ id: order.id, locationId: places.location.id });
      expect(received).toMatchObject({ status: 'received', assetCount: 4 });
      const assets = await assetsOfOrder(order.id);
      expect(assets).toHaveLength(4);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date());
      for (const asset of assets) {
        expect(asset).toMatchObject({
          location_id: places.location.id,
          supplier_id: order.supplierId,
          purchase_date: today,
          status: 'available',
        });
      }
      expect(assets.map((asset) => [asset.name, asset.category_id, asset.purchase_value_cents])).toEqual([
        ['Monitor 27"', places.category.id, '150000'],
        ['Monitor 27"', places.category.id, '150000'],
        ['Monitor 27"', places.category.id, '150000'],
        ['Cabo HDMI', null, '3500'],
      ]);
      expect(new Set(assets.map((asset) => asset.tag)).size).toBe(4);
      expect(received.assets.map((asset) => asset.id).sort()).toEqual(assets.map((asset) => asset.id).sort());
      await expectTrpcError(
        owner.inventory.purchaseOrders.receive({ id: order.id, locationId: places.location.id }),
        'CONFLICT',
        'PURCHASE_ORDER_STATE',
      );
    });

    it('writes no asset at all when one unit of the receipt fails, and the order stays approved', async () => {
      const order = await directOrder(3);
      await manager.inventory.purchaseOrders.approve({ id: order.id });
      // The tag the third unit would get is taken already (written around the counter): its insert fails.
      await withTenant(services.db, tenant.tenantId, async (trx) => {
        const settings = await trx.selectFrom('inventory_settings').selectAll().executeTakeFirstOrThrow();
        const tag = `${settings.tag_prefix}${String(settings.last_tag_number + 3).padStart(settings.tag_digits, '0')}`;
        await trx.insertInto('inventory_assets').values({ tenant_id: tenant.tenantId, name: 'No caminho', tag }).execute();
      });
      const assetsBefore = await withTenant(services.db, tenant.tenantId, (trx) =>
        trx
          .selectFrom('inventory_assets')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .executeTakeFirstOrThrow(),
      );
      await expect(owner.inventory.purchaseOrders.receive({ id: order.id, locationId: places.location.id })).rejects.toThrow();
      expect(await assetsOfOrder(order.id)).toEqual([]);
      const assetsAfter = await withTenant(services.db, tenant.tenantId, (trx) =>
        trx
          .selectFrom('inventory_assets')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .executeTakeFirstOrThrow(),
      );
      expect(assetsAfter.count).toBe(assetsBefore.count);
      expect((await owner.inventory.purchaseOrders.get({ id: order.id })).status).toBe('approved');
    });

    it('refuses an inactive supplier and unknown ids like random ones', async () => {
      const supplier = await createTestSupplier(owner, 'Inativo');
      await owner.inventory.suppliers.update({ id: supplier.id, active: false });
      await expectTrpcError(
        owner.inventory.purchaseOrders.create({ supplierId: supplier.id, items: [{ description: 'X', quantity: 1, unitValueCents: 1 }] }),
        'CONFLICT',
        'SUPPLIER_INACTIVE',
      );
      await expectTrpcError(owner.inventory.purchaseOrders.get({ id: crypto.randomUUID() }), 'NOT_FOUND');
      await expectTrpcError(
        owner.inventory.purchaseOrders.create({
          supplierId: crypto.randomUUID(),
          items: [{ description: 'X', quantity: 1, unitValueCents: 1 }],
        }),
        'NOT_FOUND',
      );
      const bad = await expectTrpcError(
        owner.inventory.purchaseOrders.create({ supplierId: supplier.id, items: [{ description: '', quantity: 0, unitValueCents: -1 }] }),
        'BAD_REQUEST',
      );
      expect(bad.message).toBeTruthy();
    });
  });
});
