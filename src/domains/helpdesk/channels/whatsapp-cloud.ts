/**
 * The WhatsApp Cloud API (Meta Graph API) channel provider: webhook subscription and signature
 * checks, webhook payloads turned into the normalized inbound shapes, and a client that sends
 * messages, resolves and downloads media, and checks the connection.
 *
 * Self-contained: it knows nothing of tenants, tickets or storage; the helpdesk core wires it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { InboundBatch, InboundMedia, InboundMessage, InboundStatus, MessageKind, OutboundMessage, SendReceipt } from './provider';

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
const TYPED_MESSAGE_FIELDS = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction'] as const;

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
    location: z.object({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
      url: z.string().optional(),
    }).optional(),
    contacts: z.array(contactCardSchema).optional(),
    interactive: z.object({
      type: z.string(),
      button_reply: replyChoiceSchema.optional(),
      list_reply: replyChoiceSchema.optional(),
      nfm_reply: z.object({ body: z.string().optional(), name: z.string().optional() }).optional(),
    }).optional(),
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
      return message.document ? { kind: 'document', body: message.document.caption, media: mediaOf(message.document) } : unsupported(message);
    case 'location':
      return message.location ? { kind: 'location', body: describeLocation(message.location) } : unsupported(message);
    case 'contacts':
      return { kind: 'contacts', body: describeContacts(message.contacts ?? []) };
    case 'button':
      return { kind: 'text', body: message.button?.text };
    case 'interactive': {
      const choice = message.interactive?.button_reply ?? message.interactive?.list_reply;
      if (choice) return { kind: 'text', body: choice.title };
      if (message.interactive?.nfm_reply) return { kind: 'unsupported', body: message.interactive.nfm_reply.body ?? '[Formulário respondido]' };
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

const TRACKED_STATUSES = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed', played: 'read' } as const satisfies Record<string, InboundStatus['status']>;

function mapStatus(status: WhatsappStatusPayload, phoneNumberId: string): WhatsappInboundStatus | undefined {
  const tracked = Object.hasOwn(TRACKED_STATUSES, status.status) ? TRACKED_STATUSES[status.status as keyof typeof TRACKED_STATUSES] : undefined;
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

// ---------------------------------------------------------------------------------------------
// Graph API client
// ---------------------------------------------------------------------------------------------

/** Meta's throttling and transient codes: the same request may succeed later. */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([
  1, // API Unknown: possible server error
  2, // API Service: temporary downtime or overload
  4, // API Too Many Calls (app rate limit)
  17, // API User Too Many Calls
  32, // Page-level throttling
  613, // Calls exceeded the rate limit
  80007, // WhatsApp Business Account rate limit
  130429, // Cloud API throughput reached
  131000, // Something went wrong
  131016, // Service unavailable
  131048, // Spam rate limit
  131056, // (business, consumer) pair rate limit
  131057, // Account in maintenance mode
  133004, // Server temporarily unavailable
]);

/** Codes that will fail the same way until someone changes something: never retried. */
const PERMANENT_CODES: ReadonlySet<number> = new Set([
  0, // AuthException
  3, // API Method: capability or permission (answered with HTTP 500)
  10, // Permission denied
  100, // Invalid parameter
  190, // Access token expired or invalid
  368, // Temporarily blocked for policy violations
  131008, // Required parameter missing
  131009, // Parameter value not valid
  131021, // Recipient cannot be sender
  131026, // Message undeliverable (not on WhatsApp, blocked, old app)
  131030, // Recipient not in the allowed list (test numbers)
  131031, // Business account locked
  131042, // Payment issue
  131045, // Certificate / registration issue
  131047, // Re-engagement: more than 24 h since the customer's last message
  131049, // Not delivered to maintain ecosystem engagement
  131051, // Unsupported message type
  131052, // Media download error
  131053, // Media upload error (the link could not be fetched or is not a supported type)
  133010, // Phone number not registered
]);

function isRetryable(status: number | undefined, code: number | undefined): boolean {
  if (code !== undefined && RETRYABLE_CODES.has(code)) return true;
  if (code !== undefined && (PERMANENT_CODES.has(code) || (code >= 200 && code <= 299))) return false;
  if (status === undefined) return true;
  return status === 408 || status === 429 || status >= 500;
}

export type WhatsappApiErrorKind =
  /** Meta (or a proxy in front of it) answered with an error status. */
  | 'http'
  /** The request never got an answer: DNS, connection reset, TLS… */
  | 'network'
  | 'timeout'
  /** Refused locally before any request (nothing to send, bad recipient, caption on audio…). */
  | 'invalid_request'
  /** A 2xx answer whose body is not what the API documents. */
  | 'invalid_response'
  /** A media file larger than the caller's limit. */
  | 'too_large';

