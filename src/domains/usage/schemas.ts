import { z } from 'zod';
import { text } from '../../platform/validation';

export const id = z.uuid({ error: 'Identificador inválido' });
export const byId = z.strictObject({ id });
export const byUserId = z.strictObject({ userId: id });

export const USER_STATUSES = ['active', 'suspended', 'blocked', 'pending'] as const;
export const PLANS = ['basic', 'pro', 'enterprise', 'trial'] as const;
export const ALERT_TYPES = ['usage_80', 'usage_95', 'blocked', 'system_error', 'model_error'] as const;
export const ALERT_STATUSES = ['pending', 'sent', 'failed', 'acknowledged'] as const;
/** Analytics windows ending now; 'month' is the current calendar month in the tenant's zone. */
export const PERIODS = ['today', '7d', '30d', '90d', 'month'] as const;
export type AnalyticsPeriod = (typeof PERIODS)[number];

const MAX_TOKENS_VALUE = 1_000_000_000_000;
const tokens = (label: string) =>
  z
    .number({ error: `${label}: informe um número de tokens` })
    .int(`${label}: número inteiro de tokens`)
    .min(0, `${label}: não pode ser negativo`)
    .max(MAX_TOKENS_VALUE, `${label}: no máximo ${MAX_TOKENS_VALUE}`);
const percent = (label: string) =>
  z.number().int(`${label}: percentual inteiro`).min(1, `${label}: de 1 a 100`).max(100, `${label}: de 1 a 100`);
const email = z
  .email({ error: 'E-mail inválido' })
  .max(254)
  .transform((value) => value.toLowerCase());
const phone = text({ max: 40 }).regex(/^\+?[\d\s().-]{6,40}$/, 'Telefone inválido');
const page = z.number().int().min(1).max(100_000).default(1);
const pageSize = z.number().int().min(1).max(100).default(20);
// Postgres has no year 0 (ISO's 0000 is 1 BC): such dates are refused here rather than failing in the query.
const instant = z.iso
  .datetime({ offset: true, error: 'Data e hora ISO 8601 com fuso' })
  .refine((value) => !(new Date(value).getUTCFullYear() < 1), 'Data e hora: ano 1 ou depois');
/** A keyset cursor: the id of the last row seen, within Postgres's bigint (a larger one would fail in the query). */
const MAX_BIGINT = BigInt('9223372036854775807');
const cursor = z.string().refine((value) => /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT, 'Cursor inválido');
const day = z.iso.date({ error: 'Data no formato AAAA-MM-DD' }).refine((value) => value >= '0001-01-01', 'Data: ano 1 ou depois');

export const listUsersInput = z
  .strictObject({
    page,
    limit: pageSize,
    search: text({ max: 200 }).optional(),
    status: z.enum(USER_STATUSES).optional(),
    plan: z.enum(PLANS).optional(),
    /** Only users whose usage this month is at or above this percentage of what they may use. */
    usageAbove: z.number().min(0).max(1000).optional(),
  })
  .default({ page: 1, limit: 20 });

const userFields = {
  name: text({ min: 1, minMessage: 'Informe o nome', max: 200 }),
  phone: phone.nullable().optional(),
  plan: z.enum(PLANS).optional(),
  monthlyLimit: tokens('Limite mensal').optional(),
  notes: text({ max: 2000 }).optional(),
  customAlertThreshold80: percent('Alerta 80%').nullable().optional(),
  customAlertThreshold95: percent('Alerta 95%').nullable().optional(),
  emailNotificationsEnabled: z.boolean().optional(),
  status: z.enum(USER_STATUSES).optional(),
};

export const createUserInput = z.strictObject({ email, ...userFields });
export const updateUserInput = z.strictObject({ id, email: email.optional(), ...userFields, name: userFields.name.optional() });

export const grantTokensInput = z.strictObject({
  id,
  amount: tokens('Quantidade').min(1, 'Quantidade: ao menos 1 token'),
  reason: text({ min: 1, minMessage: 'Informe o motivo', max: 500 }),
  expiresAt: instant.refine((value) => Date.parse(value) > Date.now(), 'A validade precisa estar no futuro').optional(),
});

export const createKeyInput = z.strictObject({ userId: id, name: text({ max: 100 }).optional() });

export const listAlertsInput = z
  .strictObject({
    page,
    limit: pageSize,
    userId: id.optional(),
    type: z.enum(ALERT_TYPES).optional(),
    status: z.enum(ALERT_STATUSES).optional(),
  })
  .default({ page: 1, limit: 20 });
export const testAlertInput = z.strictObject({ userId: id, type: z.enum(ALERT_TYPES) });

