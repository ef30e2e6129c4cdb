import { TRPCError } from '@trpc/server';
import { MODULE_LABELS, type ModuleName } from './modules';

/**
 * The one error type domain logic throws for expected failures. It is a TRPCError, so tRPC
 * answers with its code as is; REST turns it into `{ error, message, details }` with the
 * matching HTTP status.
 */
export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

export class DomainError extends TRPCError {
  constructor(
    code: DomainErrorCode,
    /** Stable machine-readable reason, e.g. MODULE_DISABLED, TOKEN_EXPIRED. */
    readonly reason: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super({ code, message });
    this.name = 'DomainError';
  }
}

export const notFound = (entity: string) => new DomainError('NOT_FOUND', 'NOT_FOUND', `${entity} não encontrado`);

/** The tenant has not switched the module on (403 MODULE_DISABLED; `ERR_MODULE_DISABLED` on REST). */
export const moduleDisabled = (module: ModuleName) =>
  new DomainError('FORBIDDEN', 'MODULE_DISABLED', `O módulo ${MODULE_LABELS[module]} não está ativo para esta empresa`, { module });

/** Every database connection stayed busy: the caller should retry in a moment (503 with Retry-After on REST). */
export const serverBusy = () =>
  new DomainError('SERVICE_UNAVAILABLE', 'SERVER_BUSY', 'Servidor ocupado; tente de novo em instantes', { retryAfterSeconds: 1 });
