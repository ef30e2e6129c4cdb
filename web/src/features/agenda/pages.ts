import { lazyPage, type FeaturePages } from '../../lib/featurePages';
import { AGENDA_PATHS } from './paths';

/**
 * The agenda's pages, in the sidebar's order. Everyone who sees the agenda sees the catalogue
 * (its forms only for agenda.catalogue.write) and the authorizations (deciding them takes
 * agenda.authRequests.decide); the settings show the inbound secret, so they are for whoever may change them.
 */
export default {
  order: 200,
  module: 'agenda',
  pages: [
    {
      key: 'agendaCalendar',
      path: AGENDA_PATHS.calendar,
      label: 'Agenda',
      permission: 'agenda.appointments.read',
      component: lazyPage(() => import('./calendar/CalendarPage'), 'CalendarPage'),
    },
    {
      key: 'agendaAuthRequests',
      path: AGENDA_PATHS.authRequests,
      label: 'Autorizações pendentes',
      permission: 'agenda.appointments.read',
      component: lazyPage(() => import('./auth-requests/AuthRequestsPage'), 'AuthRequestsPage'),
      formerPaths: ['/autorizacoes'],
    },
    {
      key: 'agendaClients',
      path: AGENDA_PATHS.clients,
      label: 'Clientes',
      permission: 'agenda.appointments.read',
      component: lazyPage(() => import('./clients/ClientsPage'), 'ClientsPage'),
      formerPaths: ['/clientes'],
    },
    {
      key: 'agendaServices',
      path: AGENDA_PATHS.services,
      label: 'Serviços',
      permission: 'agenda.appointments.read',
      component: lazyPage(() => import('./services/ServicesPage'), 'ServicesPage'),
      formerPaths: ['/servicos'],
    },
    {
      key: 'agendaProfessionals',
      path: AGENDA_PATHS.professionals,
      label: 'Profissionais',
      permission: 'agenda.appointments.read',
      component: lazyPage(() => import('./professionals/ProfessionalsPage'), 'ProfessionalsPage'),
      formerPaths: ['/profissionais'],
    },
    {
      key: 'agendaCampaigns',
      path: AGENDA_PATHS.campaigns,
      label: 'Campanhas',
      permission: 'agenda.appointments.read',
      component: lazyPage(() => import('./campaigns/CampaignsPage'), 'CampaignsPage'),
      formerPaths: ['/campanhas'],
    },
    {
      key: 'agendaChat',
      path: AGENDA_PATHS.chat,
      label: 'Conversas',
      permission: 'agenda.chat.read',
      component: lazyPage(() => import('./chat/ChatPage'), 'ChatPage'),
      formerPaths: ['/conversas'],
    },
    // "Configurações", not "Configurações da agenda": no sidebar label may contain another ("Agenda").
    {
      key: 'agendaSettings',
      path: AGENDA_PATHS.settings,
      label: 'Configurações',
      permission: 'agenda.settings.write',
      component: lazyPage(() => import('./settings/AgendaSettingsPage'), 'AgendaSettingsPage'),
      formerPaths: ['/configuracoes-agenda'],
    },
  ],
} satisfies FeaturePages;
