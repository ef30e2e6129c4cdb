import { randomUUID } from 'node:crypto';
import type { InventoryAsset, InventoryLoan, InventoryLoanTerm, InventoryMovement, InventoryTermContent } from '../../../db/schema';
import { withSystem } from '../../../db/system-scope';
import { tenantOf, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { digestSecret, randomSecret } from '../../../platform/auth/opaque-tokens';
import { DomainError, notFound } from '../../../platform/errors';
import type { Services } from '../../../platform/services';
import {
  assertMayDecide,
  assetOf,
  isLoan,
  loanOfMovement,
  lockForDecider,
  lockMovement,
  recordStep,
  type MovementActor,
} from './movement-records';
import {
  renderTermPdf,
  sha256Hex,
  stampAcceptance,
  TERM_CLAUSES,
  termContentSha256,
  UnreadableSignature,
  type TermAcceptance,
} from './term-pdf';

/** How long a borrower's acceptance link stays good. */
export const ACCEPTANCE_LINK_DAYS = 7;
const MAX_SIGNATURE_BYTES = 512 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A term as lists and the movement page show it: everything but the PDF's bytes. */
export interface TermView {
  id: string;
  loanId: string;
  status: InventoryLoanTerm['status'];
  contentSha256: string;
  pdfSha256: string;
  acceptanceMethod: InventoryLoanTerm['acceptance_method'];
  signerName: string | null;
  acceptedAt: string | null;
  acceptedIp: string | null;
  linkExpiresAt: string | null;
  createdAt: string;
}

export const toTermView = (term: Omit<InventoryLoanTerm, 'pdf' | 'content'>): TermView => ({
  id: term.id,
  loanId: term.loan_id,
  status: term.status,
  contentSha256: term.content_sha256,
  pdfSha256: term.pdf_sha256,
  acceptanceMethod: term.acceptance_method,
  signerName: term.signer_name,
  acceptedAt: term.accepted_at?.toISOString() ?? null,
  acceptedIp: term.accepted_ip,
  linkExpiresAt: term.link_expires_at?.toISOString() ?? null,
  createdAt: term.created_at.toISOString(),
});

/** The loan's terms, newest first, without their PDFs. */
export async function termsOfLoan(trx: TenantTransaction, loanId: string): Promise<TermView[]> {
  const terms = await trx
    .selectFrom('inventory_loan_terms')
    .select([
      'id',
      'tenant_id',
      'loan_id',
      'status',
      'content_sha256',
      'pdf_sha256',
      'acceptance_method',
      'acceptance_token_hash',
      'link_expires_at',
      'signer_name',
      'accepted_at',
      'accepted_ip',
      'accepted_user_agent',
      'created_at',
    ])
    .where('loan_id', '=', loanId)
    .orderBy('created_at', 'desc')
    .execute();
  return terms.map(toTermView);
}

async function companyOf(trx: TenantTransaction): Promise<{ name: string; timezone: string }> {
  return trx.selectFrom('tenants').select(['name', 'timezone']).where('id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
}

/**
 * Issues the loan's responsibility term (voiding a pending one): its content, the SHA-256 of that
 * content, and the PDF that prints both. Runs when the loan is approved, or on demand.
 */
export async function issueTerm(
  trx: TenantTransaction,
  audit: AuditContext,
  movement: InventoryMovement,
  asset: InventoryAsset,
  loan: InventoryLoan,
  now = new Date(),
): Promise<InventoryLoanTerm> {
  await trx
    .updateTable('inventory_loan_terms')
    .set({ status: 'void' })
    .where('loan_id', '=', loan.id)
    .where('status', '=', 'pending')
    .execute();
  const company = await companyOf(trx);
  const fromLocation = movement.from_location_id
    ? await trx.selectFrom('inventory_locations').select('name').where('id', '=', movement.from_location_id).executeTakeFirst()
    : undefined;
  const content: InventoryTermContent = {
    version: 1,
    termId: randomUUID(),
    company: company.name,
    asset: {
      tag: asset.tag,
      name: asset.name,
      serialNumber: asset.serial_number,
      patrimonio: asset.patrimonio,
      valueCents: asset.purchase_value_cents === null ? null : Number(asset.purchase_value_cents),
    },
    borrower: {
      type: loan.borrower_type,
      name: loan.borrower_name,
      document: loan.borrower_document,
      email: loan.borrower_email,
      phone: loan.borrower_phone,
    },
    loan: {
      movementId: movement.id,
      type: movement.type as InventoryTermContent['loan']['type'],
      issuedAt: now.toISOString(),
      dueDate: loan.due_date.toISOString(),
      timeZone: company.timezone,
      fromLocation: fromLocation?.name ?? null,
    },
    clauses: [...TERM_CLAUSES],
  };
  const contentSha256 = termContentSha256(content);
  const pdf = await renderTermPdf(content, contentSha256);
  const term = await trx
    .insertInto('inventory_loan_terms')
    .values({
      id: content.termId,
      tenant_id: tenantOf(trx),
      loan_id: loan.id,
      content: JSON.stringify(content),
      content_sha256: contentSha256,
      pdf,
      pdf_sha256: sha256Hex(pdf),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.term.issued',
    entity: 'inventory_loan_terms',
    entityId: term.id,
    after: { loanId: loan.id, contentSha256 },
  });
  return term;
}

const termNotPending = (term: Pick<InventoryLoanTerm, 'status'>) =>
  new DomainError(
    'CONFLICT',
    'TERM_NOT_PENDING',
    term.status === 'accepted' ? 'Este termo já foi aceito' : 'Este termo foi substituído ou cancelado',
    { currentState: term.status },
  );

const movementNotApproved = (movement: InventoryMovement) =>
  new DomainError('CONFLICT', 'MOVEMENT_NOT_APPROVED', 'O termo só pode ser aceito com o empréstimo aprovado e ainda não entregue', {
    currentState: movement.status,
  });

/** A term with its loan and movement, both locked: acceptance and the handover never cross. */
async function lockTerm(trx: TenantTransaction, termId: string) {
  const found = await trx
    .selectFrom('inventory_loan_terms')
    .innerJoin('inventory_loans', 'inventory_loans.id', 'inventory_loan_terms.loan_id')
    .select(['inventory_loans.movement_id'])
    .where('inventory_loan_terms.id', '=', termId)
    .executeTakeFirst();
  if (!found) throw notFound('Termo');
  const movement = await lockMovement(trx, found.movement_id);
  const term = await trx.selectFrom('inventory_loan_terms').selectAll().where('id', '=', termId).forUpdate().executeTakeFirstOrThrow();
  const loan = await trx.selectFrom('inventory_loans').selectAll().where('id', '=', term.loan_id).executeTakeFirstOrThrow();
  return { term, loan, movement, asset: await assetOf(trx, movement) };
}

/** Issues a fresh term for a loan not yet handed over (the pending one, if any, is voided). */
export async function reissueTerm(trx: TenantTransaction, actor: MovementActor, movementId: string): Promise<TermView> {
  const { movement, asset } = await lockForDecider(trx, actor, movementId);
  const loan = await loanOfMovement(trx, movementId);
  if (!loan || !isLoan(movement))
    throw new DomainError('CONFLICT', 'NOT_A_LOAN', 'Só empréstimos têm termo de responsabilidade', { currentState: movement.status });
  if (movement.status !== 'requested' && movement.status !== 'approved') throw movementNotApproved(movement);
  if (await hasAcceptedTerm(trx, loan.id)) throw termNotPending({ status: 'accepted' });
  return toTermView(await issueTerm(trx, actor.audit, movement, asset, loan));
}

/**
 * Stamps the acceptance into the PDF and marks the term accepted, with the trail step and the
 * event. The caller has locked the term and checked who may accept it.
 */
async function acceptTerm(
  trx: TenantTransaction,
  audit: AuditContext,
  locked: Awaited<ReturnType<typeof lockTerm>>,
  acceptance: Omit<TermAcceptance, 'timeZone'> & { userAgent?: string | null },
): Promise<TermView> {
  const { term, movement, asset } = locked;
  if (term.status !== 'pending') throw termNotPending(term);
  if (movement.status !== 'approved') throw movementNotApproved(movement);
  const { timezone } = await companyOf(trx);
  const signed = await stampAcceptance(term.pdf, { ...acceptance, timeZone: timezone }).catch((error: unknown) => {
    if (error instanceof UnreadableSignature)
      throw new DomainError('BAD_REQUEST', 'INVALID_SIGNATURE', 'A assinatura não é uma imagem PNG legível', { field: 'signaturePng' });
    throw error;
  });
  const accepted = await trx
    .updateTable('inventory_loan_terms')
    .set({
      status: 'accepted',
      pdf: signed,
      pdf_sha256: sha256Hex(signed),
      acceptance_method: acceptance.method,
      signer_name: acceptance.signerName,
      accepted_at: acceptance.acceptedAt,
      accepted_ip: acceptance.ip,
      accepted_user_agent: acceptance.userAgent ?? null,
    })
    .where('id', '=', term.id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirstOrThrow();
  const how = acceptance.method === 'signature_pad' ? 'Assinado na tela' : 'Aceito pelo link';
  await recordStep(trx, audit, movement, asset.tag, {
    action: 'term_accepted',
    fromStatus: movement.status,
    note: `${how} por ${acceptance.signerName}`,
    termId: term.id,
  });
  return toTermView(accepted);
}

function signaturePngBytes(signaturePng: string): Buffer {
  const bytes = Buffer.from(signaturePng.replace(/^data:image\/png;base64,/, '').replace(/\s/g, ''), 'base64');
  if (bytes.length > MAX_SIGNATURE_BYTES)
    throw new DomainError('PAYLOAD_TOO_LARGE', 'SIGNATURE_TOO_LARGE', 'Imagem da assinatura grande demais (máximo 512 KiB)', {
      field: 'signaturePng',
    });
  if (bytes.length < PNG_MAGIC.length || !bytes.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC))
    throw new DomainError('BAD_REQUEST', 'INVALID_SIGNATURE', 'A assinatura deve ser uma imagem PNG', { field: 'signaturePng' });
  return bytes;
}

/** In person: the borrower signs on the pad; the drawing goes into the PDF, which is stored with its new SHA-256. */
export async function signTermWithPad(
  trx: TenantTransaction,
  actor: MovementActor,
  input: { termId: string; signerName: string; signaturePng: string },
  now = new Date(),
): Promise<TermView> {
  const locked = await lockTerm(trx, input.termId);
  await assertMayDecide(trx, actor, locked.movement, locked.asset);
  return acceptTerm(trx, actor.audit, locked, {
    method: 'signature_pad',
    signerName: input.signerName,
    acceptedAt: now.toISOString(),
    ip: actor.audit.ip,
    signaturePng: signaturePngBytes(input.signaturePng),
  });
}

/** By link: a random token (stored hashed) the borrower opens without login; a new link replaces the previous one. */
export async function createAcceptanceLink(
  trx: TenantTransaction,
  actor: MovementActor,
  termId: string,
  publicUrl: string,
  now = new Date(),
): Promise<{ url: string; expiresAt: string }> {
  const locked = await lockTerm(trx, termId);
  await assertMayDecide(trx, actor, locked.movement, locked.asset);
  if (locked.term.status !== 'pending') throw termNotPending(locked.term);
  if (locked.movement.status !== 'approved') throw movementNotApproved(locked.movement);
  const token = randomSecret(32);
  const expiresAt = new Date(now.getTime() + ACCEPTANCE_LINK_DAYS * 86_400_000);
  await trx
    .updateTable('inventory_loan_terms')
    .set({ acceptance_token_hash: digestSecret(token), link_expires_at: expiresAt })
    .where('id', '=', termId)
    .execute();
  await recordAudit(trx, actor.audit, {
    action: 'inventory.term.link_created',
    entity: 'inventory_loan_terms',
    entityId: termId,
    after: { linkExpiresAt: expiresAt.toISOString() },
  });
  return { url: `${publicUrl.replace(/\/$/, '')}/termo/${token}`, expiresAt: expiresAt.toISOString() };
}

/** What the borrower's page shows: the term as issued and where its acceptance stands. */
export interface PublicTermView {
  status: InventoryLoanTerm['status'];
  content: InventoryTermContent;
  contentSha256: string;
  signerName: string | null;
  acceptedAt: string | null;
  linkExpiresAt: string | null;
}

// Unknown, malformed and switched-off links answer alike, so the page tells nothing about tokens.
const unknownLink = () => new DomainError('NOT_FOUND', 'TERM_LINK_NOT_FOUND', 'Link de aceite não encontrado');

/** The term a link's token names, across tenants (the page has no other credential), with the tenant's inventory on. */
async function termOfToken(services: Services, token: string): Promise<{ tenantId: string; termId: string }> {
  const found = await withSystem(services.db, (trx) =>
    trx
      .selectFrom('inventory_loan_terms')
      .innerJoin('tenants', 'tenants.id', 'inventory_loan_terms.tenant_id')
      .select(['inventory_loan_terms.tenant_id', 'inventory_loan_terms.id', 'tenants.modules'])
      .where('inventory_loan_terms.acceptance_token_hash', '=', digestSecret(token))
      .executeTakeFirst(),
  );
  if (!found || !found.modules.includes('inventory')) throw unknownLink();
  return { tenantId: found.tenant_id, termId: found.id };
}

const linkExpired = () =>
  new DomainError('PRECONDITION_FAILED', 'TERM_LINK_EXPIRED', 'Este link de aceite expirou; peça um novo a quem fez o empréstimo');

const isExpired = (term: Pick<InventoryLoanTerm, 'status' | 'link_expires_at'>, now: Date) =>
  term.status === 'pending' && (!term.link_expires_at || term.link_expires_at <= now);

export async function publicTermView(services: Services, token: string, now = new Date()): Promise<PublicTermView> {
  const { tenantId, termId } = await termOfToken(services, token);
  return withTenant(services.db, tenantId, async (trx) => {
    const term = await trx.selectFrom('inventory_loan_terms').selectAll().where('id', '=', termId).executeTakeFirstOrThrow();
    if (isExpired(term, now)) throw linkExpired();
    return {
      status: term.status,
      content: term.content,
      contentSha256: term.content_sha256,
      signerName: term.signer_name,
      acceptedAt: term.accepted_at?.toISOString() ?? null,
      linkExpiresAt: term.link_expires_at?.toISOString() ?? null,
    };
  });
}

/** The borrower accepts on the link's page: their name, the time and their IP are stamped into the PDF. */
export async function acceptTermByLink(
  services: Services,
  client: { ip: string | null; userAgent: string | null; requestId: string },
  input: { token: string; signerName: string },
  now = new Date(),
): Promise<TermView> {
  const { tenantId, termId } = await termOfToken(services, input.token);
  const audit: AuditContext = {
    actor: { type: 'system', id: null, label: `Tomador pelo link de aceite: ${input.signerName}` },
    requestId: client.requestId,
    ip: client.ip,
  };
  return withTenant(services.db, tenantId, async (trx) => {
    const locked = await lockTerm(trx, termId);
    // A newer link replaced this one while the page was open.
    if (locked.term.acceptance_token_hash !== digestSecret(input.token)) throw unknownLink();
    if (isExpired(locked.term, now)) throw linkExpired();
    return acceptTerm(trx, audit, locked, {
      method: 'link',
      signerName: input.signerName,
      acceptedAt: now.toISOString(),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
  });
}

/** Whether a copy of the term's PDF is the one stored: any byte changed after signing gives another SHA-256. */
export async function verifyTermPdf(
  trx: TenantTransaction,
  input: { termId: string; pdfBase64: string },
): Promise<{ valid: boolean; expectedSha256: string; actualSha256: string; status: InventoryLoanTerm['status'] }> {
  const term = await trx
    .selectFrom('inventory_loan_terms')
    .select(['pdf_sha256', 'status'])
    .where('id', '=', input.termId)
    .executeTakeFirst();
  if (!term) throw notFound('Termo');
  const bytes = Buffer.from(input.pdfBase64.replace(/^data:application\/pdf;base64,/, '').replace(/\s/g, ''), 'base64');
  const actualSha256 = sha256Hex(bytes);
  return { valid: actualSha256 === term.pdf_sha256, expectedSha256: term.pdf_sha256, actualSha256, status: term.status };
}

/** The term's PDF as stored (signed, once accepted), for download; undefined for an unknown term. */
export async function termPdf(
  trx: TenantTransaction,
  termId: string,
): Promise<{ fileName: string; pdf: Uint8Array; sha256: string } | undefined> {
  const term = await trx
    .selectFrom('inventory_loan_terms')
    .innerJoin('inventory_loans', 'inventory_loans.id', 'inventory_loan_terms.loan_id')
    .innerJoin('inventory_assets', 'inventory_assets.id', 'inventory_loans.asset_id')
    .select(['inventory_loan_terms.pdf', 'inventory_loan_terms.pdf_sha256', 'inventory_loan_terms.status', 'inventory_assets.tag'])
    .where('inventory_loan_terms.id', '=', termId)
    .executeTakeFirst();
  if (!term) return undefined;
  const suffix = term.status === 'accepted' ? '-assinado' : '';
  return { fileName: `termo-${term.tag.replace(/[^\w.-]/g, '_')}${suffix}.pdf`, pdf: term.pdf, sha256: term.pdf_sha256 };
}

/** The loan's accepted term, if any: a loan is handed over only once its term is accepted. */
export async function hasAcceptedTerm(trx: TenantTransaction, loanId: string): Promise<boolean> {
  const accepted = await trx
    .selectFrom('inventory_loan_terms')
    .select('id')
    .where('loan_id', '=', loanId)
    .where('status', '=', 'accepted')
    .executeTakeFirst();
  return accepted !== undefined;
}
