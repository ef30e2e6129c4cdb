import { z } from 'zod';
import { text } from '../../../platform/validation';

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const ORDER_STATUSES = ['open', 'in_progress', 'waiting_parts', 'done', 'cancelled'] as const;
/** Where an order may be moved to; it is created open. */
export const ORDER_TARGETS = ['in_progress', 'waiting_parts', 'done', 'cancelled'] as const;

const id = z.uuid({ error: 'Identificador inválido' });
export const byId = z.strictObject({ id });
const cursor = z.string().max(500, 'Cursor inválido').optional();
const priority = z.enum(PRIORITIES, { error: 'Prioridade: low, medium, high ou critical' });
const day = z.iso.date({ error: 'Data no formato AAAA-MM-DD' });
const instant = z.iso.datetime({ offset: true, error: 'Data e hora ISO 8601 com fuso' });
const cents = z
  .number({ error: 'Informe o valor em centavos' })
  .int('Valor em centavos inteiros')
  .min(0, 'O valor não pode ser negativo')
  .max(100_000_000_000, 'Valor alto demais');
const title = text({ min: 1, minMessage: 'Informe o título', max: 160, maxMessage: 'Título: no máximo 160 caracteres' });
const description = text({ max: 4000, maxMessage: 'Descrição: no máximo 4000 caracteres' });

const hours = z
  .number({ error: 'Informe as horas' })
  .int('Horas inteiras')
  .min(1, 'Ao menos 1 hora')
  .max(8760, 'No máximo 8760 horas (um ano)');
const slaLevel = z.strictObject({ respondHours: hours, resolveHours: hours }).refine((level) => level.respondHours <= level.resolveHours, {
  message: 'O prazo de solução não pode ser menor que o de resposta',
  path: ['resolveHours'],
});
/** Hours to respond and to resolve, for each priority. */
export const slaInput = z.strictObject({ low: slaLevel, medium: slaLevel, high: slaLevel, critical: slaLevel });

const contractFields = {
  name: text({ min: 1, minMessage: 'Informe o nome do contrato', max: 160, maxMessage: 'Nome: no máximo 160 caracteres' }),
  startDate: day,
  endDate: day.nullable().optional(),
  sla: slaInput,
  notes: text({ max: 2000, maxMessage: 'Observações: no máximo 2000 caracteres' }).optional(),
};
const endAfterStart = {
  check: (contract: { startDate?: string | undefined; endDate?: string | null | undefined }) =>
    !contract.startDate || !contract.endDate || contract.endDate >= contract.startDate,
  issue: { message: 'O fim da vigência não pode ser antes do início', path: ['endDate'] },
};

export const createContractInput = z.strictObject({ supplierId: id, ...contractFields }).refine(endAfterStart.check, endAfterStart.issue);
export const updateContractInput = z
  .strictObject({ id, ...z.strictObject(contractFields).partial().shape })
  .refine(endAfterStart.check, endAfterStart.issue);

export const createOrderInput = z.strictObject({
  assetId: id,
  title,
  description: description.optional(),
  priority: priority.default('medium'),
  supplierId: id.optional(),
  /** The SLA contract: the order gets its respond and resolve deadlines at creation. */
  contractId: id.optional(),
  scheduledFor: instant.nullable().optional(),
});

export const updateOrderInput = z.strictObject({
  id,
  title: title.optional(),
  description: description.optional(),
  priority: priority.optional(),
  supplierId: id.nullable().optional(),
  scheduledFor: instant.nullable().optional(),
  costCents: cents.nullable().optional(),
});

export const moveOrderInput = z
  .strictObject({
    id,
    to: z.enum(ORDER_TARGETS, { error: 'Situação: in_progress, waiting_parts, done ou cancelled' }),
    /** What the work cost, given when it is done. */
    costCents: cents.optional(),
  })
  .refine((move) => move.costCents === undefined || move.to === 'done', {
    message: 'O custo é informado ao concluir a ordem',
    path: ['costCents'],
  });

export const rateOrderInput = z.strictObject({
  id,
  rating: z.number({ error: 'Avaliação de 1 a 5' }).int('Avaliação de 1 a 5').min(1, 'Avaliação de 1 a 5').max(5, 'Avaliação de 1 a 5'),
  comment: text({ max: 1000, maxMessage: 'Comentário: no máximo 1000 caracteres' }).optional(),
});

export const listOrdersInput = z
  .strictObject({
    status: z.enum(ORDER_STATUSES, { error: 'Situação inválida' }).optional(),
    /** Only orders still being worked on (open, in progress, waiting for parts). */
    active: z.boolean().optional(),
    assetId: id.optional(),
    cursor,
  })
  .default({});

const planFields = {
  title,
  description: description.optional(),
  priority,
  /** Every N days from the next run, or once on a date. */
  period: z.enum(['interval', 'date'], { error: 'Periodicidade: interval ou date' }),
  intervalDays: z
    .number({ error: 'Informe o intervalo em dias' })
    .int('Dias inteiros')
    .min(1, 'Ao menos 1 dia')
    .max(3650, 'No máximo 3650 dias')
    .nullable()
    .optional(),
  nextRun: day,
  supplierId: id.nullable().optional(),
  contractId: id.nullable().optional(),
};

const intervalMatchesPeriod = {
  check: (plan: { period?: 'interval' | 'date' | undefined; intervalDays?: number | null | undefined }) =>
    plan.period === undefined || (plan.period === 'interval') === (plan.intervalDays !== undefined && plan.intervalDays !== null),
  issue: { message: 'Um plano por intervalo tem intervalo em dias; um plano por data, não', path: ['intervalDays'] },
};

export const createPlanInput = z
  .strictObject({ assetId: id, ...planFields, priority: priority.default('medium') })
  .refine(intervalMatchesPeriod.check, intervalMatchesPeriod.issue);

export const updatePlanInput = z
  .strictObject({ id, active: z.boolean().optional(), ...z.strictObject(planFields).partial().shape })
  .refine(intervalMatchesPeriod.check, intervalMatchesPeriod.issue);

export const listPlansInput = z.strictObject({ assetId: id.optional(), active: z.boolean().optional() }).default({});
