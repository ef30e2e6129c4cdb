import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { DomainError } from '../../../platform/errors';
import type { CredentialToCreate, GeneratedWorkflow, N8nWorkflowKind, WorkflowTarget } from '../../../platform/n8n/kinds';
import {
  headerAuthCredential,
  ifTrue,
  postJson,
  respond,
  setFields,
  stopWithError,
  webhookTrigger,
  WHATSAPP_FAILURE_REASON,
} from '../../../platform/n8n/nodes';
import { secretEnvName } from '../../../platform/n8n/signed-delivery';
import {
  SENT_WHATSAPP_ID,
  signedWhatsAppSend,
  WHATSAPP_MESSAGE_NODE,
  WHATSAPP_SEND_CREDENTIAL,
  WHATSAPP_SEND_NODE,
  WHATSAPP_SENDER_NAME,
  WHATSAPP_TRIGGER_CREDENTIAL,
  whatsAppMessagesEntry,
} from '../../../platform/n8n/whatsapp';
import { buildWorkflow, type Edge, type NodeSpec } from '../../../platform/n8n/workflow';
import { helpdeskPermissions } from '../permissions';
import { webhookUrlsOf } from './channels';

/**
 * The n8n workflows of a helpdesk n8n channel, generated with its URLs and ids: the contact's
 * message in (WhatsApp Cloud through n8n's WhatsApp Trigger, or any provider's JSON webhook), and
 * Balcão's reply out (signature checked, sent with n8n's WhatsApp node, outcome reported back).
 */

/** The header n8n's Header Auth credential sends: the channel's webhook secret. */
const SECRET_HEADER = 'X-Webhook-Secret';

interface ChannelFacts {
  id: string;
  name: string;
  urls: { messages: string; statuses: string };
}

