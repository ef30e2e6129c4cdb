/**
 * The WhatsApp Cloud API (Meta Graph API) client: sends messages, resolves and downloads media,
 * checks the connection, and classifies Meta's errors as retryable or not. Knows nothing of
 * tenants, tickets or storage; the helpdesk core wires it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { OutboundMessage, SendReceipt } from './provider';

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
    if (body.length > TEXT_MAX_LENGTH)
      throw invalidRequest(`Texto com ${body.length} caracteres; o WhatsApp aceita até ${TEXT_MAX_LENGTH}`);
    return { ...base, type: 'text', text: { body, preview_url: URL_IN_TEXT.test(body) } };
  }

  let link: URL;
  try {
    link = new URL(media.url);
  } catch {
    throw invalidRequest('Endereço da mídia inválido');
  }
  if (link.protocol !== 'https:' && link.protocol !== 'http:') throw invalidRequest('A mídia precisa de um endereço http(s) público');
  if (body && body.length > CAPTION_MAX_LENGTH)
    throw invalidRequest(`Legenda com ${body.length} caracteres; o WhatsApp aceita até ${CAPTION_MAX_LENGTH}`);
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
    if (!parsed.success)
      throw new WhatsappApiError('Resposta inesperada da WhatsApp Cloud API ao localizar a mídia', {
        kind: 'invalid_response',
        retryable: false,
        status: response.status,
      });
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
      throw new WhatsappApiError('A WhatsApp Cloud API devolveu um endereço de mídia inválido', {
        kind: 'invalid_response',
        retryable: false,
      });
    }
    // The bearer token goes along: never over plain http unless the client itself talks http (tests, proxies).
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.baseUrl.startsWith('http:'))) {
      throw new WhatsappApiError('A WhatsApp Cloud API devolveu um endereço de mídia sem https', {
        kind: 'invalid_response',
        retryable: false,
      });
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
      if (!parsed.success)
        return { ok: false, reason: 'Resposta inesperada da WhatsApp Cloud API ao consultar o número', retryable: false };
      const result: WhatsappConnectionCheck = {
        ok: true,
        displayPhoneNumber: parsed.data.display_phone_number,
        verifiedName: parsed.data.verified_name,
      };
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
    return text
      .split(this.#accessToken)
      .join('[token]')
      .replace(/\bEAA[A-Za-z0-9]{16,}/g, '[token]');
  }

  async #request(
    url: string,
    init: { method: 'GET' | 'POST'; body?: string; what: string; timeoutMs?: number | undefined },
  ): Promise<Response> {
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
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message) : String(error);
    return new WhatsappApiError(`Falha de rede ao ${what} na WhatsApp Cloud API: ${this.#redact(reason)}`, {
      kind: 'network',
      retryable: true,
    });
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
    const summary =
      [error.message, details && details !== error.message ? details : undefined].filter(Boolean).join(' — ') || 'erro sem descrição';
    const codes = [
      `HTTP ${response.status}`,
      error.code !== undefined ? `código ${error.code}` : undefined,
      error.error_subcode !== undefined ? `subcódigo ${error.error_subcode}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return new WhatsappApiError(
      this.#redact(
        `Erro da WhatsApp Cloud API ao ${what}: ${summary} (${codes}${error.fbtrace_id ? `, fbtrace_id ${error.fbtrace_id}` : ''})`,
      ),
      {
        kind: 'http',
        retryable: isRetryable(response.status, error.code),
        status: response.status,
        code: error.code,
        subcode: error.error_subcode,
        type: error.type,
        details: details === undefined ? undefined : this.#redact(details),
        fbtraceId: error.fbtrace_id,
        retryAfterSeconds,
      },
    );
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
