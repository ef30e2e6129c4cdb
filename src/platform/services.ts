import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Database } from '../db/database';
import type { DB } from '../db/schema';
import type { AccessTokenSigner } from './auth/access-tokens';
import type { MachineCredentials, UserDirectory } from './auth/principals';
import type { SecretBox } from './auth/secret-box';
import type { LinkSigner } from './auth/signed-links';
import type { DeliveryWorker } from './deliveries/worker';
import type { Devices } from './devices';
import type { DomainCatalogue } from './domain-catalogue';
import type { MessageBus } from './events/bus';
import type { EventHub } from './events/hub';
import type { JobScheduler } from './jobs/scheduler';
import type { LlmProvider } from './llm';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import type { OutboundGuard } from './outbound/address-guard';
import type { FallbackLimiter } from './rate-limits/limiter';

/** Everything a request, a job or a script needs, built once per process (src/services.ts builds it). */
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
  /** Who each user is now (active, role, permissions), kept current by the identity domain. */
  directory: UserDirectory;
  /** Checks API tokens and other machine credentials. */
  machineCredentials: MachineCredentials;
  /** Device kinds, device token checks and revocations announced to every instance. */
  devices: Devices;
  signer: AccessTokenSigner;
  /** Seals and opens machine secrets stored in the database. */
  secrets: SecretBox;
  /** Signs the expiring links that providers fetch media by. */
  links: LinkSigner;
  loginLimits: { perIp: FallbackLimiter; perAccount: FallbackLimiter };
  /** Request budgets of the machine surfaces, per caller address and per credential. */
  requestLimits: {
    webhooks: { perIp: FallbackLimiter; perCredential: FallbackLimiter };
    externalApi: { perIp: FallbackLimiter; perToken: FallbackLimiter };
  };
  scheduler: JobScheduler;
  /** Sends queued outbound deliveries; started by bootstrap when DELIVERIES_ENABLED. */
  deliveries: DeliveryWorker;
  /** Checks the addresses tenant-set URLs point to (at save time here, at send time in the delivery worker). */
  outboundGuard: OutboundGuard;
  /** The configured language model; undefined when offline (the agents answer by rules). */
  llm: LlmProvider | undefined;
  /** What the domains declared: permissions, scopes, event types and who may receive each event. */
  catalogue: DomainCatalogue;
  close(): Promise<void>;
}
