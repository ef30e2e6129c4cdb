import { useEffect, type ReactNode } from 'react';
import { Outlet } from 'react-router';
import { rememberTenant } from '../features/auth/lastTenant';
import { LoginPage } from '../features/auth/LoginPage';
import { errorMessage } from '../lib/errors';
import { EventStreamProvider } from '../lib/eventStream';
import { trpc } from '../lib/trpc';
import { Button, Spinner } from '../ui/Button';
import { MeContext, useSession, useSessionState } from './providers';

/** A page anyone may open, once the session is known. */
export function PublicPage({ children }: { children: ReactNode }) {
  const state = useSessionState();
  if (state.status === 'restoring') return <FullPageSpinner label="Abrindo sua sessão…" />;
  return children;
}

/** The signed-in pages; without a session, the login form at the same address. */
export function SignedInGate() {
  const state = useSessionState();
  if (state.status === 'restoring') return <FullPageSpinner label="Abrindo sua sessão…" />;
  if (state.status === 'signedOut') return <LoginPage notice={state.notice} />;
  return <SignedInApp />;
}

function SignedInApp() {
  const session = useSession();
  const me = trpc.auth.me.useQuery();
  const tenantSlug = me.data?.tenant.slug;
  // So the login form knows the company next time, also for people who came in by an invitation.
  useEffect(() => {
    if (tenantSlug) rememberTenant(tenantSlug);
  }, [tenantSlug]);
  if (me.isPending) return <FullPageSpinner label="Carregando…" />;
  if (me.isError) {
    return (
      <div className="grid min-h-screen place-items-center p-6">
        <div className="max-w-sm space-y-4 text-center">
          <p className="text-sm text-zinc-700">{errorMessage(me.error)}</p>
          <div className="flex justify-center gap-2">
            <Button onClick={() => void me.refetch()}>Tentar de novo</Button>
            <Button tone="ghost" onClick={() => void session.logout()}>
              Sair
            </Button>
          </div>
        </div>
      </div>
    );
  }
  return (
    <MeContext.Provider value={me.data}>
      <EventStreamProvider enabled={me.data.user.permissions.includes('events.read')} currentUserId={me.data.user.id}>
        <Outlet />
      </EventStreamProvider>
    </MeContext.Provider>
  );
}

export function FullPageSpinner({ label, inline = false }: { label: string; inline?: boolean }) {
  return (
    <div className={`grid place-items-center ${inline ? 'py-16' : 'min-h-screen'}`} role="status">
      <span className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <Spinner /> {label}
      </span>
    </div>
  );
}
