import { expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../../test/support/cross-tenant';
import { seedAsset, seedPlace, seedSupplier } from '../../../../test/support/inventory-audits';

interface MaintenanceFixture {
  inventoryMaintenance: {
    assetId: string;
    supplierId: string;
    contractId: string;
    openOrderId: string;
    doneOrderId: string;
    planId: string;
  };
}

const SLA = {
  low: { respondHours: 24, resolveHours: 72 },
  medium: { respondHours: 8, resolveHours: 24 },
  high: { respondHours: 4, resolveHours: 8 },
  critical: { respondHours: 1, resolveHours: 4 },
};

/** Maintenance: A's orders, plans, contracts, assets and suppliers are out of B's reach, whatever ids B holds. */
export const crossTenantSuite = defineCrossTenantSuite<MaintenanceFixture>({
  name: 'inventory-maintenance',
  async prepare(services, { owner, tenant }) {
    const room = await seedPlace(services.db, tenant.tenantId, { name: 'Oficina' });
    const asset = await seedAsset(services.db, tenant.tenantId, { name: 'Compressor', locationId: room.id });
    const supplierId = await seedSupplier(services.db, tenant.tenantId, 'Manutenção Geral');
    const maintenance = owner.inventory.maintenance;
    const contract = await maintenance.contracts.create({ supplierId, name: 'Contrato anual', startDate: '2020-01-01', sla: SLA });
    const open = await maintenance.orders.create({ assetId: asset.id, title: 'Vazamento', contractId: contract.id });
    const done = await maintenance.orders.create({ assetId: asset.id, title: 'Óleo' });
    await maintenance.orders.move({ id: done.id, to: 'in_progress' });
    await maintenance.orders.move({ id: done.id, to: 'done' });
    const plan = await maintenance.plans.create({
      assetId: asset.id,
      title: 'Revisão',
      period: 'interval',
      intervalDays: 90,
      nextRun: '2099-01-01',
    });
    return {
      inventoryMaintenance: {
        assetId: asset.id,
        supplierId,
        contractId: contract.id,
        openOrderId: open.id,
        doneOrderId: done.id,
        planId: plan.id,
      },
    };
  },
  snapshot: async (trx) => ({
    orders: await trx.selectFrom('inventory_maintenance_orders').selectAll().orderBy('id').execute(),
    plans: await trx.selectFrom('inventory_maintenance_schedules').selectAll().orderBy('id').execute(),
    contracts: await trx.selectFrom('inventory_maintenance_contracts').selectAll().orderBy('id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    // Read when a case runs: the tenants are prepared after the cases are listed.
    const maintenance = () => b.owner.inventory.maintenance;
    const mine = () => b.inventoryMaintenance;
    const theirs = () => a.inventoryMaintenance;
    const foreignOrders = () => [theirs().openOrderId, theirs().doneOrderId];
    return {
      'inventory.maintenance.orders.list': async () => {
        const ids = (await maintenance().orders.list()).items.map((order) => order.id);
        expect(ids).toContain(mine().openOrderId);
        for (const id of foreignOrders()) expect(ids).not.toContain(id);
        expect((await maintenance().orders.list({ assetId: theirs().assetId })).items).toEqual([]);
      },
      'inventory.maintenance.orders.get': () => expectUnknownToB((id) => maintenance().orders.get({ id }), foreignOrders),
      'inventory.maintenance.orders.create': async () => {
        await expectUnknownToB(
          (assetId) => maintenance().orders.create({ assetId, title: 'Em A' }),
          () => [theirs().assetId],
        );
        await expectUnknownToB(
          (supplierId) => maintenance().orders.create({ assetId: mine().assetId, title: 'Fornecedor de A', supplierId }),
          () => [theirs().supplierId],
        );
        await expectUnknownToB(
          (contractId) => maintenance().orders.create({ assetId: mine().assetId, title: 'Contrato de A', contractId }),
          () => [theirs().contractId],
        );
      },
      'inventory.maintenance.orders.update': async () => {
        await expectUnknownToB((id) => maintenance().orders.update({ id, title: 'Sequestrada' }), foreignOrders);
        await expectUnknownToB(
          (supplierId) => maintenance().orders.update({ id: mine().openOrderId, supplierId }),
          () => [theirs().supplierId],
        );
      },
      'inventory.maintenance.orders.move': () =>
        expectUnknownToB(
          (id) => maintenance().orders.move({ id, to: 'cancelled' }),
          () => [theirs().openOrderId],
        ),
      'inventory.maintenance.orders.rate': () =>
        expectUnknownToB(
          (id) => maintenance().orders.rate({ id, rating: 1 }),
          () => [theirs().doneOrderId],
        ),
      'inventory.maintenance.plans.list': async () => {
        const ids = (await maintenance().plans.list()).map((plan) => plan.id);
        expect(ids).toContain(mine().planId);
        expect(ids).not.toContain(theirs().planId);
        expect(await maintenance().plans.list({ assetId: theirs().assetId })).toEqual([]);
      },
      'inventory.maintenance.plans.get': () =>
        expectUnknownToB(
          (id) => maintenance().plans.get({ id }),
          () => [theirs().planId],
        ),
      'inventory.maintenance.plans.create': async () => {
        const plan = (assetId: string, extra: { supplierId?: string; contractId?: string } = {}) =>
          maintenance().plans.create({ assetId, title: 'Plano', period: 'date', nextRun: '2099-01-01', ...extra });
        await expectUnknownToB(plan, () => [theirs().assetId]);
        await expectUnknownToB(
          (supplierId) => plan(mine().assetId, { supplierId }),
          () => [theirs().supplierId],
        );
        await expectUnknownToB(
          (contractId) => plan(mine().assetId, { contractId }),
          () => [theirs().contractId],
        );
      },
      'inventory.maintenance.plans.update': async () => {
        await expectUnknownToB(
          (id) => maintenance().plans.update({ id, active: false }),
          () => [theirs().planId],
        );
        await expectUnknownToB(
          (contractId) => maintenance().plans.update({ id: mine().planId, contractId }),
          () => [theirs().contractId],
        );
      },
      'inventory.maintenance.contracts.list': async () => {
        const ids = (await maintenance().contracts.list()).map((contract) => contract.id);
        expect(ids).toContain(mine().contractId);
        expect(ids).not.toContain(theirs().contractId);
      },
      'inventory.maintenance.contracts.get': () =>
        expectUnknownToB(
          (id) => maintenance().contracts.get({ id }),
          () => [theirs().contractId],
        ),
      'inventory.maintenance.contracts.create': () =>
        expectUnknownToB(
          (supplierId) => maintenance().contracts.create({ supplierId, name: 'De A', startDate: '2026-01-01', sla: SLA }),
          () => [theirs().supplierId],
        ),
      'inventory.maintenance.contracts.update': () =>
        expectUnknownToB(
          (id) => maintenance().contracts.update({ id, name: 'Sequestrado' }),
          () => [theirs().contractId],
        ),
    };
  },
});
