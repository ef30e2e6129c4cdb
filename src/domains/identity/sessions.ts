import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withSystem } from '../../db/system-scope';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { AccessTokenSigner } from '../../platform/auth/access-tokens';
import { digestSecret, randomSecret } from '../../platform/auth/opaque-tokens';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords';
import { DomainError } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { FallbackLimiter } from '../../platform/rate-limits/limiter';

export interface SessionDeps {
  db: Kysely<DB>;
  signer: AccessTokenSigner;
  refreshTokenTtlDays: number;
  loginLimits: { perIp: FallbackLimiter; perAccount: FallbackLimiter };
  /** The password check; tests count its calls. */
  verifyPassword?: typeof verifyPassword;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface IssuedSession {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: { id: string; email: string; name: string; role: string };
}

const invalidCredentials = () => new DomainError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'E-mail, senha ou empresa inválidos');
const invalidRefreshToken = () => new DomainError('UNAUTHORIZED', 'INVALID_REFRESH_TOKEN', 'Sessão expirada; entre novamente');

function tooManyAttempts(retryAfterSeconds: number) {
  return new DomainError(
    'TOO_MANY_REQUESTS',
    'TOO_MANY_LOGIN_ATTEMPTS',
    `Muitas tentativas de login; tente novamente em ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

function auditFor(user: { id: string; email: string } | undefined, client: ClientInfo): AuditContext {
  return { actor: { type: 'user', id: user?.id ?? null, label: user?.email ?? 'anônimo' }, requestId: client.requestId, ip: client.ip };
}

/**
 * Logs in by (tenant slug, email, password). An unknown tenant, an unknown email, a deactivated
 * user and a wrong password all answer the same, after the same password-hash work.
 */
export async function login(
  deps: SessionDeps,
  input: { tenant: string; email: string; password: string },
  client: ClientInfo,
): Promise<IssuedSession> {
  const ipKey = client.ip ?? 'unknown';
  const accountKey = `${input.tenant}:${input.email}`;
  const byIp = await deps.loginLimits.perIp.consume(ipKey);
  if (!byIp.allowed) throw tooManyAttempts(byIp.retryAfterSeconds);
  // The attempt is paid for before the password is looked at, in one atomic step, so parallel
  // guesses cannot all pass a check made before any of them is counted; a success refunds it.
  const byAccount = await deps.loginLimits.perAccount.consume(accountKey);
  if (!byAccount.allowed) throw tooManyAttempts(byAccount.retryAfterSeconds);

  const tenant = await withSystem(deps.db, (trx) =>
    trx.selectFrom('tenants').select(['id']).where('slug', '=', input.tenant).executeTakeFirst(),
  );
  const user = tenant
    ? await withTenant(deps.db, tenant.id, (trx) =>
        trx
          .selectFrom('users')
          .select(['id', 'email', 'name', 'password_hash', 'active'])
          .where('email', '=', input.email)
          .executeTakeFirst(),
      )
    : undefined;
  const verify = deps.verifyPassword ?? verifyPassword;
  const passwordMatches = await verify(user?.active ? (user.password_hash ?? undefined) : undefined, input.password);
  if (!tenant || !user || !passwordMatches) {
    if (tenant) {
      await withTenant(deps.db, tenant.id, (trx) =>
        recordAudit(trx, auditFor(user, client), {
          action: 'auth.login_failed',
          entity: 'user',
          entityId: user?.id ?? null,
          details: { email: input.email },
        }),
      );
    }
    throw invalidCredentials();
  }
  await deps.loginLimits.perAccount.reset(accountKey);
  return withTenant(deps.db, tenant.id, async (trx) => {
    await trx.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
    const session = await startSession(deps, trx, { tenantId: tenant.id, userId: user.id, familyId: randomUUID(), client });
    await recordAudit(trx, auditFor(user, client), { action: 'auth.login', entity: 'user', entityId: user.id });
    return session;
  });
}

async function startSession(
  deps: SessionDeps,
  trx: TenantTransaction,
  session: { tenantId: string; userId: string; familyId: string; client: ClientInfo },
): Promise<IssuedSession> {
  // Read inside the transaction: a second connection here would wait on this one under PGlite.
  const user = await trx
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.email', 'users.name', 'roles.key as role'])
    .where('users.id', '=', session.userId)
    .executeTakeFirstOrThrow();
  const refreshToken = `rt_${randomSecret(32)}`;
  const refreshTokenExpiresAt = new Date(Date.now() + deps.refreshTokenTtlDays * 86_400_000);
  await trx
    .insertInto('refresh_tokens')
    .values({
      tenant_id: session.tenantId,
      user_id: session.userId,
      family_id: session.familyId,
      token_hash: digestSecret(refreshToken),
      expires_at: refreshTokenExpiresAt,
      ip: session.client.ip,
      user_agent: session.client.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  const signed = await deps.signer.sign({ userId: session.userId, tenantId: session.tenantId, sessionId: session.familyId });
  return {
    accessToken: signed.token,
    accessTokenExpiresAt: signed.expiresAt.toISOString(),
    refreshToken,
    refreshTokenExpiresAt: refreshTokenExpiresAt.toISOString(),
    user,
  };
}

type RotationOutcome = { kind: 'rotated'; session: IssuedSession } | { kind: 'reused' } | { kind: 'invalid' };

/**
 * Trades a refresh token for a new pair. The old token dies; presenting a dead one again means
 * it leaked, so its whole family is revoked (and audited) and the caller must log in again.
 */
export async function refreshSession(deps: SessionDeps, refreshToken: string, client: ClientInfo): Promise<IssuedSession> {
  const digest = digestSecret(refreshToken);
  const located = await withSystem(deps.db, (trx) =>
    trx.selectFrom('refresh_tokens').select(['tenant_id']).where('token_hash', '=', digest).executeTakeFirst(),
  );
  if (!located) throw invalidRefreshToken();
  const outcome = await withTenant(deps.db, located.tenant_id, async (trx): Promise<RotationOutcome> => {
    const current = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', digest).forUpdate().executeTakeFirst();
    if (!current) return { kind: 'invalid' };
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'active'])
      .where('id', '=', current.user_id)
      .executeTakeFirstOrThrow();
    // Already dead (logout, deactivation, an earlier reuse): refused, nothing more to revoke.
    if (current.revoked_at) return { kind: 'invalid' };
    // Rotated but presented again: the token leaked, so its whole family dies.
    if (current.rotated_at) {
      const revoked = await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: new Date(), revoked_reason: 'reuse_detected' })
        .where('family_id', '=', current.family_id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await recordAudit(trx, auditFor(user, client), {
        action: 'auth.refresh_reuse',
        entity: 'session',
        entityId: current.family_id,
        details: { revokedTokens: Number(revoked.numUpdatedRows), previouslyRevoked: current.revoked_reason },
      });
      await appendEvent(trx, 'identity.session.revoked', { userId: user.id, sessionIds: [current.family_id], reason: 'reuse_detected' });
      return { kind: 'reused' };
    }
    if (current.expires_at.getTime() <= Date.now() || !user.active) return { kind: 'invalid' };
    await trx.updateTable('refresh_tokens').set({ rotated_at: new Date() }).where('id', '=', current.id).execute();
    const session = await startSession(deps, trx, {
      tenantId: current.tenant_id,
      userId: current.user_id,
      familyId: current.family_id,
      client,
    });
    return { kind: 'rotated', session };
  });
  if (outcome.kind === 'rotated') return outcome.session;
  if (outcome.kind === 'reused')
    throw new DomainError('UNAUTHORIZED', 'REFRESH_TOKEN_REUSED', 'Sessão encerrada por segurança; entre novamente');
  throw invalidRefreshToken();
}

/** Ends the session the refresh token belongs to (its whole family). Unknown tokens are ignored. */
export async function logout(deps: SessionDeps, refreshToken: string, client: ClientInfo): Promise<void> {
  const digest = digestSecret(refreshToken);
  const located = await withSystem(deps.db, (trx) =>
    trx.selectFrom('refresh_tokens').select(['tenant_id', 'family_id', 'user_id']).where('token_hash', '=', digest).executeTakeFirst(),
  );
  if (!located) return;
  await withTenant(deps.db, located.tenant_id, async (trx) => {
    await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date(), revoked_reason: 'logout' })
      .where('family_id', '=', located.family_id)
      .where('revoked_at', 'is', null)
      .execute();
    const user = await trx.selectFrom('users').select(['id', 'email']).where('id', '=', located.user_id).executeTakeFirst();
    await recordAudit(trx, auditFor(user, client), { action: 'auth.logout', entity: 'session', entityId: located.family_id });
    // Access tokens of the session still look valid until they expire: open sockets of it close now.
    await appendEvent(trx, 'identity.session.revoked', { userId: located.user_id, sessionIds: [located.family_id], reason: 'logout' });
  });
}

const invalidInvitation = () =>
  new DomainError('UNAUTHORIZED', 'INVALID_INVITATION', 'Convite inválido, já usado ou expirado; peça um novo');

/** The invited person chooses a password and is signed in; the invitation dies with its first use. */
export async function acceptInvitation(
  deps: SessionDeps,
  input: { token: string; password: string },
  client: ClientInfo,
): Promise<IssuedSession> {
  const byIp = await deps.loginLimits.perIp.consume(client.ip ?? 'unknown');
  if (!byIp.allowed) throw tooManyAttempts(byIp.retryAfterSeconds);
  const digest = digestSecret(input.token);
  const located = await withSystem(deps.db, (trx) =>
    trx.selectFrom('users').select(['tenant_id']).where('invite_token_hash', '=', digest).executeTakeFirst(),
  );
  if (!located) throw invalidInvitation();
  const passwordHash = await hashPassword(input.password);
  const session = await withTenant(deps.db, located.tenant_id, async (trx) => {
    const user = await trx.selectFrom('users').selectAll().where('invite_token_hash', '=', digest).forUpdate().executeTakeFirst();
    if (!user?.active || !user.invite_expires_at || user.invite_expires_at.getTime() <= Date.now()) return undefined;
    await trx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        invite_token_hash: null,
        invite_expires_at: null,
        last_login_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', user.id)
      .execute();
    const audit = auditFor(user, client);
    await recordAudit(trx, audit, {
      action: 'user.accept_invite',
      entity: 'user',
      entityId: user.id,
      details: { password: { to: '[changed]' } },
    });
    const role = await trx.selectFrom('roles').select('key').where('id', '=', user.role_id).executeTakeFirstOrThrow();
    await appendEvent(trx, 'user.updated', { userId: user.id, changes: ['invitation'], active: true, role: role.key });
    return startSession(deps, trx, { tenantId: located.tenant_id, userId: user.id, familyId: randomUUID(), client });
  });
  if (!session) throw invalidInvitation();
  return session;
}
