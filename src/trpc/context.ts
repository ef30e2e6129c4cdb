import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccessTokenError, bearerToken } from '../platform/auth/access-tokens';
import { isDeviceToken } from '../platform/devices/credentials';
import { clientIpOf } from '../platform/observability/client-ip';
import { currentRequestContext, requestIdFrom } from '../platform/observability/request-context';
import type { Services } from '../platform/services';
import type { AuthState } from './auth-state';
import { LiveConnection, type LiveSocket } from './live-session';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

/** The dashboard's refresh token lives in an httpOnly cookie that page scripts cannot read. */
export interface SessionCookie {
  read(): string | undefined;
  write(refreshToken: string, expiresAt: Date): void;
  clear(): void;
}

/** What every procedure sees; tests, cron and REST build it directly with createInnerContext. */
export interface InnerContext {
  services: Services;
  auth: AuthState;
  client: ClientInfo;
  /** Present on HTTP calls from the dashboard (header `x-balcao-client: web`). */
  sessionCookie: SessionCookie | undefined;
  /** Present on WebSocket calls: the socket's session, checked again on every call. */
  live?: LiveConnection | undefined;
}

export function createInnerContext(services: Services, options: Partial<Omit<InnerContext, 'services'>> = {}): InnerContext {
  return {
    services,
    auth: options.auth ?? { kind: 'anonymous' },
    client: options.client ?? { ip: null, userAgent: null, requestId: currentRequestContext()?.requestId ?? requestIdFrom(undefined) },
    sessionCookie: options.sessionCookie,
    live: options.live,
  };
}

export async function authenticateAccessToken(services: Services, token: string | undefined): Promise<AuthState> {
  if (!token) return { kind: 'anonymous' };
  try {
    return { kind: 'user', claims: await services.signer.verify(token) };
  } catch (error) {
    return { kind: 'rejected', reason: error instanceof AccessTokenError ? error.reason : 'TOKEN_INVALID' };
  }
}

/** A Bearer token as a user's access token or a device's token (`bdev_…`), told apart by its prefix. */
export async function authenticateBearer(
  services: Services,
  token: string | undefined,
  client: { ip: string | null; userAgent: string | null },
): Promise<AuthState> {
  if (token && isDeviceToken(token)) {
    const device = await services.devices.authenticator.authenticate(token, client);
    return device ? { kind: 'device', device } : { kind: 'rejected', reason: 'DEVICE_TOKEN_INVALID' };
  }
  return authenticateAccessToken(services, token);
}

const REFRESH_COOKIE = 'balcao_rt';
const REFRESH_COOKIE_PATH = '/trpc';

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function createSessionCookie(req: IncomingMessage, res: ServerResponse, secure: boolean): SessionCookie {
  const attributes = `Path=${REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  return {
    read: () => readCookie(req.headers.cookie, REFRESH_COOKIE),
    write: (refreshToken, expiresAt) =>
      res.appendHeader(
        'Set-Cookie',
        `${REFRESH_COOKIE}=${encodeURIComponent(refreshToken)}; ${attributes}; Expires=${expiresAt.toUTCString()}`,
      ),
    clear: () => res.appendHeader('Set-Cookie', `${REFRESH_COOKIE}=; ${attributes}; Max-Age=0`),
  };
}

/** A device token in a header its kind names (`X-Agent-Token`): a device is a device however it presents itself. */
function deviceHeaderToken(services: Services, req: IncomingMessage): string | undefined {
  for (const name of services.devices.kinds.tokenHeaders()) {
    const value = req.headers[name];
    if (typeof value === 'string' && isDeviceToken(value)) return value;
  }
  return undefined;
}

/** Outer context for an HTTP call. */
export async function createHttpContext(services: Services, req: IncomingMessage, res: ServerResponse): Promise<InnerContext> {
  const isWebClient = req.headers['x-balcao-client'] === 'web';
  const secure = services.config.publicUrl.startsWith('https://');
  const observed = currentRequestContext(); // set by the request observer for every HTTP call
  const client = {
    ip: observed ? observed.ip : clientIpOf(req, services.config.trustProxy),
    userAgent: req.headers['user-agent'] ?? null,
    requestId: observed?.requestId ?? requestIdFrom(req.headers['x-request-id']),
  };
  return createInnerContext(services, {
    auth: await authenticateBearer(services, bearerToken(req.headers.authorization) ?? deviceHeaderToken(services, req), client),
    client,
    sessionCookie: isWebClient ? createSessionCookie(req, res, secure) : undefined,
  });
}

/** Outer context for a WebSocket connection: the access (or device) token comes in connectionParams. */
export async function createWebSocketContext(
  services: Services,
  req: IncomingMessage,
  socket: LiveSocket,
  connectionParams: Record<string, string | undefined> | null,
): Promise<InnerContext> {
  const token = connectionParams?.token ?? connectionParams?.accessToken;
  const client = {
    ip: clientIpOf(req, services.config.trustProxy),
    userAgent: req.headers['user-agent'] ?? null,
    requestId: requestIdFrom(req.headers['x-request-id']),
  };
  const auth = await authenticateBearer(services, typeof token === 'string' ? token : undefined, client);
  return createInnerContext(services, {
    auth,
    client,
    live: new LiveConnection(socket, auth, services.directory),
  });
}
