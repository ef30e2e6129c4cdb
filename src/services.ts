import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { AppConfig } from './config';
import { createDatabase, type Database } from './db/database';
import type { DB } from './db/schema';
import { IdentityDirectory } from './domains/identity/directory';
import { feedChatFromHelpdesk } from './domains/agenda/chat/helpdesk-bridge';
import { deliveryKinds, domainJobs, permissionCatalogue } from './domains/registry';
import { AccessTokenSigner } from './platform/auth/access-tokens';
import { SecretBox } from './platform/auth/secret-box';
import { DeliveryWorker } from './platform/deliveries/worker';
import { createMemoryBus, createRedisBus, type MessageBus } from './platform/events/bus';
import { EventHub } from './platform/events/hub';
import { JobScheduler } from './platform/jobs/scheduler';
import { createLlmProvider, type LlmProvider } from './platform/llm';
import { createLogger, type Logger } from './platform/observability/logger';
import { createMetrics, type Metrics } from './platform/observability/metrics';
import { FallbackLimiter } from './platform/rate-limits/limiter';

/** Everything a request, a job or a script needs, built once per process. */
export interface Services {
  config: AppConfig;
  instanceId: string;
  database: Database;
  db: Kysely<DB>;
  logger: Logger;
  metrics: Metrics;
  redis: Redis | undefined;
  bus: MessageBus;
  hub: EventHub;
  directory: IdentityDirectory;
  signer: AccessTokenSigner;
  /** Seals and opens machine secrets stored in the database. */
  secrets: SecretBox;
  loginLimits: { perIp: FallbackLimiter; perAccount: FallbackLimiter };
  scheduler: JobScheduler;
  /** Sends queued outbound deliveries; started by bootstrap when DELIVERIES_ENABLED. */
  deliveries: DeliveryWorker;
  /** The configured language model; undefined when offline (the agents answer by rules). */
  llm: LlmProvider | undefined;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  database?: Database;
  logger?: Logger;
}

export async function createServices(config: AppConfig, overrides: ServiceOverrides = {}): Promise<Services> {
  const instanceId = randomUUID();
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const database = overrides.database ?? (await createDatabase(config.database));
  const db = database.db;
  const redis = config.redisUrl ? createRedisClient(config.redisUrl, logger) : undefined;
  const bus = config.redisUrl ? createRedisBus(config.redisUrl, logger) : createMemoryBus();
  const hub = new EventHub({ db, bus, logger, metrics, instanceId, pollIntervalMs: config.eventsPollIntervalMs });
  const directory = new IdentityDirectory({ db, catalogue: permissionCatalogue });
  directory.listenTo(hub);
  const { loginLimits: limits } = config;
  const loginLimits = {
    perIp: new FallbackLimiter(
      { keyPrefix: 'balcao:login:ip', points: limits.maxAttemptsPerIp, durationSeconds: limits.windowSeconds },
      redis,
      logger,
    ),
    perAccount: new FallbackLimiter(
      { keyPrefix: 'balcao:login:account', points: limits.maxFailuresPerAccount, durationSeconds: limits.windowSeconds },
      redis,
      logger,
    ),
  };
  const llm = createLlmProvider(config.llm);
  const scheduler = new JobScheduler({ db, logger, metrics, instanceId, jobs: domainJobs(config, llm) });
  const secrets = new SecretBox(config.secretsKey);
  const stopChatFromHelpdesk = feedChatFromHelpdesk(hub, { db, logger, llm });
  const deliveries = new DeliveryWorker({
    db,
    bus,
    logger,
    metrics,
    instanceId,
    kinds: deliveryKinds(secrets, config),
    settings: config.deliveries,
  });
  return {
    config,
    instanceId,
    database,
    db,
    logger,
    metrics,
    redis,
    bus,
    hub,
    directory,
    signer: new AccessTokenSigner(config.jwtSecret, config.accessTokenTtlSeconds),
    secrets,
    loginLimits,
    scheduler,
    deliveries,
    llm,
    close: async () => {
      stopChatFromHelpdesk();
      await scheduler.stop();
      await deliveries.stop();
      await hub.stop();
      directory.stop();
      await bus.close();
      if (redis) {
        await redis.quit().catch(() => undefined);
        redis.disconnect();
      }
      await database.close();
    },
  };
}

function createRedisClient(url: string, logger: Logger): Redis {
  // Fail fast instead of queueing: callers fall back when Redis is away.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  return redis;
}
