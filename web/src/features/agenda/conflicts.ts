import { errorCode, errorMessage } from '../../lib/errors';
import { isTRPCClientError } from '@trpc/client';

/** A free time the server offers instead of the one it refused. */
export interface Alternative {
  startsAt: string;
  endsAt: string;
  professionalId: string;
}

/** Why a booking was refused, and what the server suggests instead (for a 409 on its time). */
export interface BookingProblem {
  message: string;
  alternatives: Alternative[];
}

function isAlternative(value: unknown): value is Alternative {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.startsAt === 'string' && typeof candidate.endsAt === 'string' && typeof candidate.professionalId === 'string';
}

/** The nearest free slots a CONFLICT carries (SLOT_TAKEN, OUTSIDE_WORKING_HOURS, PROFESSIONAL_AWAY); none for other errors. */
export function alternativesOf(error: unknown): Alternative[] {
  if (errorCode(error) !== 'CONFLICT' || !isTRPCClientError(error)) return [];
  const details: unknown = (error.data as { details?: unknown } | undefined)?.details;
  const alternatives = details && typeof details === 'object' ? (details as { alternatives?: unknown }).alternatives : undefined;
  return Array.isArray(alternatives) ? alternatives.filter(isAlternative) : [];
}

export function bookingProblemOf(error: unknown): BookingProblem {
  return { message: errorMessage(error), alternatives: alternativesOf(error) };
}
