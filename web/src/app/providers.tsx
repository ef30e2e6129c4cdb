import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { errorCode } from '../lib/errors';
import type { Session, SessionState } from '../lib/session';
import { trpc, type AppClient, type RouterOutputs } from '../lib/trpc';
import { ToastProvider } from '../ui/Toast';

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside AppProviders');
  return session;
}

export function useSessionState(): SessionState {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

const NO_RETRY_CODES = new Set(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'TOO_MANY_REQUESTS']);

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => failures < 2 && !NO_RETRY_CODES.has(errorCode(error) ?? ''),
      },
    },
  });
}

interface AppProvidersProps {
  session: Session;
  client: AppClient;
  children: ReactNode;
}

/** Session, tRPC + React Query and toasts. The session and client live as long as the page. */
export function AppProviders({ session, client, children }: AppProvidersProps) {
  const [queryClient] = useState(createQueryClient);
  // Nothing cached for one user may show to the next one. Only a sign-out ends what a user cached: a restore that
  // finds no session had no user, and clearing then would strand the queries a public page already started.
  useEffect(() => {
    let previous = session.state.status;
    return session.subscribe(() => {
      const current = session.state.status;
      if (previous === 'signedIn' && current === 'signedOut') queryClient.clear();
      previous = current;
    });
  }, [session, queryClient]);
  return (
    <SessionContext.Provider value={session}>
      <trpc.Provider client={client} queryClient={queryClient}>
        <QueryClientProvider client={queryClient}>
          <ToastProvider>{children}</ToastProvider>
        </QueryClientProvider>
      </trpc.Provider>
    </SessionContext.Provider>
  );
}

export type Me = RouterOutputs['auth']['me'];

export const MeContext = createContext<Me | null>(null);

/** The signed-in user and tenant; only inside the signed-in shell. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside the signed-in shell');
  return me;
}

export function useCan(permission: string): boolean {
  return useMe().user.permissions.includes(permission);
}
