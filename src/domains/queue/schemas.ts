import { z } from 'zod';
import { businessHoursSchema } from '../../platform/business-hours';
import { text } from '../../platform/validation';
import { timeZoneInput } from '../identity';

export const id = z.uuid({ error: 'Identificador inválido' });
export const byId = z.strictObject({ id });
const instant = z.iso.datetime({ offset: true, error: 'Data e hora ISO 8601 com fuso' });
/** A client-made id that makes a repeated request (a double click) answer what the first one did. */
const requestId = z
  .string()
  .trim()
  .min(8, 'requestId: ao menos 8 caracteres')
  .max(100)
  .regex(/^[\w.:-]+$/, 'requestId: letras, números, . : _ -');

export const createUnitInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Informe o nome da unidade', max: 120 }),
  timeZone: timeZoneInput,
  address: text({ max: 300 }).optional(),
  openingHours: businessHoursSchema.optional(),
  priorityRatio: z.number().int().min(0, 'Mínimo 0').max(20, 'Máximo 20').optional(),
  maxWaitMin: z.number().int().min(1).max(1440).optional(),
});
export const updateUnitInput = createUnitInput.partial().extend({ id, active: z.boolean().optional() });

const prefix = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{1,3}$/, 'Prefixo: de 1 a 3 letras (A, P, R…)');
export const createServiceInput = z.strictObject({
  unitId: id,
  name: text({ min: 1, minMessage: 'Informe o nome do serviço', max: 120 }),
  prefix,
  /** Null or absent: the unit's hours. */
  openingHours: businessHoursSchema.nullable().optional(),
  dailyCap: z.number().int().min(1, 'Limite diário mínimo: 1').max(9999, 'Limite diário máximo: 9999').nullable().optional(),
  expectedServiceMin: z.number().int().min(1).max(480).optional(),
  active: z.boolean().optional(),
});
export const updateServiceInput = createServiceInput.omit({ unitId: true }).partial().extend({ id });
export const byUnit = z.strictObject({ unitId: id });

export const createDeskInput = z.strictObject({
  unitId: id,
  name: text({ min: 1, minMessage: 'Informe o nome do guichê', max: 80 }),
  number: z.number().int().min(1).max(999),
});
export const updateDeskInput = createDeskInput.omit({ unitId: true }).partial().extend({ id, active: z.boolean().optional() });

export const createPriorityInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Informe o nome da prioridade', max: 80 }),
  description: text({ max: 300 }).optional(),
  weight: z.number().int().min(1, 'Peso de 1 a 100').max(100, 'Peso de 1 a 100'),
});
export const updatePriorityInput = createPriorityInput.partial().extend({ id, active: z.boolean().optional() });

export const issueTicketInput = z.strictObject({
  serviceId: id,
  /** A priority category of the tenant; absent for a normal ticket. */
  priority: id.nullable().optional(),
});

export const callNextInput = z.strictObject({
  deskId: id,
  serviceIds: z.array(id).min(1, 'Escolha ao menos um serviço').max(50).optional(),
  requestId: requestId.optional(),
});
export const ticketAction = z.strictObject({ ticketId: id });
export const transferInput = z.strictObject({ ticketId: id, serviceId: id });
export const panelQueueInput = z.strictObject({ unitId: id, serviceIds: z.array(id).max(50).optional() });
export const deskTicketsInput = z.strictObject({ deskId: id });

export const statsInput = z
  .strictObject({ unitId: id, from: instant, to: instant })
  .refine((range) => range.from < range.to, { message: 'O fim deve ser depois do início', path: ['to'] })
  .refine((range) => Date.parse(range.to) - Date.parse(range.from) <= 366 * 86_400_000, {
    message: 'Período máximo: um ano',
    path: ['to'],
  });

/** The unguessable code of a ticket's public status page. */
export const publicCode = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'Código de senha inválido');
export const publicTicketInput = z.strictObject({ publicCode });
export const lastEventIdInput = z.strictObject({ lastEventId: z.string().max(40).nullish() }).default({});
export const heartbeatInput = z.strictObject({ showingTicketId: id.nullable().optional() }).default({});
