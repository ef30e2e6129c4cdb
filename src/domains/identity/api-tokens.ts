import type { Kysely } from 'kysely';
import type { ApiToken, DB } from '../../db/schema';
import { withSystem } from '../../db/system-scope';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { digestsMatch, issueMachineCredential, parseMachineCredential } from '../../platform/auth/opaque-tokens';
import { MACHINE_TOKEN_PREFIX, type MachinePrincipal } from '../../platform/auth/principals';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';

export const API_TOKEN_KIND = MACHINE_TOKEN_PREFIX;
export type { MachinePrincipal };

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  status: 'active' | 'expired' | 'revoked';
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

function toApiTokenView(token: ApiToken, now = Date.now()): ApiTokenView {
  const status = token.revoked_at ? 'revoked' : token.expires_at && token.expires_at.getTime() <= now ? 'expired' : 'active';
  return {
    id: token.id,
    name: token.name,
    prefix: `${API_TOKEN_KIND}_${token.prefix}`,
    scopes: token.scopes,
    status,
    expiresAt: token.expires_at?.toISOString() ?? null,
    revokedAt: token.revoked_at?.toISOString() ?? null,
    lastUsedAt: token.last_used_at?.toISOString() ?? null,
    createdAt: token.created_at.toISOString(),
  };
}

export async function listApiTokens(trx: TenantTransaction): Promise<ApiTokenView[]> {
  const tokens = await trx
    .selectFrom('api_tokens')
    .selectAll()
    .where('kind', '=', 'api')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return tokens.map((token) => toApiTokenView(token));
}

export interface NewApiTokenInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | undefined;
}

/**
 * Creates a token whose secret is returned this once. Its scopes must be declared ones that the
 * creator holds, so a token can never do more than the person who made it.
 */
export async function createApiToken(
  trx: TenantTransaction,
  audit: AuditContext,
  input: NewApiTokenInput,
  allowed: { declaredScopes: ReadonlySet<string>; creatorPermissions: ReadonlySet<string> },
): Promise<ApiTokenView & { token: string }> {
  const unknown = input.scopes.filter((scope) => !allowed.declaredScopes.has(scope));
  if (unknown.length > 0)
    throw new DomainError('BAD_REQUEST', 'UNKNOWN_SCOPE', `Escopos desconhecidos: ${unknown.join(', ')}`, { scopes: unknown });
  const beyond = input.scopes.filter((scope) => !allowed.creatorPermissions.has(scope));
  if (beyond.length > 0)
    throw new DomainError('FORBIDDEN', 'SCOPE_NOT_HELD', `Você não tem os escopos: ${beyond.join(', ')}`, { scopes: beyond });
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw new DomainError('BAD_REQUEST', 'EXPIRY_IN_PAST', 'A validade precisa estar no futuro', { field: 'expiresAt' });
  }
  const credential = issueMachineCredential(API_TOKEN_KIND);
  const row = await trx
    .insertInto('api_tokens')
    .values({
      tenant_id: tenantOf(trx),
      kind: 'api',
      name: input.name,
      prefix: credential.prefix,
      token_hash: credential.digest,
      scopes: [...new Set(input.scopes)],
      expires_at: input.expiresAt ?? null,
      created_by: audit.actor.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'api_token.create',
    entity: 'api_token',
    entityId: row.id,
    after: { name: row.name, scopes: row.scopes, expiresAt: row.expires_at },
  });
  await appendEvent(trx, 'api_token.created', { tokenId: row.id, name: row.name, scopes: row.scopes });
  return { ...toApiTokenView(row), token: credential.token };
}

export async function revokeApiToken(trx: TenantTransaction, audit: AuditContext, id: string): Promise<ApiTokenView> {
  const token = await trx
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('kind', '=', 'api')
    .forUpdate()
    .executeTakeFirst();
  if (!token) throw notFound('Token');
  if (token.revoked_at) return toApiTokenView(token);
  const revoked = await trx
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'api_token.revoke',
    entity: 'api_token',
    entityId: id,
    before: { revokedAt: null },
    after: { revokedAt: revoked.revoked_at },
  });
  await appendEvent(trx, 'api_token.revoked', { tokenId: id, name: token.name });
  return toApiTokenView(revoked);
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Checks a presented machine credential (system work: the tenant is not known yet). */
export async function authenticateMachineToken(db: Kysely<DB>, presented: string): Promise<MachinePrincipal | null> {
  const [principal] = await authenticateMachineTokens(db, [presented]);
  return principal ?? null;
}

/**
 * `authenticateMachineToken` for credentials presented together (calls written in one batch):
 * one read for all of them, and at most one write, for tokens whose last use is stale.
 */
export async function authenticateMachineTokens(db: Kysely<DB>, presented: readonly string[]): Promise<Array<MachinePrincipal | null>> {
  const parsed = presented.map((credential) => parseMachineCredential(credential));
  const prefixes = [...new Set(parsed.flatMap((credential) => (credential ? [credential.prefix] : [])))];
  if (prefixes.length === 0) return parsed.map(() => null);
  // System work: the tenant is what the credential will tell.
  return withSystem(db, async (trx) => {
    const rows = await trx
      .selectFrom('api_tokens')
      .innerJoin('tenants', 'tenants.id', 'api_tokens.tenant_id')
      .selectAll('api_tokens')
      .select('tenants.modules')
      .where('prefix', 'in', prefixes)
      .execute();
    const tokens = new Map(rows.map((token) => [token.prefix, token]));
    const principals = parsed.map((credential) => {
      const token = credential ? tokens.get(credential.prefix) : undefined;
      if (!credential || !token || !digestsMatch(token.token_hash, credential.digest)) return null;
      if (token.revoked_at || (token.expires_at && token.expires_at.getTime() <= Date.now())) return null;
      return token;
    });
    // Coarse on purpose: one write a minute per token, not one per request.
    const stale = [
      ...new Set(
        principals.flatMap((token) =>
          token && (!token.last_used_at || Date.now() - token.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) ? [token.id] : [],
        ),
      ),
    ];
    if (stale.length > 0) await trx.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', 'in', stale).execute();
    return principals.map((token) =>
      token
        ? {
            tokenId: token.id,
            tenantId: token.tenant_id,
            name: token.name,
            kind: token.kind,
            scopes: new Set(token.scopes),
            tenantModules: token.modules,
          }
        : null,
    );
  });
}
