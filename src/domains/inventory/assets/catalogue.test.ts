import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, type Caller } from '../../../../test/support/identity';
import { seedCategoryTree, seedPlaceTree } from '../../../../test/support/inventory-assets';
import { withTenant } from '../../../db/tenant-scope';
import { managesLocation } from './locations';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('inventory settings, tags, categories and locations', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let agent: Caller;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['inventory'] });
    owner = await ownerCaller(app.services, tenant);
    agent = await callerFor(app.services, await addUser(app.services, tenant, 'agent'));
  });
  afterAll(() => app.stop());

  describe('settings and tags', () => {
    it('starts from the defaults and numbers tags per tenant with the prefix and digits in force', async () => {
      const settings = await owner.inventory.settings.get();
      expect(settings).toMatchObject({
        tagPrefix: 'PAT-',
        tagDigits: 6,
        labelSheet: { columns: 3, rows: 8 },
        labelSizeMm: { width: 70, height: 36 },
        loanReminderDays: 2,
        slaWarningPercent: 80,
      });
      const first = await owner.inventory.assets.create({ name: 'Cadeira' });
      const second = await owner.inventory.assets.create({ name: 'Mesa' });
      expect(Number(second.tag.slice(4))).toBe(Number(first.tag.slice(4)) + 1);
      expect(first.tag).toMatch(/^PAT-\d{6}$/);

      const changed = await owner.inventory.settings.update({ tagPrefix: 'inv-', tagDigits: 4, loanReminderDays: 5 });
      expect(changed).toMatchObject({ tagPrefix: 'INV-', tagDigits: 4, loanReminderDays: 5 });
      const third = await owner.inventory.assets.create({ name: 'Armário' });
      expect(third.tag).toBe(`INV-${String(Number(second.tag.slice(4)) + 1).padStart(4, '0')}`);
      // Another tenant counts from one.
      const other = await ownerCaller(app.services, await seedTenant(app.services, { modules: ['inventory'] }));
      expect((await other.inventory.assets.create({ name: 'Outro' })).tag).toBe('PAT-000001');
    });

    it('gives concurrent creations distinct, consecutive tags', async () => {
      const created = await Promise.all(Array.from({ length: 8 }, (_, index) => owner.inventory.assets.create({ name: `Lote ${index}` })));
      const numbers = created.map((asset) => Number(asset.tag.replace(/\D/g, ''))).sort((a, b) => a - b);
      expect(new Set(numbers).size).toBe(8);
      expect(numbers.at(-1)! - numbers[0]!).toBe(7);
    });

    it('checks the label grid and who may change settings', async () => {
      const grid = { columns: 4, rows: 10, marginTopMm: 10, marginLeftMm: 5, gapXMm: 2, gapYMm: 2 };
      expect((await owner.inventory.settings.update({ labelSheet: grid })).labelSizeMm).toEqual({ width: 48.5, height: 25.9 });
      const tooSmall = await expectTrpcError(
        owner.inventory.settings.update({ labelSheet: { ...grid, columns: 6, rows: 20 } }),
        'BAD_REQUEST',
        'LABEL_TOO_SMALL',
      );
      expect(tooSmall.details).toMatchObject({ field: 'labelSheet' });
      const badPrefix = await expectTrpcError(owner.inventory.settings.update({ tagPrefix: 'PAT#' }), 'BAD_REQUEST');
      expect(badPrefix.zodError?.fieldErrors.tagPrefix?.[0]).toMatch(/Prefixo/);
      await expectTrpcError(owner.inventory.settings.update({ slaWarningPercent: 100 }), 'BAD_REQUEST');
      await expectTrpcError(agent.inventory.settings.update({ loanReminderDays: 1 }), 'FORBIDDEN', 'PERMISSION_DENIED');
      expect((await agent.inventory.settings.get()).labelSheet).toEqual(grid);
    });
  });

  describe('categories', () => {
    it('forms a tree whose fields pass down to subcategories', async () => {
      const { computing, notebooks, furniture } = await seedCategoryTree(owner, ' T1');
      const list = await owner.inventory.categories.list({ withCounts: true });
      const seen = list.find((category) => category.id === notebooks.id)!;
      expect(seen).toMatchObject({ depth: 1, path: ['Informática T1', 'Notebooks'], parentId: computing.id });
      expect(seen.inheritedFields.map((field) => field.key)).toEqual(['marca']);
      expect(seen.customFields.map((field) => field.key)).toEqual(['memoria_gb', 'cor', 'garantia_ate', 'ssd']);
      expect(list.find((category) => category.id === computing.id)).toMatchObject({ childCount: 1, depth: 0 });
      expect(list.find((category) => category.id === furniture.id)?.customFields).toEqual([]);
      // Depth first: a parent comes right before its children.
      expect(list.findIndex((category) => category.id === notebooks.id)).toBe(
        list.findIndex((category) => category.id === computing.id) + 1,
      );
    });

    it('refuses loops, repeated names among siblings and field keys its tree already has', async () => {
      const { computing, notebooks } = await seedCategoryTree(owner, ' T2');
      await expectTrpcError(owner.inventory.categories.update({ id: computing.id, parentId: notebooks.id }), 'CONFLICT', 'CATEGORY_CYCLE');
      await expectTrpcError(owner.inventory.categories.update({ id: computing.id, parentId: computing.id }), 'CONFLICT', 'CATEGORY_CYCLE');
      await expectTrpcError(
        owner.inventory.categories.create({ name: 'Notebooks', parentId: computing.id }),
        'CONFLICT',
        'CATEGORY_NAME_TAKEN',
      );
      const clash = await expectTrpcError(
        owner.inventory.categories.create({
          name: 'Ultrabooks',
          parentId: notebooks.id,
          customFields: [{ key: 'marca', label: 'Fabricante', type: 'text', required: false }],
        }),
        'CONFLICT',
        'CUSTOM_FIELD_KEY_TAKEN',
      );
      expect(clash.details).toMatchObject({ key: 'marca' });
      // A parent may not take a key a subcategory already has either.
      await expectTrpcError(
        owner.inventory.categories.update({
          id: computing.id,
          customFields: [{ key: 'cor', label: 'Cor', type: 'text', required: false }],
        }),
        'CONFLICT',
        'CUSTOM_FIELD_KEY_TAKEN',
      );
      const badSelect = await expectTrpcError(
        owner.inventory.categories.create({
          name: 'Lista vazia',
          customFields: [{ key: 'tipo', label: 'Tipo', type: 'select', required: true }],
        }),
        'BAD_REQUEST',
      );
      expect(JSON.stringify(badSelect.zodError)).toContain('ao menos uma opção');
      await expectTrpcError(owner.inventory.categories.create({ name: 'Órfã', parentId: crypto.randomUUID() }), 'NOT_FOUND');
    });

    it('checks each custom field of the category and its ancestors, with a message per field', async () => {
      const { notebooks } = await seedCategoryTree(owner, ' T3');
      const failure = await expectTrpcError(
        owner.inventory.assets.create({
          name: 'Notebook sem marca',
          categoryId: notebooks.id,
          customFields: { memoria_gb: 'dezesseis', cor: 'azul', garantia_ate: '2027-02-30', ssd: 'sim', extra: 'x' },
        }),
        'BAD_REQUEST',
        'CUSTOM_FIELDS_INVALID',
      );
      expect(failure.details?.fields).toEqual({
        marca: 'Marca: obrigatório',
        memoria_gb: 'Memória (GB): informe um número',
        cor: 'Cor: escolha uma das opções (preto, prata)',
        garantia_ate: 'Garantia até: informe uma data AAAA-MM-DD',
        ssd: 'SSD: informe sim ou não',
        extra: 'O campo extra não existe na categoria do ativo',
      });
      const good = await owner.inventory.assets.create({
        name: 'Notebook 14"',
        categoryId: notebooks.id,
        customFields: { marca: 'Lenovo', memoria_gb: 16, cor: 'preto', garantia_ate: '2027-02-28', ssd: true, outra: '' },
      });
      expect(good.customFields).toEqual({ marca: 'Lenovo', memoria_gb: 16, cor: 'preto', garantia_ate: '2027-02-28', ssd: true });
      // Updating the values checks them again; moving to a category without the fields drops them.
      await expectTrpcError(
        owner.inventory.assets.update({ id: good.id, customFields: { marca: '' } }),
        'BAD_REQUEST',
        'CUSTOM_FIELDS_INVALID',
      );
      const furniture = (await owner.inventory.categories.list({ withCounts: true })).find(
        (category) => category.name === 'Mobiliário T3',
      )!;
      expect((await owner.inventory.assets.update({ id: good.id, categoryId: furniture.id })).customFields).toEqual({});
    });

    it('deletes only an empty category, saying what holds one', async () => {
      const { computing, notebooks, furniture } = await seedCategoryTree(owner, ' T4');
      await owner.inventory.assets.create({ name: 'Cadeira giratória', categoryId: furniture.id });
      const held = await expectTrpcError(owner.inventory.categories.delete({ id: computing.id }), 'CONFLICT', 'CATEGORY_NOT_EMPTY');
      expect(held.details).toMatchObject({ subcategories: 1, assets: 0 });
      const withAssets = await expectTrpcError(owner.inventory.categories.delete({ id: furniture.id }), 'CONFLICT', 'CATEGORY_NOT_EMPTY');
      expect(withAssets.message).toContain('1 ativo(s)');
      await owner.inventory.categories.delete({ id: notebooks.id });
      await owner.inventory.categories.delete({ id: computing.id });
      expect((await owner.inventory.categories.list({ withCounts: true })).map((category) => category.id)).not.toContain(computing.id);
      await expectTrpcError(agent.inventory.categories.delete({ id: furniture.id }), 'FORBIDDEN');
    });
  });

  describe('locations', () => {
    it('keeps unit → building → floor → room, unique codes and a geographic point', async () => {
      const tree = await seedPlaceTree(owner, 'Matriz');
      await expectTrpcError(
        owner.inventory.locations.create({ type: 'building', name: 'Prédio na sala', code: 'X-1', parentId: tree.room.id }),
        'BAD_REQUEST',
        'LOCATION_TYPE_ORDER',
      );
      await expectTrpcError(
        owner.inventory.locations.create({ type: 'room', name: 'Mesma sigla', code: tree.room.code, parentId: tree.floor.id }),
        'CONFLICT',
        'LOCATION_CODE_TAKEN',
      );
      const point = await owner.inventory.locations.create({
        type: 'unit',
        name: 'Filial Recife',
        code: `REC-${process.pid}`,
        latitude: -8.047562,
        longitude: -34.877,
      });
      expect(point).toMatchObject({ latitude: -8.047562, longitude: -34.877, depth: 0 });
      const halfPoint = await expectTrpcError(
        owner.inventory.locations.create({ type: 'unit', name: 'Meio ponto', code: 'MEIO', latitude: 1 }),
        'BAD_REQUEST',
      );
      expect(halfPoint.zodError?.fieldErrors.longitude?.[0]).toBe('Informe latitude e longitude juntas');
      await expectTrpcError(
        owner.inventory.locations.create({ type: 'unit', name: 'Fora do mapa', code: 'FORA', latitude: 91, longitude: 0 }),
        'BAD_REQUEST',
      );
      // Changing a type must keep the order with the children too.
      await expectTrpcError(owner.inventory.locations.update({ id: tree.floor.id, type: 'room' }), 'BAD_REQUEST', 'LOCATION_TYPE_ORDER');
    });

    it('moves a subtree with its paths, and never under itself', async () => {
      const tree = await seedPlaceTree(owner, 'Origem');
      const target = await seedPlaceTree(owner, 'Destino');
      await expectTrpcError(
        owner.inventory.locations.update({ id: tree.building.id, parentId: tree.room.id }),
        'CONFLICT',
        'LOCATION_CYCLE',
      );
      await expectTrpcError(
        owner.inventory.locations.update({ id: tree.building.id, parentId: tree.building.id }),
        'CONFLICT',
        'LOCATION_CYCLE',
      );
      const asset = await owner.inventory.assets.create({ name: 'Projetor', locationId: tree.room.id });
      await owner.inventory.locations.update({ id: tree.building.id, parentId: target.unit.id });
      const paths = await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx
          .selectFrom('inventory_locations')
          .select(['id', 'path'])
          .where('id', 'in', [tree.building.id, tree.floor.id, tree.room.id])
          .execute(),
      );
      for (const row of paths) expect(row.path.startsWith(`/${target.unit.id}/${tree.building.id}/`)).toBe(true);
      expect((await owner.inventory.locations.counts({ locationId: target.unit.id })).total).toBe(1);
      expect((await owner.inventory.locations.counts({ locationId: tree.unit.id })).total).toBe(0);
      const listed = await owner.inventory.locations.list({ withCounts: true });
      expect(listed.find((location) => location.id === tree.room.id)).toMatchObject({ depth: 3, assetCount: 1 });
      expect(listed.find((location) => location.id === target.unit.id)).toMatchObject({ subtreeAssetCount: 1, childCount: 2 });
      expect((await owner.inventory.assets.get({ id: asset.id })).locationPath.map((place) => place.name)).toEqual([
        'Destino',
        'Bloco A',
        '1º andar',
        'Sala 101',
      ]);
    });

    it('counts a subtree by status and category, with its value', async () => {
      const tree = await seedPlaceTree(owner, 'Contagem');
      const { furniture, notebooks } = await seedCategoryTree(owner, ' T5');
      await owner.inventory.assets.create({ name: 'Mesa', locationId: tree.room.id, categoryId: furniture.id, purchaseValueCents: 50_000 });
      await owner.inventory.assets.create({ name: 'Mesa 2', locationId: tree.otherRoom.id, categoryId: furniture.id, status: 'in_use' });
      await owner.inventory.assets.create({
        name: 'Notebook',
        locationId: tree.floor.id,
        categoryId: notebooks.id,
        purchaseValueCents: 450_000,
        customFields: { marca: 'Dell' },
      });
      await owner.inventory.assets.create({ name: 'Fora da árvore', locationId: (await seedPlaceTree(owner, 'Outra')).room.id });
      const counts = await owner.inventory.locations.counts({ locationId: tree.building.id });
      expect(counts).toMatchObject({ total: 3, totalValueCents: 500_000, name: 'Bloco A' });
      expect(counts.byStatus).toEqual([
        { status: 'available', count: 2 },
        { status: 'in_use', count: 1 },
      ]);
      expect(counts.byCategory).toEqual([
        { categoryId: furniture.id, name: 'Mobiliário T5', count: 2, valueCents: 50_000 },
        { categoryId: notebooks.id, name: 'Notebooks', count: 1, valueCents: 450_000 },
      ]);
      expect((await owner.inventory.locations.counts({ locationId: tree.room.id })).total).toBe(1);
      await expectTrpcError(owner.inventory.locations.counts({ locationId: crypto.randomUUID() }), 'NOT_FOUND');
    });

    it('has managers, whose approval reaches down the subtree', async () => {
      const manager = await addUser(app.services, tenant, 'manager', 'Gerente Bia');
      const tree = await seedPlaceTree(owner, 'Gerida');
      await owner.inventory.locations.update({ id: tree.building.id, managerId: manager.userId });
      expect(
        (await owner.inventory.locations.list({ withCounts: true })).find((location) => location.id === tree.building.id)?.managerName,
      ).toBe('Gerente Bia');
      const manages = (locationId: string) =>
        withTenant(app.services.db, tenant.tenantId, (trx) => managesLocation(trx, manager.userId, locationId));
      expect(await manages(tree.room.id)).toBe(true);
      expect(await manages(tree.building.id)).toBe(true);
      expect(await manages(tree.unit.id)).toBe(false);
      // A user of another tenant is no one here.
      const stranger = await seedTenant(app.services, { modules: ['inventory'] });
      const missing = await expectTrpcError(
        owner.inventory.locations.update({ id: tree.unit.id, managerId: stranger.ownerId }),
        'NOT_FOUND',
      );
      expect(missing).toMatchObject({ message: 'Responsável não encontrado', details: { field: 'managerId' } });
      await expectTrpcError(agent.inventory.locations.create({ type: 'unit', name: 'Agente', code: 'AG-1' }), 'FORBIDDEN');
    });

    it('deletes only an empty location', async () => {
      const tree = await seedPlaceTree(owner, 'Removida');
      await owner.inventory.assets.create({ name: 'Lousa', locationId: tree.room.id });
      const held = await expectTrpcError(owner.inventory.locations.delete({ id: tree.floor.id }), 'CONFLICT', 'LOCATION_NOT_EMPTY');
      expect(held.details).toEqual({ sublocations: 2, assets: 0 });
      await expectTrpcError(owner.inventory.locations.delete({ id: tree.room.id }), 'CONFLICT', 'LOCATION_NOT_EMPTY');
      await owner.inventory.locations.delete({ id: tree.otherRoom.id });
      expect((await owner.inventory.locations.list({ withCounts: true })).map((location) => location.id)).not.toContain(tree.otherRoom.id);
    });
  });
});
