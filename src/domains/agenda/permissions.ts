import { definePermissions } from '../../platform/auth/permissions';

export const agendaPermissions = definePermissions({
  'agenda.appointments.read': 'Ver a agenda, horários livres e clientes',
  'agenda.appointments.write': 'Marcar, remarcar, cancelar e concluir atendimentos',
  'agenda.catalogue.write': 'Cadastrar clientes, serviços e profissionais com seus horários',
  'agenda.authRequests.decide': 'Aprovar ou rejeitar agendamentos propostos pelos agentes',
  'agenda.campaigns.write': 'Configurar e disparar as campanhas Prazo Certo e Encher Agenda',
  'agenda.chat.read': 'Ver as conversas do agente de chat',
  'agenda.settings.write': 'Configurar a integração da agenda com o n8n e os canais',
});
