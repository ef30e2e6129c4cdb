import { deliveryRetentionRules } from '../deliveries/retention';
import { llmCallRetentionRules } from '../llm/retention';
import { olderThan, pruneExpiredRows, type RetentionRule } from './retention';
import type { JobDefinition, JobStats } from './scheduler';

export const HOUSEKEEPING_JOB = 'platform.housekeeping';
export const SYSTEM_HOUSEKEEPING_JOB = 'platform.system_housekeeping';

/** How long the platform's own tables keep their rows, and how the housekeeping deletes (src/config.ts). */
export interface HousekeepingSettings {
  eventsDays: number;
  jobRunsDays: number;
  /** Delivered and cancelled deliveries, with their attempts. */
  deliveredDeliveriesDays: number;
  /** Dead deliveries (still replayable from the dashboard until then), with their attempts. */
  deadDeliveriesDays: number;
  llmCallsDays: number;
  batchRows: number;
  timeBudgetMs: number;
}

/**
 * The platform's tables: events, job runs (a tenant's, and the system's of the global jobs, which
 * the every-minute jobs fill), deliveries with their attempts, LLM calls. A job run's slot is at
 * least a day older than the run's own slot (retention ≥ 1 day), so the row claiming the current
 * slot, and any slot still in a catch-up window (12 hours at most), always stays.
 */
export function platformRetentionRules(settings: HousekeepingSettings): RetentionRule[] {
  const jobRuns = { table: 'job_runs', column: 'slot', days: settings.jobRunsDays } as const;
  return [
    olderThan({ name: 'events', table: 'events', column: 'occurred_at', days: settings.eventsDays }),
    olderThan({ name: 'job_runs', ...jobRuns }),
    olderThan({ name: 'job_runs.system', owner: 'system', ...jobRuns }),
    ...deliveryRetentionRules({ deliveredDays: settings.deliveredDeliveriesDays, deadDays: settings.deadDeliveriesDays }),
    ...llmCallRetentionRules({ days: settings.llmCallsDays }),
  ];
}

/**
 * The one housekeeping, in its two scopes: daily at 03:30 in each tenant's zone, the tenant's rows
 * past retention (the platform's tables and every domain's logs, as their manifests declare); daily
 * at 03:20 UTC, the system's rows (the global jobs' runs). Each (job, tenant, slot) is claimed
 * once across instances like every job.
 */
export function housekeepingJobs(settings: HousekeepingSettings, domainRules: readonly RetentionRule[]): JobDefinition[] {
  const rules = [...platformRetentionRules(settings), ...domainRules];
  const names = new Set<string>();
  for (const rule of rules) {
    if (names.has(rule.name)) throw new Error(`Two retention rules are named ${rule.name}`);
    names.add(rule.name);
  }
  const limits = { batchRows: settings.batchRows, timeBudgetMs: settings.timeBudgetMs };
  const statsOf = ({ deleted, complete }: Awaited<ReturnType<typeof pruneExpiredRows>>): JobStats => ({ ...deleted, complete });
  return [
    {
      name: HOUSEKEEPING_JOB,
      description: 'Limpeza diária: sessões expiradas, eventos, execuções, entregas e registros além do prazo de guarda',
      schedule: '30 3 * * *',
      scope: 'tenant',
      graceMinutes: 12 * 60,
      run: async ({ db, tenant, slot }) => {
        if (!tenant) throw new Error('housekeeping runs per tenant');
        return statsOf(await pruneExpiredRows(db, rules, { tenantId: tenant.id }, slot, limits));
      },
    },
    {
      name: SYSTEM_HOUSEKEEPING_JOB,
      description: 'Limpeza diária das execuções das tarefas globais além do prazo de guarda',
      schedule: '20 3 * * *',
      scope: 'global',
      graceMinutes: 12 * 60,
      run: async ({ db, slot }) => statsOf(await pruneExpiredRows(db, rules, 'system', slot, limits)),
    },
  ];
}
