import { createHash } from 'node:crypto';
import type { N8nCredentialRef, NodeSpec } from './workflow';

/**
 * n8n's built-in nodes as Balcão's workflows use them, at the versions n8n 1.x ships. Only
 * parameters are set here; ids and positions come from buildWorkflow.
 */

/** A credential reference: a stable id from its name, which n8n falls back to matching by name and type on import. */
function credential(ref: N8nCredentialRef): NodeSpec['credentials'] {
  const id = createHash('sha256')
    .update(`${ref.type}:${ref.name}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 16);
  return { [ref.type]: { id, name: ref.name } };
}

/** Header Auth (`httpHeaderAuth`): the header name and its secret value live in the n8n credential. */
export const headerAuthCredential = (name: string): N8nCredentialRef => ({ type: 'httpHeaderAuth', name });

/** A Webhook trigger on POST `path`; `rawBody` keeps the exact bytes (for signatures), answered by a Respond node or the last node. */
export function webhookTrigger(
  name: string,
  options: { path: string; respondWith: 'responseNode' | 'lastNode'; rawBody?: boolean },
): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    webhookId: '',
    parameters: {
      httpMethod: 'POST',
      path: options.path,
      responseMode: options.respondWith,
      options: options.rawBody ? { rawBody: true } : {},
    },
  };
}

/** Edit Fields (Set): each field an expression or a fixed value; only these fields go on. */
export function setFields(
  name: string,
  fields: Record<string, { type: 'string' | 'number' | 'boolean' | 'object'; value: string }>,
): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.set',
    typeVersion: 3.4,
    parameters: {
      mode: 'manual',
      assignments: {
        assignments: Object.entries(fields).map(([field, { type, value }]) => ({
          id: createHash('sha256').update(`${name}:${field}`).digest('hex').slice(0, 12),
          name: field,
          type,
          value,
        })),
      },
      includeOtherFields: false,
      options: {},
    },
  };
}

/** An IF on one boolean expression: output 0 when true, 1 when false. */
export function ifTrue(name: string, expression: string): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.if',
    typeVersion: 2.2,
    parameters: {
      conditions: {
        options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
        conditions: [
          {
            id: createHash('sha256').update(name).digest('hex').slice(0, 12),
            leftValue: `={{ ${expression} }}`,
            rightValue: '',
            operator: { type: 'boolean', operation: 'true', singleValue: true },
          },
        ],
        combinator: 'and',
      },
      options: {},
    },
  };
}

/**
 * POST of a JSON body with a credential, retried on failure (5 tries, 3 s apart). With
 * `errorOutput` a failure after the last try goes out of output 1 instead of failing the run.
 */
export function postJson(
  name: string,
  options: { url: string; body: string; credential?: N8nCredentialRef; errorOutput?: boolean; headers?: Record<string, string> },
): NodeSpec {
  const headers = Object.entries(options.headers ?? {});
  return {
    name,
    type: 'n8n-nodes-base.httpRequest',
    typeVersion: 4.2,
    parameters: {
      method: 'POST',
      url: options.url,
      ...(options.credential
        ? { authentication: 'genericCredentialType', genericAuthType: options.credential.type }
        : { authentication: 'none' }),
      sendHeaders: headers.length > 0,
      ...(headers.length > 0 ? { headerParameters: { parameters: headers.map(([header, value]) => ({ name: header, value })) } } : {}),
      sendBody: true,
      specifyBody: 'json',
      jsonBody: options.body,
      options: { timeout: 15_000 },
    },
    ...(options.credential ? { credentials: credential(options.credential) } : {}),
    retryOnFail: true,
    maxTries: 5,
    waitBetweenTries: 3000,
    ...(options.errorOutput ? { onError: 'continueErrorOutput' as const } : {}),
  };
}

/** Answers the Webhook trigger's caller with a status and a JSON body (an expression). */
export function respond(name: string, options: { status: number; body: string }): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.respondToWebhook',
    typeVersion: 1.1,
    parameters: { respondWith: 'json', responseBody: options.body, options: { responseCode: options.status } },
  };
}

/** Ends the run as failed with a message that n8n's execution log shows. */
export function stopWithError(name: string, message: string): NodeSpec {
  return { name, type: 'n8n-nodes-base.stopAndError', typeVersion: 1, parameters: { errorType: 'errorMessage', errorMessage: message } };
}

/** The Webhook's raw body (binary property `data`, kept by `rawBody`) as text in `field`. */
export function rawBodyAsText(name: string, field: string): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.extractFromFile',
    typeVersion: 1,
    parameters: { operation: 'text', binaryPropertyName: 'data', destinationKey: field, options: {} },
  };
}

/** HMAC-SHA256 (hex) of `value` with `secret` (both expressions), written to `field`. */
export function hmacSha256(name: string, options: { value: string; secret: string; field: string }): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.crypto',
    typeVersion: 1,
    parameters: {
      action: 'hmac',
      type: 'SHA256',
      value: options.value,
      dataPropertyName: options.field,
      secret: options.secret,
      encoding: 'hex',
    },
  };
}

/** A Schedule Trigger on a cron expression (in the n8n instance's time zone). */
export function cronTrigger(name: string, cronExpression: string): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.scheduleTrigger',
    typeVersion: 1.2,
    parameters: { rule: { interval: [{ field: 'cronExpression', expression: cronExpression }] } },
  };
}

/** WhatsApp Cloud credential for sending (`whatsAppApi`: access token and business account id). */
export const whatsAppSendCredential = (name: string): N8nCredentialRef => ({ type: 'whatsAppApi', name });
/** WhatsApp Cloud credential for the trigger (`whatsAppTriggerApi`: the Meta app's id and secret). */
export const whatsAppTriggerCredential = (name: string): N8nCredentialRef => ({ type: 'whatsAppTriggerApi', name });

/** n8n's WhatsApp Trigger: Meta's message webhook (n8n subscribes the app when the workflow is activated). */
export function whatsAppTrigger(name: string, credentialRef: N8nCredentialRef): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.whatsAppTrigger',
    typeVersion: 1,
    webhookId: '',
    parameters: { updates: ['messages'], options: {} },
    credentials: credential(credentialRef),
  };
}

/** n8n's WhatsApp node sending a text message from `phoneNumberId`; a failure goes out of output 1. */
export function whatsAppSendText(
  name: string,
  options: { phoneNumberId: string; to: string; text: string; credential: N8nCredentialRef },
): NodeSpec {
  return {
    name,
    type: 'n8n-nodes-base.whatsApp',
    typeVersion: 1,
    parameters: {
      resource: 'message',
      operation: 'send',
      messagingProduct: 'whatsapp',
      phoneNumberId: options.phoneNumberId,
      recipientPhoneNumber: options.to,
      messageType: 'text',
      textBody: options.text,
      additionalFields: {},
    },
    credentials: credential(options.credential),
    onError: 'continueErrorOutput',
  };
}

/**
 * An expression for why the WhatsApp node's send failed, on its error output: n8n passes only its
 * own summary of Meta's answer there (a string, or an object with message and description).
 */
export const WHATSAPP_FAILURE_REASON =
  "('WhatsApp recusou o envio: ' + ((typeof $json.error === 'string' ? $json.error : [$json.error?.message, $json.error?.description].filter(Boolean).join(': ')) || 'sem detalhes')).slice(0, 500)";
