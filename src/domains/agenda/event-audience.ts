import type { AppEvent } from '../../platform/events/catalog';
import type { EventAudience, StreamViewer } from '../../platform/events/audience';
import { agendaEventTypes } from './events';
import { agendaPermissions as can } from './permissions';

const agendaEvents = new Set<string>(agendaEventTypes);
const chatEvents = new Set<string>(['ai_response']);

/** The agenda's live events reach who may see the agenda; chat replies, who may read the chat. */
export function agendaEventAudience(viewer: StreamViewer): EventAudience {
  const seesAgenda = viewer.permissions.has(can['agenda.appointments.read']);
  const seesChat = viewer.permissions.has(can['agenda.chat.read']);
  return (event: AppEvent) => {
    if (!agendaEvents.has(event.type)) return true;
    return chatEvents.has(event.type) ? seesChat : seesAgenda;
  };
}
