import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, parseCsv, rawRequest, storedEvents, type Caller } from '../../../../test/support/identity';
import { assetState, qrTextOf, seedAsset, seedAuditWorld, seedPlace, type SeededAsset } from '../../../../test/support/inventory-audits';
import { withTenant } from '../../../db/tenant-scope';
import { REPORT_CSV_COLUMNS } from './report';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
type World = Awaited<ReturnType<typeof seedAuditWorld>>;

describe('inventory audits: a frozen expected list, scans from several people, explicit corrections and a report that adds up', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let scanner: Caller;
  let world: World;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['inventory'] });
    owner = await ownerCaller(app.services, tenant);
    scanner = await callerFor(app.services, await addUser(app.services, tenant, 'agent', 'Contador'));
    world = await seedAuditWorld(app.services.db, tenant.tenantId);
  });
  afterAll(async () => {
    await app.stop();
  });

  const asset = (name: string, locationId: string | null, extra: { categoryId?: string; status?: 'on_loan' | 'lost' } = {}) =>
    seedAsset(app.services.db, tenant.tenantId, { name, locationId, ...extra });
  const scanCount = () =>
    withTenant(app.services.db, tenant.tenantId, async (trx) =>
      Number(
        (
          await trx
            .selectFrom('inventory_audit_scans')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );

  /** A started audit of the building's subtree, with a fresh room and its assets, so each test counts its own. */
  async function startedAudit(assetNames: string[], name = 'Inventário anual') {
    const room = await seedPlace(app.services.db, tenant.tenantId, { name: `Sala ${name}`, parentId: world.building.id });
    const assets: SeededAsset[] = [];
    for (const assetName of assetNames) assets.push(await asset(assetName, room.id));
    const created = await owner.inventory.audits.create({ name, scope: { locationId: room.id } });
    const started = await owner.inventory.audits.start({ id: created.id });
    return { audit: started, room, assets };
  }

  it('freezes the expected list at start: the location subtree and category subtree, without what cannot be on a shelf', async () => {
    const inRoomA = await asset('Notebook Dell', world.roomA.id, { categoryId: world.categories.notebooks });
    const inRoomB = await asset('Desktop HP', world.roomB.id, { categoryId: world.categories.computers });
    await asset('Cadeira', world.roomB.id, { categoryId: world.categories.furniture });
    await asset('Notebook no anexo', world.annex.id, { categoryId: world.categories.notebooks });
    await asset('Notebook emprestado', world.roomA.id, { categoryId: world.categories.notebooks, status: 'on_loan' });
    await asset('Notebook extraviado', world.roomA.id, { categoryId: world.categories.notebooks, status: 'lost' });

    const draft = await owner.inventory.audits.create({
      name: 'Computadores do prédio',
      scope: { locationId: world.building.id, categoryIds: [world.categories.computers] },
    });
    expect(draft).toMatchObject({ status: 'draft', actions: ['start', 'cancel'], scope: { location: { id: world.building.id } } });
    expect(draft.scope.categories.map((category) => category.name)).toEqual(['Computadores']);
    const started = await owner.inventory.audits.start({ id: draft.id });
    expect(started).toMatchObject({
      status: 'in_progress',
      expectedCount: 2,
      counts: { items: 2, pending: 2 },
      actions: ['close', 'cancel'],
    });
    const items = await owner.inventory.audits.items({ auditId: draft.id });
    expect(items.items.map((item) => item.assetId).sort()).toEqual([inRoomA.id, inRoomB.id].sort());
    expect(items.items.find((item) => item.assetId === inRoomA.id)?.expectedLocation?.id).toBe(world.roomA.id);

    // The list is frozen: an asset added to the scope later is not expected.
    await asset('Notebook novo', world.roomA.id, { categoryId: world.categories.notebooks });
    expect((await owner.inventory.audits.get({ id: draft.id })).counts.items).toBe(2);
    await expectTrpcError(owner.inventory.audits.start({ id: draft.id }), 'CONFLICT', 'INVALID_TRANSITION');
    const started2 = await storedEvents(app.services, tenant.tenantId, 'inventory.audit.started');
    expect(started2.at(-1)?.data).toMatchObject({ auditId: draft.id, expected: 2 });
    await owner.inventory.audits.cancel({ id: draft.id });
  });

  it('classifies each scan: FOUND, WRONG_LOCATION, UNEXPECTED, and an unknown code is a 404 that writes nothing', async () => {
    const { audit, room, assets } = await startedAudit(['Projetor', 'Monitor', 'Impressora'], 'Classificação');
    const [projector, monitor, printer] = assets as [SeededAsset, SeededAsset, SeededAsset];
    const outsider = await asset('Notebook do anexo', world.annex.id);
    const publicUrl = app.services.config.publicUrl;
    // A team member (the agent role) opens the audit in progress and scans; closing it is not theirs.
    expect((await scanner.inventory.audits.get({ id: audit.id })).status).toBe('in_progress');
    await expectTrpcError(scanner.inventory.audits.close({ id: audit.id }), 'FORBIDDEN');

    // The QR text, no place given: found.
    expect(await scanner.inventory.audits.scan({ auditId: audit.id, code: qrTextOf(publicUrl, projector.id) })).toMatchObject({
      status: 'FOUND',
      result: 'FOUND',
      scanCount: 1,
      pending: 2,
      duplicate: false,
    });
    // A typed tag (any case) in the expected room: found.
    expect(await scanner.inventory.audits.scan({ auditId: audit.id, code: monitor.tag.toLowerCase(), locationId: room.id })).toMatchObject({
      status: 'FOUND',
      pending: 1,
    });
    // In another room: wrong location; the asset itself stays where it was.
    expect(await scanner.inventory.audits.scan({ auditId: audit.id, code: printer.tag, locationId: world.roomB.id })).toMatchObject({
      status: 'WRONG_LOCATION',
      pending: 0,
    });
    expect(await assetState(app.services.db, tenant.tenantId, printer.id)).toEqual({ status: 'available', location_id: room.id });
    // Not in the scope: unexpected, added to the items.
    expect(await scanner.inventory.audits.scan({ auditId: audit.id, code: outsider.tag, locationId: room.id })).toMatchObject({
      status: 'UNEXPECTED',
    });

    const before = await scanCount();
    for (const code of ['PAT-999999', qrTextOf(publicUrl, crypto.randomUUID()), 'lixo qualquer'])
      expect((await expectTrpcError(scanner.inventory.audits.scan({ auditId: audit.id, code }), 'NOT_FOUND')).message).toBe(
        'Etiqueta não encontrada',
      );
    expect(await scanCount()).toBe(before);

    const view = await owner.inventory.audits.get({ id: audit.id });
    expect(view.counts).toMatchObject({ items: 4, pending: 0, found: 2, wrongLocation: 1, unexpected: 1 });
    const scanned = await storedEvents(app.services, tenant.tenantId, 'inventory.audit.scanned');
    expect(scanned.filter((event) => (event.data as { auditId: string }).auditId === audit.id).map((event) => event.data)).toEqual([
      expect.objectContaining({ assetId: projector.id, status: 'FOUND', pending: 2 }),
      expect.objectContaining({ assetId: monitor.id, status: 'FOUND', pending: 1 }),
      expect.objectContaining({ assetId: printer.id, status: 'WRONG_LOCATION', pending: 0 }),
      expect.objectContaining({ assetId: outsider.id, status: 'UNEXPECTED', pending: 0 }),
    ]);
  });

  it('counts re-scans, and changes a classification only when it gets better', async () => {
    const { audit, room, assets } = await startedAudit(['Scanner', 'Roteador'], 'Releituras');
    const [device, router] = assets as [SeededAsset, SeededAsset];
    await scanner.inventory.audits.scan({ auditId: audit.id, code: device.tag, locationId: world.roomB.id });
    expect(await scanner.inventory.audits.scan({ auditId: audit.id, code: device.tag, locationId: room.id })).toMatchObject({
      result: 'FOUND',
      status: 'FOUND',
      scanCount: 2,
    });
    await scanner.inventory.audits.scan({ auditId: audit.id, code: router.tag, locationId: room.id });
    expect(await scanner.inventory.audits.scan({ auditId: audit.id, code: router.tag, locationId: world.roomB.id })).toMatchObject({
      result: 'WRONG_LOCATION',
      status: 'FOUND',
      scanCount: 2,
    });
    const items = (await owner.inventory.audits.items({ auditId: audit.id })).items;
    expect(items.find((item) => item.assetId === device.id)).toMatchObject({ status: 'FOUND', foundLocation: { id: room.id } });
    expect(items.find((item) => item.assetId === router.id)).toMatchObject({ status: 'FOUND', foundLocation: { id: room.id } });
  });

  it('counts a retried scan (same clientScanId) once, and refuses the id for another tag', async () => {
    const { audit, assets } = await startedAudit(['Tablet', 'Celular'], 'Reenvio');
    const [tablet, phone] = assets as [SeededAsset, SeededAsset];
    const clientScanId = `scan-${crypto.randomUUID()}`;
    const first = await scanner.inventory.audits.scan({ auditId: audit.id, code: tablet.tag, clientScanId });
    const retries = await Promise.all(
      Array.from({ length: 3 }, () => scanner.inventory.audits.scan({ auditId: audit.id, code: tablet.tag, clientScanId })),
    );
    expect(first).toMatchObject({ duplicate: false, scanCount: 1 });
    for (const retry of retries) expect(retry).toMatchObject({ duplicate: true, scanCount: 1, status: 'FOUND', itemId: first.itemId });
    await expectTrpcError(
      scanner.inventory.audits.scan({ auditId: audit.id, code: phone.tag, clientScanId }),
      'CONFLICT',
      'CLIENT_SCAN_ID_REUSED',
    );
    const tabletItem = (await owner.inventory.audits.items({ auditId: audit.id })).items.find((item) => item.assetId === tablet.id);
    expect(tabletItem?.scanCount).toBe(1);
  });

  it('holds ten scanners at once: every scan counted once, none lost', async () => {
    const names = Array.from({ length: 30 }, (_, index) => `Cadeira ${index + 1}`);
    const { audit, room, assets } = await startedAudit(names, 'Concorrência');
    // Ten people scan everything, each in their own order, some of them twice.
    const scans = Array.from({ length: 10 }, (_, person) => [...assets].sort(() => (person % 2 === 0 ? 1 : -1)).map((item) => item.tag));
    const people = await Promise.all(scans.map((_, person) => addUser(app.services, tenant, 'agent', `Pessoa ${person + 1}`)));
    const results = await Promise.all(
      scans.map(async (tags, person) => {
        const caller = await callerFor(app.services, people[person]!);
        const answers = [];
        for (const tag of tags) answers.push(await caller.inventory.audits.scan({ auditId: audit.id, code: tag, locationId: room.id }));
        return answers;
      }),
    );
    expect(results.flat().every((answer) => answer.status === 'FOUND')).toBe(true);
    const items = (await owner.inventory.audits.items({ auditId: audit.id })).items;
    expect(items).toHaveLength(30);
    for (const item of items) expect(item).toMatchObject({ status: 'FOUND', scanCount: 10 });
    const view = await owner.inventory.audits.get({ id: audit.id });
    expect(view.counts).toMatchObject({ items: 30, found: 30, pending: 0 });
    expect(Math.min(...results.flat().map((answer) => answer.pending))).toBe(0);
    const recorded = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_audit_scans').select('result').where('audit_id', '=', audit.id).execute(),
    );
    expect(recorded).toHaveLength(300);
  });

  it('closes while people still scan: every accepted scan is FOUND, every refused one after the close, nothing in between', async () => {
    const names = Array.from({ length: 40 }, (_, index) => `Estante ${index + 1}`);
    const { audit, assets } = await startedAudit(names, 'Fechamento concorrente');
    const accepted = new Set<string>();
    let refused = 0;
    const scanners = Array.from({ length: 5 }, async (_, person) => {
      for (const item of assets.filter((_, index) => index % 5 === person)) {
        try {
          accepted.add((await scanner.inventory.audits.scan({ auditId: audit.id, code: item.tag })).assetId);
        } catch {
          refused += 1;
        }
      }
    });
    const closing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return owner.inventory.audits.close({ id: audit.id });
    })();
    await Promise.all([...scanners, closing]);
    const items = (await owner.inventory.audits.items({ auditId: audit.id })).items;
    for (const item of items) expect(item.status).toBe(accepted.has(item.assetId) ? 'FOUND' : 'MISSING');
    expect(accepted.size + refused).toBe(40);
  });

  it('closes: what was not scanned is MISSING, scans stop, and corrections are explicit and once', async () => {
    const { audit, room, assets } = await startedAudit(['Mesa', 'Armário', 'Gaveteiro'], 'Correções');
    const [desk, cabinet, drawer] = assets as [SeededAsset, SeededAsset, SeededAsset];
    const stray = await asset('Poltrona', world.annex.id);
    await scanner.inventory.audits.scan({ auditId: audit.id, code: desk.tag, locationId: room.id });
    await scanner.inventory.audits.scan({ auditId: audit.id, code: cabinet.tag, locationId: world.roomB.id });
    await scanner.inventory.audits.scan({ auditId: audit.id, code: stray.tag, locationId: room.id });

    // Allowed while counting: the misplaced cabinet is moved where it was found.
    const cabinetItem = (await owner.inventory.audits.items({ auditId: audit.id, status: 'WRONG_LOCATION' })).items[0]!;
    expect(cabinetItem.corrections).toEqual(['move_here', 'keep']);
    const moved = await owner.inventory.audits.correct({ itemId: cabinetItem.id, action: 'move_here' });
    expect(moved).toMatchObject({ status: 'WRONG_LOCATION', resolution: 'moved_here', corrections: [], resolvedByName: 'Owner' });
    expect(await assetState(app.services.db, tenant.tenantId, cabinet.id)).toEqual({ status: 'available', location_id: world.roomB.id });
    await expectTrpcError(owner.inventory.audits.correct({ itemId: cabinetItem.id, action: 'keep' }), 'CONFLICT', 'CORRECTION_NOT_ALLOWED');

    const closed = await owner.inventory.audits.close({ id: audit.id });
    expect(closed).toMatchObject({ status: 'closed', counts: { items: 4, found: 1, missing: 1, wrongLocation: 1, unexpected: 1 } });
    const closedEvent = (await storedEvents(app.services, tenant.tenantId, 'inventory.audit.closed')).at(-1);
    expect(closedEvent?.data).toMatchObject({ auditId: audit.id, found: 1, missing: 1, wrongLocation: 1, unexpected: 1 });
    await expectTrpcError(scanner.inventory.audits.scan({ auditId: audit.id, code: drawer.tag }), 'CONFLICT', 'AUDIT_NOT_IN_PROGRESS');
    // Closing changed no asset: the missing drawer is still "available" until someone says otherwise.
    expect((await assetState(app.services.db, tenant.tenantId, drawer.id)).status).toBe('available');

    const byStatus = async (status: 'MISSING' | 'UNEXPECTED' | 'FOUND') =>
      (await owner.inventory.audits.items({ auditId: audit.id, status })).items[0]!;
    const missing = await byStatus('MISSING');
    expect(missing.corrections).toEqual(['mark_lost', 'keep']);
    await expectTrpcError(
      owner.inventory.audits.correct({ itemId: missing.id, action: 'move_here' }),
      'CONFLICT',
      'CORRECTION_NOT_ALLOWED',
    );
    await owner.inventory.audits.correct({ itemId: missing.id, action: 'mark_lost' });
    expect((await assetState(app.services.db, tenant.tenantId, drawer.id)).status).toBe('lost');

    const unexpected = await byStatus('UNEXPECTED');
    await owner.inventory.audits.correct({ itemId: unexpected.id, action: 'move_here' });
    expect(await assetState(app.services.db, tenant.tenantId, stray.id)).toEqual({ status: 'available', location_id: room.id });

    const found = await byStatus('FOUND');
    expect(found.corrections).toEqual([]);
    await expectTrpcError(owner.inventory.audits.correct({ itemId: found.id, action: 'keep' }), 'CONFLICT', 'CORRECTION_NOT_ALLOWED');
    const corrected = await storedEvents(app.services, tenant.tenantId, 'inventory.audit.corrected');
    expect(corrected.slice(-3).map((event) => (event.data as { resolution: string }).resolution)).toEqual([
      'moved_here',
      'marked_lost',
      'moved_here',
    ]);
  });

  it('leaves an asset out on loan to its loan: "move here" is refused, "keep" is not', async () => {
    const { audit, room } = await startedAudit([], 'Emprestado');
    const lent = await asset('Câmera emprestada', world.annex.id, { status: 'on_loan' });
    await scanner.inventory.audits.scan({ auditId: audit.id, code: lent.tag, locationId: room.id });
    const item = (await owner.inventory.audits.items({ auditId: audit.id })).items[0]!;
    expect(item).toMatchObject({ status: 'UNEXPECTED', expected: false });
    await expectTrpcError(owner.inventory.audits.correct({ itemId: item.id, action: 'move_here' }), 'CONFLICT', 'ASSET_ON_LOAN');
    expect(await owner.inventory.audits.correct({ itemId: item.id, action: 'keep' })).toMatchObject({ resolution: 'kept' });
  });

  it('gives a closed audit a PDF and a CSV report whose totals add up; before the close, 409', async () => {
    const { audit, room, assets } = await startedAudit(['Lousa', 'Mesa de reunião', 'Cadeira giratória', 'TV'], 'Relatório');
    const [board, table, chair] = assets as [SeededAsset, SeededAsset, SeededAsset];
    const stray = await asset('Frigobar', world.annex.id);
    await scanner.inventory.audits.scan({ auditId: audit.id, code: board.tag, locationId: room.id });
    await scanner.inventory.audits.scan({ auditId: audit.id, code: table.tag, locationId: world.roomA.id });
    await scanner.inventory.audits.scan({ auditId: audit.id, code: chair.tag });
    await scanner.inventory.audits.scan({ auditId: audit.id, code: stray.tag, locationId: room.id });
    const token = (await app.services.signer.sign({ tenantId: tenant.tenantId, userId: tenant.ownerId, sessionId: crypto.randomUUID() }))
      .token;
    const reportUrl = (extension: string, id = audit.id) => `${app.url}/api/v1/inventory/audits/${id}/report.${extension}`;
    const early = await rawRequest(reportUrl('csv'), { token });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ error: 'ERR_AUDIT_NOT_CLOSED', details: { currentState: 'in_progress' } });

    const closed = await owner.inventory.audits.close({ id: audit.id });
    const csv = await rawRequest(reportUrl('csv'), { token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const [header, ...rows] = parseCsv(csv.text).filter((row) => row.length > 1);
    expect(header).toEqual([...REPORT_CSV_COLUMNS]);
    const statuses = rows.map((row) => row[2]);
    const tally = (status: string) => statuses.filter((value) => value === status).length;
    expect({
      found: tally('FOUND'),
      missing: tally('MISSING'),
      wrong: tally('WRONG_LOCATION'),
      unexpected: tally('UNEXPECTED'),
    }).toEqual({ found: 2, missing: 1, wrong: 1, unexpected: 1 });
    expect(rows).toHaveLength(closed.counts.items);
    expect(closed.counts.found + closed.counts.missing + closed.counts.wrongLocation + closed.counts.unexpected).toBe(closed.counts.items);

    const pdf = await fetch(reportUrl('pdf'), { headers: { authorization: `Bearer ${token}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const document = await PDFDocument.load(new Uint8Array(await pdf.arrayBuffer()));
    expect(document.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(document.getTitle()).toBe('Inventário físico: Relatório');

    const unknown = await rawRequest(reportUrl('pdf', crypto.randomUUID()), { token });
    expect(unknown.status).toBe(404);
    expect((await rawRequest(reportUrl('pdf', 'nao-e-uuid'), { token })).status).toBe(404);
    expect((await rawRequest(reportUrl('pdf'))).status).toBe(401);
    // Reading a report takes inventory.audits.read: a role that may only scan is refused.
    await owner.roles.create({ key: 'contador', name: 'Contador', permissions: ['inventory.audits.scan'] });
    const counter = await addUser(app.services, tenant, 'contador');
    const counterToken = (
      await app.services.signer.sign({ tenantId: tenant.tenantId, userId: counter.userId, sessionId: crypto.randomUUID() })
    ).token;
    expect((await rawRequest(reportUrl('csv'), { token: counterToken })).status).toBe(403);
  });

  it("answers another tenant's QR code, audit and item exactly like unknown ones, writing nothing", async () => {
    const { audit } = await startedAudit(['Notebook A'], 'Isolamento');
    const other = await seedTenant(app.services, { modules: ['inventory'] });
    const otherOwner = await ownerCaller(app.services, other);
    const otherRoom = await seedPlace(app.services.db, other.tenantId, { name: 'Sala B' });
    const otherAsset = await seedAsset(app.services.db, other.tenantId, { name: 'Notebook B', locationId: otherRoom.id });
    const before = await scanCount();
    const foreignQr = await expectTrpcError(
      scanner.inventory.audits.scan({ auditId: audit.id, code: qrTextOf(app.services.config.publicUrl, otherAsset.id) }),
      'NOT_FOUND',
    );
    expect(foreignQr.message).toBe('Etiqueta não encontrada');
    expect(await scanCount()).toBe(before);
    await expectTrpcError(otherOwner.inventory.audits.get({ id: audit.id }), 'NOT_FOUND');
    const item = (await owner.inventory.audits.items({ auditId: audit.id })).items[0]!;
    await expectTrpcError(otherOwner.inventory.audits.correct({ itemId: item.id, action: 'keep' }), 'NOT_FOUND');
  });

  it('refuses bad input with 400 and clear messages, and writes with the right permission only', async () => {
    const empty = await expectTrpcError(owner.inventory.audits.create({ name: '  ', scope: {} }), 'BAD_REQUEST');
    expect(empty.zodError?.fieldErrors.name).toEqual(['Informe o nome do inventário']);
    await expectTrpcError(owner.inventory.audits.create({ name: 'X', scope: { locationId: 'sala-1' } }), 'BAD_REQUEST');
    await expectTrpcError(owner.inventory.audits.create({ name: 'X', scope: { categoryIds: [crypto.randomUUID()] } }), 'NOT_FOUND');
    await expectTrpcError(owner.inventory.audits.correct({ itemId: crypto.randomUUID(), action: 'throw_away' as 'keep' }), 'BAD_REQUEST');
    await expectTrpcError(owner.inventory.audits.list({ cursor: 'bogus' }), 'BAD_REQUEST', 'INVALID_CURSOR');
    const { audit } = await startedAudit([], 'Permissões');
    await expectTrpcError(scanner.inventory.audits.scan({ auditId: audit.id, code: '' }), 'BAD_REQUEST');
    await expectTrpcError(scanner.inventory.audits.create({ name: 'Sem permissão', scope: {} }), 'FORBIDDEN', 'PERMISSION_DENIED');
    await expectTrpcError(scanner.inventory.audits.close({ id: audit.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
    await expectTrpcError(
      scanner.inventory.audits.scan({ auditId: audit.id, code: 'PAT-1', locationId: crypto.randomUUID() }),
      'NOT_FOUND',
    );
  });

  it('lists audits newest first, page by page', async () => {
    const page = await owner.inventory.audits.list();
    expect(page.items.length).toBeGreaterThan(3);
    const times = page.items.map((audit) => audit.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await owner.inventory.audits.list({ status: 'cancelled' })).items.every((audit) => audit.status === 'cancelled')).toBe(true);
  });
});
