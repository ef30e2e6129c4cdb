import { z } from 'zod';
import { jsonRecord, text } from '../../../platform/validation';

export const id = z.uuid({ error: 'Identificador inválido' });

const MAX_FACTS_BYTES = 16_384;

/** Whatever else the agent knows of its host (CPU model, serial numbers, disks…): a JSON object of at most 16 KiB. */
const facts = jsonRecord().refine((value) => JSON.stringify(value).length <= MAX_FACTS_BYTES, {
  message: `facts: no máximo ${MAX_FACTS_BYTES} bytes de JSON`,
});
const hostname = text({ min: 1, max: 255, minMessage: 'hostname vazio', maxMessage: 'hostname: no máximo 255 caracteres' });
/** The agent's own id for a ticket or alert: a retried send answers what the first one did. */
const externalId = z
  .string()
  .trim()
  .min(1, 'externalId vazio')
  .max(100, 'externalId: no máximo 100 caracteres')
  .regex(/^[\w.:-]+$/, 'externalId: letras, números, . : _ -');

export const registerMachineInput = z
  .strictObject({
    enrollmentCode: z.string().trim().min(1, 'Informe o código de cadastro').max(32, 'Código inválido').optional(),
    code: z.string().trim().min(1, 'Informe o código de cadastro').max(32, 'Código inválido').optional(),
    hardwareId: text({ min: 1, max: 200, minMessage: 'Informe o hardwareId', maxMessage: 'hardwareId: no máximo 200 caracteres' }),
    hostname: hostname.optional(),
    facts: facts.optional(),
  })
  .refine((input) => !(input.enrollmentCode && input.code && input.enrollmentCode !== input.code), {
    message: 'Envie o código de cadastro em enrollmentCode ou code, não dois diferentes',
    path: ['code'],
  })
  .transform(({ enrollmentCode, code, ...rest }) => ({ ...rest, code: enrollmentCode ?? code }));

const percent = (label: string) =>
  z
    .number({ error: `${label}: um número de 0 a 100` })
    .min(0, `${label}: de 0 a 100`)
    .max(100, `${label}: de 0 a 100`);

export const heartbeatInput = z.strictObject({
  sequence: z
    .number({ error: 'sequence: um número inteiro a partir de 1' })
    .int('sequence: um número inteiro a partir de 1')
    .min(1, 'sequence: um número inteiro a partir de 1')
    .max(Number.MAX_SAFE_INTEGER, 'sequence: grande demais'),
  hostname: hostname.optional(),
  os: text({ max: 200, maxMessage: 'os: no máximo 200 caracteres' }).optional(),
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'ip: um endereço IPv4 ou IPv6' }).optional(),
  uptimeSeconds: z
    .number({ error: 'uptimeSeconds: segundos inteiros' })
    .int('uptimeSeconds: segundos inteiros')
    .min(0, 'uptimeSeconds: 0 ou mais')
    .max(Number.MAX_SAFE_INTEGER)
    .optional(),
  cpuPercent: percent('cpuPercent').optional(),
  memoryPercent: percent('memoryPercent').optional(),
  diskPercent: percent('diskPercent').optional(),
  facts: facts.optional(),
});

export const agentTicketInput = z.strictObject({
  title: text({ min: 1, minMessage: 'Informe o título', max: 200, maxMessage: 'title: no máximo 200 caracteres' }),
  description: text({ max: 8000, maxMessage: 'description: no máximo 8000 caracteres' }).optional(),
  externalId: externalId.optional(),
});

export const agentAlertInput = z.strictObject({
  type: z
    .string()
    .trim()
    .min(1, 'Informe o tipo')
    .max(60, 'type: no máximo 60 caracteres')
    .regex(/^[A-Za-z0-9_.-]+$/, 'type: letras, números, . _ -'),
  severity: z.enum(['info', 'warning', 'critical'], { error: 'severity: info, warning ou critical' }),
  message: text({ min: 1, minMessage: 'Informe a mensagem', max: 2000, maxMessage: 'message: no máximo 2000 caracteres' }),
  externalId: externalId.optional(),
});

export const listMachinesInput = z
  .strictObject({
    status: z.enum(['online', 'offline']).optional(),
    q: text({ max: 100 }).optional(),
  })
  .default({});
export const byDevice = z.strictObject({ deviceId: id });

export const listTicketsInput = z
  .strictObject({
    status: z.enum(['open', 'in_progress', 'closed']).optional(),
    assetId: id.optional(),
  })
  .default({});
export const updateTicketInput = z
  .strictObject({
    id,
    status: z.enum(['open', 'in_progress', 'closed'], { error: 'Situação: aberto, em andamento ou fechado' }).optional(),
    assigneeId: id.nullable().optional(),
  })
  .refine((input) => input.status !== undefined || input.assigneeId !== undefined, {
    message: 'Informe a situação ou o responsável',
  });

export const listAlertsInput = z
  .strictObject({
    acknowledged: z.boolean().optional(),
    type: z.string().trim().max(60).optional(),
    assetId: id.optional(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .default({});
export const byAlert = z.strictObject({ id });
