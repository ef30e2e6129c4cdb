import type { EventType } from '../../platform/events/catalog';
import type {
  AppointmentSource,
  AppointmentStatus,
  AuthRequestAgent,
  AuthRequestStatus,
  BookingOffer,
  CampaignRunStats,
  CampaignType,
} from '../../db/schema';

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

export const agendaEventTypes = [
  'auth_request_created',
  'auth_request_resolved',
  'appointment_created',
  'appointment_updated',
  'ai_response',
  'campaign_completed',
  'notification_sent',
  'agenda.catalogue_changed',
  'agenda.settings_changed',
] as const satisfies readonly EventType[];
