import { MODULE_LABELS, MODULE_PAGES, type ModuleName, type ModulePage } from './modules';

export type PlatformSectionKey = 'users' | 'apiTokens' | 'devices' | 'audit' | 'jobs' | 'activity';

export interface NavEntry {
  key: string;
  path: `/${string}`;
  label: string;
  /** The permission whose holders see the entry. */
  permission: string;
  /** Set on module pages: the entry shows only while the tenant has the module on. */
  module?: ModuleName;
}

export const PLATFORM_SECTIONS: readonly (NavEntry & { key: PlatformSectionKey })[] = [
  { key: 'users', path: '/usuarios', label: 'Usuários e papéis', permission: 'identity.users.read' },
  { key: 'apiTokens', path: '/tokens', label: 'Tokens de API', permission: 'identity.apiTokens.read' },
  { key: 'devices', path: '/dispositivos', label: 'Dispositivos', permission: 'identity.devices.read' },
  { key: 'audit', path: '/auditoria', label: 'Auditoria', permission: 'audit.read' },
  { key: 'jobs', path: '/tarefas', label: 'Execuções de tarefas', permission: 'jobs.read' },
  { key: 'activity', path: '/atividade', label: 'Atividade', permission: 'events.read' },
];

export interface NavAccess {
  permissions: readonly string[];
  modules: readonly string[];
}

/** The entries this user may see: permitted, and for module pages, with the module enabled. */
export function visibleNavEntries<Entry extends NavEntry>(entries: readonly Entry[], access: NavAccess): Entry[] {
  const permissions = new Set(access.permissions);
  const modules = new Set(access.modules);
  return entries.filter((entry) => permissions.has(entry.permission) && (entry.module === undefined || modules.has(entry.module)));
}

export interface ModuleNavGroup {
  module: ModuleName;
  label: string;
  entries: ModulePage[];
}

export interface Navigation {
  platform: (NavEntry & { key: PlatformSectionKey })[];
  modules: ModuleNavGroup[];
}

/** The whole sidebar: platform sections, then one group per enabled module that has visible pages. */
export function buildNavigation(access: NavAccess, modulePages: readonly ModulePage[] = MODULE_PAGES): Navigation {
  const visiblePages = visibleNavEntries(modulePages, access);
  const modules = (Object.keys(MODULE_LABELS) as ModuleName[])
    .map((module) => ({ module, label: MODULE_LABELS[module], entries: visiblePages.filter((page) => page.module === module) }))
    .filter((group) => group.entries.length > 0);
  return { platform: visibleNavEntries(PLATFORM_SECTIONS, access), modules };
}
