import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { ownerCaller, type Caller } from '../../../test/support/identity';
import type { Services } from '../../platform/services';
import { seedInventoryDemoData } from './demo-data';

describe('inventory demo data', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  const seed = () =>
    seedInventoryDemoData(
      services.db,
      { id: tenant.tenantId },
      { publicUrl: services.config.publicUrl, permissions: services.catalogue.permissions },
    );

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['inventory'] });
    owner = await ownerCaller(services, tenant);
    await seed();
  });
  afterAll(async () => {
    await services.close();
  });

  it('gives a small building with assets, one loan out with its signed term, an audit ready to start and an agent to enroll', async () => {
    const locations = await owner.inventory.locations.list();
    expect(locations.map((location) => location.code).sort()).toEqual([
      'SEDE',
      'SEDE-P1',
      'SEDE-P1-1',
      'SEDE-P1-1-ADM',
      'SEDE-P1-1-REU',
      'SEDE-P1-T',
      'SEDE-P1-T-ALM',
      'SEDE-P1-T-REC',
    ]);
    const assets = await owner.inventory.assets.list({});
    expect(assets.items).toHaveLength(12);
    expect(assets.items.filter((asset) => asset.status === 'on_loan')).toHaveLength(1);

    const [loan] = (await owner.inventory.movements.list({ status: 'executed' })).items;
    expect(loan).toMatchObject({ type: 'loan_internal', status: 'executed' });
    const movement = await owner.inventory.movements.get({ id: loan!.id });
    expect(movement.terms.map((term) => term.status)).toContain('accepted');

    const audits = await owner.inventory.audits.list({});
    expect(audits.items.map((audit) => [audit.name, audit.status])).toEqual([['Inventário do térreo', 'draft']]);

    const devices = await owner.devices.list();
    expect(devices.map((device) => [device.kind, device.status])).toEqual([['inventory.agent', 'pending']]);
  });

  it('seeds once: a second run adds nothing', async () => {
    await seed();
    expect((await owner.inventory.assets.list({})).items).toHaveLength(12);
    expect(await owner.inventory.locations.list()).toHaveLength(8);
  });
});
