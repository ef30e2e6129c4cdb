import { describe, expect, it } from 'vitest';
import { activePage, buildNavigation, visiblePages } from '../../web/src/features/navigation';
import { DASHBOARD_PAGES, type DashboardPage } from '../../web/src/features/pages';

const Page = () => null;

const modulePages: DashboardPage[] = [
  {
    feature: 'x',
    key: 'tickets',
    module: 'helpdesk',
    path: '/atendimento',
    label: 'Tickets',
    permission: 'helpdesk.tickets.read',
    component: Page,
  },
  {
    feature: 'x',
    key: 'queues',
    module: 'helpdesk',
    path: '/atendimento/filas',
    label: 'Filas',
    permission: 'helpdesk.queues.read',
    component: Page,
  },
  {
    feature: 'y',
    key: 'appointments',
    module: 'agenda',
    path: '/agenda',
    label: 'Agendamentos',
    permission: 'agenda.appointments.read',
    component: Page,
  },
];

const keys = (entries: readonly { key: string }[]) => entries.map((entry) => entry.key);
const PLATFORM_PAGES = DASHBOARD_PAGES.filter((page) => page.module === undefined);

describe('dashboard navigation', () => {
  it('shows the platform sections the permissions allow, in order', () => {
    const everything = PLATFORM_PAGES.map((section) => section.permission);
    expect(keys(buildNavigation({ permissions: everything, modules: [] }).platform)).toEqual([
      'users',
      'apiTokens',
      'devices',
      'audit',
      'jobs',
      'activity',
    ]);
    expect(keys(buildNavigation({ permissions: ['events.read'], modules: [] }).platform)).toEqual(['activity']);
    expect(keys(buildNavigation({ permissions: ['audit.read', 'identity.users.write'], modules: [] }).platform)).toEqual(['audit']);
    expect(buildNavigation({ permissions: [], modules: ['helpdesk'] }).platform).toEqual([]);
  });

  it('shows module pages only for enabled modules, and only those the user may read', () => {
    const access = { permissions: ['helpdesk.tickets.read', 'agenda.appointments.read'], modules: ['helpdesk'] };
    expect(keys(visiblePages(modulePages, access))).toEqual(['tickets']);
    const navigation = buildNavigation(access, modulePages);
    expect(navigation.modules).toEqual([{ module: 'helpdesk', label: 'Atendimento', entries: [modulePages[0]] }]);
  });

  it('groups module pages by module in the catalogue order, leaving out modules with nothing visible', () => {
    const access = {
      permissions: ['helpdesk.tickets.read', 'helpdesk.queues.read', 'agenda.appointments.read'],
      modules: ['agenda', 'helpdesk', 'queue'],
    };
    const navigation = buildNavigation(access, modulePages);
    expect(navigation.modules.map((group) => [group.label, keys(group.entries)])).toEqual([
      ['Atendimento', ['tickets', 'queues']],
      ['Agenda', ['appointments']],
    ]);
  });

  it('registers the helpdesk and agenda pages, each behind its module and permission', () => {
    const modulePagesDeclared = DASHBOARD_PAGES.filter((page) => page.module !== undefined);
    expect([...new Set(modulePagesDeclared.map((page) => page.module))]).toEqual(expect.arrayContaining(['helpdesk', 'agenda']));
    const everything = { permissions: DASHBOARD_PAGES.map((page) => page.permission), modules: ['helpdesk', 'agenda'] };
    expect(buildNavigation(everything).modules.map((group) => [group.label, group.entries.map((entry) => entry.label)])).toEqual([
      ['Atendimento', ['Atendimento', 'Contatos', 'Respostas rápidas', 'Filas', 'Canais', 'API externa']],
      ['Agenda', ['Agenda', 'Autorizações pendentes', 'Clientes', 'Serviços', 'Profissionais', 'Campanhas', 'Conversas', 'Configurações']],
    ]);
    expect(
      buildNavigation({ ...everything, modules: ['queue'] }).modules.map((group) => [
        group.label,
        group.entries.map((entry) => entry.label),
      ]),
    ).toEqual([['Fila', ['Painel do operador', 'Estatísticas', 'Configuração da fila']]]);
    expect(
      buildNavigation({ ...everything, modules: ['usage'] }).modules.map((group) => [
        group.label,
        group.entries.map((entry) => entry.label),
      ]),
    ).toEqual([['Uso de IA', ['Usuários IA', 'Análises', 'Alertas', 'Modelos', 'Configuração da IA', 'Logs']]]);
    expect(
      buildNavigation({ ...everything, modules: ['inventory'] }).modules.map((group) => [
        group.label,
        group.entries.map((entry) => entry.label),
      ]),
    ).toEqual([
      [
        'Inventário',
        [
          'Visão do inventário',
          'Ativos',
          'Categorias',
          'Localizações',
          'Escanear etiqueta',
          'Movimentações',
          'Inventários físicos',
          'Manutenção',
          'Compras',
          'Orçamentos',
          'Fornecedores',
          'Máquinas',
          'Ocorrências',
          'Configuração do inventário',
        ],
      ],
    ]);
    expect(
      buildNavigation({ permissions: ['helpdesk.tickets.read'], modules: ['helpdesk'] }).modules[0]?.entries.map((entry) => entry.label),
    ).toEqual(['Atendimento', 'Respostas rápidas']);
    // Who sees the agenda sees its catalogue, authorizations and campaigns; the conversations take agenda.chat.read, the settings (with the inbound secret) agenda.settings.write.
    expect(
      buildNavigation({ permissions: ['agenda.appointments.read'], modules: ['agenda'] }).modules[0]?.entries.map((entry) => entry.label),
    ).toEqual(['Agenda', 'Autorizações pendentes', 'Clientes', 'Serviços', 'Profissionais', 'Campanhas']);
  });

  it('gives no sidebar label that contains another, so each link is found by its name', () => {
    const labels = DASHBOARD_PAGES.map((entry) => entry.label.toLowerCase());
    const clashes = labels.filter((label, index) => labels.some((other, otherIndex) => otherIndex !== index && other.includes(label)));
    expect(clashes).toEqual([]);
  });

  it('marks the entry with the longest path that holds the address', () => {
    expect(activePage(modulePages, '/atendimento')?.key).toBe('tickets');
    expect(activePage(modulePages, '/atendimento/0b9e7c1e-1111-4222-8333-944445555666')?.key).toBe('tickets');
    expect(activePage(modulePages, '/atendimento/filas')?.key).toBe('queues');
    expect(activePage(modulePages, '/atendimentos')).toBeUndefined();
    expect(activePage(modulePages, '/')).toBeUndefined();
  });
});
