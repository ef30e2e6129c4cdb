import type { Response } from 'express';

/** OpenAI's error types, as its SDKs and LibreChat read them. */
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'insufficient_quota'
  | 'rate_limit_error'
  | 'api_error'
  | 'service_unavailable';

export interface OpenAiError {
  status: number;
  type: OpenAiErrorType;
  code: string;
  message: string;
  param?: string | null;
  retryAfterSeconds?: number;
}

/** `{ error: { message, type, param, code } }`, with Retry-After when the caller should come back later. */
export function sendOpenAiError(res: Response, error: OpenAiError): void {
  if (res.headersSent) return;
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(error.status).json({ error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } });
}

export const invalidKey = (): OpenAiError => ({
  status: 401,
  type: 'authentication_error',
  code: 'invalid_api_key',
  message: 'Chave de API inválida ou revogada. Envie Authorization: Bearer <chave>.',
});

export const badRequest = (message: string, code = 'invalid_request', param: string | null = null): OpenAiError => ({
  status: 400,
  type: 'invalid_request_error',
  code,
  message,
  param,
});
