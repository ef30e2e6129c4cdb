import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { matchesDigest, type SecretBox } from './secret-box';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new inbound webhook secret; it is shown once, then stored sealed (to sign) and as a digest (to compare). */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(24).toString('base64url')}`;
}

/** A stored webhook secret: its digest, and the secret sealed for computing HMACs. */
export interface StoredWebhookSecret {
  digest: string;
  sealed: string;
}

/**
 * A webhook call is genuine when it carries the secret in `X-Webhook-Secret`, or an HMAC-SHA256
 * of the raw body keyed with it in `X-Webhook-Signature: sha256=<hex>`.
 */
export function isAuthenticWebhookCall(
  stored: StoredWebhookSecret,
  secrets: SecretBox,
  headers: { secret?: string | undefined; signature?: string | undefined },
  rawBody: Buffer,
): boolean {
  if (headers.secret) return matchesDigest(headers.secret, stored.digest);
  const signature = /^sha256=([0-9a-f]{64})$/i.exec(headers.signature ?? '')?.[1];
  if (!signature) return false;
  const expected = createHmac('sha256', secrets.open(stored.sealed)).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
