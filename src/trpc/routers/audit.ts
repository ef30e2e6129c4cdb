import { z } from 'zod';
import { listAuditEntries } from '../../platform/audit/audit-log';
import { platformPermissions as can } from '../../platform/platform-permissions';
import { text } from '../../platform/validation';
import { router } from '../init';
import { permittedProcedure } from '../procedures';

export const auditFiltersInput = z.strictObject({
  action: text({ max: 100 }).optional(),
  entity: text({ max: 100 }).optional(),
  entityId: text({ max: 100 }).optional(),
  actorId: z.uuid().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

const auditListInput = auditFiltersInput.extend({
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, 'Cursor inválido')
    .nullish(),
  /** Sent by tRPC's infinite queries; pages always go from newest to oldest. */
  direction: z.enum(['forward', 'backward']).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const auditRouter = router({
  list: permittedProcedure(can['audit.read'])
    .input(auditListInput.default({ limit: 50 }))
    .query(({ ctx, input }) => {
      const { cursor, limit, direction: _direction, ...filters } = input;
      return ctx.withTenant((trx) => listAuditEntries(trx, filters, { cursor: cursor ?? undefined, limit }));
    }),
});
