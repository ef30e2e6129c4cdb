/**
 * Where the agenda pages live. Top-level paths, not /agenda/…: the shell opens the first page
 * whose path prefixes the URL, so sub-paths of /agenda would open the calendar.
 */
export const AGENDA_PATHS = {
  calendar: '/agenda',
  authRequests: '/autorizacoes',
  clients: '/clientes',
  services: '/servicos',
  professionals: '/profissionais',
  campaigns: '/campanhas',
  chat: '/conversas',
  settings: '/configuracoes-agenda',
} as const;
