import { withTenant, type TenantTransaction } from '../db/tenant-scope';
import type { AuditContext } from '../platform/audit/audit-log';
import { isPoolExhausted } from '../db/database';
import { DomainError, moduleDisabled, serverBusy } from '../platform/errors';
import type { ModuleName } from '../platform/modules';
import { userActor } from '../platform/auth/principals';
import { deviceActor } from '../platform/devices/principal';
import { baseProcedure } from './init';

/** Every procedure: latency and errors per procedure; unexpected errors logged with their cause. */
export const publicProcedure = baseProcedure.use(async ({ ctx, path, type, next }) => {
  const { metrics, logger } = ctx.services;
  const stopTimer = metrics.procedureDuration.startTimer({ procedure: path, type });
  const result = await next();
  stopTimer({ outcome: result.ok ? 'ok' : 'error' });
  if (!result.ok && isPoolExhausted(result.error.cause)) {
    metrics.procedureErrors.inc({ procedure: path, code: 'SERVICE_UNAVAILABLE' });
    logger.warn({ procedure: path }, 'no database connection free: answered 503');
    throw serverBusy();
  }
  if (!result.ok) {
    metrics.procedureErrors.inc({ procedure: path, code: result.error.code });
    if (result.error.code === 'INTERNAL_SERVER_ERROR')
      logger.error({ err: result.error.cause ?? result.error, procedure: path }, 'procedure failed');
  }
  return result;
});

const unauthorized: Record<string, string> = {
  NO_TOKEN: 'Entre para continuar',
  TOKEN_EXPIRED: 'Sessão expirada; renove o token de acesso',
  TOKEN_INVALID: 'Token de acesso inválido',
  USER_INACTIVE: 'Usuário desativado ou inexistente',
  DEVICE_TOKEN_INVALID: 'Token de dispositivo inválido ou revogado',
};

/**
 * A signed-in user, checked against their current state (active, role) on every call, and
 * optionally a module the tenant must have switched on and a permission the user's role must
 * hold. What the procedure's context gains: the user, the audit actor and `withTenant` bound to
 * the user's tenant. One middleware does all three checks, so each call merges its context once.
 */
function signedInProcedure(requirements: { module?: ModuleName; permission?: string | readonly string[] }) {
  return publicProcedure.use(async ({ ctx, next }) => {
    const { auth } = ctx;
    // Over a WebSocket the token was checked when it opened: check it (and its session) again now.
    ctx.live?.assertAlive();
    if (auth.kind === 'device') throw new DomainError('FORBIDDEN', 'DEVICE_NOT_ALLOWED', 'Dispositivos não podem chamar este procedimento');
    if (auth.kind !== 'user') {
      const reason = auth.kind === 'rejected' ? auth.reason : 'NO_TOKEN';
      throw new DomainError('UNAUTHORIZED', reason, unauthorized[reason]!);
    }
    const user = await ctx.services.directory.userAccess(auth.claims.tenantId, auth.claims.userId);
    if (!user?.active) throw new DomainError('UNAUTHORIZED', 'USER_INACTIVE', unauthorized.USER_INACTIVE!);
    const { module, permission } = requirements;
    if (module && !user.tenant.modules.includes(module)) throw moduleDisabled(module);
    const anyOf = typeof permission === 'string' ? [permission] : permission;
    if (anyOf && !anyOf.some((granted) => user.permissions.has(granted))) {
      const [named] = anyOf;
      throw new DomainError('FORBIDDEN', 'PERMISSION_DENIED', `Seu papel não permite esta ação (${named})`, { permission: named });
    }
    const tenantId = user.tenant.id;
    const audit: AuditContext = { actor: userActor(user), requestId: ctx.client.requestId, ip: ctx.client.ip };
    return next({
      ctx: {
        user,
        claims: auth.claims,
        tenant: user.tenant,
        audit,
        withTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => withTenant(ctx.services.db, tenantId, work),
      },
    });
  });
}

/** Any signed-in, active user. */
export const authedProcedure = signedInProcedure({});

/** Tenant work; with a module, refused unless the tenant has that module switched on. */
export function tenantProcedure(module?: ModuleName) {
  return module ? signedInProcedure({ module }) : authedProcedure;
}

/** Tenant work that needs a declared permission, or any one of several (and optionally a module). */
export function permittedProcedure(permission: string | readonly string[], module?: ModuleName) {
  return signedInProcedure({ permission, module });
}

/**
 * A call from an enrolled device (holding `scope`, when one is named). The device is read again on every call (a
 * WebSocket authenticates once, at connection), so a revoked device fails at once; a user's
 * token is refused here, as a device's is on every user procedure.
 */
export function deviceProcedure(scope?: string) {
  return publicProcedure.use(async ({ ctx, next }) => {
    const { auth } = ctx;
    if (auth.kind === 'user') throw new DomainError('FORBIDDEN', 'DEVICE_ONLY', 'Somente dispositivos podem chamar este procedimento');
    if (auth.kind !== 'device') {
      const reason = auth.kind === 'rejected' ? auth.reason : 'NO_TOKEN';
      throw new DomainError('UNAUTHORIZED', reason, unauthorized[reason]!);
    }
    // Over HTTP the token was checked against the device row for this very request; a WebSocket checked it when it opened.
    const device = ctx.live ? await ctx.services.devices.authenticator.current(auth.device.deviceId, ctx.client) : auth.device;
    if (!device) throw new DomainError('UNAUTHORIZED', 'DEVICE_TOKEN_INVALID', unauthorized.DEVICE_TOKEN_INVALID!);
    if (scope && !device.scopes.has(scope)) {
      throw new DomainError('FORBIDDEN', 'SCOPE_MISSING', `Este dispositivo não tem o escopo ${scope}`, { scope });
    }
    const tenantId = device.tenantId;
    const audit: AuditContext = { actor: deviceActor(device), requestId: ctx.client.requestId, ip: ctx.client.ip };
    return next({
      ctx: {
        device,
        audit,
        withTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => withTenant(ctx.services.db, tenantId, work),
      },
    });
  });
}
