import { isTRPCClientError, type TRPCClientErrorLike } from '@trpc/client';
import type { AppRouter } from '../../../src/trpc/app-router';

export type AppError = TRPCClientErrorLike<AppRouter>;

function asAppError(error: unknown): AppError | null {
  return isTRPCClientError<AppRouter>(error) ? error : null;
}

export function errorCode(error: unknown): string | null {
  return asAppError(error)?.data?.code ?? null;
}

/** The server's machine reason (TOKEN_EXPIRED, EMAIL_TAKEN, PERMISSION_DENIED …). */
export function errorReason(error: unknown): string | null {
  return asAppError(error)?.data?.reason ?? null;
}

export function errorMessage(error: unknown): string {
  if (!error) return '';
  const appError = asAppError(error);
  if (appError && !appError.data) return 'Não foi possível falar com o servidor; verifique a conexão.';
  return error instanceof Error ? error.message : String(error);
}

export type FieldErrors = Partial<Record<string, string>>;

/**
 * Messages to show beside fields: zod's flattened field errors, plus domain errors that name
 * a field in their details (EMAIL_TAKEN → email).
 */
export function fieldErrorsOf(error: unknown): FieldErrors {
  const appError = asAppError(error);
  const data = appError?.data;
  if (!appError || !data) return {};
  const fields: FieldErrors = {};
  const zodFields = (data.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
  for (const [field, messages] of Object.entries(zodFields)) {
    if (messages?.[0]) fields[field] = messages[0];
  }
  const detailField = (data.details as { field?: unknown } | null)?.field;
  if (typeof detailField === 'string') fields[detailField] = appError.message;
  return fields;
}

/** What a form shows in a banner: everything that is not already beside one of its fields. */
export function formErrorOf(error: unknown, shownFields: readonly string[]): string | null {
  if (!error) return null;
  const formErrors = asAppError(error)?.data?.zodError?.formErrors ?? [];
  const fields = Object.keys(fieldErrorsOf(error));
  const allShown = fields.length > 0 && fields.every((field) => shownFields.includes(field));
  if (allShown && formErrors.length === 0) return null;
  return formErrors[0] ?? errorMessage(error);
}