async function n8nChannelOf(trx: TenantTransaction, target: WorkflowTarget): Promise<ChannelFacts> {
  const channel = target.channelId
    ? await trx
        .selectFrom('helpdesk_channels')
        .select(['id', 'name', 'type'])
        .where('tenant_id', '=', tenantOf(trx))
        .where('id', '=', target.channelId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  if (!channel) throw new DomainError('NOT_FOUND', 'CHANNEL_NOT_FOUND', 'Canal não encontrado', { channelId: target.channelId ?? null });
  if (channel.type !== 'n8n') {
    throw new DomainError('BAD_REQUEST', 'CHANNEL_NOT_N8N', 'Os workflows do n8n são para canais do tipo n8n', { channelId: channel.id });
  }
  const urls = webhookUrlsOf(target.publicUrl, channel);
  return { id: channel.id, name: channel.name, urls: { messages: urls.messages!, statuses: urls.statuses! } };
}

/** The Header Auth credential with the channel's secret, named after the channel. */
function channelCredential(channel: ChannelFacts): CredentialToCreate {
  return {
    ...headerAuthCredential(`Balcão · canal ${channel.name}`),
    typeLabel: 'Header Auth',
    fields: { Name: SECRET_HEADER, Value: `o segredo do webhook do canal "${channel.name}" (Atendimento → Canais)` },
  };
}

/** The fields Balcão's inbound endpoint takes, from a mapped item (`$json`). */
const INBOUND_BODY =
  '={{ JSON.stringify({ messageId: $json.messageId, from: $json.from, name: $json.name || undefined, body: $json.body, timestamp: $json.timestamp }) }}';

/** Drops what Balcão would refuse: a message must have an id, a sender and some text. */
const IS_COMPLETE_MESSAGE =
  "typeof $json.messageId === 'string' && $json.messageId !== '' && typeof $json.from === 'string' && $json.from !== '' && typeof $json.body === 'string' && $json.body.trim() !== ''";

function generated(kind: string, channel: ChannelFacts, target: WorkflowTarget, spec: { name: string; nodes: NodeSpec[]; edges: Edge[] }) {
  return buildWorkflow({ seed: `${target.tenantId}:${kind}:${channel.id}`, kind, generatedAt: target.generatedAt, ...spec });
}

/**
 * Any provider's JSON webhook → Balcão. The provider posts `{ messageId | id, from | phone,
 * name?, body | text | message, timestamp? }`; a payload without id, sender or text is answered
 * 400 and stops with a readable error, and nothing reaches Balcão.
 */
async function inboundWebhook(trx: TenantTransaction, target: WorkflowTarget): Promise<GeneratedWorkflow> {
  const channel = await n8nChannelOf(trx, target);
  const credential = channelCredential(channel);
  const workflow = generated('helpdesk-inbound-webhook', channel, target, {
    name: `Balcão · ${channel.name} · entrada (webhook JSON)`,
    nodes: [
      webhookTrigger('Mensagem do provedor', { path: `balcao/${channel.id}/entrada`, respondWith: 'responseNode' }),
      setFields('Mapear para o Balcão', {
        messageId: { type: 'string', value: '={{ String($json.body.messageId ?? $json.body.id ?? "") }}' },
        from: { type: 'string', value: '={{ String($json.body.from ?? $json.body.phone ?? "") }}' },
        name: { type: 'string', value: '={{ $json.body.name ?? "" }}' },
        body: { type: 'string', value: '={{ $json.body.body ?? $json.body.text ?? $json.body.message ?? "" }}' },
        timestamp: { type: 'string', value: '={{ String($json.body.timestamp ?? $now.toISO()) }}' },
      }),
      ifTrue('Mensagem completa?', IS_COMPLETE_MESSAGE),
      postJson('Enviar ao Balcão', { url: channel.urls.messages, body: INBOUND_BODY, credential }),
      respond('Responder (200)', { status: 200, body: '={{ JSON.stringify($json) }}' }),
      respond('Recusar (400)', {
        status: 400,
        body: "={{ JSON.stringify({ error: 'ERR_PAYLOAD', message: 'A mensagem precisa de messageId (ou id), from (ou phone) e body (ou text)' }) }}",
      }),
      stopWithError(
        'Payload inválido',
        "={{ 'Mensagem do provedor recusada: precisa de messageId (ou id), from (ou phone) e body (ou text). Recebido: ' + JSON.stringify($('Mensagem do provedor').item.json.body).slice(0, 500) }}",
      ),
    ],
    edges: [
      ['Mensagem do provedor', 'Mapear para o Balcão'],
      ['Mapear para o Balcão', 'Mensagem completa?'],
      ['Mensagem completa?', 'Enviar ao Balcão'],
      ['Enviar ao Balcão', 'Responder (200)'],
      ['Mensagem completa?', 'Recusar (400)', 1],
      ['Recusar (400)', 'Payload inválido'],
    ],
  });
  return { fileName: `balcao-${slugOf(channel.name)}-entrada-webhook.json`, workflow, credentials: [credential], environment: [] };
}

/** WhatsApp Cloud (n8n's WhatsApp Trigger) → Balcão: each text message of Meta's batch, statuses left out. */
async function inboundWhatsApp(trx: TenantTransaction, target: WorkflowTarget): Promise<GeneratedWorkflow> {
  const channel = await n8nChannelOf(trx, target);
  const credential = channelCredential(channel);
  const entry = whatsAppMessagesEntry();
  const workflow = generated('helpdesk-inbound-whatsapp', channel, target, {
    name: `Balcão · ${channel.name} · entrada (WhatsApp)`,
    nodes: [
      ...entry.nodes,
      setFields('Mapear para o Balcão', {
        messageId: { type: 'string', value: '={{ $json.messages.id }}' },
        from: { type: 'string', value: '={{ $json.messages.from ? "+" + $json.messages.from : "" }}' },
        name: { type: 'string', value: `={{ ${WHATSAPP_SENDER_NAME} }}` },
        body: {
          type: 'string',
          value:
            '={{ $json.messages.text?.body ?? $json.messages.image?.caption ?? $json.messages.video?.caption ?? $json.messages.document?.caption ?? $json.messages.button?.text ?? $json.messages.interactive?.button_reply?.title ?? $json.messages.interactive?.list_reply?.title ?? ("[" + $json.messages.type + "]") }}',
        },
        timestamp: { type: 'string', value: '={{ $json.messages.timestamp }}' },
      }),
      ifTrue('Mensagem completa?', IS_COMPLETE_MESSAGE),
      postJson('Enviar ao Balcão', { url: channel.urls.messages, body: INBOUND_BODY, credential }),
      stopWithError('Payload inválido', "={{ 'Mensagem do WhatsApp sem id, remetente ou texto: ' + JSON.stringify($json).slice(0, 500) }}"),
    ],
    edges: [
      ...entry.edges,
      [WHATSAPP_MESSAGE_NODE, 'Mapear para o Balcão'],
      ['Mapear para o Balcão', 'Mensagem completa?'],
      ['Mensagem completa?', 'Enviar ao Balcão'],
      ['Mensagem completa?', 'Payload inválido', 1],
    ],
  });
  return {
    fileName: `balcao-${slugOf(channel.name)}-entrada-whatsapp.json`,
    workflow,
    credentials: [WHATSAPP_TRIGGER_CREDENTIAL, credential],
    environment: [],
  };
}

/**
 * Balcão's reply → WhatsApp: the delivery's signature is checked (401 otherwise), the text goes
 * out through n8n's WhatsApp node, and the outcome is reported to the channel's statuses endpoint
 * (sent, or failed with WhatsApp's reason). Balcão is answered `{ externalId }` (WhatsApp's id).
 */
async function outbound(trx: TenantTransaction, target: WorkflowTarget): Promise<GeneratedWorkflow> {
  const channel = await n8nChannelOf(trx, target);
  const credential = channelCredential(channel);
  const secretEnv = secretEnvName('CANAL', channel.id);
  const phoneNumberEnv = secretEnvName('WHATSAPP_NUMERO', channel.id);
  const send = signedWhatsAppSend({ path: `balcao/${channel.id}/saida`, secretEnv, phoneNumberEnv, toField: 'to', textField: 'body' });
  const statusBody = (status: string, extra: string) =>
    `={{ JSON.stringify({ messageId: ${send.delivery}.messageId, status: '${status}', timestamp: $now.toISO()${extra} }) }}`;
  const workflow = generated('helpdesk-outbound', channel, target, {
    name: `Balcão · ${channel.name} · saída (WhatsApp)`,
    nodes: [
      ...send.nodes,
      postJson('Informar envio', {
        url: channel.urls.statuses,
        body: statusBody('sent', `, externalId: ${SENT_WHATSAPP_ID}`),
        credential,
      }),
      respond('Responder ao Balcão', {
        status: 200,
        body: `={{ JSON.stringify({ externalId: ${SENT_WHATSAPP_ID} ?? null }) }}`,
      }),
      postJson('Informar falha', {
        url: channel.urls.statuses,
        body: statusBody('failed', `, error: ${WHATSAPP_FAILURE_REASON}`),
        credential,
      }),
      respond('Responder falha ao Balcão', { status: 200, body: "={{ JSON.stringify({ status: 'failed' }) }}" }),
    ],
    edges: [
      ...send.edges,
      [WHATSAPP_SEND_NODE, 'Informar envio'],
      ['Informar envio', 'Responder ao Balcão'],
      [WHATSAPP_SEND_NODE, 'Informar falha', 1],
      ['Informar falha', 'Responder falha ao Balcão'],
    ],
  });
  return {
    fileName: `balcao-${slugOf(channel.name)}-saida-whatsapp.json`,
    workflow,
    credentials: [WHATSAPP_SEND_CREDENTIAL, credential],
    environment: [
      { name: secretEnv, value: `o segredo do webhook do canal "${channel.name}" (o mesmo da credencial ${credential.name})` },
      { name: phoneNumberEnv, value: 'o Phone Number ID do número do WhatsApp Cloud que envia as respostas' },
    ],
  };
}

/** A file-name-safe form of a channel's name. */
function slugOf(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'canal'
  );
}

const channelKind = (kind: string, label: string, generate: N8nWorkflowKind['generate']): N8nWorkflowKind => ({
  kind,
  label,
  module: 'helpdesk',
  permission: helpdeskPermissions['helpdesk.channels.write'],
  perChannel: true,
  generate,
});

export const helpdeskN8nWorkflows: readonly N8nWorkflowKind[] = [
  channelKind('helpdesk-inbound-whatsapp', 'Entrada: WhatsApp Cloud → Balcão', inboundWhatsApp),
  channelKind('helpdesk-inbound-webhook', 'Entrada: webhook JSON de qualquer provedor → Balcão', inboundWebhook),
  channelKind('helpdesk-outbound', 'Saída: respostas do Balcão → WhatsApp, com status', outbound),
];
