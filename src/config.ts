import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DeliverySettings } from './platform/deliveries/worker';
import type { HousekeepingSettings } from './platform/jobs/housekeeping';
import { parseAllowedHosts, type OutboundSettings } from './platform/outbound/address-guard';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** The longest any retention setting may be: ten years (beyond that, keep the rows for good by design, not by setting). */
const MAX_RETENTION_DAYS = 3650;

/**
 * Days a kind of row is kept before the housekeeping job deletes it: a whole number from 1 (a
 * slot's job run must outlive every job's catch-up window, at most 12 hours) to ten years.
 */
const retentionDays = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days`)
    .default(fallback);

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalString,
  JWT_SECRET: optionalString.refine((value) => value === undefined || value.length >= 32, 'JWT_SECRET must have at least 32 characters'),
  SECRETS_KEY: optionalString.refine((value) => value === undefined || value.length >= 32, 'SECRETS_KEY must have at least 32 characters'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOGIN_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(30),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  DEVICE_ENROLL_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(20),
  REQUEST_LIMITS_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  WEBHOOKS_MAX_REQUESTS_PER_IP: z.coerce.number().int().min(1).default(120_000),
  WEBHOOKS_MAX_REQUESTS_PER_CREDENTIAL: z.coerce.number().int().min(1).default(60_000),
  EXTERNAL_API_MAX_REQUESTS_PER_IP: z.coerce.number().int().min(1).default(120_000),
  EXTERNAL_API_MAX_REQUESTS_PER_TOKEN: z.coerce.number().int().min(1).default(60_000),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((value) => ({ true: '1', yes: '1', false: '0', no: '0', '': '0' })[value.toLowerCase()] ?? value)
    .pipe(z.string().regex(/^\d+$/, 'TRUST_PROXY must be a hop count (0, 1, 2…) or true/false').transform(Number))
    .pipe(z.number().int().min(0).max(10))
    .default(0),
  DEMO_TENANT: booleanFlag.optional(),
  METRICS_TOKEN: optionalString.refine(
    (value) => value === undefined || value.length >= 16,
    'METRICS_TOKEN must have at least 16 characters',
  ),
  JOBS_ENABLED: booleanFlag.default(true),
  EVENTS_RETENTION_DAYS: retentionDays(30),
  RETENTION_JOB_RUNS_DAYS: retentionDays(30),
  RETENTION_DELIVERIES_DAYS: retentionDays(30),
  RETENTION_DEAD_DELIVERIES_DAYS: retentionDays(90),
  RETENTION_LLM_CALLS_DAYS: retentionDays(90),
  RETENTION_HELPDESK_API_CALLS_DAYS: retentionDays(30),
  RETENTION_HELPDESK_CHANNEL_STATUS_DAYS: retentionDays(90),
  RETENTION_QUEUE_CALL_REQUESTS_DAYS: retentionDays(7),
  HOUSEKEEPING_BATCH_ROWS: z.coerce
    .number({ message: 'must be a whole number of rows' })
    .int('must be a whole number of rows')
    .min(100, 'must be at least 100 rows')
    .max(50_000, 'must be at most 50000 rows')
    .default(5000),
  HOUSEKEEPING_TIME_BUDGET_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .max(3600, 'must be at most 3600 seconds')
    .default(300),
  MEDIA_LINK_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(3600),
  EVENTS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  DELIVERIES_ENABLED: booleanFlag.default(true),
  DELIVERIES_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  DELIVERIES_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(2000),
  DELIVERIES_RETRY_CAP_MS: z.coerce.number().int().min(1).max(86_400_000).default(300_000),
  DELIVERIES_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  DELIVERIES_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  DELIVERIES_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
  // Empty means the default for NODE_ENV (docker-compose passes unset variables as empty).
  OUTBOUND_BLOCK_PRIVATE: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : value === 'true' || value === '1' || value === 'yes')),
  OUTBOUND_ALLOWED_HOSTS: z.string().default(''),
  WHATSAPP_GRAPH_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com'),
  LLM_PROVIDER: z.enum(['auto', 'offline', 'gemini', 'openai_compatible']).default('auto'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8000),
  GEMINI_API_KEY: optionalString,
  GEMINI_MODEL: optionalString,
  GEMINI_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://generativelanguage.googleapis.com'),
  LLM_BASE_URL: optionalString.refine(
    (value) => value === undefined || z.url({ protocol: /^https?$/ }).safeParse(value).success,
    'LLM_BASE_URL must be an http(s) URL',
  ),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
});

export type Environment = z.infer<typeof environmentSchema>;

/** The platform's retention settings plus the domains' logs (each domain's manifest reads its own). */
export interface RetentionSettings extends HousekeepingSettings {
  /** The external API's call log, whose idempotency keys replay for as long. */
  helpdeskApiCallsDays: number;
  helpdeskChannelStatusDays: number;
  /** The queue's call request ids, kept to answer a repeated click with the first call's ticket. */
  queueCallRequestsDays: number;
}

export interface AppConfig {
  env: Environment['NODE_ENV'];
  port: number;
  host: string;
  publicUrl: string;
  logLevel: Environment['LOG_LEVEL'];
  dataDir: string;
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  redisUrl: string | undefined;
  jwtSecret: string;
  /** Seals machine secrets kept in the database (webhook secrets). */
  secretsKey: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  loginLimits: { maxAttemptsPerIp: number; maxFailuresPerAccount: number; windowSeconds: number };
  /** Device enrollment attempts allowed per client address in 15 minutes. */
  deviceEnrollMaxAttemptsPerIp: number;
  /** Requests per window on the machine surfaces (webhooks, external API), per caller address and per credential. */
  requestLimits: {
    windowSeconds: number;
    webhooks: { perIp: number; perCredential: number };
    externalApi: { perIp: number; perToken: number };
  };
  maxBodyBytes: number;
  /** How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the socket is the client). */
  trustProxy: number;
  demoTenant: boolean;
  /** When set, GET /metrics wants `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  jobsEnabled: boolean;
  /** How long each kind of log row is kept, and how the daily housekeeping deletes (src/platform/jobs/housekeeping.ts). */
  retention: RetentionSettings;
  eventsPollIntervalMs: number;
  /** How long a signed media link handed to a provider (n8n, Meta) works. */
  mediaLinkTtlSeconds: number;
  deliveries: DeliverySettings & { enabled: boolean };
  /** Which addresses tenant-set URLs (n8n, callbacks) may reach (src/platform/outbound). */
  outbound: OutboundSettings;
  /** The Meta Graph API that WhatsApp Cloud channels talk to (a stand-in in tests). */
  whatsappGraphBaseUrl: string;
  /** Where structured LLM answers come from (src/platform/llm); offline: no model is called. */
  llm:
    | { provider: 'offline' }
    | { provider: 'gemini'; apiKey: string; model: string; baseUrl: string; timeoutMs: number }
    | { provider: 'openai_compatible'; baseUrl: string; apiKey?: string; model: string; timeoutMs: number };
}

