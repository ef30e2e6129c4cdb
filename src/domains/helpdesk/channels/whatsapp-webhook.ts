/**
 * WhatsApp Cloud API webhooks (Meta): the subscription check (GET), the signature of each post,
 * and its payloads turned into the helpdesk's normalized inbound shapes. Knows nothing of
 * tenants, tickets or storage; the helpdesk core wires it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { InboundBatch, InboundMedia, InboundMessage, InboundStatus, MessageKind } from './provider';

// ---------------------------------------------------------------------------------------------
// Webhook subscription (GET) and signature (POST)
// ---------------------------------------------------------------------------------------------

export type WebhookSubscriptionResult = { ok: true; challenge: string } | { ok: false; reason: string };

/** Constant-time string equality that does not leak the length through early exit. */
function secretsEqual(expected: string, actual: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(actual).digest();
  return timingSafeEqual(a, b) && expected.length === actual.length;
}

/**
 * Meta's webhook verification request: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
 * Answer the challenge as the plain-text body (HTTP 200) when `ok`, otherwise 403.
 */
export function verifyWebhookSubscription(query: Record<string, unknown>, verifyToken: string): WebhookSubscriptionResult {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (verifyToken.length === 0) return { ok: false, reason: 'no verify token is configured for this channel' };
  if (typeof mode !== 'string' || mode !== 'subscribe') return { ok: false, reason: 'hub.mode must be "subscribe"' };
  if (typeof token !== 'string' || !secretsEqual(verifyToken, token)) return { ok: false, reason: 'hub.verify_token does not match' };
  if (typeof challenge !== 'string' || challenge.length === 0) return { ok: false, reason: 'hub.challenge is missing' };
  return { ok: true, challenge };
}

const SIGNATURE_HEADER_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, rawBody)>` over the exact bytes
 * received (never a re-serialised body). False for a missing or malformed header or an empty secret.
 */
export function verifyWhatsappSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (appSecret.length === 0 || typeof header !== 'string') return false;
  const match = SIGNATURE_HEADER_PATTERN.exec(header.trim());
  if (!match) return false;
  const received = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}

// ---------------------------------------------------------------------------------------------
// Webhook payload (POST): schemas
// ---------------------------------------------------------------------------------------------
// z.object strips unknown keys, so fields Meta adds later are tolerated; wrong types are not.

const unixSeconds = z.string().regex(/^\d{1,12}$/, 'expected unix seconds as a string of digits');

const whatsappErrorSchema = z.object({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});

const mediaObjectSchema = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
});

const contactCardSchema = z.object({
  name: z.object({ formatted_name: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
  phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
  emails: z.array(z.object({ email: z.string().optional(), type: z.string().optional() })).optional(),
  org: z.object({ company: z.string().optional() }).optional(),
});

const replyChoiceSchema = z.object({ id: z.string(), title: z.string(), description: z.string().optional() });

/** The message types we map to a kind of their own; each must carry its same-named object. */
const TYPED_MESSAGE_FIELDS = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
] as const;

export const whatsappInboundMessageSchema = z
  .object({
    from: z.string().min(1),
    id: z.string().min(1),
    timestamp: unixSeconds,
    /** A string, not an enum: types Meta adds later must arrive as 'unsupported', not be refused. */
    type: z.string().min(1),
    context: z.object({ id: z.string().optional(), from: z.string().optional(), forwarded: z.boolean().optional() }).optional(),
    text: z.object({ body: z.string() }).optional(),
    image: mediaObjectSchema.optional(),
    audio: mediaObjectSchema.extend({ voice: z.boolean().optional() }).optional(),
    video: mediaObjectSchema.optional(),
    document: mediaObjectSchema.extend({ filename: z.string().optional() }).optional(),
    sticker: mediaObjectSchema.extend({ animated: z.boolean().optional() }).optional(),
    location: z
      .object({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
        url: z.string().optional(),
      })
      .optional(),
    contacts: z.array(contactCardSchema).optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: replyChoiceSchema.optional(),
        list_reply: replyChoiceSchema.optional(),
        nfm_reply: z.object({ body: z.string().optional(), name: z.string().optional() }).optional(),
      })
      .optional(),
    button: z.object({ text: z.string(), payload: z.string().optional() }).optional(),
    reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }).optional(),
    system: z.object({ body: z.string().optional(), type: z.string().optional() }).optional(),
    errors: z.array(whatsappErrorSchema).optional(),
  })
  .superRefine((message, ctx) => {
    const field = TYPED_MESSAGE_FIELDS.find((name) => name === message.type);
    if (field && message[field] === undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: `a message of type "${field}" must carry a "${field}" object` });
    }
  });
export type WhatsappInboundMessagePayload = z.infer<typeof whatsappInboundMessageSchema>;

export const whatsappStatusSchema = z.object({
  id: z.string().min(1),
  /** A string: statuses we do not track (Meta's 'played', 'deleted') are skipped, not refused. */
  status: z.string().min(1),
  timestamp: unixSeconds,
  recipient_id: z.string(),
  errors: z.array(whatsappErrorSchema).optional(),
});
export type WhatsappStatusPayload = z.infer<typeof whatsappStatusSchema>;

/** `entry[].changes[].value` of a change whose `field` is `messages`. */
export const whatsappMessagesValueSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(whatsappInboundMessageSchema).optional(),
  statuses: z.array(whatsappStatusSchema).optional(),
  errors: z.array(whatsappErrorSchema).optional(),
});
export type WhatsappMessagesValue = z.infer<typeof whatsappMessagesValueSchema>;

/** The envelope. A change's value is checked only for `field: 'messages'`; other fields are skipped. */
export const whatsappWebhookEnvelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

// ---------------------------------------------------------------------------------------------
// Webhook payload (POST): mapping
// ---------------------------------------------------------------------------------------------

export interface WhatsappWebhookIssue {
  /** Dotted path into the payload, e.g. `entry.0.changes.0.value.messages.0.timestamp`. */
  path: string;
  message: string;
}

/** Inbound items keep the business phone number they reached, for routing to the right channel. */
export type WhatsappInboundMessage = InboundMessage & { phoneNumberId: string };
export type WhatsappInboundStatus = InboundStatus & { phoneNumberId: string };

export interface WhatsappInboundBatch extends InboundBatch {
  messages: WhatsappInboundMessage[];
  statuses: WhatsappInboundStatus[];
  /** Every `metadata.phone_number_id` the payload carried, in order of first appearance. */
  phoneNumberIds: string[];
}

export type ParseWhatsappWebhookResult = { ok: true; batch: WhatsappInboundBatch } | { ok: false; issues: WhatsappWebhookIssue[] };

function toIssues(error: z.ZodError, prefix: PropertyKey[] = []): WhatsappWebhookIssue[] {
  return error.issues.map((issue) => ({ path: [...prefix, ...issue.path].map(String).join('.'), message: issue.message }));
}

/** Postgres text cannot hold U+0000; a contact's message must not become a poison row. */
const clean = (value: string) => value.replaceAll('\u0000', '');

function cleanOptional(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const cleaned = clean(value).trim();
  return cleaned.length > 0 ? cleaned : undefined;
}

function fromUnixSeconds(seconds: string): Date {
  return new Date(Number(seconds) * 1000);
}

function describeError(error: z.infer<typeof whatsappErrorSchema> | undefined): string {
  if (!error) return 'falha sem detalhes do WhatsApp';
  const parts = [error.title, error.message, error.error_data?.details].filter((part): part is string => !!part && part.trim().length > 0);
  const unique = parts.filter((part, index) => parts.indexOf(part) === index);
  return `${unique.join(': ') || 'erro do WhatsApp'} (código ${error.code})`;
}

function describeLocation(location: NonNullable<WhatsappInboundMessagePayload['location']>): string {
  const place = [location.name, location.address].filter((part): part is string => !!part && part.trim().length > 0).join(' — ');
  const coordinates = `${location.latitude}, ${location.longitude}`;
  const mapLink = `https://maps.google.com/?q=${location.latitude},${location.longitude}`;
  return place ? `📍 ${place} (${coordinates})\n${mapLink}` : `📍 Localização: ${coordinates}\n${mapLink}`;
}

