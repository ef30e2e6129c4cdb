import { DomainError } from '../../../platform/errors';

/**
 * NOT_FOUND for something of the inventory, in its own words ("Categoria não encontrada"); with the
 * input field that named it, so a form shows it there. Another tenant's id gets exactly this too.
 */
export const missing = (message: string, field?: string) => new DomainError('NOT_FOUND', 'NOT_FOUND', message, field ? { field } : {});