export class ConfigError extends Error {}

/** Parses the environment once; the only place that reads process.env. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  for (const name of ['JWT_SECRET', 'SECRETS_KEY'] as const) {
    if (env.NODE_ENV === 'production' && !env[name])
      throw new ConfigError(`Invalid configuration: ${name} is required when NODE_ENV=production`);
  }
  // Resolved before any secret file is written, so a bad LLM setting leaves nothing behind.
  const llm = llmSettings(env);
  const outbound = outboundSettings(env);
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    logLevel: env.LOG_LEVEL,
    dataDir,
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    redisUrl: env.REDIS_URL,
    jwtSecret: env.JWT_SECRET ?? readOrCreateLocalSecret(dataDir, 'jwt-secret'),
    secretsKey: env.SECRETS_KEY ?? readOrCreateLocalSecret(dataDir, 'secrets-key'),
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    loginLimits: {
      maxAttemptsPerIp: env.LOGIN_MAX_ATTEMPTS_PER_IP,
      maxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      windowSeconds: env.LOGIN_WINDOW_SECONDS,
    },
    deviceEnrollMaxAttemptsPerIp: env.DEVICE_ENROLL_MAX_ATTEMPTS_PER_IP,
    requestLimits: {
      windowSeconds: env.REQUEST_LIMITS_WINDOW_SECONDS,
      webhooks: { perIp: env.WEBHOOKS_MAX_REQUESTS_PER_IP, perCredential: env.WEBHOOKS_MAX_REQUESTS_PER_CREDENTIAL },
      externalApi: { perIp: env.EXTERNAL_API_MAX_REQUESTS_PER_IP, perToken: env.EXTERNAL_API_MAX_REQUESTS_PER_TOKEN },
    },
    maxBodyBytes: env.MAX_BODY_BYTES,
    trustProxy: env.TRUST_PROXY,
    demoTenant: env.DEMO_TENANT ?? env.NODE_ENV !== 'production',
    metricsToken: env.METRICS_TOKEN,
    jobsEnabled: env.JOBS_ENABLED,
    retention: {
      eventsDays: env.EVENTS_RETENTION_DAYS,
      jobRunsDays: env.RETENTION_JOB_RUNS_DAYS,
      deliveredDeliveriesDays: env.RETENTION_DELIVERIES_DAYS,
      deadDeliveriesDays: env.RETENTION_DEAD_DELIVERIES_DAYS,
      llmCallsDays: env.RETENTION_LLM_CALLS_DAYS,
      helpdeskApiCallsDays: env.RETENTION_HELPDESK_API_CALLS_DAYS,
      helpdeskChannelStatusDays: env.RETENTION_HELPDESK_CHANNEL_STATUS_DAYS,
      queueCallRequestsDays: env.RETENTION_QUEUE_CALL_REQUESTS_DAYS,
      batchRows: env.HOUSEKEEPING_BATCH_ROWS,
      timeBudgetMs: env.HOUSEKEEPING_TIME_BUDGET_SECONDS * 1000,
    },
    eventsPollIntervalMs: env.EVENTS_POLL_INTERVAL_MS,
    mediaLinkTtlSeconds: env.MEDIA_LINK_TTL_SECONDS,
    deliveries: {
      enabled: env.DELIVERIES_ENABLED,
      pollIntervalMs: env.DELIVERIES_POLL_INTERVAL_MS,
      retryBaseMs: env.DELIVERIES_RETRY_BASE_MS,
      retryCapMs: env.DELIVERIES_RETRY_CAP_MS,
      maxAttempts: env.DELIVERIES_MAX_ATTEMPTS,
      timeoutMs: env.DELIVERIES_TIMEOUT_MS,
      concurrency: env.DELIVERIES_CONCURRENCY,
    },
    outbound,
    whatsappGraphBaseUrl: env.WHATSAPP_GRAPH_BASE_URL.replace(/\/+$/, ''),
    llm,
  };
}

/** Blocking defaults to on in production only, so a local n8n on 127.0.0.1 keeps working in development. */
function outboundSettings(env: Environment): OutboundSettings {
  try {
    return {
      blockPrivate: env.OUTBOUND_BLOCK_PRIVATE ?? env.NODE_ENV === 'production',
      allowedHosts: parseAllowedHosts(env.OUTBOUND_ALLOWED_HOSTS),
    };
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${(error as Error).message}`);
  }
}

/** LLM_PROVIDER=auto picks the first provider configured: Gemini, then an OpenAI-compatible endpoint, else offline. */
function llmSettings(env: Environment): AppConfig['llm'] {
  const provider =
    env.LLM_PROVIDER !== 'auto' ? env.LLM_PROVIDER : env.GEMINI_API_KEY ? 'gemini' : env.LLM_BASE_URL ? 'openai_compatible' : 'offline';
  if (provider === 'gemini') {
    if (!env.GEMINI_API_KEY) throw new ConfigError('Invalid configuration: GEMINI_API_KEY is required when LLM_PROVIDER=gemini');
    return {
      provider,
      apiKey: env.GEMINI_API_KEY,
      model: env.GEMINI_MODEL ?? 'gemini-2.5-flash',
      baseUrl: env.GEMINI_BASE_URL.replace(/\/+$/, ''),
      timeoutMs: env.LLM_TIMEOUT_MS,
    };
  }
  if (provider === 'openai_compatible') {
    if (!env.LLM_BASE_URL) throw new ConfigError('Invalid configuration: LLM_BASE_URL is required when LLM_PROVIDER=openai_compatible');
    return {
      provider,
      baseUrl: env.LLM_BASE_URL.replace(/\/+$/, ''),
      apiKey: env.LLM_API_KEY,
      model: env.LLM_MODEL ?? 'gpt-4o-mini',
      timeoutMs: env.LLM_TIMEOUT_MS,
    };
  }
  return { provider: 'offline' };
}

/** A development install keeps its keys beside its data, so sessions and sealed secrets survive restarts. */
function readOrCreateLocalSecret(dataDir: string, fileName: string): string {
  const secretFile = path.join(dataDir, fileName);
  if (existsSync(secretFile)) return readFileSync(secretFile, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(secretFile, secret, { mode: 0o600 });
  return secret;
}
