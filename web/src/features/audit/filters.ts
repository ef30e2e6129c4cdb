import { startOfLocalDay } from '../../lib/format';
import type { RouterInputs } from '../../lib/trpc';

/** What the filter form holds: plain strings, days as `YYYY-MM-DD`. */
export interface AuditFilterValues {
  action: string;
  entity: string;
  actorId: string;
  fromDay: string;
  toDay: string;
}

export const NO_FILTERS: AuditFilterValues = { action: '', entity: '', actorId: '', fromDay: '', toDay: '' };

export type AuditQueryFilters = Omit<NonNullable<RouterInputs['audit']['list']>, 'cursor' | 'limit'>;

/** The server's filters: empty fields dropped, days as local-midnight instants, `to` inclusive of its day. */
export function toAuditQuery(values: AuditFilterValues): AuditQueryFilters {
  return {
    ...(values.action.trim() ? { action: values.action.trim() } : {}),
    ...(values.entity.trim() ? { entity: values.entity.trim() } : {}),
    ...(values.actorId ? { actorId: values.actorId } : {}),
    ...(values.fromDay ? { from: startOfLocalDay(values.fromDay) } : {}),
    ...(values.toDay ? { to: startOfLocalDay(values.toDay, 1) } : {}),
  };
}

export function toSearchParams(filters: AuditQueryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== null) params.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  return params;
}
