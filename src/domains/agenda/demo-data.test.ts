import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { ownerCaller, type Caller } from '../../../test/support/identity';
import type { Services } from '../../platform/services';
import { seedAgendaDemoData } from './demo-data';

describe('agenda demo data', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['agenda'] });
    owner = await ownerCaller(services, tenant);
    await seedAgendaDemoData(services.db, { id: tenant.tenantId }, services.secrets);
  });
  afterAll(async () => {
    await services.close();
  });

  it('gives a week to look at and clients due back, so "Rodar agora" on Prazo Certo has something to do', async () => {
    expect((await owner.agenda.services.list()).map((service) => service.name).sort()).toEqual([
      'Barba',
      'Corte de cabelo',
      'Escova',
      'Manicure',
    ]);
    expect((await owner.agenda.authRequests.list({ status: 'pending' })).length).toBe(1);
    const run = await owner.agenda.campaigns.run({ type: 'prazo_certo' });
    expect(run.stats.total_clients_found).toBeGreaterThan(3);
    expect(run.stats.suggestions_created).toBeGreaterThan(0);
    // Seeding twice (a restart) adds nothing.
    await seedAgendaDemoData(services.db, { id: tenant.tenantId }, services.secrets);
    expect((await owner.agenda.services.list()).length).toBe(4);
  });
});
