import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger';
import { clientIpOf } from './client-ip';
import { requestIdFrom, runWithRequestContext } from './request-context';

export type RequestObserver = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const UNLOGGED_PATHS = new Set(['/health', '/metrics']);

/**
 * Gives every HTTP request a request id (the caller's X-Request-Id when sane), echoes it, runs
 * the rest of the request inside its context so every log line carries it, and writes one
 * access-log line when the response finishes (warn for 4xx, error for 5xx).
 */
export function createRequestObserver(logger: Logger, options: { trustProxy: number }): RequestObserver {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const ip = clientIpOf(req, options.trustProxy);
    const startedAt = performance.now();
    res.setHeader('X-Request-Id', requestId);
    res.once('finish', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (UNLOGGED_PATHS.has(path) || !logger.isLevelEnabled(level)) return;
      logger[level](
        {
          requestId,
          req: { method: req.method, url: path, ip },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - startedAt),
        },
        'request completed',
      );
    });
    runWithRequestContext({ requestId, ip }, next);
  };
}
