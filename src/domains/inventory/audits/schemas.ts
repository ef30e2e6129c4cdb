import { z } from 'zod';
import { text } from '../../../platform/validation';

export const AUDIT_STATUSES = ['draft', 'in_progress', 'closed', 'cancelled'] as const;
export const AUDIT_ITEM_STATUSES = ['PENDING', 'FOUND', 'MISSING', 'UNEXPECTED', 'WRONG_LOCATION'] as const;
export const AUDIT_CORRECTIONS = ['move_here', 'mark_lost', 'keep'] as const;

const id = z.uuid({ error: 'Identificador inválido' });
const cursor = z.string().max(500, 'Cursor inválido').optional();
export const byId = z.strictObject({ id });

export const auditScopeInput = z
  .strictObject({
    locationId: id.optional(),
    categoryIds: z.array(id).max(50, 'No máximo 50 categorias').optional(),
  })
  .default({});

export const createAuditInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Informe o nome do inventário', max: 160, maxMessage: 'Nome: no máximo 160 caracteres' }),
  scope: auditScopeInput,
});

export const listAuditsInput = z
  .strictObject({
    status: z.enum(AUDIT_STATUSES, { error: 'Situação inválida' }).optional(),
    cursor,
  })
  .default({});

export const auditItemsInput = z.strictObject({
  auditId: id,
  status: z.enum(AUDIT_ITEM_STATUSES, { error: 'Situação inválida' }).optional(),
  cursor,
});

export const scanInput = z.strictObject({
  auditId: id,
  /** The label's QR text (the asset page's address) or a typed tag. */
  code: text({ min: 1, minMessage: 'Leia o QR ou digite a etiqueta', max: 500, maxMessage: 'Código longo demais' }),
  /** Where the scanner stands; absent, the asset counts as found wherever it was expected. */
  locationId: id.optional(),
  /** The scanner's own id for this scan: a retried request is counted once. */
  clientScanId: z
    .string()
    .trim()
    .min(8, 'clientScanId: ao menos 8 caracteres')
    .max(100, 'clientScanId: no máximo 100 caracteres')
    .regex(/^[\w.:-]+$/, 'clientScanId: letras, números, . : _ -')
    .optional(),
});

export const correctInput = z.strictObject({
  itemId: id,
  action: z.enum(AUDIT_CORRECTIONS, { error: 'Correção: move_here, mark_lost ou keep' }),
});
