import { DomainError } from '../platform/errors';
import type { UserDirectory } from '../platform/auth/principals';
import type { AuthState } from './auth-state';

/** The close code of a socket whose session ended or whose access token expired: refresh, then reconnect. */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/** The part of a WebSocket a live session needs (the `ws` socket has it). */
export interface LiveSocket {
  readonly readyState: number;
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

export type LiveSessionFailure = 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'SESSION_REVOKED' | 'DEVICE_TOKEN_INVALID';

const messages: Record<LiveSessionFailure, string> = {
  TOKEN_EXPIRED: 'Sessão expirada; renove o token de acesso',
  TOKEN_INVALID: 'Token de acesso inválido',
  SESSION_REVOKED: 'Sessão encerrada; entre novamente',
  DEVICE_TOKEN_INVALID: 'Token de dispositivo inválido ou revogado',
};

const OPEN = 1;
/** setTimeout's longest delay; a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One WebSocket's session. The access token is checked when the socket opens, but the socket
 * lives on: every call over it checks again that the token has not expired and its session was
 * not ended (logout, password change, deactivation, on any instance), and the socket closes
 * with 4401 the moment either happens, so the client refreshes and reconnects with a new token.
 */
export class LiveConnection {
  #expiry: NodeJS.Timeout | undefined;
  #stopRevocation: (() => void) | undefined;
  #closed = false;

  constructor(
    private readonly socket: LiveSocket,
    private readonly auth: AuthState,
    private readonly directory: UserDirectory,
  ) {
    socket.once('close', () => this.#dispose());
    if (auth.kind !== 'user') return;
    this.#armExpiry(auth.claims.expiresAt.getTime());
    this.#stopRevocation = directory.onSessionRevoked(auth.claims.sessionId, () => this.close('SESSION_REVOKED'));
  }

  /** Why calls over this socket are refused now; undefined while its session holds (or it never had one). */
  failure(): LiveSessionFailure | undefined {
    const { auth } = this;
    if (auth.kind === 'rejected') return auth.reason;
    if (auth.kind !== 'user') return undefined;
    if (auth.claims.expiresAt.getTime() <= Date.now()) return 'TOKEN_EXPIRED';
    if (this.directory.isSessionRevoked(auth.claims.sessionId)) return 'SESSION_REVOKED';
    return undefined;
  }

  /** Refuses the call when the session no longer holds; the socket closes right after the answer is sent. */
  assertAlive(): void {
    const failure = this.failure();
    if (!failure) return;
    // The error answer is queued on the socket first; the close frame follows it.
    setImmediate(() => this.close(failure));
    throw new DomainError('UNAUTHORIZED', failure, messages[failure]);
  }

  close(reason: LiveSessionFailure): void {
    if (this.#closed) return;
    this.#dispose();
    if (this.socket.readyState === OPEN) this.socket.close(SESSION_ENDED_CLOSE_CODE, reason);
  }

  #armExpiry(expiresAt: number): void {
    const remaining = expiresAt - Date.now();
    this.#expiry = setTimeout(
      () => (remaining > MAX_TIMER_MS ? this.#armExpiry(expiresAt) : this.close('TOKEN_EXPIRED')),
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
    this.#expiry.unref();
  }

  #dispose(): void {
    this.#closed = true;
    clearTimeout(this.#expiry);
    this.#stopRevocation?.();
  }
}
