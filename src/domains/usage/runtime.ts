import type { Services } from '../../platform/services';
import { FallbackLimiter, type LimitOutcome } from '../../platform/rate-limits/limiter';
import { withTenant } from '../../db/tenant-scope';
import { UpstreamClient, type UpstreamTarget } from './proxy/upstream';
import { GroupedLedger } from './ledger';
import { UsageRecorder } from './recorder';
import { mailPendingAlerts } from './alerts';
import { loadSettings } from './settings';

/** What the proxy needs of a tenant's settings, opened (the upstream key unsealed). */
export interface ProxyConfig {
  upstream: UpstreamTarget | null;
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  corsOrigins: readonly string[];
}

/**
 * Per-key request limits: a steady allowance per minute, and a burst allowance drawn on only once
 * the steady one is spent. Both count in Redis when there is one, so every instance shares them.
 */
class KeyRateLimits {
  readonly #policies = new Map<string, { steady: FallbackLimiter; burst: FallbackLimiter | null }>();

  constructor(private readonly services: Services) {}

  async consume(keyId: string, perMinute: number, burst: number): Promise<LimitOutcome> {
    const policyKey = `${perMinute}:${burst}`;
    let policy = this.#policies.get(policyKey);
    if (!policy) {
      const limiter = (name: string, points: number) =>
        new FallbackLimiter(
          { keyPrefix: `balcao:usage:${name}:${policyKey}`, points, durationSeconds: 60 },
          this.services.redis,
          this.services.logger,
        );
      policy = { steady: limiter('rpm', perMinute), burst: burst > 0 ? limiter('burst', burst) : null };
      this.#policies.set(policyKey, policy);
    }
    const steady = await policy.steady.consume(keyId);
    if (steady.allowed || !policy.burst) return steady;
    const extra = await policy.burst.consume(keyId);
    return extra.allowed ? extra : steady;
  }
}

/**
 * The usage domain's per-process parts: the grouped ledger writes, the record writer, the upstream
 * connections, the limits and the settings cache.
 */
export class UsageRuntime {
  readonly ledger: GroupedLedger;
  readonly recorder: UsageRecorder;
  readonly upstream: UpstreamClient;
  readonly rateLimits: KeyRateLimits;
  readonly #configs = new Map<string, { version: string | null; config: ProxyConfig }>();
  #mailing: Promise<void> | undefined;
  #mailAgain = false;

  constructor(private readonly services: Services) {
    this.ledger = new GroupedLedger(services.db);
    this.recorder = new UsageRecorder({ db: services.db, logger: services.logger });
    this.upstream = new UpstreamClient(services.outboundGuard);
    this.rateLimits = new KeyRateLimits(services);
  }

  /** The tenant's proxy settings; read again only when their version (updated_at) changed. */
  async proxyConfig(tenantId: string, version: string | null): Promise<ProxyConfig> {
    const cached = this.#configs.get(tenantId);
    if (cached && cached.version === version) return cached.config;
    const settings = await withTenant(this.services.db, tenantId, loadSettings);
    const config: ProxyConfig = {
      upstream: settings.upstream_base_url
        ? {
            baseUrl: settings.upstream_base_url,
            apiKey: settings.upstream_api_key_sealed ? this.services.secrets.open(settings.upstream_api_key_sealed) : null,
            timeoutMs: settings.upstream_timeout_ms,
            maxRetries: settings.upstream_max_retries,
          }
        : null,
      rateLimitPerMinute: settings.rate_limit_per_minute,
      rateLimitBurst: settings.rate_limit_burst,
      corsOrigins: settings.cors_origins,
    };
    this.#configs.set(tenantId, { version: settings.updated_at.toISOString(), config });
    return config;
  }

  /** Mails the pending alerts now (a settlement raised some); the every-minute job catches what this misses. */
  mailAlertsSoon(): void {
    if (this.#mailing) {
      this.#mailAgain = true;
      return;
    }
    this.#mailing = (async () => {
      do {
        this.#mailAgain = false;
        await mailPendingAlerts(this.services.db, this.services.secrets, this.services.logger).catch((error: Error) =>
          this.services.logger.warn({ err: error.message }, 'usage alert mailing failed; the job retries'),
        );
      } while (this.#mailAgain);
    })().finally(() => (this.#mailing = undefined));
  }

  /** Resolves once the mailing mailAlertsSoon started (if any) is over. */
  async alertMailSettled(): Promise<void> {
    while (this.#mailing) await this.#mailing;
  }

  async stop(): Promise<void> {
    // Settlements still being written record their requests when they are done.
    await this.ledger.drained();
    await this.recorder.stop();
    await this.alertMailSettled();
  }
}

const runtimes = new WeakMap<Services, UsageRuntime>();

/** The runtime of this app instance (several may share a process in tests). */
export function usageRuntime(services: Services): UsageRuntime {
  let runtime = runtimes.get(services);
  if (!runtime) {
    runtime = new UsageRuntime(services);
    runtimes.set(services, runtime);
  }
  return runtime;
}
