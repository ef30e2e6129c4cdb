import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, type TRPCClient, type TRPCLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import type { AppRouter } from '../../../src/trpc/app-router';
import { errorCode, errorReason } from './errors';
import { WEB_CLIENT_HEADERS, type Session } from './session';

export const trpc = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type AppClient = TRPCClient<AppRouter>;

/**
 * Queries and mutations that fail because the access token expired: refresh (single-flight in
 * the session) and retry once. Any other UNAUTHORIZED on an authenticated call ends the session.
 */
function sessionRecoveryLink(session: Session): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let current: Unsubscribable | undefined;
        let retried = false;
        const attempt = () => {
          current = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              if (op.type === 'subscription' || op.path.startsWith('auth.') || errorCode(error) !== 'UNAUTHORIZED')
                return observer.error(error);
              if (errorReason(error) === 'TOKEN_EXPIRED' && !retried) {
                retried = true;
                void session.refresh().then((renewed) => (renewed ? attempt() : observer.error(error)));
                return;
              }
              if (session.state.status === 'signedIn') session.end(error.message);
              observer.error(error);
            },
          });
        };
        attempt();
        return () => current?.unsubscribe();
      });
}

function webSocketUrl(): string {
  return `${location.origin.replace(/^http/, 'ws')}/trpc`;
}

/** The close code of a socket whose access token expired or whose session ended (the server's 4401). */
const SESSION_ENDED_CLOSE_CODE = 4401;

/**
 * One client for the app: subscriptions over the WebSocket, the rest batched over HTTP. The
 * socket is lazy (open only while a subscription runs) and reconnects whenever the access
 * token changes, so the server always holds the current token; the wsLink resubscribes on the
 * new socket with the last tracked event id, so nothing is missed. When the server closes the
 * socket because its token expired or its session ended (4401), the reconnect first refreshes
 * the token once (or signs out when the session cannot be renewed).
 */
export function createAppClient(session: Session): { client: AppClient; dispose(): void } {
  let lastToken = session.accessToken;
  /** The token the server refused with 4401: a reconnect with it would be refused again. */
  let refusedToken: string | undefined;
  let renewingForSocket = false;
  let tokenOnSocket: string | undefined;
  const wsClient = createWSClient({
    url: webSocketUrl,
    lazy: { enabled: true, closeMs: 0 },
    onClose: (cause) => {
      if (cause?.code === SESSION_ENDED_CLOSE_CODE) refusedToken = tokenOnSocket;
    },
    connectionParams: async () => {
      if (refusedToken !== undefined && refusedToken === session.accessToken) {
        renewingForSocket = true;
        try {
          await session.refresh();
        } finally {
          renewingForSocket = false;
        }
      }
      refusedToken = undefined;
      tokenOnSocket = session.accessToken;
      lastToken = tokenOnSocket;
      return { token: tokenOnSocket ?? '' };
    },
    retryDelayMs: (attempt) => (attempt === 0 ? 0 : Math.min(500 * 2 ** attempt, 10_000)),
  });
  const stopWatching = session.subscribe(() => {
    const token = session.accessToken;
    if (token === lastToken) return;
    lastToken = token;
    // Renewed while the socket is connecting for that very reason: it is about to send this token.
    if (renewingForSocket) return;
    // A renewed token: close the socket (not the client), which keeps the subscriptions and
    // reconnects at once with the new token. Signing out needs nothing: the feed unsubscribes
    // and the lazy client closes the idle socket.
    if (token) wsClient.connection?.ws.close();
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      sessionRecoveryLink(session),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({
          url: '/trpc',
          headers: () => {
            const token = session.accessToken;
            return token ? { ...WEB_CLIENT_HEADERS, authorization: `Bearer ${token}` } : { ...WEB_CLIENT_HEADERS };
          },
        }),
      }),
    ],
  });
  return {
    client,
    dispose: () => {
      stopWatching();
      void wsClient.close();
    },
  };
}
