/** The helpdesk's server answers as the dashboard sees them, and the pt-BR words for their states. */
import type { RouterOutputs } from '../../lib/trpc';

export type TicketListItem = RouterOutputs['helpdesk']['tickets']['list']['items'][number];
export type TicketDetail = RouterOutputs['helpdesk']['tickets']['get'];
export type TicketStatus = TicketListItem['status'];
export type Message = RouterOutputs['helpdesk']['messages']['list']['items'][number];
export type DeliveryStatus = Exclude<Message['status'], 'received'>;
export type Channel = RouterOutputs['helpdesk']['channels']['list'][number];
export type ChannelStatus = Channel['status'];
export type QuickReply = RouterOutputs['helpdesk']['quickReplies']['list'][number];

type Tone = 'green' | 'red' | 'amber' | 'zinc' | 'blue';

export const TICKET_STATUSES: Record<TicketStatus, { label: string; tab: string; tone: Tone }> = {
  pending: { label: 'Pendente', tab: 'Pendentes', tone: 'amber' },
  open: { label: 'Em atendimento', tab: 'Em atendimento', tone: 'blue' },
  closed: { label: 'Encerrado', tab: 'Encerrados', tone: 'zinc' },
};

export const TICKET_STATUS_ORDER: readonly TicketStatus[] = ['pending', 'open', 'closed'];

export const CHANNEL_STATUSES: Record<ChannelStatus, { label: string; tone: Tone }> = {
  connected: { label: 'Conectado', tone: 'green' },
  disconnected: { label: 'Desconectado', tone: 'amber' },
  error: { label: 'Com erro', tone: 'red' },
};

/** The endpoints a provider posts to, by the key the server names them with. */
export const WEBHOOK_LABELS: Record<string, string | undefined> = {
  messages: 'URL das mensagens recebidas',
  statuses: 'URL dos status de entrega',
  webhook: 'URL do webhook',
};

export const CHANNEL_TYPES: Record<Channel['type'], string> = { n8n: 'n8n', whatsapp_cloud: 'WhatsApp Cloud API' };

/** The tick beside an outbound message, as in WhatsApp. */
export const DELIVERY_TICKS: Record<DeliveryStatus, { symbol: string; label: string; className: string }> = {
  pending: { symbol: '⏱', label: 'Na fila de envio', className: 'text-zinc-400' },
  sent: { symbol: '✓', label: 'Enviada', className: 'text-zinc-500' },
  delivered: { symbol: '✓✓', label: 'Entregue', className: 'text-zinc-500' },
  read: { symbol: '✓✓', label: 'Lida', className: 'text-sky-500' },
  failed: { symbol: '⚠', label: 'Falhou', className: 'text-red-600' },
};

/** Ticket history actions (the server's state machine, plus how the ticket started). */
export const TICKET_ACTIONS: Record<string, string | undefined> = {
  created: 'Aberto',
  accept: 'Aceito',
  transfer: 'Transferido',
  close: 'Encerrado',
  reopen: 'Reaberto',
  tags: 'Etiquetas alteradas',
};

/** What each quick reply variable becomes when the reply is used in a ticket. */
export const QUICK_REPLY_VARIABLES: Record<string, string | undefined> = {
  'contact.name': 'Nome do contato',
  'contact.firstName': 'Primeiro nome do contato',
  'contact.phone': 'Telefone do contato',
  'agent.name': 'Nome de quem responde',
  'agent.firstName': 'Primeiro nome de quem responde',
  'ticket.number': 'Número do ticket',
};
