import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { mayOpen } from '../features/navigation';
import type { DashboardPage } from '../features/pages';
import { EmptyState } from '../ui/Layout';
import { useMe } from './providers';

/** The page, for whoever may open it; to anyone else it does not exist. */
export function PageGuard({ page, children }: { page: DashboardPage; children: ReactNode }) {
  const me = useMe();
  if (!mayOpen(page, { permissions: me.user.permissions, modules: me.tenant.modules })) return <NotFoundPage />;
  return children;
}

export function NotFoundPage() {
  return (
    <div data-testid="not-found" className="space-y-3">
      <EmptyState title="Página não encontrada" hint="Ela não existe ou seu papel não permite vê-la." />
      <p className="text-center text-sm">
        <Link to="/" className="font-medium text-zinc-900 underline underline-offset-2">
          Ir para o início
        </Link>
      </p>
    </div>
  );
}

/** Sends a former path to where its page is now, with the same query string and fragment. */
export function KeepQueryRedirect({ to }: { to: string }) {
  const location = useLocation();
  return <Navigate replace to={{ pathname: to, search: location.search, hash: location.hash }} />;
}
