import { escapeLike } from '../../db/like-patterns';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { AuditEntry } from '../../db/schema';

export interface Actor {
  type: 'user' | 'api_token' | 'device' | 'system';
  id: string | null;
  label: string;
}

/** Who did it and from where; built once per request (or job) and passed to domain logic. */
export interface AuditContext {
  actor: Actor;
  requestId: string | null;
  ip: string | null;
}

export const systemAudit = (label: string, requestId: string | null = null): AuditContext => ({
  actor: { type: 'system', id: null, label },
  requestId,
  ip: null,
});

export type AuditDiff = Record<string, { from?: unknown; to?: unknown }>;

const SECRET_FIELDS = new Set(['password', 'password_hash', 'passwordHash', 'token', 'token_hash', 'tokenHash']);

/** Field-level changes only, secrets masked: what an auditor needs without the whole row. */
export function compactDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): AuditDiff {
  const diff: AuditDiff = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (key === 'updated_at' || key === 'updatedAt' || key === 'created_at' || key === 'createdAt') continue;
    const from = before?.[key];
    const to = after?.[key];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    const masked = SECRET_FIELDS.has(key);
    diff[key] = {
      ...(before ? { from: masked ? '[changed]' : from } : {}),
      ...(after ? { to: masked ? '[changed]' : to } : {}),
    };
  }
  return diff;
}

export interface AuditRecord {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  details?: Record<string, unknown>;
}

/** Records a mutation in the same transaction as the change itself. */
export async function recordAudit(trx: TenantTransaction, context: AuditContext, record: AuditRecord): Promise<void> {
  const diff = { ...compactDiff(record.before ?? null, record.after ?? null), ...(record.details ?? {}) };
  await trx
    .insertInto('audit_log')
    .values({
      tenant_id: tenantOf(trx),
      actor_type: context.actor.type,
      actor_id: context.actor.id,
      actor_label: context.actor.label,
      action: record.action,
      entity: record.entity,
      entity_id: record.entityId ?? null,
      diff: JSON.stringify(diff),
      request_id: context.requestId,
      ip: context.ip,
    })
    .execute();
}

export interface AuditFilters {
  action?: string | undefined;
  entity?: string | undefined;
  entityId?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditItem {
  id: string;
  occurredAt: string;
  actor: Actor;
  action: string;
  entity: string;
  entityId: string | null;
  diff: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
}

function toAuditItem(row: AuditEntry): AuditItem {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    actor: { type: row.actor_type as Actor['type'], id: row.actor_id, label: row.actor_label },
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    diff: row.diff,
    requestId: row.request_id,
    ip: row.ip,
  };
}

/** Newest first, keyset-paginated by id: page N costs the same as page 1. */
export async function listAuditEntries(
  trx: TenantTransaction,
  filters: AuditFilters,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
  let query = trx
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (filters.action)
    query = filters.action.endsWith('.')
      ? query.where('action', 'like', `${escapeLike(filters.action)}%`)
      : query.where('action', '=', filters.action);
  if (filters.entity) query = query.where('entity', '=', filters.entity);
  if (filters.entityId) query = query.where('entity_id', '=', filters.entityId);
  if (filters.actorId) query = query.where('actor_id', '=', filters.actorId);
  if (filters.from) query = query.where('occurred_at', '>=', filters.from);
  if (filters.to) query = query.where('occurred_at', '<', filters.to);
  if (page.cursor) query = query.where('id', '<', page.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toAuditItem);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

/** Every matching entry, page by page, for streamed exports. */
export async function* iterateAuditEntries(
  runInTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => Promise<T>,
  filters: AuditFilters,
): AsyncGenerator<AuditItem> {
  let cursor: string | undefined;
  for (;;) {
    const page = await runInTenant((trx) => listAuditEntries(trx, filters, { cursor, limit: 500 }));
    yield* page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export const AUDIT_CSV_COLUMNS = [
  'id',
  'occurredAt',
  'actorType',
  'actorId',
  'actorLabel',
  'action',
  'entity',
  'entityId',
  'diff',
  'requestId',
  'ip',
] as const;

export function auditItemToCsvRow(item: AuditItem): string {
  const values = [
    item.id,
    item.occurredAt,
    item.actor.type,
    item.actor.id,
    item.actor.label,
    item.action,
    item.entity,
    item.entityId,
    JSON.stringify(item.diff),
    item.requestId,
    item.ip,
  ];
  return values.map(csvField).join(',');
}

/** RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
