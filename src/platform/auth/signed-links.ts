import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a presented link is: good, forged (or tampered with), or past its time. */
export type LinkVerdict = 'valid' | 'invalid' | 'expired';

const SIGNATURE_BYTES = 32;

/**
 * Links that work for a while without a session, for providers that fetch a file by URL (n8n,
 * Meta): what the link names (the resource) and an expiry, signed with an HMAC under a key
 * derived from SECRETS_KEY. The resource is named apart from the URL, so a proxy that rewrites
 * the path in front of the app does not break links. A link is made at the moment it is handed
 * out, so a retried send carries a fresh one.
 */
export class LinkSigner {
  readonly #key: Buffer;

  constructor(
    masterKey: string,
    /** How long a link works from when it is made. */
    readonly ttlSeconds: number,
  ) {
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, 'balcao', 'signed-links v1', 32));
  }

  /** The URL (its own query dropped) with `expires` (Unix seconds) and `signature` for the resource it serves. */
  sign(url: string, resource: string, now: Date = new Date()): string {
    const parsed = new URL(url);
    const expires = Math.floor(now.getTime() / 1000) + this.ttlSeconds;
    parsed.search = '';
    parsed.searchParams.set('expires', String(expires));
    parsed.searchParams.set('signature', this.#signature(resource, expires));
    return parsed.toString();
  }

  /** Checks a request for a resource by its `expires` and `signature`; the signature first, so a forged expiry says nothing. */
  verify(resource: string, query: { expires?: unknown; signature?: unknown }, now: Date = new Date()): LinkVerdict {
    const { expires, signature } = query;
    if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) return 'invalid';
    const presented = Buffer.from(signature, 'base64url');
    const expected = Buffer.from(this.#signature(resource, Number(expires)), 'base64url');
    if (presented.length !== SIGNATURE_BYTES || !timingSafeEqual(presented, expected)) return 'invalid';
    return Number(expires) * 1000 <= now.getTime() ? 'expired' : 'valid';
  }

  #signature(resource: string, expires: number): string {
    return createHmac('sha256', this.#key).update(`${resource}\n${expires}`).digest('base64url');
  }
}
