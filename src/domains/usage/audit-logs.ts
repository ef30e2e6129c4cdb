import { sql } from 'kysely';
import type { z } from 'zod';
import { escapeLike } from '../../db/like-patterns';
import type { TenantTransaction } from '../../db/tenant-scope';
import type { auditLogsInput } from './schemas';

/** The seed's AuditLog: what admins did in the usage domain. */
export interface UsageAuditLog {
  id: string;
  /** Who did it (a dashboard user, an API token, the system). */
  actorId: string | null;
  actorLabel: string;
  /** The LLM user the action was about, when it was about one. */
  userId: string | null;
  action: string;
  resource: string;
  resourceId: string | null;
  details: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  success: boolean;
  errorMessage: string | null;
  createdAt: string;
}

/**
 * The LLM user an entry is about: the entity itself for a user's own entries, else the userId its
 * details name (a key, an alert). One expression, so the filter and the answer agree.
 */
const aboutUser = sql<string | null>`case when entity = 'usage_user' then entity_id else diff->>'userId' end`;

/** Newest first, keyset-paginated by id; only the usage domain's actions (a named one, or a prefix ending in '.'). */
export async function listUsageAuditLogs(
  trx: TenantTransaction,
  filters: z.infer<typeof auditLogsInput>,
): Promise<{ items: UsageAuditLog[]; nextCursor: string | null }> {
  let query = trx
    .selectFrom('audit_log')
    .selectAll()
    .select(aboutUser.as('user_id'))
    .where('action', 'like', 'usage.%')
    .orderBy('id', 'desc')
    .limit(filters.limit + 1);
  if (filters.action)
    query = filters.action.endsWith('.')
      ? query.where('action', 'like', `${escapeLike(filters.action)}%`)
      : query.where('action', '=', filters.action);
  if (filters.resource) query = query.where('entity', '=', filters.resource);
  if (filters.userId) query = query.where(aboutUser, '=', filters.userId);
  if (filters.from) query = query.where('occurred_at', '>=', new Date(filters.from));
  if (filters.to) query = query.where('occurred_at', '<', new Date(filters.to));
  if (filters.cursor) query = query.where('id', '<', filters.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, filters.limit).map((row) => ({
    id: row.id,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    userId: row.user_id,
    action: row.action,
    resource: row.entity,
    resourceId: row.entity_id,
    details: row.diff,
    ipAddress: row.ip,
    userAgent: null,
    requestId: row.request_id,
    success: true,
    errorMessage: null,
    createdAt: row.occurred_at.toISOString(),
  }));
  return { items, nextCursor: rows.length > filters.limit ? items.at(-1)!.id : null };
}
