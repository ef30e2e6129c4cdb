import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, type Caller } from '../../../test/support/identity';
import { withSystem } from '../../db/system-scope';
import type { Services } from '../../platform/services';
import { domainCatalogue } from '../modules';
import { syncBuiltinRoles } from './roles';

const permissionCatalogue = domainCatalogue.permissions;

describe('roles and permissions', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  let roleCounter = 0;
  const nextKey = () => `custom_${++roleCounter}`;
  const builtinRole = async (key: string) => (await owner.roles.list()).find((role) => role.key === key)!;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services);
    owner = await ownerCaller(services, tenant);
  });
  afterAll(() => services.close());

  it('lists the five built-in roles with their expanded permissions, and the catalogue', async () => {
    const roles = await owner.roles.list();
    expect(
      roles
        .filter((role) => role.builtin)
        .map((role) => role.key)
        .sort(),
    ).toEqual(['admin', 'agent', 'manager', 'owner', 'viewer']);
    const viewer = roles.find((role) => role.key === 'viewer')!;
    expect(viewer.permissions).toEqual(permissionCatalogue.map((permission) => permission.key).filter((key) => key.endsWith('.read')));
    expect(await owner.roles.permissions()).toEqual(permissionCatalogue);
  });

  it('a custom role gives its holder exactly its permissions', async () => {
    const role = await owner.roles.create({
      key: nextKey(),
      name: 'Auditor',
      description: 'Vê a equipe e a auditoria',
      permissions: ['identity.users.read', 'audit.*'],
    });
    expect(role).toMatchObject({
      builtin: false,
      grants: ['identity.users.read', 'audit.*'],
      permissions: ['audit.read', 'audit.export', 'identity.users.read'],
    });
    const auditor = await addUser(services, tenant, role.key);
    const me = await (await callerFor(services, auditor)).auth.me();
    expect(me.user.role).toBe(role.key);
    expect(me.user.permissions).toEqual(['audit.export', 'audit.read', 'identity.users.read']);
    const caller = await callerFor(services, auditor);
    await expect(caller.users.list()).resolves.toBeInstanceOf(Array);
    await expectTrpcError(caller.roles.list(), 'FORBIDDEN', 'PERMISSION_DENIED');
  });

  it('updating a custom role changes what its holders may do', async () => {
    const role = await owner.roles.create({ key: nextKey(), name: 'Leitor de equipe', permissions: ['identity.users.read'] });
    const holder = await callerFor(services, await addUser(services, tenant, role.key));
    await expectTrpcError(holder.roles.list(), 'FORBIDDEN', 'PERMISSION_DENIED');
    const updated = await owner.roles.update({
      id: role.id,
      name: 'Leitor de equipe e papéis',
      permissions: ['identity.users.read', 'identity.roles.read'],
    });
    expect(updated).toMatchObject({ name: 'Leitor de equipe e papéis', permissions: ['identity.users.read', 'identity.roles.read'] });
    await services.hub.flush(); // the directory drops the tenant's cached access on role.updated
    await expect(holder.roles.list()).resolves.toBeInstanceOf(Array);
    expect((await holder.auth.me()).user.permissions).toEqual(['identity.roles.read', 'identity.users.read']);
  });

  it('refuses unknown or malformed permissions', async () => {
    for (const permissions of [['identity.users.fly'], ['nothing.*'], ['identity..read'], ['*.fly']]) {
      const failure = await expectTrpcError(
        owner.roles.create({ key: nextKey(), name: 'Bad', permissions }),
        'BAD_REQUEST',
        'UNKNOWN_PERMISSION',
      );
      expect(failure.details).toEqual({ permissions });
    }
    const role = await owner.roles.create({ key: nextKey(), name: 'Good', permissions: ['audit.read'] });
    await expectTrpcError(
      owner.roles.update({ id: role.id, permissions: ['audit.read', 'audit.destroy'] }),
      'BAD_REQUEST',
      'UNKNOWN_PERMISSION',
    );
    expect((await owner.roles.list()).find((listed) => listed.id === role.id)?.grants).toEqual(['audit.read']);
  });

  it('refuses a key that is taken, by a built-in or a custom role', async () => {
    await expectTrpcError(owner.roles.create({ key: 'admin', name: 'Fake admin', permissions: ['audit.read'] }), 'CONFLICT', 'ROLE_EXISTS');
    const key = nextKey();
    await owner.roles.create({ key, name: 'First', permissions: ['audit.read'] });
    await expectTrpcError(owner.roles.create({ key, name: 'Second', permissions: ['audit.read'] }), 'CONFLICT', 'ROLE_EXISTS');
  });

  it('built-in roles can be neither edited nor deleted', async () => {
    for (const key of ['owner', 'viewer']) {
      const role = await builtinRole(key);
      await expectTrpcError(owner.roles.update({ id: role.id, permissions: ['*'] }), 'FORBIDDEN', 'BUILTIN_ROLE');
      await expectTrpcError(owner.roles.update({ id: role.id, name: 'Renamed' }), 'FORBIDDEN', 'BUILTIN_ROLE');
      await expectTrpcError(owner.roles.delete({ id: role.id }), 'FORBIDDEN', 'BUILTIN_ROLE');
    }
    expect(await builtinRole('viewer')).toMatchObject({ name: 'Leitor', grants: ['*.read'] });
  });

  it('a role in use cannot be deleted; once free it can', async () => {
    const role = await owner.roles.create({ key: nextKey(), name: 'Temporary', permissions: ['audit.read'] });
    const holder = await addUser(services, tenant, role.key);
    await expectTrpcError(owner.roles.delete({ id: role.id }), 'CONFLICT', 'ROLE_IN_USE');
    await owner.users.update({ id: holder.userId, role: 'viewer' });
    await expect(owner.roles.delete({ id: role.id })).resolves.toEqual({ ok: true });
    expect((await owner.roles.list()).map((listed) => listed.id)).not.toContain(role.id);
    await expectTrpcError(owner.roles.delete({ id: role.id }), 'NOT_FOUND');
    await expectTrpcError(owner.roles.update({ id: role.id, name: 'Ghost' }), 'NOT_FOUND');
  });

  it('a deactivated holder still counts as using the role', async () => {
    const role = await owner.roles.create({ key: nextKey(), name: 'Seasonal', permissions: ['audit.read'] });
    const holder = await addUser(services, tenant, role.key);
    await owner.users.deactivate({ id: holder.userId });
    await expectTrpcError(owner.roles.delete({ id: role.id }), 'CONFLICT', 'ROLE_IN_USE');
  });

  describe('who may manage roles', () => {
    it('a manager (read only on identity) can list roles but not create, update or delete them', async () => {
      const manager = await callerFor(services, await addUser(services, tenant, 'manager'));
      const role = await owner.roles.create({ key: nextKey(), name: 'Target', permissions: ['audit.read'] });
      await expect(manager.roles.list()).resolves.toBeInstanceOf(Array);
      await expectTrpcError(
        manager.roles.create({ key: nextKey(), name: 'Mine', permissions: ['audit.read'] }),
        'FORBIDDEN',
        'PERMISSION_DENIED',
      );
      await expectTrpcError(manager.roles.update({ id: role.id, permissions: ['*'] }), 'FORBIDDEN', 'PERMISSION_DENIED');
      await expectTrpcError(manager.roles.delete({ id: role.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
    });

    it('an admin cannot grant, through a custom role, a permission they lack', async () => {
      const admin = await callerFor(services, await addUser(services, tenant, 'admin'));
      const failure = await expectTrpcError(
        admin.roles.create({ key: nextKey(), name: 'Everything', permissions: ['*'] }),
        'FORBIDDEN',
        'GRANT_NOT_HELD',
      );
      expect(failure.details).toEqual({ permissions: ['identity.tenant.write'] });
      await expectTrpcError(
        admin.roles.create({ key: nextKey(), name: 'Tenant editor', permissions: ['identity.tenant.*'] }),
        'FORBIDDEN',
        'GRANT_NOT_HELD',
      );
      const role = await admin.roles.create({ key: nextKey(), name: 'Within reach', permissions: ['*.read', 'identity.users.*'] });
      await expectTrpcError(admin.roles.update({ id: role.id, permissions: ['identity.tenant.write'] }), 'FORBIDDEN', 'GRANT_NOT_HELD');
      expect((await owner.roles.list()).find((listed) => listed.id === role.id)?.grants).toEqual(['*.read', 'identity.users.*']);
    });
  });

  describe('the agent role in the agenda', () => {
    it('does the day-to-day work, but neither reads the inbound secret nor changes settings or campaigns', async () => {
      const agendaTenant = await seedTenant(services, { modules: ['agenda'] });
      const agent = await callerFor(services, await addUser(services, agendaTenant, 'agent'));
      await expect(agent.agenda.clients.list({})).resolves.toBeDefined();
      await expectTrpcError(agent.agenda.settings.get(), 'FORBIDDEN', 'PERMISSION_DENIED');
      await expectTrpcError(
        agent.agenda.settings.update({ n8nOutboundUrl: 'https://evil.example/hook' }),
        'FORBIDDEN',
        'PERMISSION_DENIED',
      );
      await expectTrpcError(agent.agenda.settings.rotateSecret(), 'FORBIDDEN', 'PERMISSION_DENIED');
      const role = (await (await ownerCaller(services, agendaTenant)).roles.list()).find((listed) => listed.key === 'agent')!;
      expect(role.permissions.filter((permission) => permission.startsWith('agenda.'))).not.toContain('agenda.settings.write');
      expect(role.permissions).not.toContain('agenda.campaigns.write');
      expect(role.permissions).toContain('agenda.appointments.write');
    });

    it("the sync at start rewrites an existing tenant's agent role that still holds every agenda permission", async () => {
      const agendaTenant = await seedTenant(services, { modules: ['agenda'] });
      await withSystem(services.db, (trx) =>
        trx
          .updateTable('roles')
          .set({ permissions: ['events.read', 'agenda.*'] })
          .where('tenant_id', '=', agendaTenant.tenantId)
          .where('key', '=', 'agent')
          .execute(),
      );
      const agent = await callerFor(services, await addUser(services, agendaTenant, 'agent'));
      await expect(agent.agenda.settings.get()).resolves.toMatchObject({ notificationRoute: 'n8n' });
      await syncBuiltinRoles(services.db);
      // The sync runs at start, before any access is cached.
      services.directory.forgetTenant(agendaTenant.tenantId);
      await expectTrpcError(agent.agenda.settings.get(), 'FORBIDDEN', 'PERMISSION_DENIED');
      await expectTrpcError(
        agent.agenda.settings.update({ n8nOutboundUrl: 'https://evil.example/hook' }),
        'FORBIDDEN',
        'PERMISSION_DENIED',
      );
    });
  });
});
