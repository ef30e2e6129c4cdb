import { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTenant, startTestApp, type TestTenant } from '../../../../test/support/app';
import { expectTrpcError, ownerCaller, parseCsv, storedEvents, type Caller } from '../../../../test/support/identity';
import { getWithToken, PDF, PNG, seedCategoryTree, seedPlaceTree, uploadAttachment } from '../../../../test/support/inventory-assets';
import { withTenant } from '../../../db/tenant-scope';
import { centsOfReais } from './csv-import';
import { qrShape } from './labels';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('inventory files: attachments, QR labels and CSV', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let token: string;
  let other: { owner: Caller; token: string };

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['inventory'] });
    owner = await ownerCaller(app.services, tenant);
    token = (await login(app.url, tenant)).accessToken;
    const otherTenant = await seedTenant(app.services, { modules: ['inventory'] });
    other = { owner: await ownerCaller(app.services, otherTenant), token: (await login(app.url, otherTenant)).accessToken };
  });
  afterAll(() => app.stop());

  const assetCount = () =>
    withTenant(app.services.db, tenant.tenantId, async (trx) => (await trx.selectFrom('inventory_assets').select('id').execute()).length);

  describe('attachments', () => {
    it('keeps a photo and an invoice with the asset and serves them to the tenant only', async () => {
      const asset = await owner.inventory.assets.create({ name: 'Geladeira' });
      const photo = await uploadAttachment(app.url, token, asset.id, PNG, 'image/png', { name: 'Foto frontal.PNG' });
      expect(photo.status).toBe(201);
      const stored = (await photo.json()) as { id: string; url: string; kind: string; fileName: string };
      expect(stored).toMatchObject({ kind: 'photo', fileName: 'Foto-frontal.png' });
      const invoice = await uploadAttachment(app.url, token, asset.id, PDF, 'application/pdf', { name: 'NF 123.pdf', kind: 'invoice' });
      expect(await invoice.json()).toMatchObject({ kind: 'invoice', mimeType: 'application/pdf' });

      const listed = await owner.inventory.attachments.list({ assetId: asset.id });
      expect(listed.map((item) => item.kind)).toEqual(['photo', 'invoice']);
      expect((await owner.inventory.assets.get({ id: asset.id })).attachments).toHaveLength(2);
      const served = await fetch(`${app.url}${stored.url}`, { headers: { authorization: `Bearer ${token}` } });
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toContain('sandbox');
      expect((await fetch(`${app.url}${stored.url}`)).status).toBe(401);
      // Another tenant: the file, the asset and the list are all unknown.
      expect((await fetch(`${app.url}${stored.url}`, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(404);
      expect((await uploadAttachment(app.url, other.token, asset.id, PNG, 'image/png')).status).toBe(404);
      await expectTrpcError(other.owner.inventory.attachments.list({ assetId: asset.id }), 'NOT_FOUND');
      await expectTrpcError(other.owner.inventory.attachments.delete({ id: stored.id }), 'NOT_FOUND');
      expect((await getWithToken(app.url, token, `/inventory/attachments/${stored.id}/outro-nome.png`)).status).toBe(404);

      await owner.inventory.attachments.delete({ id: stored.id });
      expect((await owner.inventory.attachments.list({ assetId: asset.id })).map((item) => item.kind)).toEqual(['invoice']);
      expect((await getWithToken(app.url, token, stored.url.replace('/api/v1', ''))).status).toBe(404);
      expect((await storedEvents(app.services, tenant.tenantId, 'inventory.asset.attachment_added')).length).toBe(2);
    });

    it('refuses a forbidden type, a file too large, an empty one and content that is not what it claims', async () => {
      const asset = await owner.inventory.assets.create({ name: 'Arquivo ruim' });
      const cases: Array<[Promise<Response>, number, string]> = [
        [
          uploadAttachment(app.url, token, asset.id, '<html><script>alert(1)</script></html>', 'text/html'),
          400,
          'ERR_ATTACHMENT_TYPE_FORBIDDEN',
        ],
        [uploadAttachment(app.url, token, asset.id, '<svg onload=alert(1)>', 'image/svg+xml'), 400, 'ERR_ATTACHMENT_TYPE_FORBIDDEN'],
        [uploadAttachment(app.url, token, asset.id, '<html></html>', 'image/png'), 400, 'ERR_ATTACHMENT_CONTENT_MISMATCH'],
        [uploadAttachment(app.url, token, asset.id, PNG, 'application/pdf'), 400, 'ERR_ATTACHMENT_CONTENT_MISMATCH'],
        [uploadAttachment(app.url, token, asset.id, Buffer.alloc(0), 'application/pdf'), 400, 'ERR_ATTACHMENT_EMPTY'],
        [
          uploadAttachment(app.url, token, asset.id, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), 'image/png'),
          413,
          'ERR_ATTACHMENT_TOO_LARGE',
        ],
        [uploadAttachment(app.url, token, asset.id, PNG, 'image/png', { kind: 'selfie' }), 400, 'ERR_VALIDATION'],
        [uploadAttachment(app.url, token, 'nao-e-uuid', PNG, 'image/png'), 404, 'ERR_NOT_FOUND'],
        [uploadAttachment(app.url, null, asset.id, PNG, 'image/png'), 401, 'ERR_UNAUTHORIZED'],
      ];
      for (const [response, status, error] of cases) {
        const answer = await response;
        expect({ status: answer.status, error: ((await answer.json()) as { error: string }).error }).toEqual({ status, error });
      }
      expect(await owner.inventory.attachments.list({ assetId: asset.id })).toEqual([]);
    });
  });

  describe('QR labels', () => {
    it('prints a sheet on the tenant’s grid, one page per grid of labels, and one label alone', async () => {
      const assets = [];
      for (let index = 0; index < 26; index += 1) {
        assets.push(
          await owner.inventory.assets.create({
            name: `Cadeira ergonômica número ${index} com um nome bem comprido 😀`,
            patrimonio: `P-${index}`,
          }),
        );
      }
      const ids = assets.map((asset) => asset.id);
      const sheet = await getWithToken(app.url, token, `/inventory/labels.pdf?assetIds=${ids.join(',')}`);
      expect(sheet.status).toBe(200);
      expect(sheet.headers.get('content-type')).toBe('application/pdf');
      const pdf = await PDFDocument.load(await sheet.arrayBuffer());
      expect(pdf.getPageCount()).toBe(2); // 3 × 8 per A4 page
      const [width, height] = [pdf.getPage(0).getWidth(), pdf.getPage(0).getHeight()];
      expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);

      await owner.inventory.settings.update({
        labelSheet: { columns: 2, rows: 5, marginTopMm: 10, marginLeftMm: 8, gapXMm: 3, gapYMm: 3 },
      });
      const posted = await fetch(`${app.url}/api/v1/inventory/labels.pdf`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ assetIds: ids.slice(0, 21) }),
      });
      expect((await PDFDocument.load(await posted.arrayBuffer())).getPageCount()).toBe(3);

      const single = await getWithToken(app.url, token, `/inventory/assets/${ids[0]}/label.pdf`);
      const label = await PDFDocument.load(await single.arrayBuffer());
      expect(label.getPageCount()).toBe(1);
      expect(Math.round(label.getPage(0).getWidth() / (72 / 25.4))).toBe(96); // (210 − 2·8 − 3) / 2 mm
    });

    it('draws the QR of the asset’s page address, module for module, inside a quiet border', () => {
      const asset = { id: crypto.randomUUID(), tag: 'PAT-000001', name: 'Mesa', patrimonio: null };
      const shape = qrShape(asset, 'https://balcao.example');
      const { modules } = QRCode.create(`https://balcao.example/inventario/ativos/${asset.id}`, { errorCorrectionLevel: 'M' });
      expect(shape.modules).toBe(modules.size + 4);
      const dark = new Set<string>();
      for (const [, x, y, width] of shape.path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
        for (let column = Number(x); column < Number(x) + Number(width); column += 1) dark.add(`${Number(y) - 2},${column - 2}`);
      }
      for (let row = 0; row < modules.size; row += 1) {
        for (let column = 0; column < modules.size; column += 1)
          expect(dark.has(`${row},${column}`)).toBe(Boolean(modules.get(row, column)));
      }
    });

    it('answers bad and foreign ids without a PDF', async () => {
      const asset = await owner.inventory.assets.create({ name: 'Só meu' });
      const statusOf = async (promise: Promise<Response>) => (await promise).status;
      expect(await statusOf(getWithToken(app.url, other.token, `/inventory/labels.pdf?assetIds=${asset.id}`))).toBe(404);
      expect(await statusOf(getWithToken(app.url, other.token, `/inventory/assets/${asset.id}/label.pdf`))).toBe(404);
      expect(await statusOf(getWithToken(app.url, token, `/inventory/labels.pdf?assetIds=${asset.id},${crypto.randomUUID()}`))).toBe(404);
      expect(await statusOf(getWithToken(app.url, token, '/inventory/labels.pdf?assetIds=abc'))).toBe(400);
      expect(await statusOf(getWithToken(app.url, token, '/inventory/labels.pdf'))).toBe(400);
      expect(await statusOf(getWithToken(app.url, token, '/inventory/assets/abc/label.pdf'))).toBe(404);
    });
  });

  describe('CSV', () => {
    it('exports the filtered list, and an import of the export changes nothing but what was edited', async () => {
      const tree = await seedPlaceTree(owner, 'Planilha');
      const { notebooks } = await seedCategoryTree(owner, ' CSV');
      const laptop = await owner.inventory.assets.create({
        name: 'Notebook, "edição" especial',
        categoryId: notebooks.id,
        locationId: tree.room.id,
        purchaseValueCents: 123_456,
        purchaseDate: '2026-01-15',
        customFields: { marca: 'Dell', memoria_gb: 8.5, ssd: true },
      });
      await owner.inventory.assets.create({ name: '=HYPERLINK("x")', locationId: tree.otherRoom.id });
      const exported = await getWithToken(app.url, token, `/inventory/assets/export.csv?locationId=${tree.unit.id}&sort=name`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toMatch(/ativos-.*\.csv/);
      const text = await exported.text();
      const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
      expect(header!.slice(0, 4)).toEqual(['etiqueta', 'nome', 'categoria', 'localizacao']);
      expect(header).toEqual(expect.arrayContaining(['campo:marca', 'campo:memoria_gb', 'campo:ssd']));
      expect(rows.map((row) => row[1])).toEqual(['\'=HYPERLINK("x")', 'Notebook, "edição" especial']);
      const laptopRow = Object.fromEntries(header!.map((column, index) => [column, rows[1]![index]]));
      expect(laptopRow).toMatchObject({
        categoria: 'Informática CSV / Notebooks',
        localizacao: tree.room.code,
        valor_compra: '1234.56',
        data_compra: '2026-01-15',
        'campo:marca': 'Dell',
        'campo:memoria_gb': '8.5',
        'campo:ssd': 'sim',
      });

      const before = await assetCount();
      const edited = text.replace('Dell', 'Lenovo');
      expect(await owner.inventory.assets.import({ csv: edited, dryRun: true })).toEqual({ dryRun: true, rows: 2, created: 0, updated: 2 });
      expect((await owner.inventory.assets.get({ id: laptop.id })).customFields.marca).toBe('Dell');
      expect(await owner.inventory.assets.import({ csv: edited, dryRun: false })).toMatchObject({ created: 0, updated: 2 });
      const after = await owner.inventory.assets.get({ id: laptop.id });
      expect(after).toMatchObject({ name: laptop.name, purchaseValueCents: 123_456, locationId: tree.room.id, categoryId: notebooks.id });
      expect(after.customFields).toEqual({ marca: 'Lenovo', memoria_gb: 8.5, ssd: true });
      expect(after.history[0]!.title).toBe('Importado de planilha');
      const formula = (await owner.inventory.assets.list({ q: 'HYPERLINK' })).items[0]!;
      expect(formula.name).toBe('=HYPERLINK("x")');
      expect(await assetCount()).toBe(before);
      expect(
        await getWithToken(app.url, other.token, `/inventory/assets/export.csv?locationId=${tree.unit.id}`).then((r) => r.status),
      ).toBe(404);
    });

    it('creates assets from new rows with the next tags, by names and codes', async () => {
      const tree = await seedPlaceTree(owner, 'Importação');
      await seedCategoryTree(owner, ' IMP');
      const csv = [
        'nome,categoria,localizacao,situacao,valor_compra,data_compra,campo:marca,campo:cor',
        `Notebook A,Informática IMP / Notebooks,${tree.room.code},em uso,"1.234,56",15/01/2026,HP,prata`,
        `Cadeira,Mobiliário IMP,${tree.otherRoom.code.toLowerCase()},,R$ 99,,,`,
      ].join('\r\n');
      const result = await owner.inventory.assets.import({ csv, dryRun: false });
      expect(result).toEqual({ dryRun: false, rows: 2, created: 2, updated: 0 });
      const found = (await owner.inventory.assets.list({ locationId: tree.unit.id, sort: 'tag' })).items;
      expect(found.map((asset) => [asset.name, asset.status, asset.purchaseValueCents, asset.purchaseDate])).toEqual([
        ['Notebook A', 'in_use', 123_456, '2026-01-15'],
        ['Cadeira', 'available', 9_900, null],
      ]);
      expect(found[0]!.customFields).toEqual({ marca: 'HP', cor: 'prata' });
      expect(Number(found[1]!.tag.replace(/\D/g, ''))).toBe(Number(found[0]!.tag.replace(/\D/g, '')) + 1);
      const events = await storedEvents(app.services, tenant.tenantId, 'inventory.asset.imported');
      expect(events.at(-1)?.data).toEqual({ created: 2, updated: 0 });
    });

    it('answers every bad row with its line and writes nothing', async () => {
      const tree = await seedPlaceTree(owner, 'Errada');
      await seedCategoryTree(owner, ' ERR');
      const lent = await owner.inventory.assets.create({ name: 'Emprestado', locationId: tree.room.id });
      await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.updateTable('inventory_assets').set({ status: 'on_loan' }).where('id', '=', lent.id).execute(),
      );
      const csv = [
        'etiqueta,nome,categoria,localizacao,situacao,valor_compra,data_compra,campo:marca,campo:memoria_gb',
        `,Bom,Mobiliário ERR,${tree.room.code},,10,,,`,
        ',"Nome com',
        'quebra de linha",Informática ERR / Notebooks,,,,,,',
        `,,Informática ERR,SALA-INEXISTENTE,quebrado,dez reais,31/02/2026,,muito`,
        `PAT-999999,Etiqueta que não existe,,,,,,,`,
        `${lent.tag},Emprestado,,${tree.otherRoom.code},disponível,,,,`,
        `,Duas colunas,a mais,,,,,,,,`,
        `,Bom de novo,,,,,,,`,
      ].join('\n');
      const before = await assetCount();
      const failure = await expectTrpcError(owner.inventory.assets.import({ csv, dryRun: false }), 'BAD_REQUEST', 'IMPORT_INVALID');
      const rows = failure.details!.rows as Array<{ line: number; column?: string; message: string }>;
      const lines = (line: number) => rows.filter((row) => row.line === line).map((row) => `${row.column ?? ''}: ${row.message}`);
      expect(lines(2)).toEqual([]);
      expect(lines(3)).toEqual(['campo:marca: Marca: obrigatório']);
      expect(lines(5)).toEqual([
        'nome: Informe o nome do ativo',
        'localizacao: Localização SALA-INEXISTENTE não encontrada (use o código)',
        'situacao: Situação inválida: use available, in_use, on_loan, in_maintenance, missing, lost, disposed',
        'valor_compra: Valor inválido: escreva em reais, como 1234,56',
        'data_compra: Data inválida: use AAAA-MM-DD ou DD/MM/AAAA',
        'campo:memoria_gb: O campo memoria_gb não existe na categoria do ativo',
        'campo:marca: Marca: obrigatório',
      ]);
      expect(lines(6)).toEqual(['etiqueta: A etiqueta PAT-999999 não existe; deixe a coluna vazia para cadastrar um ativo novo']);
      expect(lines(7)).toEqual([
        'situacao: O ativo está emprestado: a situação muda pela devolução ou pela ordem de serviço',
        'localizacao: Um ativo emprestado não pode mudar de lugar',
      ]);
      expect(lines(8)).toEqual([': A linha tem 11 coluna(s); o cabeçalho tem 9']);
      expect(failure.details!.badLines).toBe(5);
      expect(failure.message).toMatch(/^5 linha\(s\) com erro; nada foi importado/);
      expect(await assetCount()).toBe(before);

      await expectTrpcError(owner.inventory.assets.import({ csv: 'nome,cor\nMesa,azul', dryRun: true }), 'BAD_REQUEST', 'IMPORT_INVALID');
      await expectTrpcError(owner.inventory.assets.import({ csv: 'nome\n', dryRun: true }), 'BAD_REQUEST', 'IMPORT_INVALID');
      await expectTrpcError(owner.inventory.assets.import({ csv: '', dryRun: true }), 'BAD_REQUEST');
    });

    it('reads reais as spreadsheets write them', () => {
      expect(['1234.56', '1234,56', '1.234,56', 'R$ 99', '0,5', '10'].map(centsOfReais)).toEqual([
        123_456, 123_456, 123_456, 9_900, 50, 1_000,
      ]);
      expect(['1,234.56', 'dez', '-5', '1.2345'].map(centsOfReais)).toEqual([undefined, undefined, undefined, undefined]);
    });
  });
});
