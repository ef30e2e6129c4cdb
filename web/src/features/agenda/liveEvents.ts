import { trpc } from '../../lib/trpc';
import { useLiveEvents } from '../../lib/useLiveEvents';

/**
 * Keeps the agenda's cached queries in step with the tenant's live stream, for every user at
 * once: bookings and decisions refresh the calendar and the authorizations; catalogue changes
 * refresh the lists and pickers (and the names shown on the calendar).
 */
export function useAgendaLiveQueries(): void {
  const utils = trpc.useUtils();
  useLiveEvents((event) => {
    switch (event.type) {
      case 'appointment_created':
      case 'appointment_updated':
      case 'auth_request_created':
      case 'auth_request_resolved':
        // A pending request holds its time; approving one books it.
        void utils.agenda.appointments.list.invalidate();
        void utils.agenda.authRequests.list.invalidate();
        return;
      case 'agenda.catalogue_changed':
        if (event.data.entity === 'client') void utils.agenda.clients.list.invalidate();
        if (event.data.entity === 'service') void utils.agenda.services.list.invalidate();
        if (event.data.entity === 'professional') {
          void utils.agenda.professionals.list.invalidate();
          void utils.agenda.professionals.exceptions.invalidate({ id: event.data.id });
        }
        void utils.agenda.appointments.list.invalidate();
        void utils.agenda.authRequests.list.invalidate();
        return;
      default:
        return;
    }
  });
}
