import type { AppClient } from '../../lib/trpc';

type StreamItem = Parameters<NonNullable<Parameters<AppClient['events']['stream']['subscribe']>[1]['onData']>>[0];

/** One event of the tenant's live stream, typed end to end from the server's EventMap. */
export type AppEvent = StreamItem['data'];
export type EventType = AppEvent['type'];

export const EVENT_LABELS: Record<EventType, string> = {
  'user.created': 'Usuário criado',
  'user.updated': 'Usuário alterado',
  'role.updated': 'Papel alterado',
  'api_token.created': 'Token de API criado',
  'api_token.revoked': 'Token de API revogado',
  'tenant.updated': 'Empresa alterada',
  'identity.device.created': 'Dispositivo cadastrado',
  'identity.device.enrolled': 'Dispositivo ativado',
  'identity.device.revoked': 'Dispositivo revogado',
  'ticket.created': 'Novo ticket',
  'ticket.updated': 'Ticket atualizado',
  'message.created': 'Mensagem',
  'message.status_changed': 'Status de mensagem',
  'channel.status_changed': 'Canal',
  'queue.members_changed': 'Fila',
  'quick_reply.changed': 'Resposta rápida',
  auth_request_created: 'Autorização pendente',
  auth_request_resolved: 'Autorização decidida',
  appointment_created: 'Agendamento',
  appointment_updated: 'Agendamento alterado',
  ai_response: 'Resposta do agente',
  campaign_completed: 'Campanha concluída',
  notification_sent: 'Mensagem ao cliente',
  'agenda.catalogue_changed': 'Cadastro da agenda',
  'agenda.settings_changed': 'Configuração da agenda',
};

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
const when = (iso: string) => new Date(iso).toLocaleString('pt-BR', { dateStyle: 'short', timeStyle: 'short' });

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

const ROLE_CHANGES = { created: 'criado', updated: 'alterado', deleted: 'excluído' } as const;
const QUICK_REPLY_CHANGES = { created: 'criada', updated: 'alterada', deleted: 'excluída' } as const;

const CHANGE_LABELS: Record<string, string> = { name: 'nome', email: 'e-mail', role: 'papel', password: 'senha', active: 'situação' };

/** Names the dashboard already knows (from cached lists), to say "Carla" rather than an id. */
export interface KnownNames {
  user(id: string): string | undefined;
  role(key: string): string | undefined;
}

const NO_NAMES: KnownNames = { user: () => undefined, role: () => undefined };

/** One line about what happened, in Portuguese. */
export function summarizeEvent(event: AppEvent, names: KnownNames = NO_NAMES): string {
  const role = (key: string) => names.role(key) ?? key;
  switch (event.type) {
    case 'user.created':
      return `${event.data.name} <${event.data.email}> com o papel ${role(event.data.role)}`;
    case 'user.updated': {
      const who = names.user(event.data.userId) ?? 'Usuário';
      if (event.data.changes.includes('invitation')) return `${who} aceitou o convite · ${role(event.data.role)}`;
      const changes = event.data.changes.map((change) => CHANGE_LABELS[change] ?? change).join(', ');
      return `${who}: ${changes || 'dados'} alterado(s) · ${role(event.data.role)} · ${event.data.active ? 'ativo' : 'inativo'}`;
    }
    case 'role.updated':
      return `${event.data.name} (${event.data.key}) ${ROLE_CHANGES[event.data.change]}`;
    case 'api_token.created':
      return `${event.data.name} · ${event.data.scopes.length} escopo(s)`;
    case 'api_token.revoked':
      return event.data.name;
    case 'tenant.updated':
      return `campos: ${event.data.changes.join(', ')}`;
    case 'identity.device.created':
    case 'identity.device.enrolled':
    case 'identity.device.revoked':
      return `${event.data.name} (${event.data.kind})`;
    case 'ticket.created':
      return `#${event.data.number} · ${event.data.lastMessagePreview}`;
    case 'ticket.updated':
      return `#${event.data.number} ${TICKET_CHANGES[event.data.change]}`;
    case 'message.created':
      return `${event.data.isNote ? 'Nota' : event.data.direction === 'inbound' ? 'Recebida' : 'Enviada'}: ${event.data.body.slice(0, 80) || event.data.kind}`;
    case 'message.status_changed':
      return `${MESSAGE_STATUSES[event.data.status]}${event.data.failureReason ? ` · ${event.data.failureReason}` : ''}`;
    case 'channel.status_changed':
      return `${event.data.name} ${CHANNEL_STATUSES[event.data.status]}${event.data.reason ? ` · ${event.data.reason}` : ''}`;
    case 'queue.members_changed':
      return `membros: ${event.data.memberIds.map((id) => names.user(id) ?? 'usuário').join(', ') || 'nenhum'}`;
    case 'quick_reply.changed':
      return `/${event.data.shortcut} ${QUICK_REPLY_CHANGES[event.data.change]}`;
    case 'auth_request_created':
      return `${AGENTS[event.data.auth_request.createdByAgent]} · ${when(event.data.auth_request.startsAt)}`;
    case 'auth_request_resolved':
      return AUTH_REQUEST_OUTCOMES[event.data.status];
    case 'appointment_created':
      return when(event.data.startsAt);
    case 'appointment_updated':
      return `${APPOINTMENT_CHANGES[event.data.change]} · ${when(event.data.startsAt)}`;
    case 'ai_response':
      return `${event.data.intent}${event.data.booking_created ? ' · agendamento proposto' : ''}: ${event.data.message.slice(0, 80)}`;
    case 'campaign_completed':
      return `${AGENTS[event.data.campaign_type]} · ${event.data.stats.suggestions_created} sugestão(ões), ${event.data.stats.notifications_sent} mensagem(ns)`;
    case 'notification_sent':
      return event.data.kind;
    case 'agenda.catalogue_changed':
      return CATALOGUE_ENTITIES[event.data.entity];
    case 'agenda.settings_changed':
      return event.data.chatFromHelpdesk
        ? 'chat pelo Atendimento ligado'
        : `avisos por ${event.data.notificationRoute === 'helpdesk' ? 'Atendimento' : 'n8n'}`;
  }
}

export type RefreshableQuery = 'users' | 'roles' | 'apiTokens' | 'devices' | 'audit' | 'me';

/** Which cached lists an event makes stale. Every change is audited, so the audit log always is. */
export function queriesStaleAfter(event: AppEvent, currentUserId: string): RefreshableQuery[] {
  switch (event.type) {
    case 'user.created':
      return ['users', 'audit'];
    case 'user.updated':
      return event.data.userId === currentUserId ? ['users', 'audit', 'me'] : ['users', 'audit'];
    case 'role.updated':
      return ['roles', 'users', 'audit', 'me'];
    case 'api_token.created':
    case 'api_token.revoked':
      return ['apiTokens', 'audit'];
    case 'tenant.updated':
      return ['me', 'audit'];
    case 'identity.device.created':
    case 'identity.device.enrolled':
    case 'identity.device.revoked':
      return ['devices', 'audit'];
    case 'ticket.created':
    case 'ticket.updated':
    case 'message.created':
    case 'message.status_changed':
    case 'channel.status_changed':
    case 'queue.members_changed':
    case 'quick_reply.changed':
    case 'auth_request_created':
    case 'auth_request_resolved':
    case 'appointment_created':
    case 'appointment_updated':
    case 'ai_response':
    case 'campaign_completed':
    case 'notification_sent':
    case 'agenda.catalogue_changed':
    case 'agenda.settings_changed':
      // The helpdesk and agenda pages follow these events themselves.
      return [];
  }
}
