import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import type { ErrorRequestHandler, Response } from 'express';
import { z, ZodError } from 'zod';
import { isPoolExhausted } from '../db/database';
import { DomainError, serverBusy } from '../platform/errors';
import type { Logger } from '../platform/observability/logger';

/** Every REST error body: `{ error, message, details }`. */
export interface RestErrorBody {
  error: string;
  message: string;
  details: Record<string, unknown>;
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendRestError(res: Response, status: number, body: RestErrorBody): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const retryAfter = body.details.retryAfterSeconds;
  if ((status === 503 || status === 429) && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
  res.status(status).json(body);
}

function toRestError(error: unknown): RestError | undefined {
  if (error instanceof RestError) return error;
  if (isPoolExhausted(error)) return toRestError(serverBusy());
  if (error instanceof ZodError) return new RestError(400, 'ERR_VALIDATION', 'Dados inválidos', { issues: z.flattenError(error) });
  if (error instanceof DomainError)
    return new RestError(getHTTPStatusCodeFromError(error), `ERR_${error.reason}`, error.message, error.details);
  if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR')
    return new RestError(getHTTPStatusCodeFromError(error), `ERR_${error.code}`, error.message);
  const bodyParserError = error as { type?: string; status?: number; limit?: number };
  if (bodyParserError.type === 'entity.too.large')
    return new RestError(413, 'ERR_PAYLOAD_TOO_LARGE', 'Corpo da requisição grande demais', { limitBytes: bodyParserError.limit });
  if (bodyParserError.type === 'entity.parse.failed')
    return new RestError(400, 'ERR_MALFORMED_JSON', 'JSON malformado no corpo da requisição');
  if (bodyParserError.type && bodyParserError.status && bodyParserError.status < 500)
    return new RestError(bodyParserError.status, 'ERR_BAD_REQUEST', 'Requisição inválida');
  return undefined;
}

export function restErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = toRestError(error);
    if (known) {
      sendRestError(res, known.status, { error: known.error, message: known.message, details: known.details });
      return;
    }
    logger.error({ err: error, path: req.path }, 'REST handler failed');
    sendRestError(res, 500, { error: 'ERR_INTERNAL', message: 'Erro interno; tente novamente', details: {} });
  };
}

/** What an error becomes on REST where no status can be sent any more (inside an open event stream). */
export function restErrorOf(error: unknown): RestError {
  return toRestError(error) ?? new RestError(500, 'ERR_INTERNAL', 'Erro interno; tente novamente');
}
