import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AppConfig } from './config';
import { createDatabase, type Database } from './db/database';
import { authenticateMachineToken, authenticateMachineTokens, IdentityDirectory } from './domains/identity';
import { domainCatalogue, domainModules } from './domains/modules';
import { AccessTokenSigner } from './platform/auth/access-tokens';
import { SecretBox } from './platform/auth/secret-box';
import { LinkSigner } from './platform/auth/signed-links';
import { DeliveryWorker } from './platform/deliveries/worker';
import { Devices } from './platform/devices';
import { createMemoryBus, createRedisBus } from './platform/events/bus';
import { EventHub } from './platform/events/hub';
import { housekeepingJobs } from './platform/jobs/housekeeping';
import { JobScheduler } from './platform/jobs/scheduler';
import { createLlmProvider } from './platform/llm';
import type { Services } from './platform/services';
import { createLogger, type Logger } from './platform/observability/logger';
import { createMetrics } from './platform/observability/metrics';
import { FallbackLimiter } from './platform/rate-limits/limiter';
import { OutboundGuard } from './platform/outbound/address-guard';

export type { Services };

/** The window of the per-address limit on device enrollment attempts. */
const DEVICE_ENROLL_WINDOW_SECONDS = 900;

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
  const directory = new IdentityDirectory({
    db,
    catalogue: domainCatalogue.permissions,
    accessTokenTtlMs: config.accessTokenTtlSeconds * 1000,
  });
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
  const devices = new Devices(
    { db, bus, logger, kinds: domainCatalogue.deviceKinds },
    new FallbackLimiter(
      { keyPrefix: 'balcao:devices:enroll:ip', points: config.deviceEnrollMaxAttemptsPerIp, durationSeconds: DEVICE_ENROLL_WINDOW_SECONDS },
      redis,
      logger,
    ),
  );
  await devices.revocations.start();
  const window = config.requestLimits.windowSeconds;
  const requestLimiter = (keyPrefix: string, points: number) =>
    new FallbackLimiter({ keyPrefix, points, durationSeconds: window }, redis, logger);
  const requestLimits = {
    webhooks: {
      perIp: requestLimiter('balcao:webhooks:ip', config.requestLimits.webhooks.perIp),
      perCredential: requestLimiter('balcao:webhooks:credential', config.requestLimits.webhooks.perCredential),
    },
    externalApi: {
      perIp: requestLimiter('balcao:external-api:ip', config.requestLimits.externalApi.perIp),
      perToken: requestLimiter('balcao:external-api:token', config.requestLimits.externalApi.perToken),
    },
  };
  const llm = createLlmProvider(config.llm);
  const secrets = new SecretBox(config.secretsKey);
  const links = new LinkSigner(config.secretsKey, config.mediaLinkTtlSeconds);
  const build = { config, secrets, links, llm };
  const retentionRules = domainModules.flatMap((domain) => domain.retention?.(build) ?? []);
  const jobs = [...domainModules.flatMap((domain) => domain.jobs?.(build) ?? []), ...housekeepingJobs(config.retention, retentionRules)];
  const scheduler = new JobScheduler({ db, logger, metrics, instanceId, jobs });
  const kinds = domainModules.flatMap((domain) => domain.deliveryKinds?.(build) ?? []);
  const outboundGuard = new OutboundGuard(config.outbound);
  const deliveries = new DeliveryWorker({ db, bus, logger, metrics, instanceId, kinds, settings: config.deliveries, outboundGuard });
  const stopListeners: Array<() => void | Promise<void>> = [];
  const services: Services = {
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
    devices,
    signer: new AccessTokenSigner(config.jwtSecret, config.accessTokenTtlSeconds),
    secrets,
    links,
    loginLimits,
    requestLimits,
    scheduler,
    deliveries,
    outboundGuard,
    llm,
    catalogue: domainCatalogue,
    machineCredentials: {
      authenticate: (presented) => authenticateMachineToken(db, presented),
      authenticateMany: (presented) => authenticateMachineTokens(db, presented),
    },
    close: async () => {
      for (const stop of stopListeners) await stop();
      await scheduler.stop();
      await deliveries.stop();
      await hub.stop();
      directory.stop();
      devices.revocations.stop();
      await bus.close();
      if (redis) {
        await redis.quit().catch(() => undefined);
        redis.disconnect();
      }
      await database.close();
    },
  };
  for (const domain of domainModules) if (domain.start) stopListeners.push(domain.start(services));
  return services;
}

function createRedisClient(url: string, logger: Logger): Redis {
  // Fail fast instead of queueing: callers fall back when Redis is away.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  return redis;
}
