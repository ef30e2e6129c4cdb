import { sql } from 'kysely';
import { localDateIn } from '../../platform/business-hours';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';

/** A budget period: the calendar month ('YYYY-MM') in the tenant's zone. */
export function periodOf(at: Date, timeZone: string): string {
  return localDateIn(at, timeZone).slice(0, 7);
}

export async function tenantTimeZone(trx: TenantTransaction): Promise<string> {
  const row = await trx.selectFrom('tenants').select('timezone').where('id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
  return row.timezone;
}

export async function currentPeriod(trx: TenantTransaction): Promise<{ period: string; timeZone: string; today: string }> {
  const timeZone = await tenantTimeZone(trx);
  const now = new Date();
  return { period: periodOf(now, timeZone), timeZone, today: localDateIn(now, timeZone) };
}

/** Grants a user may still spend: unexpired, with tokens left. */
export const spendableGrants = sql<string>`(
  select coalesce(sum(g.remaining), 0) from usage_grants g
  where g.tenant_id = usage_users.tenant_id and g.user_id = usage_users.id and g.remaining > 0
    and (g.expires_at is null or g.expires_at > now())
)`;
