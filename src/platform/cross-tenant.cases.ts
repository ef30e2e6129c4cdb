import { expect } from 'vitest';
import type { Services } from './services';
import { withTenant } from '../db/tenant-scope';
import { defineCrossTenantSuite } from '../../test/support/cross-tenant';
import { rawRequest } from '../../test/support/identity';
import { freePort } from '../../test/support/network';
import type { DeliveryKind } from './deliveries/kinds';
import { enqueueDelivery } from './deliveries/queue';
import { HOUSEKEEPING_JOB } from './jobs/housekeeping';

interface PlatformFixture {
  deliveryId: string;
  exportToken: { id: string; token: string };
}

/** Every try is refused at once, so each tenant's delivery is dead after one recorded attempt. */
const refusedTarget = { url: '' };
const unreachableKind: DeliveryKind<{ tenant: string }> = {
  name: 'test.cross_tenant.unreachable',
  maxAttempts: 1,
  resolveTarget: async () => ({ url: refusedTarget.url, secret: 'cross-tenant-secret' }),
};

const idsOf = (services: Services, tenantId: string, table: 'audit_log' | 'job_runs') =>
  withTenant(services.db, tenantId, async (trx) => new Set((await trx.selectFrom(table).select('id').execute()).map((row) => row.id)));

/** The platform: audit log, job runs and deliveries of A are not B's to read or replay. */
export const crossTenantSuite = defineCrossTenantSuite<PlatformFixture>({
  name: 'platform',
  tenantAgnostic: {
    'jobs.definitions': 'the job definitions, declared in code',
    'events.stream': 'a subscription; its tenant scoping is covered by the realtime tests',
    'events.streamGrouped': 'the same subscription, grouped; its tenant scoping is covered by the realtime tests',
  },
  async setup(app) {
    refusedTarget.url = `http://127.0.0.1:${await freePort()}/hook`;
    app.services.deliveries.register(unreachableKind);
  },
  async prepare(services, { tenant, owner }) {
    const exportToken = await owner.apiTokens.create({ name: 'Auditoria', scopes: ['audit.export', 'audit.read'] });
    const job = services.scheduler.jobs.find((definition) => definition.name === HOUSEKEEPING_JOB)!;
    await services.scheduler.runSlot(
      job,
      { id: tenant.tenantId, slug: tenant.slug, timezone: 'America/Sao_Paulo' },
      new Date('2026-01-01T06:30:00Z'),
      'manual',
    );
    const delivery = await withTenant(services.db, tenant.tenantId, (trx) =>
      enqueueDelivery(trx, { kind: unreachableKind, payload: { tenant: tenant.slug } }),
    );
    await services.deliveries.flush();
    return { deliveryId: delivery.id, exportToken };
  },
  snapshot: async (trx) => ({
    deliveries: await trx
      .selectFrom('deliveries')
      .select(['id', 'status', 'attempts', 'next_attempt_at', 'updated_at'])
      .orderBy('id')
      .execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const aUserIds = () => [a.tenant.ownerId, a.user.userId];
    return {
      'audit.list': async () => {
        const aIds = await idsOf(world.app.services, a.tenant.tenantId, 'audit_log');
        const items = (await b.owner.audit.list({ limit: 200 })).items;
        expect(items.length).toBeGreaterThan(0);
        expect(items.filter((item) => aIds.has(item.id))).toEqual([]);
        expect((await b.owner.audit.list({ actorId: a.tenant.ownerId })).items).toEqual([]);
        for (const id of [...aUserIds(), a.exportToken.id, a.tenant.tenantId])
          expect((await b.owner.audit.list({ entityId: id })).items).toEqual([]);
      },
      'jobs.runs': async () => {
        const aRuns = await idsOf(world.app.services, a.tenant.tenantId, 'job_runs');
        const bRuns = await idsOf(world.app.services, b.tenant.tenantId, 'job_runs');
        const items = (await b.owner.jobs.runs()).items;
        expect(new Set(items.map((run) => run.id))).toEqual(bRuns);
        expect(items.filter((run) => aRuns.has(run.id))).toEqual([]);
      },
      'deliveries.list': async () => {
        const ids = (await b.owner.deliveries.list({ limit: 200 })).items.map((delivery) => delivery.id);
        expect(ids).toEqual([b.deliveryId]);
        expect(
          (await b.owner.deliveries.list({ kind: unreachableKind.name, status: 'dead' })).items.map((delivery) => delivery.id),
        ).toEqual([b.deliveryId]);
      },
      'deliveries.attempts': async () => {
        expect(await b.owner.deliveries.attempts({ id: b.deliveryId })).toHaveLength(1);
        await expectUnknownToB(
          (id) => b.owner.deliveries.attempts({ id }),
          () => [a.deliveryId],
        );
      },
      'deliveries.replay': () =>
        expectUnknownToB(
          (id) => b.owner.deliveries.replay({ id }),
          () => [a.deliveryId],
        ),
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    return {
      'GET /api/v1/audit/export': async () => {
        const aIds = await idsOf(world.app.services, a.tenant.tenantId, 'audit_log');
        const bIds = await idsOf(world.app.services, b.tenant.tenantId, 'audit_log');
        const exported = await rawRequest(`${world.app.url}/api/v1/audit/export?format=json`, { token: b.exportToken.token });
        expect(exported.status).toBe(200);
        const ids = (exported.json as Array<{ id: string }>).map((item) => item.id);
        expect(new Set(ids)).toEqual(bIds);
        expect(ids.filter((id) => aIds.has(id))).toEqual([]);
        const filtered = await rawRequest(`${world.app.url}/api/v1/audit/export?format=json&actorId=${a.tenant.ownerId}`, {
          token: b.exportToken.token,
        });
        expect(filtered.json).toEqual([]);
      },
    };
  },
});
