import { inflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../../test/support/app';
import { anonymousCallerFrom, expectTrpcError, rawRequest, storedEvents } from '../../../../test/support/identity';
import { approvedLoan, seedLendingWorld, TINY_SIGNATURE_PNG, type LendingWorld } from '../../../../test/support/inventory-movements';
import { withTenant } from '../../../db/tenant-scope';
import { canonicalJson, sha256Hex } from './term-pdf';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** pdf-lib writes text as hex strings of WinAnsi codes: how a printed line appears in a page's content. */
const printed = (text: string) => Buffer.from(text, 'latin1').toString('hex').toUpperCase();

/** The PDF's streams, inflated where they are compressed: what its pages draw. */
function pageContents(pdf: Uint8Array): string {
  const raw = Buffer.from(pdf);
  const parts: string[] = [];
  let at = raw.indexOf('stream');
  while (at >= 0) {
    const start = raw[at + 6] === 0x0d ? at + 8 : at + 7;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const body = raw.subarray(start, end);
    try {
      parts.push(inflateSync(body).toString('latin1'));
    } catch {
      parts.push(body.toString('latin1'));
    }
    at = raw.indexOf('stream', end + 9);
  }
  return parts.join('\n');
}

describe('inventory loans: responsibility terms', () => {
  let app: RunningTestApp;
  let world: LendingWorld;
  let accessToken: string;

  beforeAll(async () => {
    app = await startTestApp();
    world = await seedLendingWorld(app.services);
    const { token } = await app.services.signer.sign({
      tenantId: world.tenant.tenantId,
      userId: world.manager.user.userId,
      sessionId: crypto.randomUUID(),
    });
    accessToken = token;
  });
  afterAll(async () => {
    await app.stop();
  });

  const termRow = (termId: string) =>
    withTenant(app.services.db, world.tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_loan_terms').selectAll().where('id', '=', termId).executeTakeFirstOrThrow(),
    );
  const download = (termId: string, token = accessToken) =>
    fetch(`${app.url}/api/v1/inventory/terms/${termId}.pdf`, { headers: { authorization: `Bearer ${token}` } });
  const verify = (termId: string, pdf: Uint8Array) =>
    world.owner.inventory.terms.verify({ termId, pdfBase64: Buffer.from(pdf).toString('base64') });

  it('issues the term on approval: a PDF with the asset, the borrower, the clauses and the SHA-256 of its content', async () => {
    const asset = await world.newAsset('Notebook Lenovo');
    const { movement, termId } = await approvedLoan(world, asset.id);
    expect(movement.terms).toHaveLength(1);
    expect(movement.terms[0]).toMatchObject({ status: 'pending', acceptanceMethod: null });
    const term = await termRow(termId);
    expect(term.content).toMatchObject({
      termId,
      asset: { tag: asset.tag, name: 'Notebook Lenovo', serialNumber: 'SN-Notebook-Lenovo', valueCents: 459_900 },
      borrower: { type: 'third_party', name: 'Carla Souza', document: '123.456.789-09' },
      loan: { movementId: movement.id, type: 'loan_external', fromLocation: 'Sala 101', timeZone: 'America/Sao_Paulo' },
    });
    expect(term.content.clauses.length).toBeGreaterThanOrEqual(4);
    expect(term.content_sha256).toBe(sha256Hex(canonicalJson(term.content)));
    expect(term.pdf_sha256).toBe(sha256Hex(term.pdf));
    const pdf = await PDFDocument.load(term.pdf);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getSubject()).toBe(`SHA-256 do conteúdo: ${term.content_sha256}`);
    const raw = pageContents(term.pdf);
    expect(raw).toContain(printed(`SHA-256 do conteúdo: ${term.content_sha256}`));
    expect(raw).toContain(printed('Nome: Carla Souza'));
    expect(raw).toContain(printed(`Etiqueta: ${asset.tag}`));
    expect(raw).toContain(printed('Valor: R$ 4.599,00'));
  });

  it('signs on the pad: the drawing goes into the PDF, stored with its SHA-256; a byte changed after signing fails the check', async () => {
    const asset = await world.newAsset('Projetor');
    const { movement, termId } = await approvedLoan(world, asset.id);
    const issued = await termRow(termId);
    const signed = await world.manager.caller.inventory.terms.signWithPad({
      termId,
      signerName: 'Carla Souza',
      signaturePng: TINY_SIGNATURE_PNG,
    });
    expect(signed).toMatchObject({ status: 'accepted', acceptanceMethod: 'signature_pad', signerName: 'Carla Souza' });
    expect(signed.acceptedAt).toBeTruthy();
    const stored = await termRow(termId);
    expect(stored.pdf_sha256).not.toBe(issued.pdf_sha256);
    expect(stored.content_sha256).toBe(issued.content_sha256);
    expect(Buffer.from(stored.pdf).toString('latin1')).toMatch(/\/Subtype\s*\/Image/);
    expect(pageContents(stored.pdf)).toContain(printed('Assinado na tela por Carla Souza'));

    const response = await download(termId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="termo-${asset.tag}-assinado.pdf"`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(sha256Hex(bytes)).toBe(stored.pdf_sha256);
    expect(await verify(termId, bytes)).toEqual({
      valid: true,
      expectedSha256: stored.pdf_sha256,
      actualSha256: stored.pdf_sha256,
      status: 'accepted',
    });

    const tampered = Uint8Array.from(bytes);
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = tampered[middle]! ^ 0x01;
    expect(await verify(termId, tampered)).toMatchObject({ valid: false, expectedSha256: stored.pdf_sha256 });
    // The unsigned copy is not the term of record either.
    expect((await verify(termId, issued.pdf)).valid).toBe(false);

    const again = await expectTrpcError(
      world.manager.caller.inventory.terms.signWithPad({ termId, signerName: 'Outra', signaturePng: TINY_SIGNATURE_PNG }),
      'CONFLICT',
      'TERM_NOT_PENDING',
    );
    expect(again.details).toEqual({ currentState: 'accepted' });
    const trail = await world.manager.caller.inventory.movements.get({ id: movement.id });
    expect(trail.steps.at(-1)).toMatchObject({ action: 'term_accepted', note: 'Assinado na tela por Carla Souza' });
    const accepted = await storedEvents(app.services, world.tenant.tenantId, 'inventory.movement.term_accepted');
    expect(accepted.at(-1)!.data).toMatchObject({ movementId: movement.id, termId });
  });

  it('refuses a signature that is not a PNG, and signing by whoever may not decide the loan', async () => {
    const asset = await world.newAsset('Tablet');
    const { termId } = await approvedLoan(world, asset.id);
    const notPng = await expectTrpcError(
      world.manager.caller.inventory.terms.signWithPad({
        termId,
        signerName: 'Carla',
        signaturePng: Buffer.from('GIF89a...').toString('base64'),
      }),
      'BAD_REQUEST',
      'INVALID_SIGNATURE',
    );
    expect(notPng.details).toEqual({ field: 'signaturePng' });
    const broken = Buffer.concat([Buffer.from(TINY_SIGNATURE_PNG.split(',')[1]!, 'base64').subarray(0, 20)]).toString('base64');
    await expectTrpcError(
      world.manager.caller.inventory.terms.signWithPad({ termId, signerName: 'Carla', signaturePng: broken }),
      'BAD_REQUEST',
      'INVALID_SIGNATURE',
    );
    await expectTrpcError(
      world.annexManager.caller.inventory.terms.signWithPad({ termId, signerName: 'Carla', signaturePng: TINY_SIGNATURE_PNG }),
      'FORBIDDEN',
      'NOT_LOCATION_MANAGER',
    );
    await expectTrpcError(world.agent.caller.inventory.terms.createAcceptanceLink({ termId }), 'FORBIDDEN', 'PERMISSION_DENIED');
    expect((await termRow(termId)).status).toBe('pending');
  });

  it('accepts by link without login, recording the IP and the time (stamped into the PDF); a used link cannot accept again', async () => {
    const asset = await world.newAsset('Câmera');
    const { movement, termId } = await approvedLoan(world, asset.id);
    const link = await world.manager.caller.inventory.terms.createAcceptanceLink({ termId });
    expect(link.url).toMatch(new RegExp(`^${app.services.config.publicUrl}/termo/[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    const token = link.url.split('/').at(-1)!;
    expect((await termRow(termId)).acceptance_token_hash).not.toContain(token);

    const borrower = anonymousCallerFrom(app.services, { ip: '203.0.113.7', userAgent: 'Celular da Carla' });
    const shown = await borrower.inventory.publicTerms.get({ token });
    expect(shown).toMatchObject({ status: 'pending', content: { asset: { tag: asset.tag }, borrower: { name: 'Carla Souza' } } });
    expect(shown.contentSha256).toBe((await termRow(termId)).content_sha256);
    await expectTrpcError(
      borrower.inventory.publicTerms.accept({ token, signerName: 'Carla Souza', agreed: false as true }),
      'BAD_REQUEST',
    );

    const before = Date.now();
    const accepted = await borrower.inventory.publicTerms.accept({ token, signerName: 'Carla Souza', agreed: true });
    expect(accepted).toMatchObject({ status: 'accepted', acceptanceMethod: 'link', acceptedIp: '203.0.113.7', signerName: 'Carla Souza' });
    expect(Date.parse(accepted.acceptedAt!)).toBeGreaterThanOrEqual(before - 1000);
    const stored = await termRow(termId);
    expect(stored.accepted_user_agent).toBe('Celular da Carla');
    const raw = pageContents(stored.pdf);
    expect(raw).toContain(printed('IP: 203.0.113.7'));
    expect(raw).toContain(printed(`Data do aceite (UTC): ${accepted.acceptedAt}`));
    expect(stored.pdf_sha256).toBe(sha256Hex(stored.pdf));

    const used = await expectTrpcError(
      borrower.inventory.publicTerms.accept({ token, signerName: 'Carla Souza', agreed: true }),
      'CONFLICT',
      'TERM_NOT_PENDING',
    );
    expect(used.message).toBe('Este termo já foi aceito');
    expect(await borrower.inventory.publicTerms.get({ token })).toMatchObject({ status: 'accepted', signerName: 'Carla Souza' });
    // The borrower's step is in the trail, with their address; the loan can now be handed over.
    const trail = await world.manager.caller.inventory.movements.get({ id: movement.id });
    expect(trail.steps.at(-1)).toMatchObject({ action: 'term_accepted', ip: '203.0.113.7', note: 'Aceito pelo link por Carla Souza' });
    expect((await world.manager.caller.inventory.movements.execute({ id: movement.id })).status).toBe('executed');
  });

  it('an expired link, a replaced link and a made-up one cannot accept', async () => {
    const asset = await world.newAsset('Drone');
    const { termId } = await approvedLoan(world, asset.id);
    const borrower = anonymousCallerFrom(app.services, { ip: '198.51.100.4' });
    const first = (await world.manager.caller.inventory.terms.createAcceptanceLink({ termId })).url.split('/').at(-1)!;
    const second = (await world.manager.caller.inventory.terms.createAcceptanceLink({ termId })).url.split('/').at(-1)!;
    await expectTrpcError(borrower.inventory.publicTerms.get({ token: first }), 'NOT_FOUND', 'TERM_LINK_NOT_FOUND');
    await expectTrpcError(borrower.inventory.publicTerms.accept({ token: first, signerName: 'Carla', agreed: true }), 'NOT_FOUND');
    await expectTrpcError(borrower.inventory.publicTerms.get({ token: 'A'.repeat(43) }), 'NOT_FOUND', 'TERM_LINK_NOT_FOUND');
    await expectTrpcError(borrower.inventory.publicTerms.get({ token: 'curto' }), 'BAD_REQUEST');

    await withTenant(app.services.db, world.tenant.tenantId, (trx) =>
      trx
        .updateTable('inventory_loan_terms')
        .set({ link_expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', termId)
        .execute(),
    );
    const expired = await expectTrpcError(
      borrower.inventory.publicTerms.get({ token: second }),
      'PRECONDITION_FAILED',
      'TERM_LINK_EXPIRED',
    );
    expect(expired.message).toContain('expirou');
    await expectTrpcError(
      borrower.inventory.publicTerms.accept({ token: second, signerName: 'Carla', agreed: true }),
      'PRECONDITION_FAILED',
      'TERM_LINK_EXPIRED',
    );
    expect((await termRow(termId)).status).toBe('pending');
  });

  it('a cancelled loan voids its term; a new term on demand voids the pending one', async () => {
    const asset = await world.newAsset('Som portátil');
    const { movement, termId } = await approvedLoan(world, asset.id);
    const fresh = await world.manager.caller.inventory.terms.issue({ movementId: movement.id });
    expect(fresh.id).not.toBe(termId);
    expect((await termRow(termId)).status).toBe('void');
    const link = (await world.manager.caller.inventory.terms.createAcceptanceLink({ termId: fresh.id })).url.split('/').at(-1)!;
    await world.agent.caller.inventory.movements.cancel({ id: movement.id });
    expect((await termRow(fresh.id)).status).toBe('void');
    const borrower = anonymousCallerFrom(app.services, { ip: '198.51.100.9' });
    expect((await borrower.inventory.publicTerms.get({ token: link })).status).toBe('void');
    const voided = await expectTrpcError(
      borrower.inventory.publicTerms.accept({ token: link, signerName: 'Carla', agreed: true }),
      'CONFLICT',
      'TERM_NOT_PENDING',
    );
    expect(voided.message).toBe('Este termo foi substituído ou cancelado');
  });

  it('downloads only with a session of the tenant: no token 401, unknown or foreign term 404', async () => {
    const asset = await world.newAsset('Scanner');
    const { termId } = await approvedLoan(world, asset.id);
    const anonymous = await rawRequest(`${app.url}/api/v1/inventory/terms/${termId}.pdf`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ error: 'ERR_UNAUTHORIZED' });
    const unknown = await download(crypto.randomUUID());
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'ERR_NOT_FOUND', message: 'Termo inexistente' });
    expect((await download('nem-um-uuid')).status).toBe(404);
    const issued = await download(termId);
    expect(issued.status).toBe(200);
    expect(issued.headers.get('content-disposition')).toBe(`attachment; filename="termo-${asset.tag}.pdf"`);
    expect((await PDFDocument.load(new Uint8Array(await issued.arrayBuffer()))).getPageCount()).toBe(1);
  });
});
