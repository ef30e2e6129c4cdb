import { MODULE_LABELS, type ModuleName } from '../../../src/platform/modules';
import { DASHBOARD_PAGES, type DashboardPage } from './pages';

export interface NavAccess {
  permissions: readonly string[];
  modules: readonly string[];
}

/** Whether this user may open the page: permitted, and for module pages, with the module enabled. */
export function mayOpen(page: Pick<DashboardPage, 'permission' | 'module'>, access: NavAccess): boolean {
  return access.permissions.includes(page.permission) && (page.module === undefined || access.modules.includes(page.module));
}

/** The pages this user may open, in order. */
export function visiblePages<Page extends Pick<DashboardPage, 'permission' | 'module'>>(pages: readonly Page[], access: NavAccess): Page[] {
  return pages.filter((page) => mayOpen(page, access));
}

export interface ModuleNavGroup {
  module: ModuleName;
  label: string;
  entries: DashboardPage[];
}

export interface Navigation {
  platform: DashboardPage[];
  modules: ModuleNavGroup[];
}

/** The whole sidebar: platform pages, then one group per enabled module that has visible pages. */
export function buildNavigation(access: NavAccess, pages: readonly DashboardPage[] = DASHBOARD_PAGES): Navigation {
  const visible = visiblePages(pages, access);
  const modules = (Object.keys(MODULE_LABELS) as ModuleName[])
    .map((module) => ({ module, label: MODULE_LABELS[module], entries: visible.filter((page) => page.module === module) }))
    .filter((group) => group.entries.length > 0);
  return { platform: visible.filter((page) => page.module === undefined), modules };
}

/** The sidebar entry a path belongs to: the page with the longest path that is it or contains it. */
export function activePage<Page extends { path: string }>(pages: readonly Page[], path: string): Page | undefined {
  return pages.filter((page) => path === page.path || path.startsWith(`${page.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
}
