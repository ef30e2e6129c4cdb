/** Where the queue's pages live: all under /fila. */
export const QUEUE_PATHS = {
  panel: '/fila/painel',
  stats: '/fila/estatisticas',
  setup: '/fila/configuracao',
} as const;
