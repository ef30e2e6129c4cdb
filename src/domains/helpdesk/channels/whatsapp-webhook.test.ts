import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  batchForPhoneNumber,
  parseWhatsappWebhook,
  verifyWebhookSubscription,
  verifyWhatsappSignature,
  type WhatsappInboundBatch,
} from './whatsapp-webhook';
import {
  contact,
  CUSTOMER_WA_ID,
  failedStatusErrors,
  inboundWebhook,
  messages,
  messagesChange,
  multiEntryWebhook,
  OTHER_CUSTOMER_WA_ID,
  OTHER_PHONE_NUMBER_ID,
  PHONE_NUMBER_ID,
  status,
  TIMESTAMP,
  TIMESTAMP_DATE,
  wamid,
  webhook,
} from './whatsapp-cloud.fixtures';

const APP_SECRET = 'b5f1e3d9c7a2468ea0f1c2d3e4f5a6b7';

function parsedBatch(payload: unknown): WhatsappInboundBatch {
  const result = parseWhatsappWebhook(payload);
  if (!result.ok) throw new Error(`expected a valid payload, got ${JSON.stringify(result.issues)}`);
  return result.batch;
}

function onlyMessage(payload: unknown) {
  const batch = parsedBatch(payload);
  expect(batch.messages).toHaveLength(1);
  return batch.messages[0]!;
}

describe('verifyWebhookSubscription', () => {
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'meu-token-de-verificacao', 'hub.challenge': '1158201444' };

  it('answers the challenge when mode and token match', () => {
    expect(verifyWebhookSubscription(query, 'meu-token-de-verificacao')).toEqual({ ok: true, challenge: '1158201444' });
  });

  it('refuses a wrong token, a wrong mode, a missing challenge or an unconfigured token', () => {
    expect(verifyWebhookSubscription(query, 'outro-token')).toMatchObject({ ok: false, reason: expect.stringContaining('verify_token') });
    expect(verifyWebhookSubscription({ ...query, 'hub.verify_token': 'meu-token' }, 'meu-token-de-verificacao')).toMatchObject({
      ok: false,
    });
    expect(verifyWebhookSubscription({ ...query, 'hub.mode': 'unsubscribe' }, 'meu-token-de-verificacao')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('hub.mode'),
    });
    expect(verifyWebhookSubscription({ ...query, 'hub.mode': ['subscribe', 'subscribe'] }, 'meu-token-de-verificacao')).toMatchObject({
      ok: false,
    });
    expect(verifyWebhookSubscription({ ...query, 'hub.challenge': undefined }, 'meu-token-de-verificacao')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('challenge'),
    });
    expect(verifyWebhookSubscription({ ...query, 'hub.verify_token': '' }, '')).toMatchObject({ ok: false });
  });
});