export interface WhatsappApiErrorInit {
  kind: WhatsappApiErrorKind;
  retryable: boolean;
  status?: number | undefined;
  code?: number | undefined;
  subcode?: number | undefined;
  type?: string | undefined;
  details?: string | undefined;
  fbtraceId?: string | undefined;
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
}

/** Every failure of the client. Its message never contains the access token. */
export class WhatsappApiError extends Error {
  readonly kind: WhatsappApiErrorKind;
  /** Whether sending the same request again later may succeed (rate limits, 5xx, network, timeouts). */
  readonly retryable: boolean;
  /** The HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** Meta's `error.code`. */
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  readonly type: string | undefined;
  readonly details: string | undefined;
  readonly fbtraceId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, init: WhatsappApiErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'WhatsappApiError';
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.status = init.status;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

const graphErrorBodySchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
    error_user_msg: z.string().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

const sendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });

const mediaInfoSchema = z.object({
  url: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  /** Documented as a number, returned as a string by some versions. */
  file_size: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).optional(),
  id: z.string().optional(),
});

const phoneNumberSchema = z.object({
  display_phone_number: z.string(),
  verified_name: z.string(),
  quality_rating: z.string().optional(),
});

export interface WhatsappCloudClientOptions {
  phoneNumberId: string;
  accessToken: string;
  graphVersion?: string;
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

/** The JSON body of `POST /<phone_number_id>/messages` for the kinds Balcão sends. */
export type WhatsappSendBody = {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
  context?: { message_id: string };
} & (
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: 'image'; image: { link: string; caption?: string } }
  | { type: 'video'; video: { link: string; caption?: string } }
  | { type: 'audio'; audio: { link: string } }
  | { type: 'document'; document: { link: string; filename?: string; caption?: string } }
);

export interface WhatsappMediaInfo {
  /** Short-lived URL; fetching it needs the same bearer token. */
  url: string;
  mimeType?: string;
  sha256?: string;
  sizeBytes?: number;
}

export interface WhatsappDownloadedMedia {
  data: Buffer;
  mimeType?: string;
  sizeBytes: number;
  /** Hex SHA-256 of `data`, computed here. */
  sha256: string;
}

export type WhatsappConnectionCheck =
  | { ok: true; displayPhoneNumber: string; verifiedName: string; qualityRating?: string }
  | { ok: false; reason: string; retryable: boolean };

const TEXT_MAX_LENGTH = 4096;
const CAPTION_MAX_LENGTH = 1024;
const URL_IN_TEXT = /https?:\/\/\S/i;

const invalidRequest = (message: string) => new WhatsappApiError(message, { kind: 'invalid_request', retryable: false });

