import { expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../../test/support/cross-tenant';
import { rawRequest, trpcError } from '../../../../test/support/identity';
import { PNG, seedCategoryTree, seedPlaceTree } from '../../../../test/support/inventory-assets';
import { withTenant } from '../../../db/tenant-scope';
import { systemAudit } from '../../../platform/audit/audit-log';
import { storeAttachment } from './attachments';

interface InventoryAssetsFixture {
  inventoryAssets: {
    unitId: string;
    roomId: string;
    roomCode: string;
    categoryId: string;
    childCategoryId: string;
    assetId: string;
    assetTag: string;
    /** Unique across tenants (tags are not: each tenant counts from one). */
    patrimonio: string;
    qrText: string;
    attachmentId: string;
    attachmentFileName: string;
    /** The owner's access token, for the REST endpoints. */
    token: string;
  };
}

/** The assets part: A's places, categories, assets, files, labels and CSV stay out of B's reach, whatever ids B holds. */
export const crossTenantSuite = defineCrossTenantSuite<InventoryAssetsFixture>({
  name: 'inventory-assets',
  async prepare(services, { owner, tenant }) {
    const places = await seedPlaceTree(owner);
    const categories = await seedCategoryTree(owner);
    const asset = await owner.inventory.assets.create({
      name: 'Notebook do caixa',
      categoryId: categories.notebooks.id,
      locationId: places.room.id,
      customFields: { marca: 'Dell' },
      patrimonio: `PM-${tenant.slug}`,
    });
    const attachment = await withTenant(services.db, tenant.tenantId, (trx) =>
      storeAttachment(trx, systemAudit('fixture'), asset.id, { content: PNG, mimeType: 'image/png', fileName: 'foto.png' }),
    );
    const { token } = await services.signer.sign({ tenantId: tenant.tenantId, userId: tenant.ownerId, sessionId: crypto.randomUUID() });
    return {
      inventoryAssets: {
        unitId: places.unit.id,
        roomId: places.room.id,
        roomCode: places.room.code,
        categoryId: categories.computing.id,
        childCategoryId: categories.notebooks.id,
        assetId: asset.id,
        assetTag: asset.tag,
        patrimonio: `PM-${tenant.slug}`,
        qrText: (await owner.inventory.assets.get({ id: asset.id })).qrText,
        attachmentId: attachment.id,
        attachmentFileName: attachment.fileName,
        token,
      },
    };
  },
  snapshot: async (trx) => ({
    settings: await trx.selectFrom('inventory_settings').selectAll().execute(),
    categories: await trx.selectFrom('inventory_categories').selectAll().orderBy('id').execute(),
    locations: await trx.selectFrom('inventory_locations').selectAll().orderBy('id').execute(),
    assets: await trx.selectFrom('inventory_assets').selectAll().orderBy('id').execute(),
    attachments: await trx.selectFrom('inventory_attachments').select(['id', 'asset_id', 'file_name', 'sha256']).orderBy('id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const A = () => a.inventoryAssets;
    const B = () => b.inventoryAssets;
    const onlyB = (ids: string[], mine: string, theirs: string) => {
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    return {
      'inventory.settings.get': async () => expect((await b.owner.inventory.settings.get()).tagPrefix).toBe('PAT-'),
      'inventory.settings.update': async () => {
        expect((await b.owner.inventory.settings.update({ loanReminderDays: 9 })).loanReminderDays).toBe(9);
      },
      'inventory.categories.list': async () =>
        onlyB(
          (await b.owner.inventory.categories.list()).map((category) => category.id),
          B().categoryId,
          A().categoryId,
        ),
      'inventory.categories.create': () =>
        expectUnknownToB(
          (parentId) => b.owner.inventory.categories.create({ name: 'Sob A', parentId }),
          () => [A().categoryId],
        ),
      'inventory.categories.update': async () => {
        await expectUnknownToB(
          (id) => b.owner.inventory.categories.update({ id, name: 'Sequestrada' }),
          () => [A().categoryId],
        );
        await expectUnknownToB(
          (parentId) => b.owner.inventory.categories.update({ id: B().childCategoryId, parentId }),
          () => [A().categoryId],
        );
      },
      'inventory.categories.delete': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.categories.delete({ id }),
          () => [A().childCategoryId],
        ),
      'inventory.locations.list': async () =>
        onlyB(
          (await b.owner.inventory.locations.list()).map((location) => location.id),
          B().unitId,
          A().unitId,
        ),
      'inventory.locations.counts': async () => {
        await expectUnknownToB(
          (locationId) => b.owner.inventory.locations.counts({ locationId }),
          () => [A().unitId],
        );
        expect((await b.owner.inventory.locations.counts({ locationId: B().unitId })).total).toBe(1);
      },
      'inventory.locations.create': async () => {
        await expectUnknownToB(
          (parentId) => b.owner.inventory.locations.create({ type: 'building', name: 'Em A', code: 'EM-A', parentId }),
          () => [A().unitId],
        );
        await expectUnknownToB(
          (managerId) => b.owner.inventory.locations.create({ type: 'unit', name: 'Gerida por A', code: 'GER-A', managerId }),
          () => [a.tenant.ownerId],
        );
      },
      'inventory.locations.update': async () => {
        await expectUnknownToB(
          (id) => b.owner.inventory.locations.update({ id, name: 'Sequestrada' }),
          () => [A().roomId],
        );
        await expectUnknownToB(
          (parentId) => b.owner.inventory.locations.update({ id: B().roomId, parentId }),
          () => [A().unitId],
        );
      },
      'inventory.locations.delete': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.locations.delete({ id }),
          () => [A().roomId],
        ),
      'inventory.assets.list': async () => {
        onlyB(
          (await b.owner.inventory.assets.list()).items.map((asset) => asset.id),
          B().assetId,
          A().assetId,
        );
        expect((await b.owner.inventory.assets.list({ q: A().patrimonio })).items).toEqual([]);
        await expectUnknownToB(
          (locationId) => b.owner.inventory.assets.list({ locationId }),
          () => [A().unitId],
        );
        await expectUnknownToB(
          (categoryId) => b.owner.inventory.assets.list({ categoryId }),
          () => [A().categoryId],
        );
      },
      'inventory.assets.get': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.assets.get({ id }),
          () => [A().assetId],
        ),
      'inventory.assets.resolveCode': async () => {
        await expectUnknownToB(
          (code) => b.owner.inventory.assets.resolveCode({ code }),
          () => [A().assetId, A().qrText],
        );
        expect((await b.owner.inventory.assets.resolveCode({ code: B().qrText })).id).toBe(B().assetId);
      },
      'inventory.assets.create': async () => {
        for (const key of ['categoryId', 'locationId'] as const) {
          await expectUnknownToB(
            (id) => b.owner.inventory.assets.create({ name: 'Apontando para A', [key]: id }),
            () => [key === 'categoryId' ? A().childCategoryId : A().roomId],
          );
        }
      },
      'inventory.assets.update': async () => {
        await expectUnknownToB(
          (id) => b.owner.inventory.assets.update({ id, name: 'Sequestrado' }),
          () => [A().assetId],
        );
        await expectUnknownToB(
          (locationId) => b.owner.inventory.assets.update({ id: B().assetId, locationId }),
          () => [A().roomId],
        );
      },
      'inventory.assets.import': async () => {
        // A's place code names nothing in B: the row is refused and nothing is written anywhere.
        const failure = await trpcError(b.owner.inventory.assets.import({ csv: `nome,localizacao\nNovo,${A().roomCode}`, dryRun: false }));
        expect(failure).toMatchObject({ code: 'BAD_REQUEST', reason: 'IMPORT_INVALID' });
        const own = await b.owner.inventory.assets.import({ csv: `nome,localizacao\nNovo,${B().roomCode}`, dryRun: true });
        expect(own.created).toBe(1);
      },
      'inventory.attachments.list': async () => {
        await expectUnknownToB(
          (assetId) => b.owner.inventory.attachments.list({ assetId }),
          () => [A().assetId],
        );
        expect((await b.owner.inventory.attachments.list({ assetId: B().assetId })).map((file) => file.id)).not.toContain(A().attachmentId);
      },
      'inventory.attachments.delete': () =>
        expectUnknownToB(
          (id) => b.owner.inventory.attachments.delete({ id }),
          () => [A().attachmentId],
        ),
      'inventory.dashboard.summary': async () => {
        expect((await b.owner.inventory.dashboard.summary()).totals.assets).toBeGreaterThan(0);
        await expectUnknownToB(
          (locationId) => b.owner.inventory.dashboard.summary({ locationId }),
          () => [A().unitId],
        );
      },
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    const A = () => a.inventoryAssets;
    const B = () => b.inventoryAssets;
    const asB = (method: 'GET' | 'POST', path: string, options: { body?: string | Buffer; headers?: Record<string, string> } = {}) =>
      rawRequest(`${world.app.url}/api/v1${path}`, { method, token: B().token, ...options });
    return {
      'POST /api/v1/inventory/assets/:assetId/attachments': async () => {
        const upload = (assetId: string) =>
          asB('POST', `/inventory/assets/${assetId}/attachments`, { body: PNG, headers: { 'content-type': 'image/png' } });
        expect((await upload(A().assetId)).status).toBe(404);
        expect((await upload(B().assetId)).status).toBe(201);
      },
      'GET /api/v1/inventory/attachments/:id/:fileName': async () => {
        expect((await asB('GET', `/inventory/attachments/${A().attachmentId}/${A().attachmentFileName}`)).status).toBe(404);
        expect((await asB('GET', `/inventory/attachments/${B().attachmentId}/${B().attachmentFileName}`)).status).toBe(200);
      },
      'GET /api/v1/inventory/labels.pdf': async () => {
        expect((await asB('GET', `/inventory/labels.pdf?assetIds=${A().assetId}`)).status).toBe(404);
        expect((await asB('GET', `/inventory/labels.pdf?assetIds=${B().assetId},${A().assetId}`)).status).toBe(404);
        expect((await asB('GET', `/inventory/labels.pdf?assetIds=${B().assetId}`)).status).toBe(200);
      },
      'POST /api/v1/inventory/labels.pdf': async () => {
        const post = (assetIds: string[]) =>
          asB('POST', '/inventory/labels.pdf', { body: JSON.stringify({ assetIds }), headers: { 'content-type': 'application/json' } });
        expect((await post([A().assetId])).status).toBe(404);
        expect((await post([B().assetId])).status).toBe(200);
      },
      'GET /api/v1/inventory/assets/:id/label.pdf': async () => {
        expect((await asB('GET', `/inventory/assets/${A().assetId}/label.pdf`)).status).toBe(404);
        expect((await asB('GET', `/inventory/assets/${B().assetId}/label.pdf`)).status).toBe(200);
      },
      'GET /api/v1/inventory/assets/export.csv': async () => {
        const all = await asB('GET', '/inventory/assets/export.csv');
        expect(all.status).toBe(200);
        expect(all.text).toContain(B().patrimonio);
        expect(all.text).not.toContain(A().patrimonio);
        expect((await asB('GET', `/inventory/assets/export.csv?locationId=${A().unitId}`)).status).toBe(404);
      },
    };
  },
});
