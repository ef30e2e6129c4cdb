import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers every delivery carries; receivers read them by these names. */
export const DELIVERY_HEADERS = {
  eventId: 'x-balcao-event-id',
  timestamp: 'x-balcao-timestamp',
  signature: 'x-balcao-signature',
  attempt: 'x-balcao-delivery-attempt',
} as const;

const SIGNATURE_VERSION = 'v1';

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the value of X-Balcao-Signature. */
export function signDeliveryBody(secret: string, timestamp: number | string, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `${SIGNATURE_VERSION}=${digest}`;
}

export interface SignedDelivery {
  secret: string;
  /** X-Balcao-Timestamp as received (unix seconds). */
  timestamp: number | string;
  /** The raw request body, byte for byte as received (not re-serialised JSON). */
  body: string;
  /** X-Balcao-Signature as received; several comma-separated values are accepted (any may match). */
  signature: string;
  /** How far the timestamp may be from now, either way; refuses replays of old requests. */
  toleranceSeconds: number;
  now?: Date;
}

/** Checks a delivery's signature in constant time; false for a stale timestamp or any malformed input. */
export function verifyDeliverySignature({
  secret,
  timestamp,
  body,
  signature,
  toleranceSeconds,
  now = new Date(),
}: SignedDelivery): boolean {
  const seconds = typeof timestamp === 'number' ? timestamp : /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isInteger(seconds)) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - seconds) > toleranceSeconds) return false;
  const expected = Buffer.from(signDeliveryBody(secret, seconds, body));
  return signature
    .split(',')
    .map((candidate) => Buffer.from(candidate.trim()))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}
