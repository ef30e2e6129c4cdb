import type { CredentialToCreate } from './kinds';
import { whatsAppSendCredential, whatsAppSendText, whatsAppTrigger, whatsAppTriggerCredential } from './nodes';
import { DELIVERY_NODE, SIGNATURE_CHECK_NODE, signedDeliveryEntry } from './signed-delivery';
import type { Edge, NodeSpec } from './workflow';

/** The Meta app behind n8n's WhatsApp Trigger (one per app: Meta allows one subscription). */
export const WHATSAPP_TRIGGER_CREDENTIAL: CredentialToCreate = {
  ...whatsAppTriggerCredential('Balcão · WhatsApp (app da Meta)'),
  typeLabel: 'WhatsApp OAuth API',
  fields: { 'Client ID': 'o App ID do app da Meta', 'Client Secret': 'o App Secret do app da Meta' },
};

/** The WhatsApp Cloud number's token, for n8n's WhatsApp node. */
export const WHATSAPP_SEND_CREDENTIAL: CredentialToCreate = {
  ...whatsAppSendCredential('Balcão · WhatsApp (envio)'),
  typeLabel: 'WhatsApp API',
  fields: { 'Access Token': 'o token permanente do WhatsApp Cloud', 'Business Account ID': 'o ID da conta do WhatsApp Business' },
};

/** The node the messages leave from, one item each: `$json.messages` is Meta's message, `$json.contacts` its batch's contacts. */
export const WHATSAPP_MESSAGE_NODE = 'Uma mensagem por item';

/**
 * The start of a workflow fed by WhatsApp Cloud: n8n's WhatsApp Trigger (statuses carry no
 * `messages` and stop here), then one item per message of Meta's batch, with the batch's contacts
 * beside it. Connect the next node to WHATSAPP_MESSAGE_NODE.
 */
export function whatsAppMessagesEntry(): { nodes: NodeSpec[]; edges: Edge[] } {
  return {
    nodes: [
      whatsAppTrigger('WhatsApp', WHATSAPP_TRIGGER_CREDENTIAL),
      {
        name: WHATSAPP_MESSAGE_NODE,
        type: 'n8n-nodes-base.splitOut',
        typeVersion: 1,
        parameters: { fieldToSplitOut: 'messages', include: 'selectedOtherFields', fieldsToInclude: 'contacts', options: {} },
      },
    ],
    edges: [['WhatsApp', WHATSAPP_MESSAGE_NODE]],
  };
}

/** An expression for the sender's profile name, from the contacts beside the message. */
export const WHATSAPP_SENDER_NAME = '($json.contacts ?? []).find(c => c.wa_id === $json.messages.from)?.profile?.name ?? ""';

/** The node that sends the delivery's text: output 0 Meta's answer (`messages[0].id`), output 1 a refused send. */
export const WHATSAPP_SEND_NODE = 'Enviar pelo WhatsApp';

/**
 * Balcão's signed delivery sent on through WhatsApp: the signature check (signedDeliveryEntry),
 * then n8n's WhatsApp node from the number in n8n's env `phoneNumberEnv`, to and text read from
 * the delivery's fields. Connect the outcome to WHATSAPP_SEND_NODE's outputs 0 and 1.
 */
export function signedWhatsAppSend(options: {
  path: string;
  secretEnv: string;
  phoneNumberEnv: string;
  toField: string;
  textField: string;
}): {
  nodes: NodeSpec[];
  edges: Edge[];
  /** An expression for the delivery's payload. */
  delivery: string;
} {
  const entry = signedDeliveryEntry({ path: options.path, secretEnv: options.secretEnv });
  const delivery = `$('${DELIVERY_NODE}').item.json.body`;
  return {
    nodes: [
      ...entry.nodes,
      whatsAppSendText(WHATSAPP_SEND_NODE, {
        phoneNumberId: `={{ $env.${options.phoneNumberEnv} }}`,
        to: `={{ ${delivery}.${options.toField} }}`,
        text: `={{ ${delivery}.${options.textField} }}`,
        credential: WHATSAPP_SEND_CREDENTIAL,
      }),
    ],
    edges: [...entry.edges, [SIGNATURE_CHECK_NODE, WHATSAPP_SEND_NODE]],
    delivery,
  };
}

/** An expression for WhatsApp's id of the message the send node sent. */
export const SENT_WHATSAPP_ID = `$('${WHATSAPP_SEND_NODE}').item.json.messages?.[0]?.id`;
