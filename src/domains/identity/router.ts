import { router } from '../../trpc/init';
import { authedProcedure, deviceProcedure, permittedProcedure, publicProcedure } from '../../trpc/procedures';
import { createDevice, listDevices, renewEnrollmentCode, revokeDevice } from './devices';
import { DEVICE_EVENTS_SCOPE, streamDeviceEvents } from './device-events';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens';
import type { UserAccess } from './directory';
import { identityPermissions as can } from './permissions';
import { createRole, deleteRole, listRoles, updateRole, type Grantor } from './roles';
import {
  byId,
  createApiTokenInput,
  createDeviceInput,
  deviceEventsInput,
  createRoleInput,
  acceptInviteInput,
  createUserInput,
  inviteUserInput,
  loginInput,
  logoutInput,
  refreshInput,
  updateRoleInput,
  updateTenantInput,
  updateUserInput,
} from './schemas';
import { acceptInvitation, login, logout, refreshSession, type IssuedSession, type SessionDeps } from './sessions';
import { getTenantProfile, updateTenant } from './tenants';
import { createUser, getUser, inviteUser, listUsers, reissueInvitation, updateUser } from './users';
import type { InnerContext } from '../../trpc/context';
import { DomainError } from '../../platform/errors';

const sessionDeps = ({ services }: InnerContext): SessionDeps => ({
  db: services.db,
  signer: services.signer,
  refreshTokenTtlDays: services.config.refreshTokenTtlDays,
  loginLimits: services.loginLimits,
});

const clientOf = ({ client }: InnerContext) => ({ ip: client.ip, userAgent: client.userAgent, requestId: client.requestId });

/** Dashboard calls keep the refresh token in the httpOnly cookie; programmatic clients get it in the body. */
function deliverSession(ctx: InnerContext, session: IssuedSession) {
  const { refreshToken, refreshTokenExpiresAt, ...rest } = session;
  if (ctx.sessionCookie) {
    ctx.sessionCookie.write(refreshToken, new Date(refreshTokenExpiresAt));
    return { ...rest, refreshToken: null, refreshTokenExpiresAt };
  }
  return { ...rest, refreshToken, refreshTokenExpiresAt };
}

function presentedRefreshToken(ctx: InnerContext, input: { refreshToken?: string | undefined }): string | undefined {
  return input.refreshToken ?? ctx.sessionCookie?.read();
}

const declaredScopes = (ctx: InnerContext) => new Set(ctx.services.catalogue.machineScopes.map((scope) => scope.key));

/**
 * Runs tenant work that changes what users may do (roles, modules) and drops this instance's
 * cached access at once; other instances drop theirs when the change's event reaches them.
 */
async function changingAccess<T>(ctx: { tenant: { id: string }; services: InnerContext['services'] }, work: Promise<T>): Promise<T> {
  const result = await work;
  ctx.services.directory.forgetTenant(ctx.tenant.id);
  return result;
}

/** The signed-in user as a grantor: what they hold bounds the roles they hand out and the users they change. */
const grantorOf = (ctx: { user: UserAccess; services: InnerContext['services'] }): Grantor => ({
  permissions: ctx.user.permissions,
  catalogue: ctx.services.catalogue.permissions,
});

export const authRouter = router({
  login: publicProcedure
    .input(loginInput)
    .mutation(async ({ ctx, input }) => deliverSession(ctx, await login(sessionDeps(ctx), input, clientOf(ctx)))),
  refresh: publicProcedure.input(refreshInput).mutation(async ({ ctx, input }) => {
    const refreshToken = presentedRefreshToken(ctx, input);
    if (!refreshToken) throw new DomainError('UNAUTHORIZED', 'INVALID_REFRESH_TOKEN', 'Sessão expirada; entre novamente');
    try {
      return deliverSession(ctx, await refreshSession(sessionDeps(ctx), refreshToken, clientOf(ctx)));
    } catch (error) {
      ctx.sessionCookie?.clear();
      throw error;
    }
  }),
  logout: publicProcedure.input(logoutInput).mutation(async ({ ctx, input }) => {
    const refreshToken = presentedRefreshToken(ctx, input);
    if (refreshToken) await logout(sessionDeps(ctx), refreshToken, clientOf(ctx));
    ctx.sessionCookie?.clear();
    return { ok: true as const };
  }),
  acceptInvite: publicProcedure
    .input(acceptInviteInput)
    .mutation(async ({ ctx, input }) => deliverSession(ctx, await acceptInvitation(sessionDeps(ctx), input, clientOf(ctx)))),
  me: authedProcedure.query(({ ctx }) => ({
    user: {
      id: ctx.user.userId,
      email: ctx.user.email,
      name: ctx.user.name,
      role: ctx.user.role.key,
      roleName: ctx.user.role.name,
      permissions: [...ctx.user.permissions].sort(),
    },
    tenant: ctx.tenant,
  })),
});