export const periodInput = z.strictObject({ period: z.enum(PERIODS).default('30d') }).default({ period: '30d' });
export const userAnalyticsInput = z.strictObject({ userId: id, period: z.enum(PERIODS).default('30d') });
export const usageAnalyticsInput = z
  .strictObject({
    from: day,
    to: day,
    groupBy: z.enum(['day', 'user', 'model']).default('day'),
    userId: id.optional(),
    model: text({ max: 200 }).optional(),
  })
  .refine((input) => input.from <= input.to, { message: '"from" precisa ser anterior ou igual a "to"', path: ['to'] })
  .refine((input) => Date.parse(input.to) - Date.parse(input.from) <= 366 * 86_400_000, {
    message: 'No máximo 366 dias por consulta',
    path: ['to'],
  });

/** A history read newest first: a time window (from inclusive, to exclusive) and a keyset cursor. */
const historyPage = {
  userId: id.optional(),
  from: instant.optional(),
  to: instant.optional(),
  cursor: cursor.optional(),
  limit: pageSize,
};

export const listRecordsInput = z.strictObject({ ...historyPage, model: text({ max: 200 }).optional() }).default({ limit: 20 });

/** A cost per token: a non-negative decimal (up to 12 places), as a number or a string. */
const tokenCost = z
  .union([z.number(), z.string().trim()])
  // A number is written out to the column's 12 places: String() would give '1.5e-7' for a typical price, and 0.1 + 0.2 17 places.
  .transform((value) => (typeof value === 'number' ? value.toFixed(12) : value))
  .refine((value) => /^\d{1,12}(\.\d{1,12})?$/.test(value), 'Custo por token: decimal não negativo, até 12 casas');

export const modelName = text({ min: 1, max: 200 });
export const updateModelInput = z.strictObject({
  name: modelName,
  provider: text({ max: 100 }).optional(),
  costPerInputToken: tokenCost.optional(),
  costPerOutputToken: tokenCost.optional(),
  maxTokens: z.number().int().min(1).max(10_000_000).nullable().optional(),
  supportsVision: z.boolean().optional(),
  supportsFunctionCalling: z.boolean().optional(),
});

const hostName = text({ max: 253 }).regex(/^[a-zA-Z0-9.-]*$/, 'Servidor SMTP: nome ou IP');
export const updateSettingsInput = z.strictObject({
  defaultMonthlyLimit: tokens('Limite padrão').optional(),
  planLimits: z
    .strictObject({ basic: tokens('basic'), pro: tokens('pro'), enterprise: tokens('enterprise'), trial: tokens('trial') })
    .optional(),
  alertThreshold80: percent('Alerta 80%').optional(),
  alertThreshold95: percent('Alerta 95%').optional(),
  blockThreshold: z.number().int().min(1).max(1000).optional(),
  maxUserLimit: tokens('Limite máximo').optional(),
  minUserLimit: tokens('Limite mínimo').optional(),
  completionEstimate: z.number().int().min(1).max(1_000_000).optional(),
  rawRetentionDays: z.number().int().min(1).max(3650).optional(),
  emailSettings: z
    .strictObject({
      smtpHost: hostName.optional(),
      smtpPort: z.number().int().min(1).max(65535).optional(),
      smtpUser: text({ max: 200 }).optional(),
      /** Write-only: sealed at rest, never read back. Empty string clears it. */
      smtpPassword: z.string().max(500).optional(),
      fromEmail: z.union([z.literal(''), z.email({ error: 'Remetente: e-mail inválido' })]).optional(),
      fromName: text({ max: 100 }).optional(),
      useTls: z.boolean().optional(),
    })
    .optional(),
  securitySettings: z
    .strictObject({
      rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
      rateLimitBurst: z.number().int().min(0).max(100_000).optional(),
      corsOrigins: z
        .array(z.url({ protocol: /^https?$/, error: 'Origem: URL http(s)' }).max(300))
        .max(50)
        .optional(),
    })
    .optional(),
  litellmSettings: z
    .strictObject({
      baseUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'URL do upstream: http(s)' }).max(500)]).optional(),
      /** Write-only, sealed. Empty string clears it. */
      apiKey: z.string().max(500).optional(),
      /** Per attempt, in milliseconds. */
      timeout: z.number().int().min(1000).max(600_000).optional(),
      maxRetries: z.number().int().min(0).max(10).optional(),
      /** Seconds between model health checks. */
      healthCheckInterval: z.number().int().min(60).max(86_400).optional(),
    })
    .optional(),
});
export const testEmailInput = z.strictObject({ email: z.email({ error: 'E-mail inválido' }) });

export const auditLogsInput = z
  .strictObject({ ...historyPage, action: text({ max: 100 }).optional(), resource: text({ max: 100 }).optional() })
  .default({ limit: 20 });

export const exportQuery = z.strictObject({
  format: z.enum(['csv', 'json']).default('csv'),
  from: instant.optional(),
  to: instant.optional(),
  userId: id.optional(),
});
