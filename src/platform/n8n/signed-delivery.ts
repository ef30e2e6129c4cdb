import { hmacSha256, ifTrue, rawBodyAsText, respond, webhookTrigger } from './nodes';
import type { Edge, NodeSpec } from './workflow';

/** How far a delivery's timestamp may be from n8n's clock (as `verifyDeliverySignature` allows). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The node that receives Balcão's delivery; later nodes read the payload as `$('<name>').item.json.body`. */
export const DELIVERY_NODE = 'Entrega do Balcão';
/** The node the checked delivery leaves from (output 0: signed and fresh). */
export const SIGNATURE_CHECK_NODE = 'Assinatura válida?';

/**
 * The start of a workflow that receives Balcão's signed deliveries: a Webhook keeping the raw body,
 * the HMAC-SHA256 of `<X-Balcao-Timestamp>.<raw body>` keyed with the secret in n8n's environment
 * variable `secretEnv` (n8n's Crypto node takes no credential), and an IF that lets through only a
 * signature that matches and a timestamp within five minutes. Anything else is answered 401 and
 * goes no further. Connect the next node to SIGNATURE_CHECK_NODE's output 0.
 */
export function signedDeliveryEntry(options: { path: string; secretEnv: string }): { nodes: NodeSpec[]; edges: Edge[] } {
  const headers = `$('${DELIVERY_NODE}').item.json.headers`;
  return {
    nodes: [
      webhookTrigger(DELIVERY_NODE, { path: options.path, respondWith: 'responseNode', rawBody: true }),
      rawBodyAsText('Corpo original', 'rawBody'),
      hmacSha256('Calcular assinatura', {
        value: `={{ ${headers}['x-balcao-timestamp'] }}.{{ $json.rawBody }}`,
        secret: `={{ $env.${options.secretEnv} || '' }}`,
        field: 'expectedSignature',
      }),
      ifTrue(
        SIGNATURE_CHECK_NODE,
        `$env.${options.secretEnv} !== undefined && ${headers}['x-balcao-signature'] === 'v1=' + $json.expectedSignature && ` +
          `Math.abs($now.toSeconds() - Number(${headers}['x-balcao-timestamp'])) <= ${SIGNATURE_TOLERANCE_SECONDS}`,
      ),
      respond('Recusar (401)', {
        status: 401,
        body: `={{ JSON.stringify({ error: 'ERR_SIGNATURE', message: 'Assinatura do Balcão ausente, inválida ou vencida' }) }}`,
      }),
    ],
    edges: [
      [DELIVERY_NODE, 'Corpo original'],
      ['Corpo original', 'Calcular assinatura'],
      ['Calcular assinatura', SIGNATURE_CHECK_NODE],
      [SIGNATURE_CHECK_NODE, 'Recusar (401)', 1],
    ],
  };
}

/** The name of the n8n environment variable that holds a secret, from a label and an id (A–Z, 0–9, _). */
export function secretEnvName(label: string, id: string): string {
  return `BALCAO_${label}_${id.replace(/-/g, '').slice(0, 8)}`.toUpperCase();
}
