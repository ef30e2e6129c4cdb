import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { expectTrpcError, ownerCaller, type Caller } from '../../../test/support/identity';
import { withTenant } from '../../db/tenant-scope';

describe('invitations', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let tenant: TestTenant;
  let owner: Caller;
  const anonymous = () => httpClient(app.url);

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services);
    owner = await ownerCaller(app.services, tenant);
  });
  afterAll(() => app.stop());

  it('lets the invited person choose a password and signs them in; the token works once', async () => {
    const { user, invitation } = await owner.users.invite({ email: 'Nova@Example.com', name: 'Nova', role: 'agent' });
    expect(user).toMatchObject({ email: 'nova@example.com', role: 'agent', active: true, invitationPending: true });
    expect(invitation.token).toMatch(/^inv_/);
    await expectTrpcError(login(app.url, tenant, 'nova@example.com', 'whatever-password'), 'UNAUTHORIZED', 'INVALID_CREDENTIALS');

    const session = await anonymous().auth.acceptInvite.mutate({ token: invitation.token, password: 'chosen password' });
    expect(session.user).toMatchObject({ id: user.id, email: 'nova@example.com', role: 'agent' });
    expect((await httpClient(app.url, () => session.accessToken).auth.me.query()).user.id).toBe(user.id);
    expect((await login(app.url, tenant, 'nova@example.com', 'chosen password')).user.id).toBe(user.id);
    expect((await owner.users.get({ id: user.id })).invitationPending).toBe(false);

    await expectTrpcError(
      anonymous().auth.acceptInvite.mutate({ token: invitation.token, password: 'another password' }),
      'UNAUTHORIZED',
      'INVALID_INVITATION',
    );
    await expectTrpcError(owner.users.reissueInvite({ id: user.id }), 'CONFLICT', 'INVITATION_ALREADY_ACCEPTED');
    const events = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('events').select(['type', 'data']).where('type', '=', 'user.updated').execute(),
    );
    expect(events.map((event) => event.data)).toContainEqual({ userId: user.id, changes: ['invitation'], active: true, role: 'agent' });
    const actions = (await owner.audit.list({ entityId: user.id })).items.map((item) => item.action);
    expect(actions).toEqual(expect.arrayContaining(['user.invite', 'user.accept_invite']));
    const stored = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('users').select(['invite_token_hash', 'password_hash']).where('id', '=', user.id).executeTakeFirstOrThrow(),
    );
    expect(stored.invite_token_hash).toBeNull();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('a reissued invitation replaces the previous token', async () => {
    const { user, invitation: first } = await owner.users.invite({ email: 'twice@example.com', name: 'Twice', role: 'viewer' });
    const { invitation: second } = await owner.users.reissueInvite({ id: user.id });
    await expectTrpcError(
      anonymous().auth.acceptInvite.mutate({ token: first.token, password: 'chosen password' }),
      'UNAUTHORIZED',
      'INVALID_INVITATION',
    );
    await expect(anonymous().auth.acceptInvite.mutate({ token: second.token, password: 'chosen password' })).resolves.toMatchObject({
      user: { id: user.id },
    });
  });

  it('refuses expired invitations, deactivated users and malformed tokens', async () => {
    const expiring = await owner.users.invite({ email: 'late@example.com', name: 'Late', role: 'viewer' });
    await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('users')
        .set({ invite_expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', expiring.user.id)
        .execute(),
    );
    await expectTrpcError(
      anonymous().auth.acceptInvite.mutate({ token: expiring.invitation.token, password: 'chosen password' }),
      'UNAUTHORIZED',
      'INVALID_INVITATION',
    );

    const withdrawn = await owner.users.invite({ email: 'withdrawn@example.com', name: 'Withdrawn', role: 'viewer' });
    await owner.users.deactivate({ id: withdrawn.user.id });
    await expectTrpcError(
      anonymous().auth.acceptInvite.mutate({ token: withdrawn.invitation.token, password: 'chosen password' }),
      'UNAUTHORIZED',
      'INVALID_INVITATION',
    );

    await expectTrpcError(anonymous().auth.acceptInvite.mutate({ token: 'inv_short', password: 'chosen password' }), 'BAD_REQUEST');
    const fresh = await owner.users.invite({ email: 'weak@example.com', name: 'Weak', role: 'viewer' });
    await expectTrpcError(anonymous().auth.acceptInvite.mutate({ token: fresh.invitation.token, password: 'short' }), 'BAD_REQUEST');
  });

  it('a password set by an admin, or a deactivation, ends the pending invitation', async () => {
    const byAdmin = await owner.users.invite({ email: 'set-by-admin@example.com', name: 'Set', role: 'viewer' });
    await owner.users.update({ id: byAdmin.user.id, password: 'admin chose this' });
    await expectTrpcError(
      anonymous().auth.acceptInvite.mutate({ token: byAdmin.invitation.token, password: 'chosen password' }),
      'UNAUTHORIZED',
      'INVALID_INVITATION',
    );
    expect((await login(app.url, tenant, 'set-by-admin@example.com', 'admin chose this')).user.id).toBe(byAdmin.user.id);

    const paused = await owner.users.invite({ email: 'paused@example.com', name: 'Paused', role: 'viewer' });
    expect(new Date(paused.user.invitationExpiresAt!).getTime()).toBeGreaterThan(Date.now());
    await owner.users.deactivate({ id: paused.user.id });
    await owner.users.reactivate({ id: paused.user.id });
    await expectTrpcError(
      anonymous().auth.acceptInvite.mutate({ token: paused.invitation.token, password: 'chosen password' }),
      'UNAUTHORIZED',
      'INVALID_INVITATION',
    );
    const renewed = await owner.users.reissueInvite({ id: paused.user.id });
    expect(renewed.user.invitationExpiresAt).toBe(renewed.invitation.expiresAt);
    await expect(
      anonymous().auth.acceptInvite.mutate({ token: renewed.invitation.token, password: 'chosen password' }),
    ).resolves.toMatchObject({ user: { id: paused.user.id } });
  });

  it('an invitation cannot hand out more than the inviter holds', async () => {
    const admin = await owner.users.create({ email: 'admin@example.com', name: 'Admin', password: 'admin password', role: 'admin' });
    const adminSession = await login(app.url, tenant, admin.email, 'admin password');
    await expectTrpcError(
      httpClient(app.url, () => adminSession.accessToken).users.invite.mutate({ email: 'boss@example.com', name: 'Boss', role: 'owner' }),
      'FORBIDDEN',
      'GRANT_NOT_HELD',
    );
  });
});
