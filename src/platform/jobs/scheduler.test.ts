import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, silentLogger, type TestTenant } from '../../../test/support/app';
import type { Services } from '../services';
import { createMetrics } from '../observability/metrics';
import { JobScheduler, previousSlot, type JobDefinition } from './scheduler';
import { withSystem } from '../../db/system-scope';

function countingJob(
  name: string,
  overrides: Partial<JobDefinition> = {},
): JobDefinition & { calls: Array<{ tenant: string | undefined; slot: Date }> } {
  const calls: Array<{ tenant: string | undefined; slot: Date }> = [];
  return {
    name,
    description: name,
    schedule: '0 9 * * *',
    scope: 'tenant',
    graceMinutes: 60,
    calls,
    run: async ({ tenant, slot }) => {
      calls.push({ tenant: tenant?.slug, slot });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { processed: 1 };
    },
    ...overrides,
  };
}

describe('job scheduler', () => {
  let services: Services;
  let saoPaulo: TestTenant;
  let tokyo: TestTenant;
  const schedulerFor = (jobs: JobDefinition[], instanceId: string) =>
    new JobScheduler({ db: services.db, logger: silentLogger(), metrics: createMetrics(), instanceId, jobs });

  beforeAll(async () => {
    services = await createTestServices();
    saoPaulo = await seedTenant(services);
    tokyo = await seedTenant(services);
    await withSystem(services.db, (trx) =>
      trx.updateTable('tenants').set({ timezone: 'Asia/Tokyo' }).where('id', '=', tokyo.tenantId).execute(),
    );
  });
  afterAll(() => services.close());

  it('computes slots in the tenant time zone', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(previousSlot('30 3 * * *', 'America/Sao_Paulo', now).toISOString()).toBe('2026-03-10T06:30:00.000Z');
    expect(previousSlot('30 3 * * *', 'Asia/Tokyo', now).toISOString()).toBe('2026-03-09T18:30:00.000Z');
    expect(previousSlot('30 3 * * *', 'America/New_York', now).toISOString()).toBe('2026-03-10T07:30:00.000Z'); // after the DST change
  });

  it('runs a (job, tenant, slot) once across instances that fire together', async () => {
    const job = countingJob('test.once');
    const slot = new Date('2026-11-20T12:00:00Z');
    const [first, second] = [schedulerFor([job], 'instance-a'), schedulerFor([job], 'instance-b')];
    const outcomes = await Promise.all([first.fire(job, 'America/Sao_Paulo', slot), second.fire(job, 'America/Sao_Paulo', slot)]);
    const statuses = outcomes.flat().map((outcome) => outcome.status);
    expect(statuses.filter((status) => status === 'succeeded')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'skipped')).toHaveLength(1);
    expect(job.calls).toEqual([{ tenant: saoPaulo.slug, slot }]);
    const runs = await withSystem(services.db, (trx) => trx.selectFrom('job_runs').selectAll().where('job', '=', 'test.once').execute());
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ tenant_id: saoPaulo.tenantId, status: 'succeeded', trigger: 'schedule', stats: { processed: 1 } });
    expect(runs[0]!.finished_at).toBeInstanceOf(Date);
  });

  it('fires a time zone only for the tenants that live in it', async () => {
    const job = countingJob('test.zones');
    await schedulerFor([job], 'instance-a').fire(job, 'Asia/Tokyo', new Date('2026-11-20T00:00:00Z'));
    expect(job.calls.map((call) => call.tenant)).toEqual([tokyo.slug]);
  });

  it('catches up a slot missed while down, within its grace window only, and never twice', async () => {
    const job = countingJob('test.catchup', { schedule: '0 9 * * *', graceMinutes: 120 });
    const scheduler = schedulerFor([job], 'instance-a');
    const withinGrace = new Date('2026-11-20T13:30:00Z'); // 10:30 in São Paulo, 22:30 in Tokyo
    const outcomes = await scheduler.catchUp(withinGrace);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['succeeded']);
    expect(job.calls).toEqual([{ tenant: saoPaulo.slug, slot: new Date('2026-11-20T12:00:00Z') }]);
    const again = await schedulerFor([job], 'instance-b').catchUp(withinGrace);
    expect(again.map((outcome) => outcome.status)).toEqual(['skipped']);
    const runs = await withSystem(services.db, (trx) =>
      trx.selectFrom('job_runs').select('trigger').where('job', '=', 'test.catchup').execute(),
    );
    expect(runs).toEqual([{ trigger: 'catch_up' }]);
  });

  it('records a failed run with its error and keeps going', async () => {
    const job = countingJob('test.failing', {
      run: async () => {
        throw new Error('upstream timed out');
      },
    });
    const [outcome] = await schedulerFor([job], 'instance-a').fire(job, 'America/Sao_Paulo', new Date('2026-11-21T12:00:00Z'));
    expect(outcome).toMatchObject({ status: 'failed', error: 'upstream timed out' });
    const run = await withSystem(services.db, (trx) =>
      trx.selectFrom('job_runs').selectAll().where('job', '=', 'test.failing').executeTakeFirstOrThrow(),
    );
    expect(run).toMatchObject({ status: 'failed', error: 'upstream timed out' });
  });

  it('jobs.runs lists the caller tenant runs only, newest first, page by page', async () => {
    const job = countingJob('test.paging');
    const scheduler = schedulerFor([job], 'instance-a');
    for (let day = 1; day <= 5; day += 1) await scheduler.fire(job, 'America/Sao_Paulo', new Date(`2026-10-0${day}T12:00:00Z`));
    const caller = await callerFor(services, { tenantId: saoPaulo.tenantId, userId: saoPaulo.ownerId });
    const first = await caller.jobs.runs({ job: 'test.paging', limit: 3 });
    const second = await caller.jobs.runs({ job: 'test.paging', limit: 3, cursor: first.nextCursor! });
    const slots = [...first.items, ...second.items].map((run) => run.slot.slice(0, 10));
    expect(slots).toEqual(['2026-10-05', '2026-10-04', '2026-10-03', '2026-10-02', '2026-10-01']);
    expect(second.nextCursor).toBeNull();
    const tokyoCaller = await callerFor(services, { tenantId: tokyo.tenantId, userId: tokyo.ownerId });
    const tokyoRuns = await tokyoCaller.jobs.runs({ limit: 200 });
    expect(tokyoRuns.items.every((run) => run.job !== 'test.paging')).toBe(true);
  });
});
