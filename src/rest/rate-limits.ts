import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerToken } from '../platform/auth/access-tokens';
import { currentRequestContext } from '../platform/observability/request-context';
import type { FallbackLimiter } from '../platform/rate-limits/limiter';
import { sendRestError } from './errors';

/** One budget a request spends from: a limiter and the key it counts this request under (none: not counted). */
export interface RequestLimit {
  limiter: FallbackLimiter;
  keyOf: (req: Request) => string | undefined;
}

/**
 * Spends one request from each budget in order; the first one spent answers 429 with
 * Retry-After and `{ error: 'RATE_LIMITED', message, details: { retryAfterSeconds } }`.
 */
export function rateLimited(...limits: readonly RequestLimit[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    spend(req, limits).then((retryAfterSeconds) => {
      if (retryAfterSeconds === undefined) {
        next();
        return;
      }
      res.setHeader('Retry-After', String(retryAfterSeconds));
      sendRestError(res, 429, {
        error: 'RATE_LIMITED',
        message: `Requisições demais; tente novamente em ${retryAfterSeconds} s`,
        details: { retryAfterSeconds },
      });
    }, next);
  };
}

async function spend(req: Request, limits: readonly RequestLimit[]): Promise<number | undefined> {
  for (const { limiter, keyOf } of limits) {
    const key = keyOf(req);
    if (key === undefined) continue;
    const outcome = await limiter.consume(key);
    if (!outcome.allowed) return outcome.retryAfterSeconds;
  }
  return undefined;
}

/** The caller's address as the request observer resolved it (behind TRUST_PROXY hops). */
export function clientAddressOf(req: Request): string {
  return currentRequestContext()?.ip ?? req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** A secret the caller presented, as a digest (the key never holds the secret itself). */
export function presentedSecretKey(secret: string | undefined): string | undefined {
  return secret ? createHash('sha256').update(secret).digest('base64url').slice(0, 32) : undefined;
}

/** The API token in `Authorization: Bearer`, as a key. */
export const bearerTokenKey = (req: Request): string | undefined => presentedSecretKey(bearerToken(req.headers.authorization));
