import type { TenantTransaction } from '../../db/tenant-scope';
import type { CredentialToCreate, GeneratedWorkflow, N8nWorkflowKind, WorkflowTarget } from '../../platform/n8n/kinds';
import {
  cronTrigger,
  headerAuthCredential,
  ifTrue,
  postJson,
  respond,
  setFields,
  stopWithError,
  WHATSAPP_FAILURE_REASON,
} from '../../platform/n8n/nodes';
import { secretEnvName } from '../../platform/n8n/signed-delivery';
import {
  signedWhatsAppSend,
  WHATSAPP_MESSAGE_NODE,
  WHATSAPP_SEND_CREDENTIAL,
  WHATSAPP_SEND_NODE,
  WHATSAPP_SENDER_NAME,
  WHATSAPP_TRIGGER_CREDENTIAL,
  whatsAppMessagesEntry,
} from '../../platform/n8n/whatsapp';
import { buildWorkflow, type Edge, type NodeSpec } from '../../platform/n8n/workflow';
import { agendaPermissions } from './permissions';

/**
 * The agenda's n8n workflows, generated with the tenant's URLs: WhatsApp in → the chat agent,
 * the agent's replies and the owner's notifications → WhatsApp out (signature checked), and the
 * two campaigns on n8n's schedule for a tenant that wants n8n to own it.
 */

const agendaCredential: CredentialToCreate = {
  ...headerAuthCredential('Balcão · agenda'),
  typeLabel: 'Header Auth',
  fields: { Name: 'X-Webhook-Secret', Value: 'o segredo de entrada da agenda (Agenda → Configurações → Gerar novo segredo)' },
};

const urlsOf = (publicUrl: string) => ({
  messageReceived: `${publicUrl}/api/v1/webhooks/n8n/message-received`,
  prazoCerto: `${publicUrl}/api/v1/automations/prazo-certo/execute`,
  encherAgenda: `${publicUrl}/api/v1/automations/encher-agenda/execute`,
});

function generated(kind: string, target: WorkflowTarget, spec: { name: string; nodes: NodeSpec[]; edges: Edge[] }) {
  return buildWorkflow({ seed: `${target.tenantId}:${kind}`, kind, generatedAt: target.generatedAt, ...spec });
}

/** WhatsApp Cloud → `POST /api/v1/webhooks/n8n/message-received` with the seed's payload, one per text message. */
async function chatInbound(_trx: TenantTransaction, target: WorkflowTarget): Promise<GeneratedWorkflow> {
  const entry = whatsAppMessagesEntry();
  const workflow = generated('agenda-chat-inbound', target, {
    name: 'Balcão · agenda · WhatsApp → agente de chat',
    nodes: [
      ...entry.nodes,
      setFields('Payload da agenda', {
        tenant_id: { type: 'string', value: target.tenantId },
        client_name: {
          type: 'string',
          value: `={{ ${WHATSAPP_SENDER_NAME} }}`,
        },
        phone: { type: 'string', value: '={{ $json.messages.from ? "+" + $json.messages.from : "" }}' },
        message: {
          type: 'string',
          value: '={{ $json.messages.text?.body ?? $json.messages.button?.text ?? $json.messages.interactive?.button_reply?.title ?? "" }}',
        },
        channel: { type: 'string', value: 'whatsapp' },
        timestamp: {
          type: 'string',
          value: '={{ $json.messages.timestamp ? DateTime.fromSeconds(Number($json.messages.timestamp)).toISO() : $now.toISO() }}',
        },
      }),
      ifTrue('Mensagem de texto?', "$json.phone !== '' && $json.message.trim() !== ''"),
      postJson('Enviar à agenda', {
        url: urlsOf(target.publicUrl).messageReceived,
        body: '={{ JSON.stringify({ ...$json, client_name: $json.client_name || undefined }) }}',
        credential: agendaCredential,
      }),
      stopWithError(
        'Sem texto',
        "={{ 'Mensagem do WhatsApp sem remetente ou texto (o agente só lê texto): ' + JSON.stringify($json).slice(0, 500) }}",
      ),
    ],
    edges: [
      ...entry.edges,
      [WHATSAPP_MESSAGE_NODE, 'Payload da agenda'],
      ['Payload da agenda', 'Mensagem de texto?'],
      ['Mensagem de texto?', 'Enviar à agenda'],
      ['Mensagem de texto?', 'Sem texto', 1],
    ],
  });
  return {
    fileName: 'balcao-agenda-whatsapp-entrada.json',
    workflow,
    credentials: [WHATSAPP_TRIGGER_CREDENTIAL, agendaCredential],
    environment: [],
  };
}

