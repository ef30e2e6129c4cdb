import { Suspense, useMemo, useState } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { ConnectionIndicator } from '../lib/eventStream';
import { activePage, buildNavigation } from '../features/navigation';
import type { DashboardPage } from '../features/pages';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/Layout';
import { useToast } from '../ui/Toast';
import { FullPageSpinner } from './App';
import { useMe, useSession } from './providers';

function useNavigation() {
  const me = useMe();
  return useMemo(() => buildNavigation({ permissions: me.user.permissions, modules: me.tenant.modules }), [me]);
}

/** The signed-in frame: header, navigation the user may see, and the current page. */
export function Shell() {
  const me = useMe();
  const { pathname } = useLocation();
  const navigation = useNavigation();
  const active = activePage([...navigation.platform, ...navigation.modules.flatMap((group) => group.entries)], pathname);
  return (
    <div className="min-h-screen lg:grid lg:grid-cols-[15rem_1fr]">
      {/* The column takes the page's whole height, so its background and border do too; its content stays in view. */}
      <aside data-testid="sidebar" className="border-b border-zinc-200 bg-white lg:border-r lg:border-b-0">
        <div className="lg:sticky lg:top-0 lg:max-h-screen lg:overflow-y-auto lg:pb-4">
          <div className="flex h-14 items-center gap-2.5 px-4">
            <div className="grid size-7 place-items-center rounded-lg bg-zinc-900 text-sm font-bold text-white">B</div>
            <div className="min-w-0">
              <p className="truncate text-sm font-semibold" data-testid="tenant-name">
                {me.tenant.name}
              </p>
              <p className="truncate text-xs text-zinc-500">{me.tenant.slug}</p>
            </div>
          </div>
          <nav aria-label="Seções" className="flex gap-1 overflow-x-auto px-3 pb-3 lg:flex-col lg:overflow-visible lg:pb-0">
            <NavGroup title="Plataforma" entries={navigation.platform} active={active} />
            {navigation.modules.map((group) => (
              <NavGroup key={group.module} title={group.label} entries={group.entries} active={active} />
            ))}
          </nav>
        </div>
      </aside>
      <div className="min-w-0">
        <Header />
        <main className="mx-auto max-w-6xl space-y-6 px-4 py-6 sm:px-6 lg:px-8">
          <Suspense fallback={<FullPageSpinner label="Carregando…" inline />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

/** "/": the first page this user may open. */
export function Home() {
  const navigation = useNavigation();
  const home = navigation.platform[0] ?? navigation.modules[0]?.entries[0];
  if (home) return <Navigate replace to={home.path} />;
  return <EmptyState title="Nada por aqui" hint="Seu papel ainda não dá acesso a nenhuma seção." />;
}

function NavGroup({ title, entries, active }: { title: string; entries: readonly DashboardPage[]; active: DashboardPage | undefined }) {
  if (entries.length === 0) return null;
  return (
    <div className="flex gap-1 lg:mt-3 lg:flex-col">
      <p className="hidden px-2 pb-1 text-[11px] font-medium tracking-wider text-zinc-400 uppercase lg:block">{title}</p>
      {entries.map((entry) => {
        const current = entry.key === active?.key;
        return (
          <Link
            key={entry.key}
            to={entry.path}
            aria-current={current ? 'page' : undefined}
            className={`rounded-md px-2.5 py-1.5 text-sm whitespace-nowrap transition-colors ${current ? 'bg-zinc-100 font-medium text-zinc-900' : 'text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900'}`}
          >
            {entry.label}
          </Link>
        );
      })}
    </div>
  );
}

function Header() {
  const me = useMe();
  const session = useSession();
  const toast = useToast();
  const [leaving, setLeaving] = useState(false);
  const logout = async () => {
    setLeaving(true);
    try {
      await session.logout();
    } catch {
      toast.error('Não foi possível encerrar a sessão no servidor; ela foi encerrada neste navegador.');
    }
  };
  return (
    <header className="sticky top-0 z-30 flex h-14 items-center justify-end gap-4 border-b border-zinc-200 bg-white/80 px-4 backdrop-blur sm:px-6 lg:px-8">
      <ConnectionIndicator />
      <div className="text-right leading-tight" data-testid="current-user">
        <p className="text-sm font-medium">{me.user.name}</p>
        <p className="text-xs text-zinc-500">{me.user.roleName}</p>
      </div>
      <Button size="sm" busy={leaving} onClick={() => void logout()}>
        Sair
      </Button>
    </header>
  );
}
