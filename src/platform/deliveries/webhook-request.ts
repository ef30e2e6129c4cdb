import { OutboundAddressRefused, type OutboundGuard } from '../outbound/address-guard';
import { outboundRequest } from '../outbound/outbound-request';
import type { Delivery, DeliveryTarget } from './kinds';
import { DELIVERY_HEADERS, signDeliveryBody } from './signature';

/** What one HTTP try gave: a status (or none, when no response came) and what to record of it. */
export interface AttemptResult {
  statusCode: number | null;
  /** Null when the receiver accepted (2xx). */
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
  responseBody: unknown;
  /** The failure will repeat on every try: the delivery is dead at once. */
  permanent?: boolean;
}

/** What the attempts table keeps of a response: enough to debug, not a copy. */
const RESPONSE_EXCERPT_CHARS = 2048;

export const responseExcerptOf = (text: string): string => storable(text.slice(0, RESPONSE_EXCERPT_CHARS));
/** Larger answers are not read (nor parsed for onDelivered): a receiver must not fill our memory. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * Posts the delivery's payload, signed, to its target; never throws. The guard checks the target's
 * addresses at this moment and pins the connection to the one it checked; a refused address is a
 * permanent failure, recorded with its reason and no response.
 */
export async function postDelivery(
  delivery: Delivery,
  target: DeliveryTarget,
  options: { timeoutMs: number; guard: OutboundGuard },
): Promise<AttemptResult> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const body = JSON.stringify(target.body ?? delivery.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  // The target's own headers first: ours are set over them, so none can be spoofed.
  const headers = new Headers(target.headers);
  headers.set('content-type', 'application/json');
  headers.set('user-agent', 'Balcao-Deliveries/1');
  headers.set(DELIVERY_HEADERS.eventId, delivery.eventId);
  headers.set(DELIVERY_HEADERS.timestamp, String(timestamp));
  headers.set(DELIVERY_HEADERS.signature, signDeliveryBody(target.secret, timestamp, body));
  headers.set(DELIVERY_HEADERS.attempt, String(delivery.attempt));
  try {
    if (!/^https?:\/\//i.test(target.url)) throw new Error(`unsupported target URL: ${target.url.slice(0, 200)}`);
    // Redirects are not followed: a signed body goes only where the kind said.
    const response = await outboundRequest(options.guard, {
      url: target.url,
      method: 'POST',
      headers,
      body,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
    const ok = response.status >= 200 && response.status < 300;
    const text = response.body;
    return {
      statusCode: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      durationMs: elapsed(),
      responseExcerpt: text === undefined ? null : responseExcerptOf(text),
      responseBody: text === undefined ? undefined : parseBody(text, response.contentType),
    };
  } catch (error) {
    const refused = error instanceof OutboundAddressRefused;
    return {
      statusCode: null,
      error: storable(refused ? `target refused: ${error.message}` : describeFailure(error, options.timeoutMs)),
      durationMs: elapsed(),
      responseExcerpt: null,
      responseBody: undefined,
      ...(refused ? { permanent: true } : {}),
    };
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (!contentType?.toLowerCase().includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timeout after ${timeoutMs} ms`;
  // fetch reports network failures as "fetch failed" with the socket error as the cause.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Postgres text cannot hold U+0000, which a receiver's answer may contain. */
export function storable(text: string): string {
  return text.replaceAll('\u0000', '');
}
