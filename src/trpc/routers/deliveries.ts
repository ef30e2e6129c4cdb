import { z } from 'zod';
import { listDeliveries, listDeliveryAttempts, replayDelivery } from '../../platform/deliveries/dashboard';
import { DELIVERY_QUEUE_STATUSES } from '../../platform/deliveries/queue';
import { platformPermissions as can } from '../../platform/platform-permissions';
import { text } from '../../platform/validation';
import { router } from '../init';
import { permittedProcedure } from '../procedures';

const deliveryId = z.strictObject({ id: z.uuid({ error: 'Identificador inválido' }) });

const listInput = z
  .strictObject({
    status: z.enum(DELIVERY_QUEUE_STATUSES, { error: `Situação desconhecida; use ${DELIVERY_QUEUE_STATUSES.join(', ')}` }).optional(),
    kind: text({ max: 100 }).optional(),
    cursor: z
      .string()
      .regex(/^\d{1,19}$/, 'Cursor inválido')
      .nullish(),
    /** Sent by tRPC's infinite queries; pages always go from newest to oldest. */
    direction: z.enum(['forward', 'backward']).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .default({ limit: 50 });

export const deliveriesRouter = router({
  /** The tenant's outbound deliveries, newest first, keyset-paginated. */
  list: permittedProcedure(can['deliveries.read'])
    .input(listInput)
    .query(({ ctx, input }) => {
      const { cursor, limit, direction: _direction, ...filters } = input;
      const defaultMaxAttempts = ctx.services.config.deliveries.maxAttempts;
      return ctx.withTenant((trx) => listDeliveries(trx, filters, { cursor: cursor ?? undefined, limit, defaultMaxAttempts }));
    }),
  /** One delivery's recent tries: status, duration, error, start of the response. */
  attempts: permittedProcedure(can['deliveries.read'])
    .input(deliveryId)
    .query(({ ctx, input }) => ctx.withTenant((trx) => listDeliveryAttempts(trx, input.id))),
  /** Sends a dead or cancelled delivery again, with the same event id. */
  replay: permittedProcedure(can['deliveries.replay'])
    .input(deliveryId)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) => replayDelivery(trx, ctx.audit, input.id, ctx.services.config.deliveries.maxAttempts)),
    ),
});
