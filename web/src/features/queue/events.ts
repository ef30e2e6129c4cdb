import { defineFeatureEvents } from '../../lib/appEvents';

const SETUP_ENTITIES = { unit: 'unidade', service: 'serviço', desk: 'guichê', priority: 'prioridade' } as const;

/** "A012 · Guichê 2"; the desk only once the ticket has one. */
const ticketLine = (event: { data: { code: string; deskNumber: number | null } }) =>
  event.data.deskNumber === null ? event.data.code : `${event.data.code} · Guichê ${event.data.deskNumber}`;

export default defineFeatureEvents('queue', {
  'queue.ticket.issued': { label: 'Senha emitida', summary: (event) => `${event.data.code}${event.data.priority ? ' · prioridade' : ''}` },
  'queue.ticket.called': { label: 'Senha chamada', summary: ticketLine },
  'queue.ticket.recalled': { label: 'Senha chamada de novo', summary: ticketLine },
  'queue.ticket.started': { label: 'Atendimento iniciado', summary: ticketLine },
  'queue.ticket.completed': { label: 'Atendimento concluído', summary: ticketLine },
  'queue.ticket.no_show': { label: 'Não compareceu', summary: ticketLine },
  'queue.ticket.cancelled': { label: 'Senha cancelada', summary: ticketLine },
  'queue.ticket.transferred': { label: 'Senha transferida', summary: ticketLine },
  'queue.setup.changed': { label: 'Configuração da fila', summary: (event) => SETUP_ENTITIES[event.data.entity] },
});
