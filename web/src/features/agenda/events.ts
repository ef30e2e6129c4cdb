import { defineFeatureEvents, when } from '../../lib/appEvents';

const AUTH_REQUEST_OUTCOMES = { approved: 'aprovada', rejected: 'rejeitada', expired: 'expirada' } as const;
const APPOINTMENT_CHANGES = {
  rescheduled: 'remarcado',
  cancelled: 'cancelado',
  completed: 'concluído',
  no_show: 'falta',
  confirmed: 'confirmado',
} as const;
const AGENTS = { prazo_certo: 'Prazo Certo', encher_agenda: 'Encher Agenda', chat: 'Chat', manual: 'Manual' } as const;
const CATALOGUE_ENTITIES = { client: 'cliente', service: 'serviço', professional: 'profissional' } as const;

export default defineFeatureEvents('agenda', {
  auth_request_created: {
    label: 'Autorização pendente',
    summary: (event) => `${AGENTS[event.data.auth_request.createdByAgent]} · ${when(event.data.auth_request.startsAt)}`,
  },
  auth_request_resolved: { label: 'Autorização decidida', summary: (event) => AUTH_REQUEST_OUTCOMES[event.data.status] },
  appointment_created: { label: 'Agendamento', summary: (event) => when(event.data.startsAt) },
  appointment_updated: {
    label: 'Agendamento alterado',
    summary: (event) => `${APPOINTMENT_CHANGES[event.data.change]} · ${when(event.data.startsAt)}`,
  },
  ai_response: {
    label: 'Resposta do agente',
    summary: (event) =>
      `${event.data.intent}${event.data.booking_created ? ' · agendamento proposto' : ''}: ${event.data.message.slice(0, 80)}`,
  },
  campaign_completed: {
    label: 'Campanha concluída',
    summary: (event) =>
      `${AGENTS[event.data.campaign_type]} · ${event.data.stats.suggestions_created} sugestão(ões), ${event.data.stats.notifications_sent} mensagem(ns)`,
  },
  notification_sent: { label: 'Mensagem ao cliente', summary: (event) => event.data.kind },
  'agenda.catalogue_changed': { label: 'Cadastro da agenda', summary: (event) => CATALOGUE_ENTITIES[event.data.entity] },
  'agenda.settings_changed': {
    label: 'Configuração da agenda',
    summary: (event) =>
      event.data.chatFromHelpdesk
        ? 'chat pelo Atendimento ligado'
        : `avisos por ${event.data.notificationRoute === 'helpdesk' ? 'Atendimento' : 'n8n'}`,
  },
});