function describeContacts(cards: z.infer<typeof contactCardSchema>[]): string {
  const lines = cards.map((card) => {
    const name = card.name?.formatted_name ?? [card.name?.first_name, card.name?.last_name].filter(Boolean).join(' ');
    const phones = (card.phones ?? []).map((phone) => phone.phone ?? phone.wa_id).filter((phone): phone is string => !!phone);
    const label = name || 'Contato sem nome';
    return phones.length > 0 ? `👤 ${label}: ${phones.join(', ')}` : `👤 ${label}`;
  });
  return lines.length > 0 ? lines.join('\n') : '👤 Contato compartilhado';
}

function mediaOf(media: z.infer<typeof mediaObjectSchema> & { filename?: string }): InboundMedia {
  const result: InboundMedia = { providerMediaId: media.id };
  if (media.mime_type) result.mimeType = media.mime_type;
  if (media.sha256) result.sha256 = media.sha256;
  const fileName = cleanOptional(media.filename);
  if (fileName) result.fileName = fileName;
  return result;
}

interface MappedContent {
  kind: MessageKind;
  body?: string | undefined;
  media?: InboundMedia;
  quotedExternalId?: string | undefined;
}

function contentOf(message: WhatsappInboundMessagePayload): MappedContent {
  switch (message.type) {
    case 'text':
      return { kind: 'text', body: message.text?.body };
    case 'image':
      return message.image ? { kind: 'image', body: message.image.caption, media: mediaOf(message.image) } : unsupported(message);
    case 'video':
      return message.video ? { kind: 'video', body: message.video.caption, media: mediaOf(message.video) } : unsupported(message);
    case 'audio':
      return message.audio ? { kind: 'audio', media: mediaOf(message.audio) } : unsupported(message);
    case 'sticker':
      return message.sticker ? { kind: 'sticker', media: mediaOf(message.sticker) } : unsupported(message);
    case 'document':
      return message.document
        ? { kind: 'document', body: message.document.caption, media: mediaOf(message.document) }
        : unsupported(message);
    case 'location':
      return message.location ? { kind: 'location', body: describeLocation(message.location) } : unsupported(message);
    case 'contacts':
      return { kind: 'contacts', body: describeContacts(message.contacts ?? []) };
    case 'button':
      return { kind: 'text', body: message.button?.text };
    case 'interactive': {
      const choice = message.interactive?.button_reply ?? message.interactive?.list_reply;
      if (choice) return { kind: 'text', body: choice.title };
      if (message.interactive?.nfm_reply)
        return { kind: 'unsupported', body: message.interactive.nfm_reply.body ?? '[Formulário respondido]' };
      return unsupported(message);
    }
    case 'reaction': {
      const emoji = message.reaction?.emoji;
      return {
        kind: 'unsupported',
        body: emoji ? `[Reagiu com ${emoji}]` : '[Removeu a reação]',
        quotedExternalId: message.reaction?.message_id,
      };
    }
    default:
      return unsupported(message);
  }
}

