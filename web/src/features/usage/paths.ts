/** Where the usage pages live: all under /uso-ia; a user's page opens at /uso-ia/usuarios/<id>. */
export const USAGE_PATHS = {
  users: '/uso-ia/usuarios',
  analytics: '/uso-ia/analises',
  alerts: '/uso-ia/alertas',
  models: '/uso-ia/modelos',
  settings: '/uso-ia/configuracoes',
  logs: '/uso-ia/logs',
} as const;

export function usageUserPath(userId: string): `/${string}` {
  return `${USAGE_PATHS.users}/${encodeURIComponent(userId)}`;
}

/** Where OpenAI clients (LibreChat, the official SDKs) point their base URL, with a user's key. */
export const proxyBaseUrl = () => `${window.location.origin}/v1`;
