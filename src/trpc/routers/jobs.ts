import { z } from 'zod';
import { platformPermissions as can } from '../../platform/platform-permissions';
import { text } from '../../platform/validation';
import { router } from '../init';
import { permittedProcedure } from '../procedures';

const runsInput = z
  .strictObject({
    job: text({ max: 100 }).optional(),
    status: z.enum(['running', 'succeeded', 'failed']).optional(),
    cursor: z
      .string()
      .regex(/^\d{1,19}$/, 'Cursor inválido')
      .nullish(),
    /** Sent by tRPC's infinite queries; pages always go from newest to oldest. */
    direction: z.enum(['forward', 'backward']).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .default({ limit: 50 });

export const jobsRouter = router({
  /** The tenant's job runs, newest first, keyset-paginated by id. */
  runs: permittedProcedure(can['jobs.read'])
    .input(runsInput)
    .query(({ ctx, input }) =>
      ctx.withTenant(async (trx) => {
        let query = trx
          .selectFrom('job_runs')
          .selectAll()
          .orderBy('id', 'desc')
          .limit(input.limit + 1);
        if (input.job) query = query.where('job', '=', input.job);
        if (input.status) query = query.where('status', '=', input.status);
        if (input.cursor) query = query.where('id', '<', input.cursor);
        const rows = await query.execute();
        const items = rows.slice(0, input.limit).map((run) => ({
          id: run.id,
          job: run.job,
          slot: run.slot.toISOString(),
          trigger: run.trigger,
          status: run.status,
          startedAt: run.started_at.toISOString(),
          finishedAt: run.finished_at?.toISOString() ?? null,
          durationMs: run.finished_at ? run.finished_at.getTime() - run.started_at.getTime() : null,
          error: run.error,
          stats: run.stats,
        }));
        return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
      }),
    ),
  /** The jobs this deployment schedules, for the dashboard's legend. */
  definitions: permittedProcedure(can['jobs.read']).query(({ ctx }) =>
    ctx.services.scheduler.jobs.map((job) => ({ name: job.name, description: job.description, schedule: job.schedule, scope: job.scope })),
  ),
});
