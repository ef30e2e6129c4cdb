import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, storedEvents, type Caller } from '../../../../test/support/identity';
import { seedCategoryTree, seedPlaceTree } from '../../../../test/support/inventory-assets';
import { systemAudit } from '../../../platform/audit/audit-log';
import { withTenant } from '../../../db/tenant-scope';
import { changeAssetState } from './assets';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('inventory assets: search, codes, edits and the dashboard', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let agent: Caller;
  let tree: Awaited<ReturnType<typeof seedPlaceTree>>;
  let categories: Awaited<ReturnType<typeof seedCategoryTree>>;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['inventory'] });
    owner = await ownerCaller(app.services, tenant);
    agent = await callerFor(app.services, await addUser(app.services, tenant, 'agent'));
    tree = await seedPlaceTree(owner);
    categories = await seedCategoryTree(owner);
  });
  afterAll(() => app.stop());

  const setState = (assetId: string, change: Parameters<typeof changeAssetState>[3]) =>
    withTenant(app.services.db, tenant.tenantId, (trx) => changeAssetState(trx, systemAudit('teste'), assetId, change));

  it('creates an asset with its references checked, its event and its audit row', async () => {
    const asset = await owner.inventory.assets.create({
      name: 'Notebook Dell Latitude',
      categoryId: categories.notebooks.id,
      locationId: tree.room.id,
      patrimonio: 'PM-0001',
      serialNumber: 'SN-ABC-123',
      purchaseValueCents: 689_900,
      purchaseDate: '2026-03-10',
      customFields: { marca: 'Dell', memoria_gb: 16 },
      notes: 'Do financeiro',
    });
    expect(asset).toMatchObject({
      categoryName: 'Notebooks',
      locationName: 'Sala 101',
      purchaseValueCents: 689_900,
      purchaseDate: '2026-03-10',
      status: 'available',
      lifecycleState: 'in_service',
    });
    const events = await storedEvents(app.services, tenant.tenantId, 'inventory.asset.created');
    expect(events.map((event) => (event.data as { assetId: string }).assetId)).toContain(asset.id);
    for (const [field, input] of [
      ['categoryId', { categoryId: crypto.randomUUID() }],
      ['locationId', { locationId: crypto.randomUUID() }],
      ['supplierId', { supplierId: crypto.randomUUID() }],
    ] as const) {
      const failure = await expectTrpcError(owner.inventory.assets.create({ name: 'Sem par', ...input }), 'NOT_FOUND');
      expect(failure.details).toEqual({ field });
    }
    const bad = await expectTrpcError(
      owner.inventory.assets.create({ name: '', purchaseValueCents: -1, purchaseDate: '10/03/2026' }),
      'BAD_REQUEST',
    );
    expect(Object.keys(bad.zodError?.fieldErrors ?? {}).sort()).toEqual(['name', 'purchaseDate', 'purchaseValueCents']);
    await expectTrpcError(owner.inventory.assets.create({ name: 'Emprestado?', status: 'on_loan' as never }), 'BAD_REQUEST');
    await expectTrpcError(agent.inventory.assets.create({ name: 'Do agente' }), 'FORBIDDEN');
  });

  it('finds by exact tag, serial or patrimônio first, then by name; filters by subtrees and status', async () => {
    const tree = await seedPlaceTree(owner, 'Busca');
    const make = (name: string, extra: Record<string, unknown> = {}) => owner.inventory.assets.create({ name, ...extra });
    const printer = await make('Impressora HP LaserJet', { serialNumber: 'CN-998877', locationId: tree.otherRoom.id });
    const chair = await make('Cadeira CN-998877 de reposição', { locationId: tree.room.id, categoryId: categories.furniture.id });
    const tagged = await make('Monitor LG', { patrimonio: 'pm-7777', locationId: tree.floor.id, status: 'in_use' });

    const bySerial = await owner.inventory.assets.list({ q: 'cn-998877' });
    expect(bySerial.exactMatches).toBe(1);
    expect(bySerial.items.map((asset) => asset.id)).toEqual([printer.id, chair.id]);
    expect((await owner.inventory.assets.list({ q: 'PM-7777' })).items[0]!.id).toBe(tagged.id);
    expect((await owner.inventory.assets.list({ q: printer.tag.toLowerCase() })).items.map((asset) => asset.id)).toEqual([printer.id]);
    expect((await owner.inventory.assets.list({ q: 'laserjet' })).items.map((asset) => asset.id)).toEqual([printer.id]);
    // A LIKE wildcard typed in the search is text, not a pattern.
    expect((await owner.inventory.assets.list({ q: '%' })).items).toEqual([]);

    const inFloor = await owner.inventory.assets.list({ locationId: tree.floor.id });
    expect(inFloor.items.map((asset) => asset.id).sort()).toEqual([printer.id, chair.id, tagged.id].sort());
    expect((await owner.inventory.assets.list({ locationId: tree.room.id })).items.map((asset) => asset.id)).toEqual([chair.id]);
    const inUse = await owner.inventory.assets.list({ status: ['in_use'], locationId: tree.building.id });
    expect(inUse.items.map((asset) => asset.id)).toEqual([tagged.id]);
    const furniture = await owner.inventory.assets.list({ categoryId: categories.furniture.id });
    expect(furniture.items.map((asset) => asset.id)).toEqual([chair.id]);
    await expectTrpcError(owner.inventory.assets.list({ categoryId: crypto.randomUUID() }), 'NOT_FOUND');
    expect((await agent.inventory.assets.list({ q: 'monitor' })).items.map((asset) => asset.id)).toEqual([tagged.id]);
  });

  it('pages by keyset in each order, without gaps or repeats', async () => {
    const batch = `Lote-${Date.now()}`;
    for (let index = 0; index < 7; index += 1) await owner.inventory.assets.create({ name: `${batch} ${String.fromCharCode(71 - index)}` });
    for (const sort of ['recent', 'name', 'tag'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await owner.inventory.assets.list({ q: batch, sort, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((asset) => asset.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      if (sort === 'name') expect(seen).toEqual([...seen].sort());
      if (sort === 'recent') expect(seen[0]).toBe(`${batch} A`);
    }
    await expectTrpcError(owner.inventory.assets.list({ cursor: 'not-a-cursor' }), 'BAD_REQUEST', 'INVALID_CURSOR');
  });

  it('resolves a scanned QR or a typed code to the asset; another tenant’s code is not found', async () => {
    const asset = await owner.inventory.assets.create({ name: 'Projetor Epson', patrimonio: 'PAT-ÚNICO-1', serialNumber: 'X9' });
    const detail = await owner.inventory.assets.get({ id: asset.id });
    expect(detail.qrText).toBe(`${app.services.config.publicUrl}/inventario/ativos/${asset.id}`);
    for (const code of [detail.qrText, `${detail.qrText}/`, asset.id, asset.tag, asset.tag.toLowerCase(), ' pat-único-1 ', 'x9']) {
      expect((await owner.inventory.assets.resolveCode({ code })).id).toBe(asset.id);
    }
    const other = await ownerCaller(app.services, await seedTenant(app.services, { modules: ['inventory'] }));
    for (const code of [detail.qrText, asset.id, asset.tag, 'nada-disso']) {
      const failure = await expectTrpcError(other.inventory.assets.resolveCode({ code }), 'NOT_FOUND');
      expect(failure.message).toBe('Etiqueta não encontrada');
    }
  });

  it('keeps status and place with movements and maintenance while they hold the asset', async () => {
    const asset = await owner.inventory.assets.create({ name: 'Câmera', locationId: tree.room.id });
    const moved = await owner.inventory.assets.update({
      id: asset.id,
      locationId: tree.otherRoom.id,
      status: 'in_use',
      name: 'Câmera Canon',
    });
    expect(moved).toMatchObject({ locationId: tree.otherRoom.id, status: 'in_use', name: 'Câmera Canon' });
    await setState(asset.id, { status: 'on_loan', reason: 'loaned' });
    const onLoan = await expectTrpcError(
      owner.inventory.assets.update({ id: asset.id, locationId: tree.room.id }),
      'CONFLICT',
      'ASSET_ON_LOAN',
    );
    expect(onLoan.details).toMatchObject({ field: 'locationId' });
    await expectTrpcError(owner.inventory.assets.update({ id: asset.id, status: 'available' }), 'CONFLICT', 'ASSET_BUSY');
    // Data other than status and place still changes.
    expect((await owner.inventory.assets.update({ id: asset.id, notes: 'Com o estojo' })).notes).toBe('Com o estojo');
    await setState(asset.id, { status: 'in_maintenance', reason: 'maintenance_opened' });
    await expectTrpcError(owner.inventory.assets.update({ id: asset.id, status: 'disposed' }), 'CONFLICT', 'ASSET_BUSY');

    const detail = await owner.inventory.assets.get({ id: asset.id });
    expect(detail.history.map((entry) => entry.title)).toEqual([
      'Situação alterada (maintenance_opened)',
      'Dados alterados',
      'Situação alterada (loaned)',
      'Dados alterados',
      'Cadastrado',
    ]);
    expect(detail.history[3]!.detail).toContain('nome: Câmera → Câmera Canon');
    await expectTrpcError(owner.inventory.assets.update({ id: crypto.randomUUID(), name: 'x' }), 'NOT_FOUND');
  });

  it('gives an asset’s page its category and location paths and its fields', async () => {
    const asset = await owner.inventory.assets.create({
      name: 'Notebook Lenovo',
      categoryId: categories.notebooks.id,
      locationId: tree.room.id,
      customFields: { marca: 'Lenovo', cor: 'prata' },
    });
    const detail = await agent.inventory.assets.get({ id: asset.id });
    expect(detail.categoryPath.map((category) => category.name)).toEqual(['Informática', 'Notebooks']);
    expect(detail.locationPath.map((place) => place.type)).toEqual(['unit', 'building', 'floor', 'room']);
    expect(detail.fields.map((field) => field.key)).toEqual(['marca', 'memoria_gb', 'cor', 'garantia_ate', 'ssd']);
    expect(detail.attachments).toEqual([]);
    await expectTrpcError(owner.inventory.assets.get({ id: crypto.randomUUID() }), 'NOT_FOUND');
  });

  it('sums the dashboard: KPIs and distributions, for the tenant or a subtree', async () => {
    const world = await seedTenant(app.services, { modules: ['inventory'] });
    const boss = await ownerCaller(app.services, world);
    const places = await seedPlaceTree(boss, 'Campus');
    const kinds = await seedCategoryTree(boss);
    const add = (name: string, extra: Record<string, unknown>) => boss.inventory.assets.create({ name, ...extra });
    await add('Mesa', { locationId: places.room.id, categoryId: kinds.furniture.id, purchaseValueCents: 100_00 });
    await add('Notebook', {
      locationId: places.otherRoom.id,
      categoryId: kinds.notebooks.id,
      purchaseValueCents: 4_000_00,
      customFields: { marca: 'HP' },
    });
    const lent = await add('Tablet', { locationId: places.floor.id, categoryId: kinds.computing.id, customFields: { marca: 'Apple' } });
    await add('Sem lugar', {});
    await withTenant(app.services.db, world.tenantId, (trx) =>
      changeAssetState(trx, systemAudit('teste'), lent.id, { status: 'on_loan', reason: 'loaned' }),
    );

    const all = await boss.inventory.dashboard.summary();
    expect(all.totals).toEqual({ assets: 4, valueCents: 4_100_00, onLoan: 1, overdueLoans: 0, inMaintenance: 0, slaBreaches: 0 });
    expect(all.byCategory).toEqual(
      expect.arrayContaining([
        { categoryId: kinds.computing.id, name: 'Informática', count: 2 },
        { categoryId: kinds.furniture.id, name: 'Mobiliário', count: 1 },
        { categoryId: null, name: 'Sem categoria', count: 1 },
      ]),
    );
    expect(all.byLocation).toEqual(
      expect.arrayContaining([
        { locationId: places.unit.id, name: 'Campus', count: 3 },
        { locationId: null, name: 'Sem localização', count: 1 },
      ]),
    );
    expect(all.byStatus).toEqual([
      { status: 'available', count: 3 },
      { status: 'on_loan', count: 1 },
    ]);
    const floor = await boss.inventory.dashboard.summary({ locationId: places.floor.id });
    expect(floor.totals.assets).toBe(3);
    expect(floor.byLocation).toEqual(
      expect.arrayContaining([
        { locationId: places.room.id, name: 'Sala 101', count: 1 },
        { locationId: places.otherRoom.id, name: 'Sala 102', count: 1 },
        { locationId: places.floor.id, name: '1º andar (aqui mesmo)', count: 1 },
      ]),
    );
    await expectTrpcError(boss.inventory.dashboard.summary({ locationId: tree.unit.id }), 'NOT_FOUND');
  });
});
