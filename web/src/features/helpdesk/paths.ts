/** Where the helpdesk pages live; a ticket's conversation opens beside the inbox at /atendimento/<id>. */
export const HELPDESK_PATHS = {
  inbox: '/atendimento',
  contacts: '/contatos',
  quickReplies: '/respostas-rapidas',
  queues: '/filas',
  channels: '/canais',
  externalApi: '/api-externa',
} as const;

export function ticketPath(ticketId: string): `/${string}` {
  return `${HELPDESK_PATHS.inbox}/${ticketId}`;
}

/** The ticket a path opens, if it is a conversation path. */
export function ticketIdFromPath(path: string): string | null {
  const prefix = `${HELPDESK_PATHS.inbox}/`;
  return path.startsWith(prefix) && path.length > prefix.length ? decodeURIComponent(path.slice(prefix.length)) : null;
}
