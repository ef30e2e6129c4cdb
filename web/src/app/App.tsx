import { useEffect } from 'react';
import { InvitePage } from '../features/auth/InvitePage';
import { INVITE_PATH } from '../features/auth/invitationLink';
import { rememberTenant } from '../features/auth/lastTenant';
import { LoginPage } from '../features/auth/LoginPage';
import { EventStreamProvider } from '../lib/eventStream';
import { errorMessage } from '../lib/errors';
import { trpc } from '../lib/trpc';
import { Button, Spinner } from '../ui/Button';
import { MeContext, useSession, useSessionState } from './providers';
import { usePath } from './router';
import { Shell } from './Shell';

export function App() {
  const state = useSessionState();
  const path = usePath();
  if (state.status === 'restoring') return <FullPageSpinner label="Abrindo sua sessão…" />;
  // Public, with or without a session: the page itself deals with an open one.
  if (path === INVITE_PATH) return <InvitePage />;
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
        <Shell />
      </EventStreamProvider>
    </MeContext.Provider>
  );
}

function FullPageSpinner({ label }: { label: string }) {
  return (
    <div className="grid min-h-screen place-items-center" role="status">
      <span className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <Spinner /> {label}
      </span>
    </div>
  );
}
