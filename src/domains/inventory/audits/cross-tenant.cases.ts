import { expect } from 'vitest';
import { defineCrossTenantSuite, type CrossTenantWorld } from '../../../../test/support/cross-tenant';
import { rawRequest } from '../../../../test/support/identity';
import { qrTextOf, seedAsset, seedCategory, seedPlace } from '../../../../test/support/inventory-audits';

interface AuditsFixture {
  inventoryAudits: {
    locationId: string;
    categoryId: string;
    assetTag: string;
    assetId: string;
    draftId: string;
    runningId: string;
    itemId: string;
    closedId: string;
  };
}

/** Audits: A's sessions, items, places, assets and reports are out of B's reach, whatever ids or QR codes B holds. */
export const crossTenantSuite = defineCrossTenantSuite<AuditsFixture>({
  name: 'inventory-audits',
  async prepare(services, { owner, tenant }) {
    const room = await seedPlace(services.db, tenant.tenantId, { name: 'Sala auditada' });
    const categoryId = await seedCategory(services.db, tenant.tenantId, 'Equipamentos auditados');
    const asset = await seedAsset(services.db, tenant.tenantId, { name: 'Ativo auditado', locationId: room.id, categoryId });
    const draft = await owner.inventory.audits.create({ name: 'Rascunho', scope: { locationId: room.id } });
    const running = await owner.inventory.audits.create({ name: 'Em andamento', scope: { locationId: room.id } });
    await owner.inventory.audits.start({ id: running.id });
    const scanned = await owner.inventory.audits.scan({ auditId: running.id, code: asset.tag, locationId: room.id });
    const closed = await owner.inventory.audits.create({ name: 'Encerrado', scope: { categoryIds: [categoryId] } });
    await owner.inventory.audits.start({ id: closed.id });
    await owner.inventory.audits.close({ id: closed.id });
    return {
      inventoryAudits: {
        locationId: room.id,
        categoryId,
        assetTag: asset.tag,
        assetId: asset.id,
        draftId: draft.id,
        runningId: running.id,
        itemId: scanned.itemId,
        closedId: closed.id,
      },
    };
  },
  snapshot: async (trx) => ({
    audits: await trx.selectFrom('inventory_audits').selectAll().orderBy('id').execute(),
    items: await trx.selectFrom('inventory_audit_items').selectAll().orderBy('id').execute(),
    scans: await trx.selectFrom('inventory_audit_scans').selectAll().orderBy('id').execute(),
    tallies: await trx.selectFrom('inventory_audit_tallies').selectAll().orderBy('audit_id').orderBy('scanned_by').execute(),
    assets: await trx.selectFrom('inventory_assets').select(['id', 'status', 'location_id']).orderBy('id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    // Read when a case runs: the tenants are prepared after the cases are listed.
    const audits = () => b.owner.inventory.audits;
    const mine = () => b.inventoryAudits;
    const theirs = () => a.inventoryAudits;
    return {
      'inventory.audits.list': async () => {
        const ids = (await audits().list()).items.map((audit) => audit.id);
        expect(ids).toContain(mine().runningId);
        for (const id of [theirs().draftId, theirs().runningId, theirs().closedId]) expect(ids).not.toContain(id);
      },
      'inventory.audits.get': () =>
        expectUnknownToB(
          (id) => audits().get({ id }),
          () => [theirs().draftId, theirs().runningId, theirs().closedId],
        ),
      'inventory.audits.items': () =>
        expectUnknownToB(
          (auditId) => audits().items({ auditId }),
          () => [theirs().runningId, theirs().closedId],
        ),
      'inventory.audits.create': async () => {
        await expectUnknownToB(
          (locationId) => audits().create({ name: 'Em A', scope: { locationId } }),
          () => [theirs().locationId],
        );
        await expectUnknownToB(
          (categoryId) => audits().create({ name: 'Em A', scope: { categoryIds: [mine().categoryId, categoryId] } }),
          () => [theirs().categoryId],
        );
      },
      'inventory.audits.start': () =>
        expectUnknownToB(
          (id) => audits().start({ id }),
          () => [theirs().draftId],
        ),
      'inventory.audits.close': () =>
        expectUnknownToB(
          (id) => audits().close({ id }),
          () => [theirs().runningId],
        ),
      'inventory.audits.cancel': () =>
        expectUnknownToB(
          (id) => audits().cancel({ id }),
          () => [theirs().draftId, theirs().runningId],
        ),
      'inventory.audits.correct': () =>
        expectUnknownToB(
          (itemId) => audits().correct({ itemId, action: 'keep' }),
          () => [theirs().itemId],
        ),
      'inventory.audits.scan': async () => {
        await expectUnknownToB(
          (auditId) => audits().scan({ auditId, code: mine().assetTag }),
          () => [theirs().runningId],
        );
        // A's label scanned in B's audit: as unknown as a label that never existed.
        const publicUrl = world.app.services.config.publicUrl;
        await expectUnknownToB(
          (assetId) => audits().scan({ auditId: mine().runningId, code: qrTextOf(publicUrl, assetId) }),
          () => [theirs().assetId],
        );
        await expectUnknownToB(
          (locationId) => audits().scan({ auditId: mine().runningId, code: mine().assetTag, locationId }),
          () => [theirs().locationId],
        );
      },
    };
  },
  endpoints: (world) => {
    const report = (extension: 'pdf' | 'csv') => () => reportCase(world, extension);
    return {
      'GET /api/v1/inventory/audits/:id/report.pdf': report('pdf'),
      'GET /api/v1/inventory/audits/:id/report.csv': report('csv'),
    };
  },
});

/** B's owner gets B's report, and a 404 for A's, exactly as for an id that never existed. */
async function reportCase(world: CrossTenantWorld<AuditsFixture>, extension: 'pdf' | 'csv'): Promise<void> {
  const { a, b } = world;
  const { token } = await world.app.services.signer.sign({
    tenantId: b.tenant.tenantId,
    userId: b.tenant.ownerId,
    sessionId: crypto.randomUUID(),
  });
  const get = (id: string) => rawRequest(`${world.app.url}/api/v1/inventory/audits/${id}/report.${extension}`, { token });
  expect((await get(b.inventoryAudits.closedId)).status).toBe(200);
  const random = await get(crypto.randomUUID());
  const foreign = await get(a.inventoryAudits.closedId);
  expect(random.status).toBe(404);
  expect({ status: foreign.status, body: foreign.json }).toEqual({ status: random.status, body: random.json });
}
