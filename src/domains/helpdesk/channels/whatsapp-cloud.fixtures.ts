/**
 * WhatsApp Cloud API webhook payloads shaped like Meta's documented examples (with the extra
 * fields Meta sends, which the parser must tolerate), for the provider's tests.
 */

export const PHONE_NUMBER_ID = '106540352242922';
export const OTHER_PHONE_NUMBER_ID = '109876543210987';
export const WABA_ID = '102290129340398';
export const CUSTOMER_WA_ID = '5511987654321';
export const OTHER_CUSTOMER_WA_ID = '5521998887766';
/** 2025-06-08T20:59:43Z */
export const TIMESTAMP = '1749416383';
export const TIMESTAMP_DATE = new Date(Number(TIMESTAMP) * 1000);

type Json = Record<string, unknown>;

export function wamid(suffix: string): string {
  return `wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFjNFQjA${suffix}`;
}

export function messagesChange(value: { phoneNumberId?: string; contacts?: Json[]; messages?: Json[]; statuses?: Json[] }): Json {
  const phoneNumberId = value.phoneNumberId ?? PHONE_NUMBER_ID;
  return {
    value: {
      messaging_product: 'whatsapp',
      metadata: {
        display_phone_number: phoneNumberId === PHONE_NUMBER_ID ? '551130001000' : '551130002000',
        phone_number_id: phoneNumberId,
      },
      ...(value.contacts ? { contacts: value.contacts } : {}),
      ...(value.messages ? { messages: value.messages } : {}),
      ...(value.statuses ? { statuses: value.statuses } : {}),
    },
    field: 'messages',
  };
}

export function webhook(changes: Json[], entryId = WABA_ID): Json {
  return { object: 'whatsapp_business_account', entry: [{ id: entryId, changes }] };
}

export function contact(waId: string, name: string): Json {
  // user_id / identity fields: newer fields Meta sends that the parser must ignore.
  return { profile: { name }, wa_id: waId, user_id: `BR.${waId}` };
}

/** A webhook with one message from the usual customer, named in contacts[]. */
export function inboundWebhook(message: Json, from = CUSTOMER_WA_ID, name = 'Maria Souza'): Json {
  return webhook([messagesChange({ contacts: [contact(from, name)], messages: [{ from, timestamp: TIMESTAMP, ...message }] })]);
}