describe('verifyWhatsappSignature', () => {
  const rawBody = Buffer.from(JSON.stringify(inboundWebhook(messages.text)));
  const sign = (body: Buffer, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('accepts the HMAC-SHA256 of the raw body with the app secret', () => {
    expect(verifyWhatsappSignature(rawBody, sign(rawBody), APP_SECRET)).toBe(true);
  });

  it('refuses a tampered body or a signature made with another secret', () => {
    const tampered = Buffer.from(rawBody.toString().replace('sábado', 'domingo'));
    expect(verifyWhatsappSignature(tampered, sign(rawBody), APP_SECRET)).toBe(false);
    expect(verifyWhatsappSignature(rawBody, sign(rawBody, 'another-app-secret'), APP_SECRET)).toBe(false);
  });

  it('refuses a missing or malformed header and an empty secret', () => {
    const hex = sign(rawBody).slice('sha256='.length);
    for (const header of [
      undefined,
      '',
      hex,
      `sha1=${hex}`,
      `sha256=${hex.slice(0, 63)}`,
      `sha256=${hex}00`,
      `sha256=${'z'.repeat(64)}`,
      'sha256=',
    ]) {
      expect(verifyWhatsappSignature(rawBody, header, APP_SECRET), String(header)).toBe(false);
    }
    expect(verifyWhatsappSignature(rawBody, sign(rawBody, ''), '')).toBe(false);
  });
});

describe('parseWhatsappWebhook', () => {
  it('maps a text message with the contact name from contacts[] and the unix timestamp', () => {
    const batch = parsedBatch(inboundWebhook(messages.text));
    expect(batch).toEqual({
      messages: [
        {
          externalId: messages.text.id,
          from: CUSTOMER_WA_ID,
          contactName: 'Maria Souza',
          kind: 'text',
          body: 'Olá! Vocês abrem no sábado?',
          sentAt: TIMESTAMP_DATE,
          phoneNumberId: PHONE_NUMBER_ID,
        },
      ],
      statuses: [],
      phoneNumberIds: [PHONE_NUMBER_ID],
    });
  });

  it('keeps the quoted message id from context.id', () => {
    expect(onlyMessage(inboundWebhook(messages.quotedText))).toMatchObject({
      kind: 'text',
      body: 'Pode ser às 15h',
      quotedExternalId: wamid('OUT001'),
    });
  });

  it('maps image, video and document with caption as body and the media reference', () => {
    expect(onlyMessage(inboundWebhook(messages.image))).toMatchObject({
      kind: 'image',
      body: 'Foto do comprovante',
      media: { providerMediaId: '1234567890123456', mimeType: 'image/jpeg', sha256: messages.image.image.sha256 },
    });
    expect(onlyMessage(inboundWebhook(messages.video))).toMatchObject({
      kind: 'video',
      body: 'Olha o barulho no motor',
      media: { providerMediaId: '3456789012345678', mimeType: 'video/mp4' },
    });
    expect(onlyMessage(inboundWebhook(messages.document))).toMatchObject({
      kind: 'document',
      body: 'Segue a nota fiscal',
      media: {
        providerMediaId: '4567890123456789',
        mimeType: 'application/pdf',
        fileName: 'NF-2025-0042.pdf',
        sha256: messages.document.document.sha256,
      },
    });
  });

  it('maps audio (voice note) and sticker as media without a body', () => {
    const audio = onlyMessage(inboundWebhook(messages.audio));
    expect(audio).toMatchObject({ kind: 'audio', media: { providerMediaId: '2345678901234567', mimeType: 'audio/ogg; codecs=opus' } });
    expect(audio.body).toBeUndefined();
    const sticker = onlyMessage(inboundWebhook(messages.sticker));
    expect(sticker).toMatchObject({ kind: 'sticker', media: { providerMediaId: '5678901234567890', mimeType: 'image/webp' } });
    expect(sticker.body).toBeUndefined();
  });

  it('turns a location into a readable body', () => {
    const named = onlyMessage(inboundWebhook(messages.location));
    expect(named.kind).toBe('location');
    expect(named.body).toContain('Clínica Bem Estar');
    expect(named.body).toContain('Av. Paulista, 1000 - São Paulo');
    expect(named.body).toContain('https://maps.google.com/?q=-23.561414,-46.655881');
    const pin = onlyMessage(inboundWebhook(messages.locationPin));
    expect(pin.body).toContain('-22.9068, -43.1729');
  });

  it('lists shared contacts with their phones', () => {
    const shared = onlyMessage(inboundWebhook(messages.contacts));
    expect(shared.kind).toBe('contacts');
    expect(shared.body).toContain('João Pereira');
    expect(shared.body).toContain('+55 11 91234-5678');
  });

  it('reads interactive button and list replies, and template quick replies, as the chosen title', () => {
    expect(onlyMessage(inboundWebhook(messages.buttonReply))).toMatchObject({
      kind: 'text',
      body: 'Confirmar horário',
      quotedExternalId: wamid('OUT002'),
    });
    expect(onlyMessage(inboundWebhook(messages.listReply))).toMatchObject({
      kind: 'text',
      body: 'Corte feminino',
      quotedExternalId: wamid('OUT003'),
    });
    expect(onlyMessage(inboundWebhook(messages.templateButton))).toMatchObject({ kind: 'text', body: 'Remarcar' });
  });

  it('keeps reactions and unknown types as unsupported with a short body', () => {
    expect(onlyMessage(inboundWebhook(messages.reaction))).toMatchObject({
      kind: 'unsupported',
      body: '[Reagiu com 👍]',
      quotedExternalId: wamid('OUT005'),
    });
    expect(onlyMessage(inboundWebhook(messages.reactionRemoved))).toMatchObject({ kind: 'unsupported', body: '[Removeu a reação]' });
    const unknown = onlyMessage(inboundWebhook(messages.unknown));
    expect(unknown).toMatchObject({ kind: 'unsupported', externalId: messages.unknown.id, from: CUSTOMER_WA_ID });
    expect(unknown.body).toContain('não suportada');
    expect(onlyMessage(inboundWebhook(messages.order))).toMatchObject({ kind: 'unsupported', body: expect.stringContaining('order') });
  });

  it('maps statuses to the wamid they refer to, with the failure reason from errors[0]', () => {
    const batch = parsedBatch(
      webhook([
        messagesChange({
          statuses: [
            status(wamid('OUT001'), 'sent'),
            status(wamid('OUT001'), 'delivered'),
            status(wamid('OUT001'), 'read'),
            status(wamid('OUT002'), 'failed', { errors: failedStatusErrors }),
            status(wamid('OUT003'), 'played'),
            status(wamid('OUT004'), 'deleted'),
          ],
        }),
      ]),
    );
    expect(batch.messages).toEqual([]);
    expect(batch.statuses).toEqual([
      { messageRef: wamid('OUT001'), status: 'sent', at: TIMESTAMP_DATE, phoneNumberId: PHONE_NUMBER_ID },
      { messageRef: wamid('OUT001'), status: 'delivered', at: TIMESTAMP_DATE, phoneNumberId: PHONE_NUMBER_ID },
      { messageRef: wamid('OUT001'), status: 'read', at: TIMESTAMP_DATE, phoneNumberId: PHONE_NUMBER_ID },
      {
        messageRef: wamid('OUT002'),
        status: 'failed',
        at: TIMESTAMP_DATE,
        phoneNumberId: PHONE_NUMBER_ID,
        error: expect.stringContaining('Re-engagement message'),
      },
      // A played voice note has been heard, so it has been read; 'deleted' is not tracked.
      { messageRef: wamid('OUT003'), status: 'read', at: TIMESTAMP_DATE, phoneNumberId: PHONE_NUMBER_ID },
    ]);
    expect(batch.statuses[3]!.error).toContain('131047');
    expect(batch.statuses[3]!.error).toContain('more than 24 hours');
  });

  it('gives a failed status without errors[] a generic reason', () => {
    const batch = parsedBatch(webhook([messagesChange({ statuses: [status(wamid('OUT009'), 'failed')] })]));
    expect(batch.statuses[0]).toMatchObject({ status: 'failed', error: expect.any(String) });
  });

  it('collects a batch of several entries and changes, across business numbers, skipping other fields', () => {
    const batch = parsedBatch(multiEntryWebhook());
    expect(batch.phoneNumberIds).toEqual([PHONE_NUMBER_ID, OTHER_PHONE_NUMBER_ID]);
    expect(batch.messages.map((message) => [message.externalId, message.from, message.contactName, message.phoneNumberId])).toEqual([
      [messages.text.id, CUSTOMER_WA_ID, 'Maria Souza', PHONE_NUMBER_ID],
      [messages.image.id, OTHER_CUSTOMER_WA_ID, 'Carlos Lima', OTHER_PHONE_NUMBER_ID],
      // Not in contacts[]: still imported, just without a name.
      [messages.location.id, '5531977776666', undefined, OTHER_PHONE_NUMBER_ID],
    ]);
    expect(batch.messages[2]).not.toHaveProperty('contactName');
    expect(batch.statuses.map((item) => item.status)).toEqual(['delivered', 'read']);

    const other = batchForPhoneNumber(batch, OTHER_PHONE_NUMBER_ID);
    expect(other.messages.map((message) => message.externalId)).toEqual([messages.image.id, messages.location.id]);
    expect(other.statuses).toEqual([]);
  });

  it('returns phone numbers as given, without adding a plus', () => {
    const message = onlyMessage(inboundWebhook(messages.text, '14155550123', 'Sam'));
    expect(message.from).toBe('14155550123');
  });

  it('tolerates fields Meta adds, and strips NUL characters Postgres cannot store', () => {
    const payload = webhook([
      {
        ...messagesChange({
          contacts: [contact(CUSTOMER_WA_ID, 'Maria\u0000 Souza')],
          messages: [
            {
              from: CUSTOMER_WA_ID,
              timestamp: TIMESTAMP,
              ...messages.text,
              text: { body: 'oi\u0000!' },
              referral: { source_type: 'ad' },
              from_user_id: 'BR.123',
            },
          ],
        }),
        brand_new_field: { anything: true },
      },
    ]);
    expect(onlyMessage(payload)).toMatchObject({ body: 'oi!', contactName: 'Maria Souza' });
  });

  it('accepts a payload with nothing in it', () => {
    expect(parsedBatch({ object: 'whatsapp_business_account', entry: [] })).toEqual({ messages: [], statuses: [], phoneNumberIds: [] });
  });

  it('refuses an unknown object and non-objects', () => {
    for (const payload of [null, 'text', [], { object: 'page', entry: [] }, { object: 'instagram', entry: [{ id: '1', changes: [] }] }]) {
      const result = parseWhatsappWebhook(payload);
      expect(result.ok, JSON.stringify(payload)).toBe(false);
    }
    const result = parseWhatsappWebhook({ object: 'page', entry: [] });
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'object', message: expect.any(String) }] });
  });

  it('refuses wrong types with the path of each issue', () => {
    const numericTimestamp = inboundWebhook({ ...messages.text });
    const change = (numericTimestamp.entry as { changes: { value: { messages: Record<string, unknown>[] } }[] }[])[0]!.changes[0]!;
    change.value.messages[0]!.timestamp = 1749416383;
    expect(parseWhatsappWebhook(numericTimestamp)).toEqual({
      ok: false,
      issues: [{ path: 'entry.0.changes.0.value.messages.0.timestamp', message: expect.any(String) }],
    });

    const textWithoutText = inboundWebhook({ id: wamid('BAD001'), type: 'text' });
    expect(parseWhatsappWebhook(textWithoutText)).toMatchObject({
      ok: false,
      issues: [{ path: 'entry.0.changes.0.value.messages.0.text' }],
    });

    const badStatus = webhook([messagesChange({ statuses: [{ ...status(wamid('OUT001'), 'sent'), id: 42 }] })]);
    expect(parseWhatsappWebhook(badStatus)).toMatchObject({ ok: false, issues: [{ path: 'entry.0.changes.0.value.statuses.0.id' }] });

    const badMedia = inboundWebhook({ ...messages.image, image: { ...messages.image.image, id: 123 } });
    expect(parseWhatsappWebhook(badMedia)).toMatchObject({ ok: false, issues: [{ path: 'entry.0.changes.0.value.messages.0.image.id' }] });

    const noMetadata = webhook([{ field: 'messages', value: { messaging_product: 'whatsapp', messages: [] } }]);
    expect(parseWhatsappWebhook(noMetadata)).toMatchObject({ ok: false, issues: [{ path: 'entry.0.changes.0.value.metadata' }] });

    expect(parseWhatsappWebhook({ object: 'whatsapp_business_account', entry: {} })).toMatchObject({
      ok: false,
      issues: [{ path: 'entry' }],
    });
  });
});
