import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, storedEvents, type Caller } from '../../../test/support/identity';
import type { Services } from '../../platform/services';
import { createInnerContext } from '../../trpc/context';
import { createCallerFactory, router } from '../../trpc/init';
import { permittedProcedure, tenantProcedure } from '../../trpc/procedures';

/** Procedures as a module's router declares them, to check the gate without any module's code. */
const moduleProbe = router({
  helpdeskHome: tenantProcedure('helpdesk').query(({ ctx }) => ({ tenant: ctx.tenant.id })),
  helpdeskUsers: permittedProcedure('identity.users.read', 'helpdesk').query(() => 'ok' as const),
  platformOnly: tenantProcedure().query(() => 'ok' as const),
});
const createProbeCaller = createCallerFactory(moduleProbe);

describe('tenant profile and modules', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;

  const probeFor = async (user: { tenantId: string; userId: string }) => {
    const { token } = await services.signer.sign({ tenantId: user.tenantId, userId: user.userId, sessionId: crypto.randomUUID() });
    return createProbeCaller(createInnerContext(services, { auth: { kind: 'user', claims: await services.signer.verify(token) } }));
  };

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['agenda'] });
    owner = await ownerCaller(services, tenant);
  });
  afterAll(() => services.close());

  it('tenant.get shows the profile', async () => {
    expect(await owner.tenant.get()).toEqual({
      id: tenant.tenantId,
      slug: tenant.slug,
      name: `Tenant ${tenant.slug}`,
      timezone: 'America/Sao_Paulo',
      modules: ['agenda'],
      settings: {},
    });
  });

  it('updates name, IANA time zone, modules and settings; auth.me follows at once', async () => {
    const updated = await owner.tenant.update({
      name: 'Clínica Boa Vista',
      timezone: 'America/Manaus',
      modules: ['agenda', 'queue', 'agenda'],
      settings: { brandColor: '#0a0' },
    });
    expect(updated).toMatchObject({
      name: 'Clínica Boa Vista',
      timezone: 'America/Manaus',
      modules: ['agenda', 'queue'],
      settings: { brandColor: '#0a0' },
    });
    expect((await owner.auth.me()).tenant).toMatchObject({
      name: 'Clínica Boa Vista',
      timezone: 'America/Manaus',
      modules: ['agenda', 'queue'],
    });
    // Settings merge; other fields stay as they were.
    const merged = await owner.tenant.update({ settings: { locale: 'pt-BR' } });
    expect(merged).toMatchObject({ name: 'Clínica Boa Vista', settings: { brandColor: '#0a0', locale: 'pt-BR' } });
    await expect(owner.tenant.update({ timezone: 'UTC' })).resolves.toMatchObject({ timezone: 'UTC' });

    const audit = await owner.audit.list({ action: 'tenant.update', limit: 1 });
    expect(audit.items[0]).toMatchObject({
      entity: 'tenant',
      entityId: tenant.tenantId,
      diff: { timezone: { from: 'America/Manaus', to: 'UTC' } },
    });
    const events = await storedEvents(services, tenant.tenantId, 'tenant.updated');
    expect(events.at(-1)?.data).toEqual({ tenantId: tenant.tenantId, changes: ['timezone'] });
  });

  it.each([['Mars/Olympus_Mons'], ['EST'], ['GMT+3'], [''], ['America/Sao_Paulo; drop table tenants']])(
    'refuses the time zone %j with BAD_REQUEST',
    async (timezone) => {
      const failure = await expectTrpcError(owner.tenant.update({ timezone }), 'BAD_REQUEST', 'INVALID_INPUT');
      expect(failure.zodError?.fieldErrors.timezone).toBeDefined();
      expect((await owner.tenant.get()).timezone).not.toBe(timezone);
    },
  );

  it('refuses an unknown module and an empty name', async () => {
    await expectTrpcError(owner.tenant.update({ modules: ['payroll'] as never }), 'BAD_REQUEST');
    await expectTrpcError(owner.tenant.update({ name: '   ' }), 'BAD_REQUEST');
  });

  it('only the owner may change the tenant; an admin and a viewer may not', async () => {
    for (const role of ['admin', 'viewer']) {
      const caller = await callerFor(services, await addUser(services, tenant, role));
      await expect(caller.tenant.get()).resolves.toMatchObject({ id: tenant.tenantId });
      await expectTrpcError(caller.tenant.update({ name: 'Taken over' }), 'FORBIDDEN', 'PERMISSION_DENIED');
    }
    expect((await owner.tenant.get()).name).not.toBe('Taken over');
  });

  describe('module gate', () => {
    it('a switched-off module refuses its procedures with MODULE_DISABLED, and serves them once switched on', async () => {
      await owner.tenant.update({ modules: ['agenda'] });
      const probe = await probeFor({ tenantId: tenant.tenantId, userId: tenant.ownerId });
      await expect(probe.platformOnly()).resolves.toBe('ok');
      for (const call of [() => probe.helpdeskHome(), () => probe.helpdeskUsers()]) {
        const failure = await expectTrpcError(call(), 'FORBIDDEN', 'MODULE_DISABLED');
        expect(failure.details).toEqual({ module: 'helpdesk' });
      }
      await owner.tenant.update({ modules: ['agenda', 'helpdesk'] });
      await expect(probe.helpdeskHome()).resolves.toEqual({ tenant: tenant.tenantId });
      await expect(probe.helpdeskUsers()).resolves.toBe('ok');

      await owner.tenant.update({ modules: [] });
      await expectTrpcError(probe.helpdeskHome(), 'FORBIDDEN', 'MODULE_DISABLED');
    });

    it('with the module on, the permission still applies; with it off, the module answers first', async () => {
      const agent = await addUser(services, tenant, 'agent');
      const probe = await probeFor(agent);
      await owner.tenant.update({ modules: ['helpdesk'] });
      await expect(probe.helpdeskHome()).resolves.toEqual({ tenant: tenant.tenantId });
      await expectTrpcError(probe.helpdeskUsers(), 'FORBIDDEN', 'PERMISSION_DENIED');
      await owner.tenant.update({ modules: [] });
      await expectTrpcError(probe.helpdeskUsers(), 'FORBIDDEN', 'MODULE_DISABLED');
    });

    it("one tenant's modules do not open another's", async () => {
      const other = await seedTenant(services, { modules: [] });
      await owner.tenant.update({ modules: ['helpdesk'] });
      await expectTrpcError(
        (await probeFor({ tenantId: other.tenantId, userId: other.ownerId })).helpdeskHome(),
        'FORBIDDEN',
        'MODULE_DISABLED',
      );
    });
  });
});
