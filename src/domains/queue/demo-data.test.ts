import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { ownerCaller, type Caller } from '../../../test/support/identity';
import type { Services } from '../../platform/services';
import { seedQueueDemoData } from './demo-data';

describe('queue demo data', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['queue'] });
    owner = await ownerCaller(services, tenant);
    await seedQueueDemoData(services.db, { id: tenant.tenantId }, services.config.publicUrl);
  });
  afterAll(async () => {
    await services.close();
  });

  it('gives a unit with two services and two desks, a kiosk and a display to enroll, and a morning of statistics', async () => {
    const [unit] = await owner.queue.units.list();
    expect(unit).toMatchObject({ name: 'Unidade Centro', timeZone: 'America/Sao_Paulo' });
    expect((await owner.queue.services.list({ unitId: unit!.id })).map((service) => service.prefix)).toEqual(['A', 'P']);
    expect(await owner.queue.desks.list({ unitId: unit!.id })).toHaveLength(2);
    const devices = await owner.devices.list();
    expect(devices.map((device) => [device.kind, device.resourceId]).sort()).toEqual([
      ['queue.display', unit!.id],
      ['queue.kiosk', unit!.id],
    ]);
    // Their codes were never shown: the dashboard gives a fresh one that enrolls.
    const renewed = await owner.devices.renewEnrollment({ id: devices[0]!.id });
    expect(renewed.enrollmentCode).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);

    const now = DateTime.now().setZone('America/Sao_Paulo');
    const stats = await owner.queue.stats({ unitId: unit!.id, from: now.minus({ days: 2 }).toISO()!, to: now.toISO()! });
    expect(stats.totals.issued).toBeGreaterThan(50);
    expect(stats.totals.completed).toBeGreaterThan(30);
    expect(stats.totals.noShow).toBeGreaterThan(0);
    expect(stats.byOperator.length).toBeGreaterThan(0);
    expect(stats.byHour.map((hour) => hour.hour)).toEqual([8, 9, 10, 11]);
    // Seeding twice (a restart) adds nothing.
    await seedQueueDemoData(services.db, { id: tenant.tenantId }, services.config.publicUrl);
    expect(await owner.queue.units.list()).toHaveLength(1);
  });
});