function unsupported(message: WhatsappInboundMessagePayload): MappedContent {
  if (message.system?.body) return { kind: 'unsupported', body: `[Aviso do WhatsApp] ${message.system.body}` };
  const reason = message.errors?.[0]?.title ?? message.errors?.[0]?.message;
  return { kind: 'unsupported', body: `[Mensagem não suportada: ${message.type}${reason ? ` — ${reason}` : ''}]` };
}

function mapMessage(message: WhatsappInboundMessagePayload, names: Map<string, string>, phoneNumberId: string): WhatsappInboundMessage {
  const content = contentOf(message);
  const mapped: WhatsappInboundMessage = {
    externalId: message.id,
    from: message.from,
    kind: content.kind,
    sentAt: fromUnixSeconds(message.timestamp),
    phoneNumberId,
  };
  const contactName = names.get(message.from);
  if (contactName) mapped.contactName = contactName;
  const body = cleanOptional(content.body);
  if (body) mapped.body = body;
  if (content.media) mapped.media = content.media;
  const quoted = content.quotedExternalId ?? message.context?.id;
  if (quoted) mapped.quotedExternalId = quoted;
  return mapped;
}

const TRACKED_STATUSES = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed', played: 'read' } as const satisfies Record<
  string,
  InboundStatus['status']
>;

function mapStatus(status: WhatsappStatusPayload, phoneNumberId: string): WhatsappInboundStatus | undefined {
  const tracked = Object.hasOwn(TRACKED_STATUSES, status.status)
    ? TRACKED_STATUSES[status.status as keyof typeof TRACKED_STATUSES]
    : undefined;
  if (!tracked) return undefined;
  const mapped: WhatsappInboundStatus = { messageRef: status.id, status: tracked, at: fromUnixSeconds(status.timestamp), phoneNumberId };
  if (tracked === 'failed') mapped.error = describeError(status.errors?.[0]);
  return mapped;
}

/**
 * Validates a webhook body (already JSON-parsed, after the signature check) and maps it to the
 * normalized batch. Any malformed `messages` change refuses the whole payload with its issues:
 * Meta retries, and nothing is half-imported.
 */
export function parseWhatsappWebhook(payload: unknown): ParseWhatsappWebhookResult {
  const envelope = whatsappWebhookEnvelopeSchema.safeParse(payload);
  if (!envelope.success) return { ok: false, issues: toIssues(envelope.error) };

  const issues: WhatsappWebhookIssue[] = [];
  const batch: WhatsappInboundBatch = { messages: [], statuses: [], phoneNumberIds: [] };
  envelope.data.entry.forEach((entry, entryIndex) => {
    entry.changes.forEach((change, changeIndex) => {
      if (change.field !== 'messages') return;
      const parsed = whatsappMessagesValueSchema.safeParse(change.value);
      if (!parsed.success) {
        issues.push(...toIssues(parsed.error, ['entry', entryIndex, 'changes', changeIndex, 'value']));
        return;
      }
      const value = parsed.data;
      const phoneNumberId = value.metadata.phone_number_id;
      if (!batch.phoneNumberIds.includes(phoneNumberId)) batch.phoneNumberIds.push(phoneNumberId);
      const names = new Map<string, string>();
      for (const contact of value.contacts ?? []) {
        const name = cleanOptional(contact.profile?.name);
        if (name) names.set(contact.wa_id, name);
      }
      for (const message of value.messages ?? []) batch.messages.push(mapMessage(message, names, phoneNumberId));
      for (const status of value.statuses ?? []) {
        const mapped = mapStatus(status, phoneNumberId);
        if (mapped) batch.statuses.push(mapped);
      }
    });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, batch };
}

/** The part of a batch that reached one business phone number (one channel). */
export function batchForPhoneNumber(batch: WhatsappInboundBatch, phoneNumberId: string): InboundBatch {
  return {
    messages: batch.messages.filter((message) => message.phoneNumberId === phoneNumberId),
    statuses: batch.statuses.filter((status) => status.phoneNumberId === phoneNumberId),
  };
}
