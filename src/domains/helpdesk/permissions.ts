import { definePermissions } from '../../platform/auth/permissions';

export const helpdeskPermissions = definePermissions({
  'helpdesk.tickets.read': 'Ver os tickets das suas filas (e os sem fila)',
  'helpdesk.tickets.readAll': 'Ver os tickets de todas as filas',
  'helpdesk.tickets.write': 'Aceitar, transferir, encerrar e reabrir tickets',
  'helpdesk.messages.send': 'Responder e escrever notas internas',
  'helpdesk.contacts.read': 'Ver contatos',
  'helpdesk.contacts.write': 'Editar e mesclar contatos',
  'helpdesk.quickReplies.write': 'Criar e editar respostas rápidas',
  'helpdesk.channels.read': 'Ver canais e seu estado',
  'helpdesk.channels.write': 'Criar e configurar canais',
  'helpdesk.queues.write': 'Criar e editar filas, membros e horários',
  'helpdesk.apiConfigs.read': 'Ver configurações e chamadas da API externa',
  'helpdesk.apiConfigs.write': 'Criar e revogar configurações da API externa',
  'helpdesk.external': 'Enviar mensagens pela API externa v1 (escopo de token de API)',
  'helpdesk.settings.write': 'Configurar reabertura, horário de atendimento e resposta fora do horário',
});
