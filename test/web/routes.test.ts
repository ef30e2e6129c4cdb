import { matchRoutes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { appRoutes } from '../../web/src/app/routes';
import { BARE_PAGES, DASHBOARD_PAGES, REDIRECTS } from '../../web/src/features/pages';

/** The paths the dashboard had before its module pages were nested, and where each lives now. */
const FORMER_PATHS: Record<string, string> = {
  '/contatos': '/atendimento/contatos',
  '/respostas-rapidas': '/atendimento/respostas-rapidas',
  '/filas': '/atendimento/filas',
  '/canais': '/atendimento/canais',
  '/api-externa': '/atendimento/api-externa',
  '/autorizacoes': '/agenda/autorizacoes',
  '/clientes': '/agenda/clientes',
  '/servicos': '/agenda/servicos',
  '/profissionais': '/agenda/profissionais',
  '/campanhas': '/agenda/campanhas',
  '/conversas': '/agenda/conversas',
  '/configuracoes-agenda': '/agenda/configuracoes',
};

/** The path pattern of the deepest route that answers `path`. */
function routeFor(path: string): string | undefined {
  return (
    matchRoutes(appRoutes(), path)?.at(-1)?.route.path ?? (matchRoutes(appRoutes(), path)?.at(-1)?.route.index ? '(index)' : undefined)
  );
}

describe('dashboard routes', () => {
  it('redirects every former path to its page', () => {
    expect(Object.fromEntries(REDIRECTS.map((redirect) => [redirect.from, redirect.to]))).toEqual(FORMER_PATHS);
    for (const from of Object.keys(FORMER_PATHS)) expect(routeFor(from)).toBe(from);
  });

  it('nests the module pages under their module, each answered by its own route', () => {
    const paths = DASHBOARD_PAGES.map((page) => page.path);
    expect(paths.filter((path, index) => paths.indexOf(path) !== index)).toEqual([]);
    for (const page of DASHBOARD_PAGES) {
      // A module's pages live below its first one's first segment (/atendimento, /agenda, /fila).
      const first = DASHBOARD_PAGES.find((other) => other.module !== undefined && other.module === page.module);
      const base = first?.path.split('/').slice(0, 2).join('/');
      if (first && first !== page) expect(page.path.startsWith(`${base}/`)).toBe(true);
      expect(routeFor(page.path)).toBe(page.subpaths ? `${page.path}/*` : page.path);
    }
    expect(DASHBOARD_PAGES.find((page) => page.key === 'helpdeskInbox')?.path).toBe('/atendimento');
    expect(DASHBOARD_PAGES.find((page) => page.key === 'agendaCalendar')?.path).toBe('/agenda');
    expect(routeFor('/atendimento/filas')).toBe('/atendimento/filas');
    expect(routeFor('/atendimento/0b9e7c1e-1111-4222-8333-944445555666')).toBe('/atendimento/*');
  });

  it('answers an unknown path with the not-found page, and / with the home redirect', () => {
    expect(routeFor('/nao-existe')).toBe('*');
    expect(routeFor('/agenda/nao-existe')).toBe('*');
    expect(routeFor('/')).toBe('(index)');
    expect(routeFor('/convite')).toBe('/convite');
  });

  it('answers the full-screen pages outside the login gate and the dashboard layout', () => {
    expect(BARE_PAGES.map((page) => page.path)).toEqual(expect.arrayContaining(['/totem', '/painel', '/senha/:publicCode']));
    for (const path of ['/totem', '/painel', '/senha/AbCdEfGhIjKlMnOpQrStUv']) {
      const matches = matchRoutes(appRoutes(), path) ?? [];
      // One route, at the top: no SignedInGate or Shell above it.
      expect(matches).toHaveLength(1);
      expect(BARE_PAGES.map((page) => page.path)).toContain(matches[0]?.route.path);
    }
  });
});