export const usersRouter = router({
  list: permittedProcedure(can['identity.users.read']).query(({ ctx }) => ctx.withTenant((trx) => listUsers(trx))),
  get: permittedProcedure(can['identity.users.read'])
    .input(byId)
    .query(({ ctx, input }) => ctx.withTenant((trx) => getUser(trx, input.id))),
  create: permittedProcedure(can['identity.users.write'])
    .input(createUserInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => createUser(trx, ctx.audit, input, grantorOf(ctx)))),
  invite: permittedProcedure(can['identity.users.write'])
    .input(inviteUserInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => inviteUser(trx, ctx.audit, input, grantorOf(ctx)))),
  reissueInvite: permittedProcedure(can['identity.users.write'])
    .input(byId)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => reissueInvitation(trx, ctx.audit, input.id, grantorOf(ctx)))),
  update: permittedProcedure(can['identity.users.write'])
    .input(updateUserInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => updateUser(trx, ctx.audit, ctx.services.directory, input, grantorOf(ctx)))),
  deactivate: permittedProcedure(can['identity.users.write'])
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) => updateUser(trx, ctx.audit, ctx.services.directory, { id: input.id, active: false }, grantorOf(ctx))),
    ),
  reactivate: permittedProcedure(can['identity.users.write'])
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) => updateUser(trx, ctx.audit, ctx.services.directory, { id: input.id, active: true }, grantorOf(ctx))),
    ),
});

export const rolesRouter = router({
  list: permittedProcedure(can['identity.roles.read']).query(({ ctx }) =>
    ctx.withTenant((trx) => listRoles(trx, ctx.services.catalogue.permissions)),
  ),
  permissions: permittedProcedure(can['identity.roles.read']).query(({ ctx }) => ctx.services.catalogue.permissions),
  create: permittedProcedure(can['identity.roles.write'])
    .input(createRoleInput)
    .mutation(({ ctx, input }) =>
      changingAccess(
        ctx,
        ctx.withTenant((trx) => createRole(trx, ctx.audit, ctx.services.catalogue.permissions, input, grantorOf(ctx))),
      ),
    ),
  update: permittedProcedure(can['identity.roles.write'])
    .input(updateRoleInput)
    .mutation(({ ctx, input }) =>
      changingAccess(
        ctx,
        ctx.withTenant((trx) => updateRole(trx, ctx.audit, ctx.services.catalogue.permissions, input, grantorOf(ctx))),
      ),
    ),
  delete: permittedProcedure(can['identity.roles.write'])
    .input(byId)
    .mutation(async ({ ctx, input }) => {
      await changingAccess(
        ctx,
        ctx.withTenant((trx) => deleteRole(trx, ctx.audit, input.id)),
      );
      return { ok: true as const };
    }),
});

export const apiTokensRouter = router({
  list: permittedProcedure(can['identity.apiTokens.read']).query(({ ctx }) => ctx.withTenant((trx) => listApiTokens(trx))),
  scopes: permittedProcedure(can['identity.apiTokens.read']).query(({ ctx }) => ctx.services.catalogue.machineScopes),
  create: permittedProcedure(can['identity.apiTokens.write'])
    .input(createApiTokenInput)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) =>
        createApiToken(trx, ctx.audit, input, { declaredScopes: declaredScopes(ctx), creatorPermissions: ctx.user.permissions }),
      ),
    ),
  revoke: permittedProcedure(can['identity.apiTokens.write'])
    .input(byId)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => revokeApiToken(trx, ctx.audit, input.id))),
});

export const tenantRouter = router({
  get: permittedProcedure(can['identity.tenant.read']).query(({ ctx }) => ctx.withTenant((trx) => getTenantProfile(trx))),
  update: permittedProcedure(can['identity.tenant.write'])
    .input(updateTenantInput)
    .mutation(({ ctx, input }) =>
      changingAccess(
        ctx,
        ctx.withTenant((trx) => updateTenant(trx, ctx.audit, input)),
      ),
    ),
});

/** Devices as the tenant's people manage them: the kinds on offer, the list, enrollment codes and revocation. */
export const devicesRouter = router({
  kinds: permittedProcedure(can['identity.devices.read']).query(({ ctx }) =>
    ctx.services.devices.kinds.all().map((kind) => ({
      key: kind.key,
      label: kind.label,
      scopes: kind.scopes.map((scope) => ({ key: scope.key, description: scope.description })),
      resource: kind.resource ? { required: kind.resource.required, label: kind.resource.label } : null,
    })),
  ),
  list: permittedProcedure(can['identity.devices.read']).query(({ ctx }) => ctx.withTenant((trx) => listDevices(trx))),
  create: permittedProcedure(can['identity.devices.write'])
    .input(createDeviceInput)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) =>
        createDevice(trx, ctx.audit, input, { kinds: ctx.services.devices.kinds, publicUrl: ctx.services.config.publicUrl }),
      ),
    ),
  /** A fresh enrollment code for a device never enrolled (its first code expired or was lost). */
  renewEnrollment: permittedProcedure(can['identity.devices.write'])
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.withTenant((trx) => renewEnrollmentCode(trx, ctx.audit, input.id, { publicUrl: ctx.services.config.publicUrl })),
    ),
  revoke: permittedProcedure(can['identity.devices.write'])
    .input(byId)
    .mutation(async ({ ctx, input }) => {
      const revoked = await ctx.withTenant((trx) => revokeDevice(trx, ctx.audit, input.id));
      // After the commit: every instance ends the device's open streams.
      await ctx.services.devices.revocations.announce(revoked.id);
      return revoked;
    }),
});

/** What an enrolled device calls about itself. */
export const deviceRouter = router({
  me: deviceProcedure().query(({ ctx }) => ({
    deviceId: ctx.device.deviceId,
    tenantId: ctx.device.tenantId,
    kind: ctx.device.kind,
    name: ctx.device.name,
    scopes: [...ctx.device.scopes].sort(),
    resourceId: ctx.device.resourceId,
  })),
  events: deviceProcedure(DEVICE_EVENTS_SCOPE)
    .input(deviceEventsInput)
    .subscription(({ ctx, input, signal }) =>
      streamDeviceEvents(ctx.services, ctx.device, { lastEventId: input.lastEventId ?? undefined, signal }),
    ),
});
