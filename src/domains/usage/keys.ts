import { issueMachineCredential } from '../../platform/auth/opaque-tokens';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';

/** Proxy keys read `sk_<prefix>_<secret>`, as OpenAI clients expect an `sk` key. */
export const PROXY_KEY_KIND = 'sk';

export interface UsageKeyView {
  id: string;
  userId: string;
  name: string;
  /** Enough to recognise a key in a list; the key itself is shown once. */
  preview: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export async function listKeys(trx: TenantTransaction, userId: string): Promise<UsageKeyView[]> {
  const rows = await trx.selectFrom('usage_keys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    name: row.name,
    preview: `${PROXY_KEY_KIND}_${row.prefix}_…`,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  }));
}

/** A new key for the user: answered once, stored as a SHA-256 digest. */
export async function createKey(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { userId: string; name?: string | undefined },
): Promise<UsageKeyView & { key: string }> {
  const user = await trx.selectFrom('usage_users').select(['id', 'is_system']).where('id', '=', input.userId).executeTakeFirst();
  if (!user) throw notFound('Usuário de IA');
  if (user.is_system) throw new DomainError('BAD_REQUEST', 'SYSTEM_USER', 'O usuário do sistema não usa chaves do proxy');
  const credential = issueMachineCredential(PROXY_KEY_KIND);
  const row = await trx
    .insertInto('usage_keys')
    .values({
      tenant_id: tenantOf(trx),
      user_id: input.userId,
      name: input.name ?? '',
      prefix: credential.prefix,
      token_hash: credential.digest,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'usage.key.create',
    entity: 'usage_key',
    entityId: row.id,
    details: { userId: input.userId, name: row.name, prefix: row.prefix },
  });
  await appendEvent(trx, 'usage.user.updated', { userId: input.userId, change: 'key_created' });
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    preview: `${PROXY_KEY_KIND}_${row.prefix}_…`,
    lastUsedAt: null,
    revokedAt: null,
    createdAt: row.created_at.toISOString(),
    key: credential.token,
  };
}

/** Revoked keys are refused from the next request on: the proxy checks the key on every request. */
export async function revokeKey(trx: TenantTransaction, audit: AuditContext, id: string): Promise<{ id: string; revokedAt: string }> {
  const row = await trx
    .updateTable('usage_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const existing = await trx.selectFrom('usage_keys').select(['id', 'revoked_at']).where('id', '=', id).executeTakeFirst();
    if (!existing) throw notFound('Chave');
    return { id, revokedAt: existing.revoked_at!.toISOString() };
  }
  await recordAudit(trx, audit, { action: 'usage.key.revoke', entity: 'usage_key', entityId: id, details: { userId: row.user_id } });
  await appendEvent(trx, 'usage.user.updated', { userId: row.user_id, change: 'key_revoked' });
  return { id, revokedAt: row.revoked_at!.toISOString() };
}
