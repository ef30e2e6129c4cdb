import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, silentLogger, type TestTenant } from '../../../test/support/app';
import { withSystem } from '../../db/system-scope';
import type { Services } from '../services';
import { createMetrics } from '../observability/metrics';
import { HOUSEKEEPING_JOB, SYSTEM_HOUSEKEEPING_JOB } from './housekeeping';
import { DAY_MS, olderThan, pruneExpiredRows, retentionCutoff } from './retention';
import { JobScheduler, type JobTenant } from './scheduler';

/** The ids a seeded table's rows go by, split by what the run must do with them. */
type Fate = { gone: string[]; kept: string[] };
type Seeded = Record<string, Fate>;

const SECOND = 1000;

describe('housekeeping', () => {
  let services: Services;
  let a: TestTenant;
  let b: TestTenant;
  // Rows the app writes as it works (tenant creation's events and audit) are recent: inside every window.
  const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const jobTenant = (tenant: TestTenant): JobTenant => ({ id: tenant.tenantId, slug: tenant.slug, timezone: 'America/Sao_Paulo' });
  const jobNamed = (name: string) => services.scheduler.jobs.find((job) => job.name === name)!;
  const schedulerFor = (instanceId: string) =>
    new JobScheduler({ db: services.db, logger: silentLogger(), metrics: createMetrics(), instanceId, jobs: services.scheduler.jobs });

  /** Per table: a row one second past its retention (gone) and one exactly at its cutoff (kept). */
  async function seedHistory(tenant: TestTenant, at: Date): Promise<Seeded> {
    const days = services.config.retention;
    const past = (keepDays: number) => new Date(retentionCutoff(at, keepDays).getTime() - SECOND);
    const edge = (keepDays: number) => retentionCutoff(at, keepDays);
    return withSystem(services.db, async (trx) => {
      const tenant_id = tenant.tenantId;
      const ids = async <Row extends { id: string | number }>(rows: Promise<Row[]>) => (await rows).map((row) => String(row.id));
      const seeded: Seeded = {};

      const events = (occurredAt: Date) =>
        ids(
          trx
            .insertInto('events')
            .values({ tenant_id, type: 'tenant.updated', data: '{}', occurred_at: occurredAt })
            .returning('id')
            .execute(),
        );
      seeded.events = { gone: await events(past(days.eventsDays)), kept: await events(edge(days.eventsDays)) };

      const jobRun = (slotAt: Date) =>
        ids(
          trx
            .insertInto('job_runs')
            .values({
              job: 'test.history',
              tenant_id,
              slot: slotAt,
              trigger: 'schedule',
              status: 'succeeded',
              instance_id: 'seed',
              stats: '{}',
            })
            .returning('id')
            .execute(),
        );
      seeded.job_runs = { gone: await jobRun(past(days.jobRunsDays)), kept: await jobRun(edge(days.jobRunsDays)) };

      const delivery = async (status: 'pending' | 'delivered' | 'cancelled' | 'dead', updatedAt: Date) => {
        const row = await trx
          .insertInto('deliveries')
          .values({ tenant_id, kind: 'test.history', payload: '{}', status, updated_at: updatedAt, created_at: updatedAt })
          .returning('id')
          .executeTakeFirstOrThrow();
        const attempt = await trx
          .insertInto('delivery_attempts')
          .values({ tenant_id, delivery_id: row.id, attempt: 1, attempted_at: updatedAt, duration_ms: 12, status_code: 500 })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { delivery: row.id, attempt: String(attempt.id) };
      };
      const deliveryFates = {
        gone: [
          await delivery('delivered', past(days.deliveredDeliveriesDays)),
          await delivery('cancelled', past(days.deliveredDeliveriesDays)),
          await delivery('dead', past(days.deadDeliveriesDays)),
        ],
        kept: [
          await delivery('delivered', edge(days.deliveredDeliveriesDays)),
          // Dead for longer than delivered ones are kept, but not yet past the dead ones' retention.
          await delivery('dead', past(days.deliveredDeliveriesDays)),
          await delivery('dead', edge(days.deadDeliveriesDays)),
          // Still retrying after longer than any retention: never deleted.
          await delivery('pending', past(Math.max(days.deliveredDeliveriesDays, days.deadDeliveriesDays) + 30)),
        ],
      };
      seeded.deliveries = {
        gone: deliveryFates.gone.map((row) => row.delivery),
        kept: deliveryFates.kept.map((row) => row.delivery),
      };
      seeded.delivery_attempts = {
        gone: deliveryFates.gone.map((row) => row.attempt),
        kept: deliveryFates.kept.map((row) => row.attempt),
      };

      const llmCall = (calledAt: Date) =>
        ids(
          trx
            .insertInto('llm_calls')
            .values({ tenant_id, purpose: 'test', provider: 'offline', model: 'offline', outcome: 'ok', at: calledAt })
            .returning('id')
            .execute(),
        );
      seeded.llm_calls = { gone: await llmCall(past(days.llmCallsDays)), kept: await llmCall(edge(days.llmCallsDays)) };

      const refreshToken = (times: { expires_at: Date; rotated_at?: Date; revoked_at?: Date }) =>
        ids(
          trx
            .insertInto('refresh_tokens')
            .values({ tenant_id, user_id: tenant.ownerId, family_id: crypto.randomUUID(), token_hash: crypto.randomUUID(), ...times })
            .returning('id')
            .execute(),
        );
      const later = new Date(at.getTime() + DAY_MS);
      seeded.refresh_tokens = {
        gone: [
          ...(await refreshToken({ expires_at: new Date(at.getTime() - SECOND) })),
          ...(await refreshToken({ expires_at: later, rotated_at: past(7) })),
          ...(await refreshToken({ expires_at: later, revoked_at: past(7) })),
        ],
        kept: [
          ...(await refreshToken({ expires_at: at })),
          ...(await refreshToken({ expires_at: later, rotated_at: edge(7) })),
          ...(await refreshToken({ expires_at: later, revoked_at: edge(7), rotated_at: edge(7) })),
        ],
      };

      const channel = await trx
        .insertInto('helpdesk_channels')
        .values({
          tenant_id,
          type: 'n8n',
          name: 'Histórico',
          webhook_secret_sealed: 'sealed',
          webhook_secret_hash: crypto.randomUUID(),
          config: '{}',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const token = await trx
        .insertInto('api_tokens')
        .values({ tenant_id, name: 'Histórico', prefix: crypto.randomUUID().slice(0, 12), token_hash: 'hash', scopes: [] })
        .returning('id')
        .executeTakeFirstOrThrow();
      const apiConfig = await trx
        .insertInto('helpdesk_api_configs')
        .values({ tenant_id, name: 'ERP', channel_id: channel.id, api_token_id: token.id, callback_secret_sealed: 'sealed' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const apiCall = (calledAt: Date) =>
        ids(
          trx
            .insertInto('helpdesk_api_calls')
            .values({ tenant_id, api_config_id: apiConfig.id, method: 'POST', path: '/send', status_code: 202, at: calledAt })
            .returning('id')
            .execute(),
        );
      seeded.helpdesk_api_calls = {
        gone: await apiCall(past(days.helpdeskApiCallsDays)),
        kept: await apiCall(edge(days.helpdeskApiCallsDays)),
      };
      const statusEvent = (changedAt: Date) =>
        ids(
          trx
            .insertInto('helpdesk_channel_status_events')
            .values({ tenant_id, channel_id: channel.id, status: 'connected', at: changedAt })
            .returning('id')
            .execute(),
        );
      seeded.helpdesk_channel_status_events = {
        gone: await statusEvent(past(days.helpdeskChannelStatusDays)),
        kept: await statusEvent(edge(days.helpdeskChannelStatusDays)),
      };

      const callRequest = async (createdAt: Date) => {
        const requestId = crypto.randomUUID();
        await trx
          .insertInto('queue_call_requests')
          .values({ tenant_id, request_id: requestId, desk_id: crypto.randomUUID(), created_at: createdAt })
          .execute();
        return [requestId];
      };
      seeded.queue_call_requests = {
        gone: await callRequest(past(days.queueCallRequestsDays)),
        kept: await callRequest(edge(days.queueCallRequestsDays)),
      };
      return seeded;
    });
  }

  /** The ids left in each seeded table, for one tenant (null: the system's job runs). */
  async function remaining(tenantId: string | null): Promise<Record<string, Set<string>>> {
    return withSystem(services.db, async (trx) => {
      const owned = sql`tenant_id is not distinct from ${tenantId}::uuid`;
      const idsIn = async (table: string, column = 'id') =>
        new Set(
          (await sql<{ id: string }>`select ${sql.ref(column)}::text as id from ${sql.table(table)} where ${owned}`.execute(trx)).rows.map(
            (row) => row.id,
          ),
        );
      const tables = [
        'events',
        'job_runs',
        'deliveries',
        'delivery_attempts',
        'llm_calls',
        'refresh_tokens',
        'helpdesk_api_calls',
        'helpdesk_channel_status_events',
      ];
      const left: Record<string, Set<string>> = {};
      for (const table of tables) left[table] = await idsIn(table);
      left.queue_call_requests = await idsIn('queue_call_requests', 'request_id');
      return left;
    });
  }

  /** Rows inside the window are all there; rows past retention are gone when `pruned`, all there when not. */
  const expectFates = (left: Record<string, Set<string>>, seeded: Seeded, pruned: boolean) => {
    for (const [table, fate] of Object.entries(seeded)) {
      expect(
        fate.kept.filter((id) => !left[table]!.has(id)),
        `${table}: rows inside the window`,
      ).toEqual([]);
      expect(
        fate.gone.filter((id) => left[table]!.has(id)),
        `${table}: rows past retention`,
      ).toEqual(pruned ? [] : fate.gone);
    }
  };

  const systemJobRun = (slotAt: Date) =>
    withSystem(services.db, async (trx) =>
      String(
        (
          await trx
            .insertInto('job_runs')
            .values({
              job: 'test.global_history',
              tenant_id: null,
              slot: slotAt,
              trigger: 'schedule',
              status: 'succeeded',
              instance_id: 'seed',
              stats: '{}',
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      ),
    );

  beforeAll(async () => {
    services = await createTestServices();
    a = await seedTenant(services);
    b = await seedTenant(services);
  });
  afterAll(() => services.close());

  it('deletes exactly the rows past retention in each table, of its own tenant; the system run only the global jobs’ runs', async () => {
    const seededA = await seedHistory(a, slot);
    const seededB = await seedHistory(b, slot);
    const days = services.config.retention.jobRunsDays;
    const systemGone = await systemJobRun(new Date(retentionCutoff(slot, days).getTime() - SECOND));
    const systemKept = await systemJobRun(retentionCutoff(slot, days));

    const outcome = await schedulerFor('instance-a').runSlot(jobNamed(HOUSEKEEPING_JOB), jobTenant(a), slot, 'manual');
    expect(outcome).toMatchObject({
      status: 'succeeded',
      stats: {
        events: 1,
        job_runs: 1,
        'deliveries.delivered': 2,
        'deliveries.dead': 1,
        llm_calls: 1,
        'refresh_tokens.expired': 1,
        'refresh_tokens.retired': 2,
        helpdesk_api_calls: 1,
        helpdesk_channel_status_events: 1,
        queue_call_requests: 1,
        complete: true,
      },
    });
    expectFates(await remaining(a.tenantId), seededA, true);
    // The other tenant's rows, past retention or not, are all there; so are the system's.
    expectFates(await remaining(b.tenantId), seededB, false);
    expect([...(await remaining(null)).job_runs!]).toEqual(expect.arrayContaining([systemGone, systemKept]));
    // The row that claimed this very slot stays.
    const claim = await withSystem(services.db, (trx) =>
      trx.selectFrom('job_runs').select('status').where('job', '=', HOUSEKEEPING_JOB).where('tenant_id', '=', a.tenantId).execute(),
    );
    expect(claim).toEqual([{ status: 'succeeded' }]);

    const system = await schedulerFor('instance-a').runSlot(jobNamed(SYSTEM_HOUSEKEEPING_JOB), undefined, slot, 'manual');
    expect(system).toMatchObject({ status: 'succeeded', stats: { 'job_runs.system': 1, complete: true } });
    const systemLeft = (await remaining(null)).job_runs!;
    expect(systemLeft.has(systemGone)).toBe(false);
    expect(systemLeft.has(systemKept)).toBe(true);
    expectFates(await remaining(b.tenantId), seededB, false);
  });

  it('runs a tenant’s slot once when two instances fire it together', async () => {
    // A day earlier than the first test's slot, so what that test kept is still inside every window here.
    const earlier = new Date(slot.getTime() - DAY_MS);
    const seededA = await seedHistory(a, earlier);
    const job = jobNamed(HOUSEKEEPING_JOB);
    const outcomes = (
      await Promise.all([
        schedulerFor('instance-a').fire(job, 'America/Sao_Paulo', earlier),
        schedulerFor('instance-b').fire(job, 'America/Sao_Paulo', earlier),
      ])
    ).flat();
    // Each tenant (both live in São Paulo) ran once and was skipped once.
    expect(outcomes.filter((outcome) => outcome.status === 'succeeded')).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome.status === 'skipped')).toHaveLength(2);
    const runs = await withSystem(services.db, (trx) =>
      trx.selectFrom('job_runs').select(['tenant_id', 'stats']).where('job', '=', HOUSEKEEPING_JOB).where('slot', '=', earlier).execute(),
    );
    expect(runs.map((run) => run.tenant_id).sort()).toEqual([a.tenantId, b.tenantId].sort());
    const runOfA = runs.find((run) => run.tenant_id === a.tenantId)!;
    expect(runOfA.stats).toMatchObject({
      events: 1,
      job_runs: 1,
      'deliveries.delivered': 2,
      'deliveries.dead': 1,
      queue_call_requests: 1,
      complete: true,
    });
    expectFates(await remaining(a.tenantId), seededA, true);
  });

  it('deletes in batches, the rules taking turns, and stops when its time budget is spent', async () => {
    const c = await seedTenant(services);
    const old = new Date(slot.getTime() - 400 * DAY_MS);
    await withSystem(services.db, async (trx) => {
      const rows = Array.from({ length: 5 }, () => ({ tenant_id: c.tenantId, occurred_at: old, type: 'tenant.updated', data: '{}' }));
      await trx.insertInto('events').values(rows).execute();
      await trx
        .insertInto('llm_calls')
        .values(rows.map(() => ({ tenant_id: c.tenantId, purpose: 't', provider: 'offline', model: 'm', outcome: 'ok', at: old })))
        .execute();
    });
    const rules = [
      olderThan({ name: 'events', table: 'events', column: 'occurred_at', days: 30 }),
      olderThan({ name: 'llm_calls', table: 'llm_calls', column: 'at', days: 30 }),
    ];
    // A clock that moves a second each time it is read: two batches fit in a 2.5 s budget.
    let reads = 0;
    const clock = () => reads++ * 1000;
    const first = await pruneExpiredRows(services.db, rules, { tenantId: c.tenantId }, slot, { batchRows: 2, timeBudgetMs: 2500 }, clock);
    expect(first).toEqual({ deleted: { events: 2, llm_calls: 2 }, complete: false });
    const rest = await pruneExpiredRows(services.db, rules, { tenantId: c.tenantId }, slot, { batchRows: 2, timeBudgetMs: 60_000 });
    expect(rest).toEqual({ deleted: { events: 3, llm_calls: 3 }, complete: true });
  });
});