/**
 * Balcão's messages to a client (the agent's replies, approvals, campaign offers) → WhatsApp. The
 * delivery's signature is checked (401 otherwise); a failed send answers 502, so Balcão tries again.
 */
async function chatOutbound(_trx: TenantTransaction, target: WorkflowTarget): Promise<GeneratedWorkflow> {
  const secretEnv = secretEnvName('AGENDA', target.tenantId);
  const phoneNumberEnv = secretEnvName('WHATSAPP_NUMERO', target.tenantId);
  const send = signedWhatsAppSend({
    path: `balcao/agenda/${target.tenantId}/saida`,
    secretEnv,
    phoneNumberEnv,
    toField: 'phone',
    textField: 'message',
  });
  const workflow = generated('agenda-chat-outbound', target, {
    name: 'Balcão · agenda · respostas → WhatsApp',
    nodes: [
      ...send.nodes,
      respond('Responder ao Balcão', {
        status: 200,
        body: `={{ JSON.stringify({ externalId: $json.messages?.[0]?.id ?? null }) }}`,
      }),
      respond('Falha no envio (502)', {
        status: 502,
        body: `={{ JSON.stringify({ error: 'ERR_WHATSAPP', message: ${WHATSAPP_FAILURE_REASON} }) }}`,
      }),
    ],
    edges: [...send.edges, [WHATSAPP_SEND_NODE, 'Responder ao Balcão'], [WHATSAPP_SEND_NODE, 'Falha no envio (502)', 1]],
  });
  return {
    fileName: 'balcao-agenda-whatsapp-saida.json',
    workflow,
    credentials: [WHATSAPP_SEND_CREDENTIAL],
    environment: [
      { name: secretEnv, value: 'o segredo de entrada da agenda (o mesmo da credencial Balcão · agenda)' },
      { name: phoneNumberEnv, value: 'o Phone Number ID do número do WhatsApp Cloud que envia as mensagens' },
    ],
  };
}

/**
 * Prazo Certo every day at 09:00 and Encher Agenda on weekdays at 08:00 (n8n's time zone). Each
 * run's campaign_id is its scheduled moment, so an n8n retry of that run (the HTTP node's tries or
 * "Retry execution") is the same campaign run in Balcão, never a second one.
 */
async function automations(_trx: TenantTransaction, target: WorkflowTarget): Promise<GeneratedWorkflow> {
  const urls = urlsOf(target.publicUrl);
  const campaignBody = (prefix: string) =>
    `={{ JSON.stringify({ campaign_id: '${prefix}-' + DateTime.fromISO($json.timestamp).toUTC().toFormat("yyyyMMdd'T'HHmm") }) }}`;
  const workflow = generated('agenda-automations', target, {
    name: 'Balcão · agenda · campanhas no horário do n8n',
    nodes: [
      cronTrigger('Todo dia às 9h', '0 9 * * *'),
      postJson('Prazo Certo', { url: urls.prazoCerto, body: campaignBody('n8n-prazo-certo'), credential: agendaCredential }),
      cronTrigger('Dias úteis às 8h', '0 8 * * 1-5'),
      postJson('Encher Agenda', { url: urls.encherAgenda, body: campaignBody('n8n-encher-agenda'), credential: agendaCredential }),
    ],
    edges: [
      ['Todo dia às 9h', 'Prazo Certo'],
      ['Dias úteis às 8h', 'Encher Agenda'],
    ],
  });
  return { fileName: 'balcao-agenda-campanhas.json', workflow, credentials: [agendaCredential], environment: [] };
}

const tenantKind = (kind: string, label: string, permission: string, generate: N8nWorkflowKind['generate']): N8nWorkflowKind => ({
  kind,
  label,
  module: 'agenda',
  permission,
  perChannel: false,
  generate,
});

export const agendaN8nWorkflows: readonly N8nWorkflowKind[] = [
  tenantKind('agenda-chat-inbound', 'Agente de chat: WhatsApp → agenda', agendaPermissions['agenda.settings.write'], chatInbound),
  tenantKind(
    'agenda-chat-outbound',
    'Agente de chat: respostas da agenda → WhatsApp',
    agendaPermissions['agenda.settings.write'],
    chatOutbound,
  ),
  tenantKind(
    'agenda-automations',
    'Campanhas Prazo Certo e Encher Agenda no horário do n8n',
    agendaPermissions['agenda.campaigns.write'],
    automations,
  ),
];
