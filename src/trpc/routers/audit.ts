import { z } from 'zod';
import { listAuditEntries } from '../../platform/audit/audit-log';
import { platformPermissions as can } from '../../platform/platform-permissions';
import { router } from '../init';
import { permittedProcedure } from '../procedures';

export const auditFiltersInput = z.strictObject({
  action: z.string().trim().max(100).optional(),
  entity: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(100).optional(),
  actorId: z.uuid().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

const auditListInput = auditFiltersInput.extend({
  cursor: z.string().regex(/^\d{1,19}$/, 'Cursor inválido').optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const auditRouter = router({
  list: permittedProcedure(can['audit.read'])
    .input(auditListInput.default({ limit: 50 }))
    .query(({ ctx, input }) => {
      const { cursor, limit, ...filters } = input;
      return ctx.withTenant((trx) => listAuditEntries(trx, filters, { cursor, limit }));
    }),
});
