import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { ownerCaller, type Caller } from '../../../test/support/identity';
import type { Services } from '../../platform/services';
import { seedUsageDemoData } from './demo-data';

describe('usage demo data', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['usage'] });
    owner = await ownerCaller(services, tenant);
    await seedUsageDemoData(services.db, { id: tenant.tenantId, slug: tenant.slug, modules: ['usage'] });
  });
  afterAll(async () => {
    await services.close();
  });

  it('gives four users on their plans with two weeks of requests, charged to this month, and the common models priced', async () => {
    const users = await owner.usage.users.list();
    expect(users.items.map((user) => user.plan).sort()).toEqual(['basic', 'basic', 'pro', 'trial']);
    for (const user of users.items) {
      expect(user.lastLogin).not.toBeNull();
      const analytics = await owner.usage.analytics.user({ userId: user.id, period: 'month' });
      // What the ledger charged this month is what the records of this month add up to.
      expect(user.currentUsage).toBe(analytics.totalTokens);
    }
    const dashboard = await owner.usage.analytics.dashboard({ period: '30d' });
    expect(dashboard.requests).toBe(4 * 14 * 4);
    expect(dashboard.topModels.map((model) => model.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(Number(dashboard.totalCost)).toBeGreaterThan(0);
    const models = await owner.usage.models.list();
    expect(models.map((model) => model.name)).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
    expect(models.every((model) => Number(model.costPerInputToken) > 0)).toBe(true);
  });

  it('seeds once: a second run adds nothing', async () => {
    const before = await owner.usage.analytics.dashboard({ period: '30d' });
    await seedUsageDemoData(services.db, { id: tenant.tenantId, slug: tenant.slug, modules: ['usage'] });
    expect((await owner.usage.users.list()).pagination.total).toBe(4);
    expect((await owner.usage.analytics.dashboard({ period: '30d' })).requests).toBe(before.requests);
  });
});
