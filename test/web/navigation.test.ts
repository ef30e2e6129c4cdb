import { describe, expect, it } from 'vitest';
import type { ModulePage } from '../../web/src/features/modules';
import { MODULE_PAGES } from '../../web/src/features/modules';
import { buildNavigation, PLATFORM_SECTIONS, visibleNavEntries } from '../../web/src/features/navigation';

const Page = () => null;

const modulePages: ModulePage[] = [
  { key: 'tickets', module: 'helpdesk', path: '/atendimento', label: 'Tickets', permission: 'helpdesk.tickets.read', component: Page },
  { key: 'queues', module: 'helpdesk', path: '/atendimento/filas', label: 'Filas', permission: 'helpdesk.queues.read', component: Page },
  {
    key: 'appointments',
    module: 'agenda',
    path: '/agenda',
    label: 'Agendamentos',
    permission: 'agenda.appointments.read',
    component: Page,
  },
];

const keys = (entries: readonly { key: string }[]) => entries.map((entry) => entry.key);

describe('dashboard navigation', () => {
  it('shows the platform sections the permissions allow, in order', () => {
    const everything = PLATFORM_SECTIONS.map((section) => section.permission);
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
    expect(keys(visibleNavEntries(modulePages, access))).toEqual(['tickets']);
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
    expect(new Set(MODULE_PAGES.map((page) => page.module))).toEqual(new Set(['helpdesk', 'agenda']));
    const everything = { permissions: MODULE_PAGES.map((page) => page.permission), modules: ['helpdesk', 'agenda'] };
    expect(buildNavigation(everything).modules.map((group) => [group.label, group.entries.map((entry) => entry.label)])).toEqual([
      ['Atendimento', ['Atendimento', 'Contatos', 'Respostas rápidas', 'Filas', 'Canais', 'API externa']],
      ['Agenda', ['Agenda', 'Autorizações pendentes', 'Clientes', 'Serviços', 'Profissionais', 'Campanhas', 'Conversas', 'Configurações']],
    ]);
    expect(buildNavigation({ ...everything, modules: ['queue'] }).modules).toEqual([]);
    expect(
      buildNavigation({ permissions: ['helpdesk.tickets.read'], modules: ['helpdesk'] }).modules[0]?.entries.map((entry) => entry.label),
    ).toEqual(['Atendimento', 'Respostas rápidas']);
    // Who sees the agenda sees its catalogue, authorizations and campaigns; the conversations take agenda.chat.read, the settings (with the inbound secret) agenda.settings.write.
    expect(
      buildNavigation({ permissions: ['agenda.appointments.read'], modules: ['agenda'] }).modules[0]?.entries.map((entry) => entry.label),
    ).toEqual(['Agenda', 'Autorizações pendentes', 'Clientes', 'Serviços', 'Profissionais', 'Campanhas']);
  });

  it('gives no sidebar label that contains another, so each link is found by its name', () => {
    const labels = [...PLATFORM_SECTIONS, ...MODULE_PAGES].map((entry) => entry.label.toLowerCase());
    const clashes = labels.filter((label, index) => labels.some((other, otherIndex) => otherIndex !== index && other.includes(label)));
    expect(clashes).toEqual([]);
  });
});
