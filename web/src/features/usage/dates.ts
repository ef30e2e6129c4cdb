import { formatDate, formatInZone, useTenantTimeZone } from '../agenda/zonedTime';

/** Instants shown on the tenant's clocks, like the agenda and the queue: "10/03/2026, 14:05". */
export function useFormatInstant(): (iso: string | null | undefined) => string {
  const timeZone = useTenantTimeZone();
  return (iso) => (iso ? formatInZone(iso, timeZone) : '—');
}

/** A day of the rollups ('YYYY-MM-DD', already the tenant's) as "10/03". */
export const shortDay = (day: string) => formatDate(day, { day: '2-digit', month: '2-digit' });

/** A day as "10/03/2026". */
export const fullDay = (day: string) => formatDate(day, { day: '2-digit', month: '2-digit', year: 'numeric' });
