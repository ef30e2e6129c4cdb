import type { EventTypeDeclarations } from '../../platform/events/catalog';
import type {
  AppointmentSource,
  AppointmentStatus,
  AuthRequestAgent,
  AuthRequestStatus,
  BookingOffer,
  CampaignRunStats,
  CampaignType,
} from '../../db/schema';
import { agendaPermissions as can } from './permissions';

/** An appointment as the calendar places it without fetching it again. */
export interface AppointmentSummary {
  appointmentId: string;
  clientId: string;
  serviceId: string;
  professionalId: string;
  startsAt: string;
  endsAt: string;
  status: AppointmentStatus;
  source: AppointmentSource;
}

export interface AuthRequestSummary {
  authRequestId: string;
  clientId: string;
  serviceId: string;
  professionalId: string;
  startsAt: string;
  endsAt: string;
  offer: BookingOffer;
  createdByAgent: AuthRequestAgent;
  expiresAt: string;
}

// The seed's event names (Agenda Cheia), kept as its dashboard and n8n flows know them.
declare module '../../platform/events/catalog' {
  interface EventMap {
    auth_request_created: { auth_request: AuthRequestSummary };
    auth_request_resolved: { auth_request_id: string; status: Exclude<AuthRequestStatus, 'pending'>; appointment_id: string | null };
    appointment_created: AppointmentSummary & { auth_request_id: string | null };
    appointment_updated: AppointmentSummary & { change: 'rescheduled' | 'cancelled' | 'completed' | 'no_show' | 'confirmed' };
    ai_response: { conversation_id: string; client_id: string; message: string; intent: string; booking_created: boolean };
    campaign_completed: { campaign_type: CampaignType; run_id: string; stats: CampaignRunStats };
    notification_sent: { notification_id: string; client_id: string; kind: string; route: 'n8n' | 'helpdesk' | 'none' };
    /** The agenda's settings changed (every instance's caches of them drop the tenant's). */
    'agenda.settings_changed': { chatFromHelpdesk: boolean; notificationRoute: 'n8n' | 'helpdesk' };
    /** Clients, services or professionals changed: pickers and the calendar refresh. */
    'agenda.catalogue_changed': { entity: 'client' | 'service' | 'professional'; id: string };
  }
}

// The agenda's live events reach who may see the agenda; chat replies, who may read the chat.
const seesAgenda = { readPermission: can['agenda.appointments.read'] };

export const agendaEventTypes = {
  auth_request_created: seesAgenda,
  auth_request_resolved: seesAgenda,
  appointment_created: seesAgenda,
  appointment_updated: seesAgenda,
  ai_response: { readPermission: can['agenda.chat.read'] },
  campaign_completed: seesAgenda,
  notification_sent: seesAgenda,
  'agenda.catalogue_changed': seesAgenda,
  'agenda.settings_changed': seesAgenda,
} as const satisfies EventTypeDeclarations;
