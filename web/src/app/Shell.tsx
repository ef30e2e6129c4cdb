import { useEffect, useMemo, useState, type ComponentType } from 'react';
import { ActivityPage } from '../features/activity/ActivityPage';
import { ConnectionIndicator } from '../features/activity/EventStream';
import { ApiTokensPage } from '../features/api-tokens/ApiTokensPage';
import { AuditPage } from '../features/audit/AuditPage';
import { DevicesPage } from '../features/devices/DevicesPage';
import { JobsPage } from '../features/jobs/JobsPage';
import { buildNavigation, type NavEntry, type PlatformSectionKey } from '../features/navigation';
import { UsersPage } from '../features/users/UsersPage';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/Layout';
import { useToast } from '../ui/Toast';
import { useMe, useSession } from './providers';
import { Link, navigate, usePath } from './router';

const PLATFORM_PAGES: Record<PlatformSectionKey, ComponentType> = {
  users: UsersPage,
  apiTokens: ApiTokensPage,
  devices: DevicesPage,
  audit: AuditPage,
  jobs: JobsPage,
  activity: ActivityPage,
};

/** The signed-in frame: header, navigation the user may see, and the current page. */
export function Shell() {
  const me = useMe();
  const path = usePath();
  const navigation = useMemo(() => buildNavigation({ permissions: me.user.permissions, modules: me.tenant.modules }), [me]);
  const pages = useMemo(
    () => [
      ...navigation.platform.map((entry) => ({ entry, component: PLATFORM_PAGES[entry.key] })),
      ...navigation.modules.flatMap((group) => group.entries.map((entry) => ({ entry, component: entry.component }))),
    ],
    [navigation],
  );
  const current = pages.find(({ entry }) => path === entry.path || path.startsWith(`${entry.path}/`));
  const home = pages[0]?.entry.path;

  useEffect(() => {
    if (path === '/' && home) navigate(home, { replace: true });
  }, [path, home]);

  const Page = current?.component;
  return (
    <div className="min-h-screen lg:grid lg:grid-cols-[15rem_1fr]">
      <aside className="border-b border-zinc-200 bg-white lg:sticky lg:top-0 lg:h-screen lg:border-r lg:border-b-0">
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
          <NavGroup title="Plataforma" entries={navigation.platform} path={path} />
          {navigation.modules.map((group) => (
            <NavGroup key={group.module} title={group.label} entries={group.entries} path={path} />
          ))}
        </nav>
      </aside>
      <div className="min-w-0">
        <Header />
        <main className="mx-auto max-w-6xl space-y-6 px-4 py-6 sm:px-6 lg:px-8">
          {Page ? (
            <Page />
          ) : (
            path !== '/' && <EmptyState title="Página não encontrada" hint="Ela não existe ou seu papel não permite vê-la." />
          )}
          {pages.length === 0 && <EmptyState title="Nada por aqui" hint="Seu papel ainda não dá acesso a nenhuma seção." />}
        </main>
      </div>
    </div>
  );
}

function NavGroup({ title, entries, path }: { title: string; entries: readonly NavEntry[]; path: string }) {
  if (entries.length === 0) return null;
  return (
    <div className="flex gap-1 lg:mt-3 lg:flex-col">
      <p className="hidden px-2 pb-1 text-[11px] font-medium tracking-wider text-zinc-400 uppercase lg:block">{title}</p>
      {entries.map((entry) => {
        const active = path === entry.path || path.startsWith(`${entry.path}/`);
        return (
          <Link
            key={entry.key}
            href={entry.path}
            aria-current={active ? 'page' : undefined}
            className={`rounded-md px-2.5 py-1.5 text-sm whitespace-nowrap transition-colors ${active ? 'bg-zinc-100 font-medium text-zinc-900' : 'text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900'}`}
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