export const messages = {
  text: { id: wamid('TEXT01'), type: 'text', text: { body: 'Olá! Vocês abrem no sábado?' } },
  quotedText: {
    id: wamid('TEXT02'),
    type: 'text',
    text: { body: 'Pode ser às 15h' },
    context: { from: '551130001000', id: wamid('OUT001') },
  },
  image: {
    id: wamid('IMG001'),
    type: 'image',
    image: {
      caption: 'Foto do comprovante',
      mime_type: 'image/jpeg',
      sha256: 'n2d8aN1ZSNXrQDNk3K5bXoBhMoJ6oWZu3zJ4Xh7vWUg=',
      id: '1234567890123456',
    },
  },
  audio: {
    id: wamid('AUD001'),
    type: 'audio',
    audio: {
      mime_type: 'audio/ogg; codecs=opus',
      sha256: 'fA2bR2yN0pL5Q3k7m8n9o0p1q2r3s4t5u6v7w8x9y0z=',
      id: '2345678901234567',
      voice: true,
    },
  },
  video: {
    id: wamid('VID001'),
    type: 'video',
    video: {
      caption: 'Olha o barulho no motor',
      mime_type: 'video/mp4',
      sha256: 'c2hhMjU2LXZpZGVvLWhhc2gtZXhhbXBsZS12YWx1ZQ==',
      id: '3456789012345678',
    },
  },
  document: {
    id: wamid('DOC001'),
    type: 'document',
    document: {
      caption: 'Segue a nota fiscal',
      filename: 'NF-2025-0042.pdf',
      mime_type: 'application/pdf',
      sha256: 'ZG9jdW1lbnQtc2hhMjU2LWhhc2gtZXhhbXBsZQ==',
      id: '4567890123456789',
    },
  },
  sticker: {
    id: wamid('STK001'),
    type: 'sticker',
    sticker: { mime_type: 'image/webp', sha256: 'c3RpY2tlci1oYXNo', id: '5678901234567890', animated: false },
  },
  location: {
    id: wamid('LOC001'),
    type: 'location',
    location: {
      latitude: -23.561414,
      longitude: -46.655881,
      name: 'Clínica Bem Estar',
      address: 'Av. Paulista, 1000 - São Paulo',
      url: 'https://example.com',
    },
  },
  locationPin: { id: wamid('LOC002'), type: 'location', location: { latitude: -22.9068, longitude: -43.1729 } },
  contacts: {
    id: wamid('CON001'),
    type: 'contacts',
    contacts: [
      {
        name: { formatted_name: 'João Pereira', first_name: 'João', last_name: 'Pereira' },
        phones: [{ phone: '+55 11 91234-5678', wa_id: '5511912345678', type: 'CELL' }],
        emails: [{ email: 'joao@example.com', type: 'WORK' }],
      },
    ],
  },
  buttonReply: {
    id: wamid('BTN001'),
    type: 'interactive',
    context: { from: '551130001000', id: wamid('OUT002') },
    interactive: { type: 'button_reply', button_reply: { id: 'confirm_yes', title: 'Confirmar horário' } },
  },
  listReply: {
    id: wamid('LST001'),
    type: 'interactive',
    context: { from: '551130001000', id: wamid('OUT003') },
    interactive: { type: 'list_reply', list_reply: { id: 'svc_corte', title: 'Corte feminino', description: '45 min' } },
  },
  templateButton: {
    id: wamid('TPB001'),
    type: 'button',
    context: { from: '551130001000', id: wamid('OUT004') },
    button: { text: 'Remarcar', payload: 'RESCHEDULE' },
  },
  reaction: { id: wamid('REA001'), type: 'reaction', reaction: { message_id: wamid('OUT005'), emoji: '👍' } },
  reactionRemoved: { id: wamid('REA002'), type: 'reaction', reaction: { message_id: wamid('OUT005') } },
  unknown: {
    id: wamid('UNK001'),
    type: 'unsupported',
    errors: [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ],
    unsupported: { type: 'edit' },
  },
  order: { id: wamid('ORD001'), type: 'order', order: { catalog_id: '123', product_items: [] } },
} satisfies Record<string, Json>;

export function status(id: string, value: 'sent' | 'delivered' | 'read' | 'failed' | 'played' | 'deleted', extra: Json = {}): Json {
  return {
    id,
    status: value,
    timestamp: TIMESTAMP,
    recipient_id: CUSTOMER_WA_ID,
    conversation: { id: 'f9a3c1e7b2d4', origin: { type: 'service' } },
    pricing: { billable: true, pricing_model: 'PMP', category: 'service', type: 'regular' },
    ...extra,
  };
}

export const failedStatusErrors = [
  {
    code: 131047,
    title: 'Re-engagement message',
    message: 'Re-engagement message',
    error_data: {
      details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  },
];

/** A batch as Meta may send under load: two entries, several changes, two business numbers. */
export function multiEntryWebhook(): Json {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          messagesChange({
            contacts: [contact(CUSTOMER_WA_ID, 'Maria Souza')],
            messages: [{ from: CUSTOMER_WA_ID, timestamp: TIMESTAMP, ...messages.text }],
          }),
          messagesChange({ statuses: [status(wamid('OUT010'), 'delivered'), status(wamid('OUT011'), 'read')] }),
          // Another subscribed field with a different value shape: skipped, not refused.
          {
            field: 'message_template_status_update',
            value: { event: 'APPROVED', message_template_id: 1234, message_template_name: 'lembrete' },
          },
        ],
      },
      {
        id: WABA_ID,
        changes: [
          messagesChange({
            phoneNumberId: OTHER_PHONE_NUMBER_ID,
            contacts: [contact(OTHER_CUSTOMER_WA_ID, 'Carlos Lima')],
            messages: [
              { from: OTHER_CUSTOMER_WA_ID, timestamp: TIMESTAMP, ...messages.image },
              // Sender missing from contacts[]: no name, still imported.
              { from: '5531977776666', timestamp: TIMESTAMP, ...messages.location },
            ],
          }),
        ],
      },
    ],
  };
}
