/**
 * The names Balcão's generated n8n workflows use, as the server writes them
 * (src/platform/n8n/signed-delivery.ts and the domains' n8n-workflows.ts): the dashboard says
 * where a secret goes without downloading a workflow first.
 */

/** The header n8n's Header Auth credentials send the secret in. */
export const SECRET_HEADER = 'X-Webhook-Secret';

/** The Header Auth credential of the agenda's workflows. */
export const AGENDA_CREDENTIAL = 'Balcão · agenda';

/** The Header Auth credential of a helpdesk channel's workflows. */
export function channelCredentialName(channelName: string): string {
  return `Balcão · canal ${channelName}`;
}

/** The n8n environment variable holding a secret: `BALCAO_<LABEL>_<first 8 hex of the id>` (as `secretEnvName` on the server). */
export function n8nSecretEnvName(label: string, id: string): string {
  return `BALCAO_${label}_${id.replace(/-/g, '').slice(0, 8)}`.toUpperCase();
}
