import type { ModulePage } from '../modules';
import { AuthRequestsPage } from './auth-requests/AuthRequestsPage';
import { CalendarPage } from './calendar/CalendarPage';
import { CampaignsPage } from './campaigns/CampaignsPage';
import { ChatPage } from './chat/ChatPage';
import { ClientsPage } from './clients/ClientsPage';
import { AGENDA_PATHS } from './paths';
import { ProfessionalsPage } from './professionals/ProfessionalsPage';
import { ServicesPage } from './services/ServicesPage';
import { AgendaSettingsPage } from './settings/AgendaSettingsPage';

/**
 * The agenda's pages, in the sidebar's order. Everyone who sees the agenda sees the catalogue
 * (its forms only for agenda.catalogue.write) and the authorizations (deciding them takes
 * agenda.authRequests.decide); the settings show the inbound secret, so they are for whoever may change them.
 */
export const AGENDA_PAGES: readonly ModulePage[] = [
  {
    key: 'agendaCalendar',
    module: 'agenda',
    path: AGENDA_PATHS.calendar,
    label: 'Agenda',
    permission: 'agenda.appointments.read',
    component: CalendarPage,
  },
  {
    key: 'agendaAuthRequests',
    module: 'agenda',
    path: AGENDA_PATHS.authRequests,
    label: 'Autorizações pendentes',
    permission: 'agenda.appointments.read',
    component: AuthRequestsPage,
  },
  {
    key: 'agendaClients',
    module: 'agenda',
    path: AGENDA_PATHS.clients,
    label: 'Clientes',
    permission: 'agenda.appointments.read',
    component: ClientsPage,
  },
  {
    key: 'agendaServices',
    module: 'agenda',
    path: AGENDA_PATHS.services,
    label: 'Serviços',
    permission: 'agenda.appointments.read',
    component: ServicesPage,
  },
  {
    key: 'agendaProfessionals',
    module: 'agenda',
    path: AGENDA_PATHS.professionals,
    label: 'Profissionais',
    permission: 'agenda.appointments.read',
    component: ProfessionalsPage,
  },
  {
    key: 'agendaCampaigns',
    module: 'agenda',
    path: AGENDA_PATHS.campaigns,
    label: 'Campanhas',
    permission: 'agenda.appointments.read',
    component: CampaignsPage,
  },
  { key: 'agendaChat', module: 'agenda', path: AGENDA_PATHS.chat, label: 'Conversas', permission: 'agenda.chat.read', component: ChatPage },
  // "Configurações", not "Configurações da agenda": no sidebar label may contain another ("Agenda").
  {
    key: 'agendaSettings',
    module: 'agenda',
    path: AGENDA_PATHS.settings,
    label: 'Configurações',
    permission: 'agenda.settings.write',
    component: AgendaSettingsPage,
  },
];
