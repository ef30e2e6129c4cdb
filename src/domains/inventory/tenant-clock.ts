import { DateTime } from 'luxon';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';

/** The tenant's IANA time zone: due dates, contract terms and purchase dates are the company's days. */
export async function tenantTimeZone(trx: TenantTransaction): Promise<string> {
  const tenant = await trx.selectFrom('tenants').select('timezone').where('id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
  return tenant.timezone;
}

/** Today (or `at`) as 'YYYY-MM-DD' in the tenant's zone. */
export async function tenantToday(trx: TenantTransaction, at = new Date()): Promise<string> {
  return DateTime.fromJSDate(at, { zone: await tenantTimeZone(trx) }).toISODate()!;
}
