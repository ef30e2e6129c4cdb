/** Where the agenda pages live: the calendar at /agenda, the rest below it. */
export const AGENDA_PATHS = {
  calendar: '/agenda',
  authRequests: '/agenda/autorizacoes',
  clients: '/agenda/clientes',
  services: '/agenda/servicos',
  professionals: '/agenda/profissionais',
  campaigns: '/agenda/campanhas',
  chat: '/agenda/conversas',
  settings: '/agenda/configuracoes',
} as const;
