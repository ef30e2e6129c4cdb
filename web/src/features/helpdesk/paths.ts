/** Where the helpdesk pages live; a ticket's conversation opens beside the inbox at /atendimento/<id>. */
export const HELPDESK_PATHS = {
  inbox: '/atendimento',
  contacts: '/atendimento/contatos',
  quickReplies: '/atendimento/respostas-rapidas',
  queues: '/atendimento/filas',
  channels: '/atendimento/canais',
  externalApi: '/atendimento/api-externa',
} as const;

export function ticketPath(ticketId: string): `/${string}` {
  return `${HELPDESK_PATHS.inbox}/${encodeURIComponent(ticketId)}`;
}
