import { z } from 'zod';
import { text } from '../../../platform/validation';

export const id = z.uuid({ error: 'Identificador inválido' });
export const byId = z.strictObject({ id });

export const MOVEMENT_TYPES = ['transfer', 'loan_internal', 'loan_external'] as const;
export const MOVEMENT_STATUSES = ['requested', 'approved', 'rejected', 'cancelled', 'executed', 'returned'] as const;

const note = text({ max: 1000, maxMessage: 'No máximo 1000 caracteres' });

/** A day (`2026-12-20`, due at the end of that day on the company's clock) or an instant with its offset. */
const dueDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'Data de devolução: AAAA-MM-DD ou data e hora ISO 8601 com fuso',
});

const loanInput = z.strictObject({
  /** An internal loan's borrower: a user of the company. */
  borrowerUserId: id.optional(),
  /** A third party's name (an internal loan takes the user's). */
  borrowerName: text({ min: 1, minMessage: 'Informe o nome do tomador', max: 160 }).optional(),
  document: text({ max: 40, maxMessage: 'Documento: no máximo 40 caracteres' }).optional(),
  email: z.email({ error: 'E-mail inválido' }).max(254).optional(),
  phone: text({ max: 32, maxMessage: 'Telefone: no máximo 32 caracteres' }).optional(),
  dueDate,
});
export type LoanInput = z.infer<typeof loanInput>;

export const requestMovementInput = z
  .strictObject({
    assetId: id,
    type: z.enum(MOVEMENT_TYPES, { error: 'Tipo: transfer, loan_internal ou loan_external' }),
    /** A transfer's destination. */
    toLocationId: id.optional(),
    reason: note.default(''),
    loan: loanInput.optional(),
  })
  .superRefine((input, issues) => {
    if (input.type === 'transfer') {
      if (!input.toLocationId) issues.addIssue({ code: 'custom', path: ['toLocationId'], message: 'Escolha a localização de destino' });
      if (input.loan) issues.addIssue({ code: 'custom', path: ['loan'], message: 'Uma transferência não tem dados de empréstimo' });
    } else {
      if (!input.loan)
        issues.addIssue({ code: 'custom', path: ['loan'], message: 'Informe o tomador e a data de devolução do empréstimo' });
      if (input.toLocationId)
        issues.addIssue({ code: 'custom', path: ['toLocationId'], message: 'Um empréstimo não muda o ativo de lugar: sem destino' });
    }
  });
export type RequestMovementInput = z.infer<typeof requestMovementInput>;

export const decisionInput = z.strictObject({ id, note: note.optional() });
export const returnInput = z.strictObject({
  id,
  condition: text({ max: 1000, maxMessage: 'Estado na devolução: no máximo 1000 caracteres' }).optional(),
});

/** Keyset position of a list: opaque to clients. */
const cursor = z
  .string()
  .max(200)
  .regex(/^[\w-]+$/, 'Cursor inválido');
const limit = z.number().int().min(1, 'Limite mínimo: 1').max(100, 'Limite máximo: 100').default(25);

export const listMovementsInput = z
  .strictObject({
    status: z.enum(MOVEMENT_STATUSES).optional(),
    type: z.enum(MOVEMENT_TYPES).optional(),
    assetId: id.optional(),
    cursor: cursor.optional(),
    limit,
  })
  .default({ limit: 25 });

export const LOAN_VIEWS = ['active', 'due_soon', 'overdue', 'all'] as const;
export const listLoansInput = z
  .strictObject({
    view: z.enum(LOAN_VIEWS, { error: 'Visão: active, due_soon, overdue ou all' }).default('active'),
    cursor: cursor.optional(),
    limit,
  })
  .default({ view: 'active', limit: 25 });

export const byMovement = z.strictObject({ movementId: id });
export const byTerm = z.strictObject({ termId: id });

/** A PNG as a data URL or bare base64; its bytes are checked when it is embedded. */
const MAX_SIGNATURE_CHARS = 700_000;
export const signWithPadInput = z.strictObject({
  termId: id,
  signerName: text({ min: 1, minMessage: 'Informe o nome de quem assina', max: 160 }),
  signaturePng: z
    .string()
    .min(1, 'Desenhe a assinatura')
    .max(MAX_SIGNATURE_CHARS, 'Imagem da assinatura grande demais')
    .regex(/^(data:image\/png;base64,)?[A-Za-z0-9+/=\s]+$/, 'A assinatura deve ser uma imagem PNG (data URL ou base64)'),
});

const MAX_PDF_CHARS = 1_000_000;
export const verifyTermInput = z.strictObject({
  termId: id,
  pdfBase64: z
    .string()
    .min(1, 'Envie o PDF')
    .max(MAX_PDF_CHARS, 'PDF grande demais')
    .regex(/^(data:application\/pdf;base64,)?[A-Za-z0-9+/=\s]+$/, 'O PDF deve vir em base64'),
});

/** The link's token: 32 random bytes, base64url. */
const acceptanceToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Link de aceite inválido');
export const publicTermInput = z.strictObject({ token: acceptanceToken });
export const acceptTermInput = z.strictObject({
  token: acceptanceToken,
  signerName: text({ min: 1, minMessage: 'Informe seu nome completo', max: 160 }),
  agreed: z.literal(true, { error: 'Marque que leu e aceita o termo' }),
});
