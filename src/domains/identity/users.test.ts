import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import {
  RELAXED_LOGIN_LIMITS,
  addUser,
  anonymousCallerFrom,
  expectTrpcError,
  ownerCaller,
  type Caller,
  type TestUser,
} from '../../../test/support/identity';
import type { Services } from '../../platform/services';

describe('users', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  const callerOf = (user: TestUser) => callerFor(services, user);
  const loginAs = (user: { email: string; password: string }) =>
    anonymousCallerFrom(services).auth.login({ tenant: tenant.slug, email: user.email, password: user.password });

  beforeAll(async () => {
    services = await createTestServices(RELAXED_LOGIN_LIMITS);
    tenant = await seedTenant(services);
    owner = await ownerCaller(services, tenant);
  });
  afterAll(() => services.close());

  it('creates a user with a role; get and list show it', async () => {
    const created = await owner.users.create({
      email: '  Ana.Silva@Example.COM ',
      name: ' Ana Silva ',
      password: 'ana-password',
      role: 'manager',
    });
    expect(created).toMatchObject({ email: 'ana.silva@example.com', name: 'Ana Silva', role: 'manager', active: true, lastLoginAt: null });
    expect(await owner.users.get({ id: created.id })).toEqual(created);
    expect((await owner.users.list()).map((user) => user.id)).toContain(created.id);
    const session = await loginAs({ email: 'ana.silva@example.com', password: 'ana-password' });
    expect(session.user).toMatchObject({ id: created.id, role: 'manager' });
  });

  it('refuses a duplicate email (whatever its case) with CONFLICT, on create and on update', async () => {
    const first = await addUser(services, tenant, 'agent');
    const failure = await expectTrpcError(
      owner.users.create({ email: first.email.toUpperCase(), name: 'Dup', password: 'dup-password', role: 'viewer' }),
      'CONFLICT',
      'EMAIL_TAKEN',
    );
    expect(failure.details).toEqual({ field: 'email' });
    const second = await addUser(services, tenant, 'agent');
    await expectTrpcError(owner.users.update({ id: second.userId, email: first.email }), 'CONFLICT', 'EMAIL_TAKEN');
    expect((await owner.users.get({ id: second.userId })).email).toBe(second.email);
  });

  it('refuses an unknown role', async () => {
    await expectTrpcError(
      owner.users.create({ email: 'x@example.com', name: 'X', password: 'x-password', role: 'superuser' }),
      'BAD_REQUEST',
      'UNKNOWN_ROLE',
    );
  });

  it('updates name and role; the new role applies to the next request', async () => {
    const user = await addUser(services, tenant, 'viewer');
    const caller = await callerOf(user);
    await expectTrpcError(
      caller.users.create({ email: 'y@example.com', name: 'Y', password: 'y-password', role: 'viewer' }),
      'FORBIDDEN',
      'PERMISSION_DENIED',
    );
    const updated = await owner.users.update({ id: user.userId, name: 'Promoted', role: 'admin' });
    expect(updated).toMatchObject({ name: 'Promoted', role: 'admin' });
    expect((await caller.auth.me()).user).toMatchObject({ name: 'Promoted', role: 'admin' });
    await expect(caller.users.create({ email: 'y@example.com', name: 'Y', password: 'y-password', role: 'viewer' })).resolves.toMatchObject(
      { role: 'viewer' },
    );
  });

  it('a password change revokes refresh tokens and only the new password logs in', async () => {
    const user = await addUser(services, tenant, 'agent');
    const session = await loginAs(user);
    await owner.users.update({ id: user.userId, password: 'brand-new-password' });
    await expectTrpcError(anonymousCallerFrom(services).auth.refresh({ refreshToken: session.refreshToken! }), 'UNAUTHORIZED');
    await expectTrpcError(loginAs(user), 'UNAUTHORIZED', 'INVALID_CREDENTIALS');
    await expect(loginAs({ email: user.email, password: 'brand-new-password' })).resolves.toMatchObject({ user: { id: user.userId } });
  });

  it('deactivation refuses the user at once (access and refresh tokens) and reactivation lets them in again', async () => {
    const user = await addUser(services, tenant, 'manager');
    const session = await loginAs(user);
    const caller = await callerOf(user);
    expect((await caller.auth.me()).user.id).toBe(user.userId); // now cached by the directory
    await expect(owner.users.deactivate({ id: user.userId })).resolves.toMatchObject({ active: false });
    await expectTrpcError(caller.auth.me(), 'UNAUTHORIZED', 'USER_INACTIVE');
    await expectTrpcError(caller.users.list(), 'UNAUTHORIZED', 'USER_INACTIVE');
    await expectTrpcError(anonymousCallerFrom(services).auth.refresh({ refreshToken: session.refreshToken! }), 'UNAUTHORIZED');
    await expectTrpcError(loginAs(user), 'UNAUTHORIZED', 'INVALID_CREDENTIALS');

    await expect(owner.users.reactivate({ id: user.userId })).resolves.toMatchObject({ active: true });
    await expect(loginAs(user)).resolves.toMatchObject({ user: { id: user.userId } });
    // The refresh token that died with the deactivation stays dead.
    await expectTrpcError(anonymousCallerFrom(services).auth.refresh({ refreshToken: session.refreshToken! }), 'UNAUTHORIZED');
  });

  it('no one can deactivate themselves', async () => {
    const admin = await addUser(services, tenant, 'admin');
    await expectTrpcError((await callerOf(admin)).users.deactivate({ id: admin.userId }), 'BAD_REQUEST', 'CANNOT_DEACTIVATE_SELF');
    expect((await owner.users.get({ id: admin.userId })).active).toBe(true);
  });

  describe('owners', () => {
    let solo: TestTenant;
    let soloOwner: Caller;
    let admin: TestUser;

    beforeAll(async () => {
      solo = await seedTenant(services);
      soloOwner = await ownerCaller(services, solo);
      admin = await addUser(services, solo, 'admin');
    });

    it('the last active owner can be neither deactivated nor demoted', async () => {
      await expectTrpcError(soloOwner.users.update({ id: solo.ownerId, role: 'admin' }), 'CONFLICT', 'LAST_OWNER');
      await expectTrpcError(soloOwner.users.deactivate({ id: solo.ownerId }), 'CONFLICT', 'LAST_OWNER');
      await expectTrpcError(soloOwner.users.update({ id: solo.ownerId, active: false }), 'CONFLICT', 'LAST_OWNER');
      // An admin does not hold an owner's access, so cannot touch the owner at all.
      await expectTrpcError((await callerOf(admin)).users.deactivate({ id: solo.ownerId }), 'FORBIDDEN', 'GRANT_NOT_HELD');
      expect(await soloOwner.users.get({ id: solo.ownerId })).toMatchObject({ role: 'owner', active: true });
    });

    it('with a second active owner, one of them can step down', async () => {
      const second = await soloOwner.users.create({
        email: `second@${solo.slug}.test`,
        name: 'Second',
        password: 'second-password',
        role: 'owner',
      });
      await expectTrpcError(soloOwner.users.deactivate({ id: solo.ownerId }), 'BAD_REQUEST', 'CANNOT_DEACTIVATE_SELF');
      await expect(soloOwner.users.update({ id: second.id, role: 'manager' })).resolves.toMatchObject({ role: 'manager' });
      await expectTrpcError(soloOwner.users.update({ id: solo.ownerId, role: 'manager' }), 'CONFLICT', 'LAST_OWNER');
    });

    it('two owners removing each other at the same time leave exactly one active owner', async () => {
      const pair = await seedTenant(services);
      const second = await (
        await ownerCaller(services, pair)
      ).users.create({ email: `second@${pair.slug}.test`, name: 'Second', password: 'second-password', role: 'owner' });
      const pairAdmin = await callerOf(await addUser(services, pair, 'admin'));
      const asUser = (userId: string) => callerFor(services, { tenantId: pair.tenantId, userId });
      const [first, other] = [pair.ownerId, second.id];
      // A race is won or lost by timing: several rounds make a missing lock show up reliably on Postgres.
      for (let round = 0; round < 6; round += 1) {
        const outcomes = await Promise.allSettled([
          (await asUser(first)).users.deactivate({ id: other }),
          (await asUser(other)).users.update({ id: first, role: 'viewer' }),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const owners = (await pairAdmin.users.list()).filter((user) => user.role === 'owner' && user.active);
        expect(owners).toHaveLength(1);
        const survivor = owners[0]!.id;
        await (await asUser(survivor)).users.update({ id: survivor === first ? other : first, role: 'owner', active: true });
      }
    });
  });

  describe('permissions', () => {
    it('a viewer can read users but not create, update or deactivate them', async () => {
      const viewer = await callerOf(await addUser(services, tenant, 'viewer'));
      expect((await viewer.users.list()).length).toBeGreaterThan(0);
      await expectTrpcError(
        viewer.users.create({ email: 'z@example.com', name: 'Z', password: 'z-password', role: 'viewer' }),
        'FORBIDDEN',
        'PERMISSION_DENIED',
      );
      await expectTrpcError(viewer.users.update({ id: tenant.ownerId, name: 'Hacked' }), 'FORBIDDEN', 'PERMISSION_DENIED');
      await expectTrpcError(viewer.users.deactivate({ id: tenant.ownerId }), 'FORBIDDEN', 'PERMISSION_DENIED');
    });

    it('an agent cannot even list users', async () => {
      const agent = await callerOf(await addUser(services, tenant, 'agent'));
      const failure = await expectTrpcError(agent.users.list(), 'FORBIDDEN', 'PERMISSION_DENIED');
      expect(failure.details).toEqual({ permission: 'identity.users.read' });
    });

    it('an admin cannot make anyone (themselves included) an owner, nor take over an owner account', async () => {
      const admin = await addUser(services, tenant, 'admin');
      const adminCaller = await callerOf(admin);
      await expectTrpcError(adminCaller.users.update({ id: admin.userId, role: 'owner' }), 'FORBIDDEN', 'GRANT_NOT_HELD');
      await expectTrpcError(
        adminCaller.users.create({ email: 'puppet@example.com', name: 'Puppet', password: 'puppet-password', role: 'owner' }),
        'FORBIDDEN',
        'GRANT_NOT_HELD',
      );
      await expectTrpcError(
        adminCaller.users.update({ id: tenant.ownerId, password: 'taken-over-password' }),
        'FORBIDDEN',
        'GRANT_NOT_HELD',
      );
      await expectTrpcError(
        adminCaller.users.update({ id: tenant.ownerId, email: 'admin-controlled@example.com' }),
        'FORBIDDEN',
        'GRANT_NOT_HELD',
      );
      // Within what they hold, an admin manages users as before.
      const manager = await addUser(services, tenant, 'manager');
      await expect(adminCaller.users.update({ id: manager.userId, role: 'admin', name: 'Now admin' })).resolves.toMatchObject({
        role: 'admin',
      });
      expect(await owner.users.get({ id: admin.userId })).toMatchObject({ role: 'admin' });
      expect(await owner.users.get({ id: tenant.ownerId })).toMatchObject({ email: tenant.ownerEmail });
      await expect(loginAs({ email: tenant.ownerEmail, password: tenant.password })).resolves.toMatchObject({
        user: { id: tenant.ownerId },
      });
    });

    it('an unknown id is NOT_FOUND', async () => {
      const id = crypto.randomUUID();
      await expectTrpcError(owner.users.get({ id }), 'NOT_FOUND');
      await expectTrpcError(owner.users.update({ id, name: 'Nobody' }), 'NOT_FOUND');
      await expectTrpcError(owner.users.deactivate({ id }), 'NOT_FOUND');
      await expectTrpcError(owner.users.reactivate({ id }), 'NOT_FOUND');
    });
  });
});
