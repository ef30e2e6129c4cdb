import type { User } from '../../db/schema';
import { afterCommit, tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { digestSecret, randomSecret } from '../../platform/auth/opaque-tokens';
import { hashPassword } from '../../platform/auth/passwords';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { UserDirectory } from '../../platform/auth/principals';
import { assertGrantsHeld, findRoleByKey, type Grantor } from './roles';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  /** Invited and not yet accepted: no password chosen. */
  invitationPending: boolean;
  /** When the pending invitation's link stops working (null when none is pending). */
  invitationExpiresAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

interface UserWithRole extends User {
  role_key: string;
}

function toUserView(user: UserWithRole): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role_key,
    active: user.active,
    invitationPending: user.password_hash === null,
    invitationExpiresAt: user.password_hash === null ? (user.invite_expires_at?.toISOString() ?? null) : null,
    lastLoginAt: user.last_login_at?.toISOString() ?? null,
    createdAt: user.created_at.toISOString(),
  };
}

const usersWithRole = (trx: TenantTransaction) =>
  trx
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .selectAll('users')
    .select(['roles.key as role_key', 'roles.permissions as role_grants']);

export async function listUsers(trx: TenantTransaction): Promise<UserView[]> {
  const users = await usersWithRole(trx).orderBy('users.name').orderBy('users.id').execute();
  return users.map(toUserView);
}

export async function getUser(trx: TenantTransaction, id: string): Promise<UserView> {
  const user = await usersWithRole(trx).where('users.id', '=', id).executeTakeFirst();
  if (!user) throw notFound('Usuário');
  return toUserView(user);
}

export interface NewUserInput {
  email: string;
  name: string;
  password: string;
  role: string;
}

type Credentials = { password_hash: string } | { invite_token_hash: string; invite_expires_at: Date };

async function insertUser(
  trx: TenantTransaction,
  audit: AuditContext,
  input: Omit<NewUserInput, 'password'>,
  credentials: Credentials,
  grantor: Grantor | undefined,
): Promise<UserView> {
  const role = await findRoleByKey(trx, input.role);
  assertGrantsHeld(role.permissions, grantor);
  const user = await trx
    .insertInto('users')
    .values({ tenant_id: tenantOf(trx), email: input.email, name: input.name, role_id: role.id, ...credentials })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'email']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!user) throw new DomainError('CONFLICT', 'EMAIL_TAKEN', `Já existe um usuário com o e-mail ${input.email}`, { field: 'email' });
  const invited = 'invite_token_hash' in credentials;
  await recordAudit(trx, audit, {
    action: invited ? 'user.invite' : 'user.create',
    entity: 'user',
    entityId: user.id,
    after: { email: user.email, name: user.name, role: role.key },
  });
  await appendEvent(trx, 'user.created', { userId: user.id, email: user.email, name: user.name, role: role.key });
  return toUserView({ ...user, role_key: role.key });
}

export async function createUser(trx: TenantTransaction, audit: AuditContext, input: NewUserInput, grantor?: Grantor): Promise<UserView> {
  return insertUser(trx, audit, input, { password_hash: await hashPassword(input.password) }, grantor);
}

const INVITATION_TTL_MS = 7 * 86_400_000;

export interface Invitation {
  /** Shown once: the person invited sets their password with it (auth.acceptInvite). */
  token: string;
  expiresAt: string;
}

function issueInvitation(): { invitation: Invitation; stored: { invite_token_hash: string; invite_expires_at: Date } } {
  const token = `inv_${randomSecret(24)}`;
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  return {
    invitation: { token, expiresAt: expiresAt.toISOString() },
    stored: { invite_token_hash: digestSecret(token), invite_expires_at: expiresAt },
  };
}

/** Adds a user who chooses their own password through a one-time invitation token. */
export async function inviteUser(
  trx: TenantTransaction,
  audit: AuditContext,
  input: Omit<NewUserInput, 'password'>,
  grantor?: Grantor,
): Promise<{ user: UserView; invitation: Invitation }> {
  const { invitation, stored } = issueInvitation();
  return { user: await insertUser(trx, audit, input, stored, grantor), invitation };
}

