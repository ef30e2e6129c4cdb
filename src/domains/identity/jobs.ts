import { withTenant } from '../../db/tenant-scope';
import type { JobDefinition } from '../../platform/jobs/scheduler';

const REVOKED_TOKEN_KEEP_DAYS = 7;
const DAY_MS = 86_400_000;

/** Daily, at 03:30 in each tenant's time zone: drops dead refresh tokens and events past retention. */
export function housekeepingJob(options: { eventsRetentionDays: number }): JobDefinition {
  return {
    name: 'identity.housekeeping',
    description: 'Limpeza diária: sessões expiradas e eventos antigos',
    schedule: '30 3 * * *',
    scope: 'tenant',
    graceMinutes: 12 * 60,
    run: async ({ db, tenant, slot }) => {
      if (!tenant) throw new Error('housekeeping runs per tenant');
      return withTenant(db, tenant.id, async (trx) => {
        const tokens = await trx
          .deleteFrom('refresh_tokens')
          .where((where) =>
            where.or([
              where('expires_at', '<', slot),
              where('revoked_at', '<', new Date(slot.getTime() - REVOKED_TOKEN_KEEP_DAYS * DAY_MS)),
              where('rotated_at', '<', new Date(slot.getTime() - REVOKED_TOKEN_KEEP_DAYS * DAY_MS)),
            ]),
          )
          .executeTakeFirst();
        const events = await trx
          .deleteFrom('events')
          .where('occurred_at', '<', new Date(slot.getTime() - options.eventsRetentionDays * DAY_MS))
          .executeTakeFirst();
        return { refreshTokensDeleted: Number(tokens.numDeletedRows), eventsDeleted: Number(events.numDeletedRows) };
      });
    },
  };
}
