import { createTRPCClient, httpLink, isTRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../src/trpc/app-router';

type IssuedSession = inferRouterOutputs<AppRouter>['auth']['login'];
export type LoginInput = inferRouterInputs<AppRouter>['auth']['login'];
export type AcceptInviteInput = inferRouterInputs<AppRouter>['auth']['acceptInvite'];

export type SessionState =
  { status: 'restoring' } | { status: 'signedOut'; notice: string | null } | { status: 'signedIn'; accessToken: string; expiresAt: number };

/** The calls a session makes; in the browser they go over plain HTTP with the refresh cookie. */
export interface SessionTransport {
  login(input: LoginInput): Promise<IssuedSession>;
  /** Sets an invited person's password and signs them in, like login. */
  acceptInvite(input: AcceptInviteInput): Promise<IssuedSession>;
  refresh(): Promise<IssuedSession>;
  logout(): Promise<unknown>;
}

/** The header that makes the server keep the refresh token in the httpOnly `balcao_rt` cookie. */
export const WEB_CLIENT_HEADERS = { 'x-balcao-client': 'web' } as const;

export function createSessionTransport(): SessionTransport {
  const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/trpc', headers: WEB_CLIENT_HEADERS })] });
  return {
    login: (input) => client.auth.login.mutate(input),
    acceptInvite: (input) => client.auth.acceptInvite.mutate(input),
    // `{}`, not nothing: httpLink would send an empty JSON body, which the server answers with 400.
    refresh: () => client.auth.refresh.mutate({}),
    logout: () => client.auth.logout.mutate({}),
  };
}

const MIN_REFRESH_DELAY_MS = 5_000;
const NETWORK_RETRY_MS = 5_000;

/** Refresh 20 % of the lifetime (at most a minute) before expiry, measured on our own clock. */
export function refreshDelayMs(lifetimeMs: number): number {
  const lead = Math.min(60_000, lifetimeMs * 0.2);
  return Math.max(MIN_REFRESH_DELAY_MS, lifetimeMs - lead);
}

/** The token's lifetime from its own iat/exp claims, so a skewed browser clock does not matter. */
function lifetimeOf(accessToken: string, expiresAtIso: string): number {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { iat?: unknown; exp?: unknown };
    if (typeof claims.iat === 'number' && typeof claims.exp === 'number') return (claims.exp - claims.iat) * 1000;
  } catch {
    // fall through to the server's absolute expiry
  }
  return Date.parse(expiresAtIso) - Date.now();
}

function isUnauthorized(error: unknown): boolean {
  return isTRPCClientError(error) && error.data?.code === 'UNAUTHORIZED';
}

/**
 * The signed-in state. The access token lives only here, in memory; the refresh token only in
 * the httpOnly cookie. Refreshes are single-flight (and serialised across tabs with a Web Lock,
 * since presenting an already-rotated refresh token makes the server revoke the whole session).
 */
export class Session {
  #state: SessionState = { status: 'restoring' };
  #listeners = new Set<() => void>();
  #refreshing: Promise<boolean> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly transport: SessionTransport) {}

  get state(): SessionState {
    return this.#state;
  }

  get accessToken(): string | undefined {
    return this.#state.status === 'signedIn' ? this.#state.accessToken : undefined;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  getSnapshot = (): SessionState => this.#state;

  /** On page load: trade the cookie for an access token, silently. */
  async restore(): Promise<void> {
    const ok = await this.refresh();
    if (!ok && this.#state.status === 'restoring') this.#set({ status: 'signedOut', notice: null });
  }

  async login(input: LoginInput): Promise<void> {
    this.#accept(await this.transport.login(input));
  }

  async acceptInvite(input: AcceptInviteInput): Promise<void> {
    this.#accept(await this.transport.acceptInvite(input));
  }

  /** One refresh at a time; resolves false (and signs out) when the session cannot be renewed. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#runRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async logout(): Promise<void> {
    clearTimeout(this.#timer);
    try {
      await this.transport.logout();
    } finally {
      this.end(null);
    }
  }

  end(notice: string | null): void {
    clearTimeout(this.#timer);
    this.#set({ status: 'signedOut', notice });
  }

  async #runRefresh(): Promise<boolean> {
    const wasSignedIn = this.#state.status === 'signedIn';
    try {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      const issued = locks ? await locks.request('balcao-session-refresh', () => this.transport.refresh()) : await this.transport.refresh();
      this.#accept(issued);
      return true;
    } catch (error) {
      const stillValid = this.#state.status === 'signedIn' && this.#state.expiresAt - Date.now() > NETWORK_RETRY_MS;
      if (!isUnauthorized(error) && stillValid) {
        this.#schedule(NETWORK_RETRY_MS); // the server is unreachable, not refusing: try again while the token lasts
        return false;
      }
      this.end(wasSignedIn ? 'Sua sessão expirou; entre novamente.' : null);
      return false;
    }
  }

  #accept(issued: IssuedSession): void {
    const lifetime = lifetimeOf(issued.accessToken, issued.accessTokenExpiresAt);
    this.#set({ status: 'signedIn', accessToken: issued.accessToken, expiresAt: Date.now() + lifetime });
    this.#schedule(refreshDelayMs(lifetime));
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), delayMs);
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
