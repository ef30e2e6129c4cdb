import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import { DomainError } from '../platform/errors';
import type { InnerContext } from './context';

/**
 * The one initTRPC. Clients get a code, a message and (on BAD_REQUEST from validation) the
 * flattened zod error; never a stack or SQL. Unexpected errors are logged, then answered as
 * a bare INTERNAL_SERVER_ERROR.
 */
const t = initTRPC.context<InnerContext>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.code === 'BAD_REQUEST' && error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    const domain = error instanceof DomainError ? error : undefined;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      message: internal ? 'Erro interno; tente novamente' : zodError ? summarizeIssues(error.cause as ZodError) : shape.message,
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        reason: domain?.reason ?? (zodError ? 'INVALID_INPUT' : null),
        details: domain?.details ?? null,
        zodError,
      },
    };
  },
});

function summarizeIssues(error: ZodError): string {
  const issues = error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  return `Dados inválidos — ${issues.join('; ')}${error.issues.length > 5 ? '; …' : ''}`;
}

export const router = t.router;
export const middleware = t.middleware;
export const baseProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
