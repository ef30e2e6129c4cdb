import { sqlStateOf, UNIQUE_VIOLATION } from '../../../db/savepoint';
import type { DomainError } from '../../../platform/errors';

/** A write whose unique key is taken (a CNPJ, a supplier's second budget) answers `conflict` (409 beside the field), not a database error. */
export async function refusingDuplicates<T>(write: Promise<T>, conflict: () => DomainError): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (sqlStateOf(error) === UNIQUE_VIOLATION) throw conflict();
    throw error;
  }
}
