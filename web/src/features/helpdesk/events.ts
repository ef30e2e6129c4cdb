import { defineFeatureEvents } from '../../lib/appEvents';

const TICKET_CHANGES = {
  accepted: 'aceito',
  transferred: 'transferido',
  closed: 'encerrado',
  reopened: 'reaberto',
  message: 'nova mensagem',
  read: 'lido',
  tags: 'etiquetas alteradas',
} as const;
const MESSAGE_STATUSES = { pending: 'na fila', sent: 'enviada', delivered: 'entregue', read: 'lida', failed: 'falhou' } as const;
const CHANNEL_STATUSES = { connected: 'conectado', disconnected: 'desconectado', error: 'com erro' } as const;
const QUICK_REPLY_CHANGES = { created: 'criada', updated: 'alterada', deleted: 'excluída' } as const;

export default defineFeatureEvents('helpdesk', {
  'ticket.created': { label: 'Novo ticket', summary: (event) => `#${event.data.number} · ${event.data.lastMessagePreview}` },
  'ticket.updated': { label: 'Ticket atualizado', summary: (event) => `#${event.data.number} ${TICKET_CHANGES[event.data.change]}` },
  'message.created': {
    label: 'Mensagem',
    summary: (event) =>
      `${event.data.isNote ? 'Nota' : event.data.direction === 'inbound' ? 'Recebida' : 'Enviada'}: ${event.data.body.slice(0, 80) || event.data.kind}`,
  },
  'message.status_changed': {
    label: 'Status de mensagem',
    summary: (event) => `${MESSAGE_STATUSES[event.data.status]}${event.data.failureReason ? ` · ${event.data.failureReason}` : ''}`,
  },
  'channel.status_changed': {
    label: 'Canal',
    summary: (event) => `${event.data.name} ${CHANNEL_STATUSES[event.data.status]}${event.data.reason ? ` · ${event.data.reason}` : ''}`,
  },
  'queue.members_changed': {
    label: 'Fila',
    summary: (event, names) => `membros: ${event.data.memberIds.map((id) => names.user(id) ?? 'usuário').join(', ') || 'nenhum'}`,
  },
  'quick_reply.changed': {
    label: 'Resposta rápida',
    summary: (event) => `/${event.data.shortcut} ${QUICK_REPLY_CHANGES[event.data.change]}`,
  },
});
