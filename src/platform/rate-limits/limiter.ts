import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger';

export interface LimitPolicy {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

export type LimitOutcome = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

const WARNING_INTERVAL_MS = 60_000;

/**
 * A counter that holds across instances through Redis when there is one, and falls back to
 * this process's memory (with a logged warning) when Redis is missing or unreachable, so a
 * Redis outage degrades limits instead of refusing every request.
 */
export class FallbackLimiter {
  readonly #shared: RateLimiterRedis | undefined;
  readonly #local: RateLimiterMemory;
  #lastWarningAt = 0;

  constructor(
    private readonly policy: LimitPolicy,
    redis: Redis | undefined,
    private readonly logger: Logger,
  ) {
    const options = { keyPrefix: policy.keyPrefix, points: policy.points, duration: policy.durationSeconds };
    this.#shared = redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : undefined;
    this.#local = new RateLimiterMemory(options);
  }

  /**
   * Spends one point; refused once the policy's points are spent in its window. Counting and
   * deciding are one step (a Lua INCR + EXPIRE on Redis, a synchronous increment in memory), so
   * parallel callers can never all pass: spend first, then do the guarded work.
   */
  async consume(key: string): Promise<LimitOutcome> {
    try {
      const result = await this.#run((limiter) => limiter.consume(key));
      return { allowed: true, remaining: result.remainingPoints };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
      throw error;
    }
  }

  async reset(key: string): Promise<void> {
    await this.#run((limiter) => limiter.delete(key));
  }

  async #run<T>(operation: (limiter: RateLimiterRedis | RateLimiterMemory) => Promise<T>): Promise<T> {
    if (!this.#shared) return operation(this.#local);
    try {
      return await operation(this.#shared);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw error;
      this.#warnFallback(error);
      return operation(this.#local);
    }
  }

  #warnFallback(error: unknown): void {
    const now = Date.now();
    if (now - this.#lastWarningAt < WARNING_INTERVAL_MS) return;
    this.#lastWarningAt = now;
    this.logger.warn(
      { err: (error as Error)?.message, limiter: this.policy.keyPrefix },
      'redis unavailable: rate limits fall back to this process',
    );
  }
}
