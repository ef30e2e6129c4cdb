import { CronExpressionParser } from 'cron-parser';
import type { Kysely } from 'kysely';
import cron, { type ScheduledTask } from 'node-cron';
import { withSystem } from '../../db/system-scope';
import type { DB } from '../../db/schema';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

export interface JobTenant {
  id: string;
  slug: string;
  timezone: string;
}

export interface JobContext {
  db: Kysely<DB>;
  /** The tenant this run is for; undefined for global jobs. */
  tenant: JobTenant | undefined;
  slot: Date;
  logger: Logger;
}

export type JobStats = Record<string, number | string | boolean | null>;

export interface JobDefinition {
  name: string;
  description: string;
  /** Cron expression, read in the tenant's time zone for tenant jobs and in UTC for global ones. */
  schedule: string;
  scope: 'tenant' | 'global';
  /** How late a slot missed while no instance was up may still run at start. */
  graceMinutes: number;
  run(context: JobContext): Promise<JobStats>;
}

export type JobTrigger = 'schedule' | 'catch_up' | 'manual';

export type RunOutcome =
  { status: 'succeeded'; runId: string; stats: JobStats } | { status: 'failed'; runId: string; error: string } | { status: 'skipped' };

const TIMEZONE_RESYNC_MS = 60_000;

/**
 * Fires jobs with node-cron on every instance and lets Postgres decide who runs: each
 * (job, tenant, slot) is claimed by inserting its job_runs row, which a unique index allows once.
 */
export class JobScheduler {
  #tasks = new Map<string, ScheduledTask>();
  #inFlight = new Set<Promise<unknown>>();
  #resyncTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly deps: { db: Kysely<DB>; logger: Logger; metrics: Metrics; instanceId: string; jobs: readonly JobDefinition[] },
  ) {
    for (const job of deps.jobs) {
      if (!cron.validate(job.schedule)) throw new Error(`Job ${job.name}: invalid cron expression ${job.schedule}`);
    }
  }

  get jobs(): readonly JobDefinition[] {
    return this.deps.jobs;
  }

  async start(now = new Date()): Promise<void> {
    await this.#syncTasks();
    this.#resyncTimer = setInterval(
      () => void this.#syncTasks().catch((error) => this.#logFailure('timezone resync', error)),
      TIMEZONE_RESYNC_MS,
    );
    this.#resyncTimer.unref();
    this.#track(this.catchUp(now));
  }

  /** Stops firing and waits for runs in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#resyncTimer) clearInterval(this.#resyncTimer);
    await Promise.all([...this.#tasks.values()].map((task) => task.destroy()));
    this.#tasks.clear();
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Runs each job's latest slot that no instance ran, when it is still within its grace window. */
  async catchUp(now = new Date()): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    for (const job of this.deps.jobs) {
      const targets = job.scope === 'tenant' ? await this.#tenants() : [undefined];
      for (const tenant of targets) {
        const slot = previousSlot(job.schedule, tenant?.timezone ?? 'UTC', now);
        if (now.getTime() - slot.getTime() > job.graceMinutes * 60_000) continue;
        outcomes.push(await this.runSlot(job, tenant, slot, 'catch_up'));
      }
    }
    return outcomes;
  }

  /** What a cron fire does: run the slot for every tenant in that time zone (or once, globally). */
  async fire(job: JobDefinition, timezone: string, slot: Date): Promise<RunOutcome[]> {
    if (job.scope === 'global') return [await this.runSlot(job, undefined, slot, 'schedule')];
    const tenants = (await this.#tenants()).filter((tenant) => tenant.timezone === timezone);
    const outcomes: RunOutcome[] = [];
    for (const tenant of tenants) outcomes.push(await this.runSlot(job, tenant, slot, 'schedule'));
    return outcomes;
  }

  /** Claims and runs one slot; another instance's claim (or an earlier run) makes this a skip. */
  async runSlot(job: JobDefinition, tenant: JobTenant | undefined, slot: Date, trigger: JobTrigger): Promise<RunOutcome> {
    // Claims and run records span tenants (and global jobs have none): the system path.
    const claimed = await withSystem(this.deps.db, (trx) =>
      trx
        .insertInto('job_runs')
        .values({
          job: job.name,
          tenant_id: tenant?.id ?? null,
          slot,
          trigger,
          status: 'running',
          stats: '{}',
          instance_id: this.deps.instanceId,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returning('id')
        .executeTakeFirst(),
    );
    if (!claimed) return { status: 'skipped' };
    const logger = this.deps.logger.child({ job: job.name, tenantId: tenant?.id, slot: slot.toISOString(), runId: claimed.id });
    const stopTimer = this.deps.metrics.jobDuration.startTimer({ job: job.name });
    try {
      const stats = await job.run({ db: this.deps.db, tenant, slot, logger });
      await this.#finish(claimed.id, { status: 'succeeded', stats: JSON.stringify(stats) });
      this.deps.metrics.jobRuns.inc({ job: job.name, outcome: 'succeeded' });
      logger.info({ stats }, 'job run succeeded');
      return { status: 'succeeded', runId: claimed.id, stats };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.#finish(claimed.id, { status: 'failed', error: message.slice(0, 2000) });
      this.deps.metrics.jobRuns.inc({ job: job.name, outcome: 'failed' });
      logger.error({ err: error as Error }, 'job run failed');
      return { status: 'failed', runId: claimed.id, error: message };
    } finally {
      stopTimer();
    }
  }

  async #finish(runId: string, update: { status: 'succeeded' | 'failed'; stats?: string; error?: string }): Promise<void> {
    await withSystem(this.deps.db, (trx) =>
      trx
        .updateTable('job_runs')
        .set({ ...update, finished_at: new Date() })
        .where('id', '=', runId)
        .execute(),
    );
  }

  async #tenants(): Promise<JobTenant[]> {
    return withSystem(this.deps.db, (trx) => trx.selectFrom('tenants').select(['id', 'slug', 'timezone']).orderBy('slug').execute());
  }

  /** One cron task per (job, time zone in use), so tenants share tasks and new zones are picked up. */
  async #syncTasks(): Promise<void> {
    if (this.#stopped) return;
    const zones = new Set((await this.#tenants()).map((tenant) => tenant.timezone));
    for (const job of this.deps.jobs) {
      for (const timezone of job.scope === 'tenant' ? zones : new Set(['UTC'])) {
        const key = `${job.name}@${timezone}`;
        if (this.#tasks.has(key)) continue;
        const task = cron.schedule(
          job.schedule,
          (context) => {
            this.#track(this.fire(job, timezone, truncateToMinute(context.date)));
          },
          { name: key, timezone, noOverlap: false },
        );
        this.#tasks.set(key, task);
      }
    }
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error) => this.#logFailure('job fire', error)).finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  #logFailure(what: string, error: unknown): void {
    this.deps.logger.error({ err: error as Error }, `${what} failed`);
  }
}

export function previousSlot(schedule: string, timezone: string, now: Date): Date {
  const expression = CronExpressionParser.parse(schedule, { tz: timezone, currentDate: new Date(now.getTime() + 1) });
  return expression.prev().toDate();
}

function truncateToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000);
}
