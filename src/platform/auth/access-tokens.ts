import { webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

const ALGORITHM = 'HS256';
const ISSUER = 'balcao';
const AUDIENCE = 'balcao:access';

export interface AccessClaims {
  userId: string;
  tenantId: string;
  sessionId: string;
  expiresAt: Date;
}

export type AccessTokenFailure = 'TOKEN_EXPIRED' | 'TOKEN_INVALID';

export class AccessTokenError extends Error {
  constructor(readonly reason: AccessTokenFailure) {
    super(reason === 'TOKEN_EXPIRED' ? 'Access token expired' : 'Access token invalid');
  }
}

/** Signs and checks short-lived access JWTs; the algorithm is pinned, so `alg: none` and key confusion fail. */
export class AccessTokenSigner {
  readonly #secret: Uint8Array;
  #key: Promise<webcrypto.CryptoKey> | undefined;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.#secret = new TextEncoder().encode(secret);
  }

  /** Imported once: importing the raw secret on every check costs more than the check. */
  get #cryptoKey(): Promise<webcrypto.CryptoKey> {
    this.#key ??= webcrypto.subtle.importKey('raw', this.#secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return this.#key;
  }

  async sign(claims: Omit<AccessClaims, 'expiresAt'>): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = new Date((issuedAt + this.ttlSeconds) * 1000);
    const token = await new SignJWT({ tid: claims.tenantId, sid: claims.sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(await this.#cryptoKey);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.#cryptoKey, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
      const { sub, tid, sid, exp } = payload;
      if (typeof sub !== 'string' || typeof tid !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') {
        throw new AccessTokenError('TOKEN_INVALID');
      }
      return { userId: sub, tenantId: tid, sessionId: sid, expiresAt: new Date(exp * 1000) };
    } catch (error) {
      if (error instanceof AccessTokenError) throw error;
      throw new AccessTokenError(error instanceof errors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    }
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}
