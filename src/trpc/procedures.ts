import { withTenant, type TenantTransaction } from '../db/tenant-scope';
import type { AuditContext } from '../platform/audit/audit-log';
import { DomainError } from '../platform/errors';
import { MODULE_LABELS, type ModuleName } from '../platform/modules';
import { userActor } from '../domains/identity/directory';
import { baseProcedure } from './init';

/** Every procedure: latency and errors per procedure; unexpected errors logged with their cause. */
export const publicProcedure = baseProcedure.use(async ({ ctx, path, type, next }) => {
  const { metrics, logger } = ctx.services;
  const stopTimer = metrics.procedureDuration.startTimer({ procedure: path, type });
  const result = await next();
  stopTimer({ outcome: result.ok ? 'ok' : 'error' });
  if (!result.ok) {
    metrics.procedureErrors.inc({ procedure: path, code: result.error.code });
    if (result.error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: result.error.cause ?? result.error, procedure: path }, 'procedure failed');
  }
  return result;
});

const unauthorized: Record<string, string> = {
  NO_TOKEN: 'Entre para continuar',
  TOKEN_EXPIRED: 'Sessão expirada; renove o token de acesso',
  TOKEN_INVALID: 'Token de acesso inválido',
  USER_INACTIVE: 'Usuário desativado ou inexistente',
};

/**
 * A signed-in user, checked against their current state (active, role) on every call. The
 * context gains the user, the audit actor and `withTenant` bound to the user's tenant.
 */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const { auth } = ctx;
  if (auth.kind !== 'user') {
    const reason = auth.kind === 'rejected' ? auth.reason : 'NO_TOKEN';
    throw new DomainError('UNAUTHORIZED', reason, unauthorized[reason]!);
  }
  const user = await ctx.services.directory.userAccess(auth.claims.tenantId, auth.claims.userId);
  if (!user?.active) throw new DomainError('UNAUTHORIZED', 'USER_INACTIVE', unauthorized.USER_INACTIVE!);
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

/** Tenant work; with a module, refused unless the tenant has that module switched on. */
export function tenantProcedure(module?: ModuleName) {
  if (!module) return authedProcedure;
  return authedProcedure.use(({ ctx, next }) => {
    if (!ctx.tenant.modules.includes(module)) {
      throw new DomainError('FORBIDDEN', 'MODULE_DISABLED', `O módulo ${MODULE_LABELS[module]} não está ativo para esta empresa`, { module });
    }
    return next();
  });
}

/** Tenant work that needs one declared permission (and optionally a module). */
export function permittedProcedure(permission: string, module?: ModuleName) {
  return tenantProcedure(module).use(({ ctx, next }) => {
    if (!ctx.user.permissions.has(permission)) {
      throw new DomainError('FORBIDDEN', 'PERMISSION_DENIED', `Seu papel não permite esta ação (${permission})`, { permission });
    }
    return next();
  });
}
