import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';
import { clientIpOf } from './client-ip';
import { requestIdFrom, runWithRequestContext } from './request-context';

export type RequestObserver = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Gives every HTTP request a request id (the caller's X-Request-Id when sane), echoes it, runs
 * the rest of the request inside its context so every log line carries it, and writes one
 * access-log line when the response finishes.
 */
export function createRequestObserver(logger: Logger, options: { trustProxy: boolean }): RequestObserver {
  const accessLog = pinoHttp({
    logger,
    genReqId: (_req, res) => String(res.getHeader('X-Request-Id')),
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: true,
    serializers: {
      req: (req: { method: string; url: string; remoteAddress?: string }) => ({ method: req.method, url: req.url.split('?')[0], ip: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
  });
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    runWithRequestContext({ requestId, ip: clientIpOf(req, options.trustProxy) }, () => accessLog(req, res, next));
  };
}