function fileNameFromUrl(link: string): string | undefined {
  const last = new URL(link).pathname.split('/').pop();
  if (!last || !last.includes('.')) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * The request body for one outbound message. Pure, so the core can show or log exactly what
 * would be sent. Throws a non-retryable `WhatsappApiError` for a message WhatsApp cannot carry.
 */
export function buildWhatsappSendBody(message: OutboundMessage): WhatsappSendBody {
  const to = message.to.replace(/\D/g, '');
  if (to.length < 8 || to.length > 15) throw invalidRequest(`Destinatário inválido para o WhatsApp: ${message.to}`);
  const body = message.body?.trim() ? message.body : undefined;
  const base = {
    messaging_product: 'whatsapp' as const,
    recipient_type: 'individual' as const,
    to,
    ...(message.quotedExternalId ? { context: { message_id: message.quotedExternalId } } : {}),
  };

  const media = message.media;
  if (!media) {
    if (!body) throw invalidRequest('Mensagem vazia: nada para enviar');
    if (body.length > TEXT_MAX_LENGTH) throw invalidRequest(`Texto com ${body.length} caracteres; o WhatsApp aceita até ${TEXT_MAX_LENGTH}`);
    return { ...base, type: 'text', text: { body, preview_url: URL_IN_TEXT.test(body) } };
  }

  let link: URL;
  try {
    link = new URL(media.url);
  } catch {
    throw invalidRequest('Endereço da mídia inválido');
  }
  if (link.protocol !== 'https:' && link.protocol !== 'http:') throw invalidRequest('A mídia precisa de um endereço http(s) público');
  if (body && body.length > CAPTION_MAX_LENGTH) throw invalidRequest(`Legenda com ${body.length} caracteres; o WhatsApp aceita até ${CAPTION_MAX_LENGTH}`);
  const caption = body ? { caption: body } : {};
  switch (media.kind) {
    case 'image':
      return { ...base, type: 'image', image: { link: media.url, ...caption } };
    case 'video':
      return { ...base, type: 'video', video: { link: media.url, ...caption } };
    case 'audio':
      // WhatsApp drops captions on audio; refusing keeps the agent's text from vanishing.
      if (body) throw invalidRequest('O WhatsApp não aceita legenda em áudio; envie o texto em outra mensagem');
      return { ...base, type: 'audio', audio: { link: media.url } };
    case 'document': {
      const filename = media.fileName ?? fileNameFromUrl(media.url);
      return { ...base, type: 'document', document: { link: media.url, ...(filename ? { filename } : {}), ...caption } };
    }
  }
}

export class WhatsappCloudClient {
  readonly phoneNumberId: string;
  readonly graphVersion: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  // Private (#) so the token shows up in neither util.inspect nor JSON.stringify of the client.
  readonly #accessToken: string;
  readonly #fetch: typeof globalThis.fetch;

  constructor(options: WhatsappCloudClientOptions) {
    if (!options.phoneNumberId) throw new TypeError('WhatsappCloudClient: phoneNumberId is required');
    if (!options.accessToken) throw new TypeError('WhatsappCloudClient: accessToken is required');
    this.phoneNumberId = options.phoneNumberId;
    this.#accessToken = options.accessToken;
    this.graphVersion = options.graphVersion ?? 'v21.0';
    this.baseUrl = (options.baseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // Resolved per call, so a fetch patched after construction (test interceptors) is honoured.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Sends one message; the receipt's externalId is the wamid that later statuses refer to. */
  async send(message: OutboundMessage): Promise<SendReceipt> {
    const body = buildWhatsappSendBody(message);
    const response = await this.#request(this.#graphUrl(`${encodeURIComponent(this.phoneNumberId)}/messages`), {
      method: 'POST',
      body: JSON.stringify(body),
      what: 'enviar a mensagem',
    });
    // Meta took the message: an unreadable answer must not turn into a retry (and a duplicate).
    const parsed = sendResponseSchema.safeParse(await response.json().catch(() => undefined));
    return parsed.success ? { externalId: parsed.data.messages[0]!.id } : {};
  }

  /** `GET /<media_id>`: where to download an inbound media file (the URL lives about five minutes). */
  async mediaUrl(providerMediaId: string): Promise<WhatsappMediaInfo> {
    if (!providerMediaId) throw invalidRequest('Identificador de mídia vazio');
    const response = await this.#request(this.#graphUrl(encodeURIComponent(providerMediaId)), { method: 'GET', what: 'localizar a mídia' });
    const parsed = mediaInfoSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new WhatsappApiError('Resposta inesperada da WhatsApp Cloud API ao localizar a mídia', { kind: 'invalid_response', retryable: false, status: response.status });
    const info: WhatsappMediaInfo = { url: parsed.data.url };
    if (parsed.data.mime_type) info.mimeType = parsed.data.mime_type;
    if (parsed.data.sha256) info.sha256 = parsed.data.sha256;
    if (parsed.data.file_size !== undefined) info.sizeBytes = Number(parsed.data.file_size);
    return info;
  }

  /** Resolves and downloads an inbound media file, refusing anything over `maxBytes`. */
  async downloadMedia(providerMediaId: string, options: { maxBytes: number; timeoutMs?: number }): Promise<WhatsappDownloadedMedia> {
    const { maxBytes } = options;
    const info = await this.mediaUrl(providerMediaId);
    if (info.sizeBytes !== undefined && info.sizeBytes > maxBytes) throw tooLarge(info.sizeBytes, maxBytes);

    let url: URL;
    try {
      url = new URL(info.url);
    } catch {
      throw new WhatsappApiError('A WhatsApp Cloud API devolveu um endereço de mídia inválido', { kind: 'invalid_response', retryable: false });
    }
    // The bearer token goes along: never over plain http unless the client itself talks http (tests, proxies).
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.baseUrl.startsWith('http:'))) {
      throw new WhatsappApiError('A WhatsApp Cloud API devolveu um endereço de mídia sem https', { kind: 'invalid_response', retryable: false });
    }
    const response = await this.#request(url.href, { method: 'GET', what: 'baixar a mídia', timeoutMs: options.timeoutMs });
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      discard(response.body?.cancel());
      throw tooLarge(declared, maxBytes);
    }
    let data: Buffer;
    try {
      data = await readAtMost(response, maxBytes);
    } catch (error) {
      throw error instanceof WhatsappApiError ? error : this.#transportError(error, 'baixar a mídia', options.timeoutMs ?? this.timeoutMs);
    }
    const result: WhatsappDownloadedMedia = { data, sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    const mimeType = info.mimeType ?? response.headers.get('content-type') ?? undefined;
    if (mimeType) result.mimeType = mimeType;
    return result;
  }

  /** `GET /<phone_number_id>`: whether the token and number work, for the channel's status. */
  async checkConnection(): Promise<WhatsappConnectionCheck> {
    try {
      const url = `${this.#graphUrl(encodeURIComponent(this.phoneNumberId))}?fields=display_phone_number,verified_name,quality_rating`;
      const response = await this.#request(url, { method: 'GET', what: 'consultar o número' });
      const parsed = phoneNumberSchema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) return { ok: false, reason: 'Resposta inesperada da WhatsApp Cloud API ao consultar o número', retryable: false };
      const result: WhatsappConnectionCheck = { ok: true, displayPhoneNumber: parsed.data.display_phone_number, verifiedName: parsed.data.verified_name };
      if (parsed.data.quality_rating) result.qualityRating = parsed.data.quality_rating;
      return result;
    } catch (error) {
      if (error instanceof WhatsappApiError) return { ok: false, reason: error.message, retryable: error.retryable };
      throw error;
    }
  }

  #graphUrl(path: string): string {
    return `${this.baseUrl}/${this.graphVersion}/${path}`;
  }

  /** Meta sometimes echoes a malformed token back in its message: strip it from anything we repeat. */
  #redact(text: string): string {
    return text.split(this.#accessToken).join('[token]').replace(/\bEAA[A-Za-z0-9]{16,}/g, '[token]');
  }

  async #request(url: string, init: { method: 'GET' | 'POST'; body?: string; what: string; timeoutMs?: number | undefined }): Promise<Response> {
    const timeoutMs = init.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#accessToken}` };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(url, { method: init.method, headers, body: init.body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw this.#transportError(error, init.what, timeoutMs);
    }
    if (response.ok) return response;
    throw await this.#httpError(response, init.what);
  }

  #transportError(error: unknown, what: string, timeoutMs: number): WhatsappApiError {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new WhatsappApiError(`WhatsApp Cloud API não respondeu em ${timeoutMs} ms ao ${what}`, { kind: 'timeout', retryable: true });
    }
    const reason = error instanceof Error ? (error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message) : String(error);
    return new WhatsappApiError(`Falha de rede ao ${what} na WhatsApp Cloud API: ${this.#redact(reason)}`, { kind: 'network', retryable: true });
  }

  async #httpError(response: Response, what: string): Promise<WhatsappApiError> {
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const retryAfter = response.headers.get('retry-after');
    const retryAfterSeconds = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
    const parsed = graphErrorBodySchema.safeParse(json);
    if (!parsed.success) {
      const snippet = this.#redact(text.replace(/\s+/g, ' ').trim().slice(0, 200));
      return new WhatsappApiError(`WhatsApp Cloud API respondeu HTTP ${response.status} ao ${what}${snippet ? `: ${snippet}` : ''}`, {
        kind: 'http',
        retryable: isRetryable(response.status, undefined),
        status: response.status,
        retryAfterSeconds,
      });
    }
    const error = parsed.data.error;
    const details = error.error_data?.details ?? error.error_user_msg;
    const summary = [error.message, details && details !== error.message ? details : undefined].filter(Boolean).join(' — ') || 'erro sem descrição';
    const codes = [`HTTP ${response.status}`, error.code !== undefined ? `código ${error.code}` : undefined, error.error_subcode !== undefined ? `subcódigo ${error.error_subcode}` : undefined]
      .filter(Boolean)
      .join(', ');
    return new WhatsappApiError(this.#redact(`Erro da WhatsApp Cloud API ao ${what}: ${summary} (${codes}${error.fbtrace_id ? `, fbtrace_id ${error.fbtrace_id}` : ''})`), {
      kind: 'http',
      retryable: isRetryable(response.status, error.code),
      status: response.status,
      code: error.code,
      subcode: error.error_subcode,
      type: error.type,
      details: details === undefined ? undefined : this.#redact(details),
      fbtraceId: error.fbtrace_id,
      retryAfterSeconds,
    });
  }
}

function tooLarge(sizeBytes: number, maxBytes: number): WhatsappApiError {
  return new WhatsappApiError(`Mídia com ${sizeBytes} bytes excede o limite de ${maxBytes} bytes`, { kind: 'too_large', retryable: false });
}

/** Cancelling a stream is best effort: some implementations never settle the promise, so it is not awaited. */
function discard(cancelling: Promise<void> | undefined): void {
  cancelling?.catch(() => undefined);
}

/** Reads a body but stops (and cancels the stream) as soon as it passes `maxBytes`. */
async function readAtMost(response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      discard(reader.cancel());
      throw tooLarge(total, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
