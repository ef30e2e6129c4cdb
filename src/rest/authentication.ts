import type { Request } from 'express';
import type { AuditContext } from '../platform/audit/audit-log';
import { bearerToken } from '../platform/auth/access-tokens';
import { MACHINE_TOKEN_PREFIX, userActor, type UserAccess } from '../platform/auth/principals';
import { isDeviceToken } from '../platform/devices/credentials';
import { deviceActor, type DevicePrincipal } from '../platform/devices/principal';
import { currentRequestContext } from '../platform/observability/request-context';
import type { Services } from '../platform/services';
import { authenticateAccessToken } from '../trpc/context';
import { RestError } from './errors';

/** Who is calling a REST endpoint: a dashboard user (access JWT) or a machine (API token). */
export type RestPrincipal =
  | {
      kind: 'user';
      tenantId: string;
      modules: readonly string[];
      user: UserAccess;
      audit: AuditContext;
      allows(permission: string): boolean;
    }
  | {
      kind: 'api_token';
      tenantId: string;
      modules: readonly string[];
      tokenId: string;
      name: string;
      scopes: ReadonlySet<string>;
      audit: AuditContext;
      allows(permission: string): boolean;
    };

/** A token in one of the headers device kinds name for theirs (`X-Agent-Token`), if any. */
function tokenInDeviceHeader(services: Services, req: Request): string | undefined {
  const values = services.devices.kinds.tokenHeaders().map((name) => req.headers[name]);
  return values.find((value): value is string => typeof value === 'string');
}

export async function authenticateRestRequest(services: Services, req: Request): Promise<RestPrincipal> {
  // A device token in its kind's header is the same credential as in Bearer: refused below as a device, never ignored.
  const fromDeviceHeader = tokenInDeviceHeader(services, req);
  const presented =
    bearerToken(req.headers.authorization) ?? (fromDeviceHeader && isDeviceToken(fromDeviceHeader) ? fromDeviceHeader : undefined);
  // The request observer already resolved both, with the same trust-proxy rule as tRPC.
  const context = currentRequestContext();
  const requestId = context?.requestId ?? null;
  const ip = context?.ip ?? null;
  if (!presented) throw new RestError(401, 'ERR_UNAUTHORIZED', 'Envie Authorization: Bearer <token>');
  if (isDeviceToken(presented)) {
    const device = await services.devices.authenticator.authenticate(presented, { ip, userAgent: req.headers['user-agent'] ?? null });
    if (!device) throw new RestError(401, 'ERR_DEVICE_TOKEN_INVALID', 'Token de dispositivo inválido ou revogado');
    throw new RestError(403, 'ERR_DEVICE_NOT_ALLOWED', 'Dispositivos não podem chamar este endpoint');
  }
  if (presented.startsWith(`${MACHINE_TOKEN_PREFIX}_`)) {
    const machine = await services.machineCredentials.authenticate(presented);
    if (!machine || machine.kind !== 'api')
      throw new RestError(401, 'ERR_API_TOKEN_INVALID', 'Token de API inválido, revogado ou expirado');
    return {
      kind: 'api_token',
      tenantId: machine.tenantId,
      modules: machine.tenantModules,
      tokenId: machine.tokenId,
      name: machine.name,
      scopes: machine.scopes,
      audit: { actor: { type: 'api_token', id: machine.tokenId, label: machine.name }, requestId, ip },
      allows: (permission) => machine.scopes.has(permission),
    };
  }
  const auth = await authenticateAccessToken(services, presented);
  if (auth.kind !== 'user')
    throw new RestError(401, auth.kind === 'rejected' ? `ERR_${auth.reason}` : 'ERR_UNAUTHORIZED', 'Token de acesso inválido ou expirado');
  const user = await services.directory.userAccess(auth.claims.tenantId, auth.claims.userId);
  if (!user?.active) throw new RestError(401, 'ERR_USER_INACTIVE', 'Usuário desativado ou inexistente');
  return {
    kind: 'user',
    tenantId: user.tenant.id,
    modules: user.tenant.modules,
    user,
    audit: { actor: userActor(user), requestId, ip },
    allows: (permission) => user.permissions.has(permission),
  };
}

export function requirePermission(principal: RestPrincipal, permission: string): void {
  if (!principal.allows(permission)) {
    throw new RestError(403, 'ERR_FORBIDDEN', `Sem permissão para esta ação (${permission})`, { permission });
  }
}

/** A device calling its own REST endpoints, with its token as Bearer or in a header its kind names (`X-Agent-Token`). */
export interface RestDevice {
  device: DevicePrincipal;
  audit: AuditContext;
}

/** The credential a device's call presents: its Bearer token, else a token in a header its kind names. */
export function presentedDeviceCredential(services: Services, req: Request): string | undefined {
  return bearerToken(req.headers.authorization) ?? tokenInDeviceHeader(services, req);
}

export async function authenticateDeviceRequest(services: Services, req: Request, scope?: string): Promise<RestDevice> {
  const context = currentRequestContext();
  const requestId = context?.requestId ?? null;
  const ip = context?.ip ?? null;
  const presented = presentedDeviceCredential(services, req);
  if (!presented) throw new RestError(401, 'ERR_UNAUTHORIZED', 'Envie Authorization: Bearer <token do dispositivo>');
  if (!isDeviceToken(presented)) {
    const auth = await authenticateAccessToken(services, presented);
    if (auth.kind === 'user' || (await services.machineCredentials.authenticate(presented)))
      throw new RestError(403, 'ERR_DEVICE_ONLY', 'Somente dispositivos podem chamar este endpoint');
    throw new RestError(401, 'ERR_DEVICE_TOKEN_INVALID', 'Token de dispositivo inválido ou revogado');
  }
  const device = await services.devices.authenticator.authenticate(presented, { ip, userAgent: req.headers['user-agent'] ?? null });
  if (!device) throw new RestError(401, 'ERR_DEVICE_TOKEN_INVALID', 'Token de dispositivo inválido ou revogado');
  if (scope && !device.scopes.has(scope))
    throw new RestError(403, 'ERR_FORBIDDEN', `Este dispositivo não tem o escopo ${scope}`, { scope });
  return { device, audit: { actor: deviceActor(device), requestId, ip } };
}