/** A new token for a pending invitation; the previous one stops working. */
export async function reissueInvitation(
  trx: TenantTransaction,
  audit: AuditContext,
  id: string,
  grantor?: Grantor,
): Promise<{ user: UserView; invitation: Invitation }> {
  const user = await usersWithRole(trx).where('users.id', '=', id).forUpdate('users').executeTakeFirst();
  if (!user) throw notFound('Usuário');
  assertGrantsHeld(user.role_grants, grantor);
  if (user.password_hash !== null) throw new DomainError('CONFLICT', 'INVITATION_ALREADY_ACCEPTED', 'Este usuário já definiu a senha');
  const { invitation, stored } = issueInvitation();
  await trx
    .updateTable('users')
    .set({ ...stored, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, audit, { action: 'user.invite_reissue', entity: 'user', entityId: id });
  await appendEvent(trx, 'user.updated', { userId: id, changes: ['invitation'], active: user.active, role: user.role_key });
  return { user: toUserView({ ...user, ...stored }), invitation };
}

export interface UserChanges {
  id: string;
  name?: string | undefined;
  email?: string | undefined;
  role?: string | undefined;
  password?: string | undefined;
  active?: boolean | undefined;
}

/**
 * Every change to a user goes through here, so audit, events and session revocation stay in step.
 * A grantor may change only users whose access they hold, and give only roles they hold.
 */
export async function updateUser(
  trx: TenantTransaction,
  audit: AuditContext,
  directory: UserDirectory,
  changes: UserChanges,
  grantor?: Grantor,
): Promise<UserView> {
  const before = await usersWithRole(trx).where('users.id', '=', changes.id).forUpdate('users').executeTakeFirst();
  if (!before) throw notFound('Usuário');
  assertGrantsHeld(before.role_grants, grantor);
  const role = changes.role !== undefined && changes.role !== before.role_key ? await findRoleByKey(trx, changes.role) : undefined;
  if (role) assertGrantsHeld(role.permissions, grantor);
  if (before.role_key === 'owner' && ((role && role.key !== 'owner') || changes.active === false))
    await assertAnotherActiveOwner(trx, before.id);
  if (changes.active === false && audit.actor.type === 'user' && audit.actor.id === before.id) {
    throw new DomainError('BAD_REQUEST', 'CANNOT_DEACTIVATE_SELF', 'Você não pode desativar a si mesmo');
  }
  const deactivating = changes.active === false && before.active;
  const updated = await trx
    .updateTable('users')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.email !== undefined ? { email: changes.email } : {}),
      ...(role ? { role_id: role.id } : {}),
      // A password set by an admin ends a pending invitation; deactivation expires it.
      ...(changes.password !== undefined
        ? { password_hash: await hashPassword(changes.password), invite_token_hash: null, invite_expires_at: null }
        : {}),
      ...(changes.active !== undefined ? { active: changes.active, deactivated_at: changes.active ? null : new Date() } : {}),
      ...(deactivating && before.invite_expires_at ? { invite_expires_at: new Date() } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirst()
    .catch((error: { code?: string }) => {
      if (error.code === '23505')
        throw new DomainError('CONFLICT', 'EMAIL_TAKEN', `Já existe um usuário com o e-mail ${changes.email}`, { field: 'email' });
      throw error;
    });
  if (!updated) throw notFound('Usuário');
  const after: UserWithRole = { ...updated, role_key: role?.key ?? before.role_key };
  const revokeSessions = deactivating || changes.password !== undefined;
  if (revokeSessions) {
    const reason = deactivating ? 'user_deactivated' : 'password_changed';
    const revoked = await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date(), revoked_reason: reason })
      .where('user_id', '=', before.id)
      .where('revoked_at', 'is', null)
      .returning('family_id')
      .execute();
    const sessionIds = [...new Set(revoked.map((row) => row.family_id))];
    // Their access tokens still look valid until they expire: open sockets of these sessions close now.
    if (sessionIds.length > 0) await appendEvent(trx, 'identity.session.revoked', { userId: before.id, sessionIds, reason });
  }
  const changed = Object.keys(changes).filter((key) => key !== 'id');
  await recordAudit(trx, audit, {
    action: deactivating ? 'user.deactivate' : 'user.update',
    entity: 'user',
    entityId: before.id,
    before: { email: before.email, name: before.name, role: before.role_key, active: before.active },
    after: { email: after.email, name: after.name, role: after.role_key, active: after.active },
    details: changes.password !== undefined ? { password: { to: '[changed]' } } : {},
  });
  await appendEvent(trx, 'user.updated', { userId: before.id, changes: changed, active: after.active, role: after.role_key });
  afterCommit(trx, () => (deactivating ? directory.revokeUser(before.id) : directory.forgetUser(before.id)));
  return toUserView(after);
}

async function assertAnotherActiveOwner(trx: TenantTransaction, userId: string): Promise<void> {
  // Serialises owner removals: two at once must not each count on the other to stay.
  await trx.selectFrom('roles').select('id').where('key', '=', 'owner').forNoKeyUpdate().execute();
  const other = await trx
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select('users.id')
    .where('roles.key', '=', 'owner')
    .where('users.active', '=', true)
    .where('users.id', '!=', userId)
    .limit(1)
    .executeTakeFirst();
  if (!other) throw new DomainError('CONFLICT', 'LAST_OWNER', 'A empresa precisa de ao menos um proprietário ativo');
}
