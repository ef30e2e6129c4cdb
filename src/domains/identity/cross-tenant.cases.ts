import { expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../test/support/cross-tenant';
import { expectTrpcError, rawRequest } from '../../../test/support/identity';

interface IdentityFixture {
  customRoleId: string;
  ownerRoleId: string;
  apiToken: { id: string; token: string };
  invitedUserId: string;
}

/** Identity: A's users, roles, invitations and API tokens are unknown to B; B's lists hold only B's. */
export const crossTenantSuite = defineCrossTenantSuite<IdentityFixture>({
  name: 'identity',
  tenantAgnostic: {
    'auth.login': 'public; the tenant is named by slug with the credentials (src/domains/identity/sessions.test.ts)',
    'auth.refresh': 'public; the refresh token finds its own tenant (sessions.test.ts)',
    'auth.logout': 'public; the refresh token finds its own tenant (sessions.test.ts)',
    'auth.acceptInvite': 'public; the invitation token finds its own tenant (src/domains/identity/invitations.test.ts)',
    'roles.permissions': 'the permission catalogue, declared in code',
    'apiTokens.scopes': 'the scope catalogue, declared in code',
  },
  async prepare(_services, { which, owner, tenant }) {
    const customRoleIds = [];
    for (const key of which === 'a' ? ['a_only', 'shared_key'] : ['b_only']) {
      customRoleIds.push((await owner.roles.create({ key, name: `Role ${key}`, permissions: ['audit.read'] })).id);
    }
    const ownerRoleId = (await owner.roles.list()).find((role) => role.key === 'owner')!.id;
    const apiToken = await owner.apiTokens.create({ name: 'Export', scopes: ['audit.export', 'audit.read'] });
    const invited = await owner.users.invite({ email: `invited@${tenant.slug}.test`, name: 'Invited', role: 'viewer' });
    return { customRoleId: customRoleIds[0]!, ownerRoleId, apiToken, invitedUserId: invited.user.id };
  },
  snapshot: async (trx) => ({
    tenant: await trx.selectFrom('tenants').selectAll().execute(),
    users: await trx.selectFrom('users').selectAll().orderBy('id').execute(),
    roles: await trx.selectFrom('roles').selectAll().orderBy('id').execute(),
    apiTokens: await trx
      .selectFrom('api_tokens')
      .select(['id', 'name', 'scopes', 'revoked_at', 'expires_at', 'token_hash'])
      .orderBy('id')
      .execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const aUserIds = () => [a.tenant.ownerId, a.user.userId];
    const aRoleIds = () => [a.customRoleId, a.ownerRoleId];
    return {
      'auth.me': async () => {
        const me = await b.owner.auth.me();
        expect(me.user.id).toBe(b.tenant.ownerId);
        expect(me.tenant.id).toBe(b.tenant.tenantId);
      },
      'users.list': async () => {
        const ids = (await b.owner.users.list()).map((user) => user.id);
        expect(ids).toEqual(expect.arrayContaining([b.tenant.ownerId, b.user.userId]));
        for (const id of aUserIds()) expect(ids).not.toContain(id);
      },
      'users.get': () => expectUnknownToB((id) => b.owner.users.get({ id }), aUserIds),
      'users.update': () =>
        expectUnknownToB(
          (id) =>
            b.owner.users.update({ id, name: 'Hijacked', role: 'viewer', password: 'hijacked-password', email: 'hijack@example.com' }),
          aUserIds,
        ),
      'users.deactivate': () => expectUnknownToB((id) => b.owner.users.deactivate({ id }), aUserIds),
      'users.reactivate': () => expectUnknownToB((id) => b.owner.users.reactivate({ id }), aUserIds),
      'users.create': async () => {
        await expectTrpcError(
          b.owner.users.create({ email: 'x@example.com', name: 'X', password: 'x-password', role: 'a_only' }),
          'BAD_REQUEST',
          'UNKNOWN_ROLE',
        );
        const twin = await b.owner.users.create({ email: a.user.email, name: 'Twin', password: 'twin-password', role: 'viewer' });
        expect((await b.owner.users.list()).map((user) => user.id)).toContain(twin.id);
      },
      'users.invite': async () => {
        await expectTrpcError(b.owner.users.invite({ email: 'y@example.com', name: 'Y', role: 'a_only' }), 'BAD_REQUEST', 'UNKNOWN_ROLE');
        const twin = await b.owner.users.invite({ email: a.tenant.ownerEmail, name: 'Twin invited', role: 'viewer' });
        expect((await b.owner.users.list()).map((user) => user.id)).toContain(twin.user.id);
      },
      'users.reissueInvite': () =>
        expectUnknownToB(
          (id) => b.owner.users.reissueInvite({ id }),
          () => [a.invitedUserId, ...aUserIds()],
        ),
      'roles.list': async () => {
        const roles = await b.owner.roles.list();
        expect(roles.map((role) => role.id)).toContain(b.customRoleId);
        for (const id of aRoleIds()) expect(roles.map((role) => role.id)).not.toContain(id);
        expect(roles.map((role) => role.key)).not.toContain('a_only');
      },
      'roles.create': async () => {
        await expect(
          b.owner.roles.create({ key: 'shared_key', name: 'Same key, other tenant', permissions: ['audit.read'] }),
        ).resolves.toMatchObject({ key: 'shared_key' });
      },
      'roles.update': () => expectUnknownToB((id) => b.owner.roles.update({ id, name: 'Hijacked', permissions: ['*'] }), aRoleIds),
      'roles.delete': () => expectUnknownToB((id) => b.owner.roles.delete({ id }), aRoleIds),
      'apiTokens.list': async () => {
        const ids = (await b.owner.apiTokens.list()).map((token) => token.id);
        expect(ids).toContain(b.apiToken.id);
        expect(ids).not.toContain(a.apiToken.id);
      },
      'apiTokens.create': async () => {
        const created = await b.owner.apiTokens.create({ name: 'Mine', scopes: ['audit.read'] });
        const whoami = await rawRequest(`${world.app.url}/api/v1/auth/whoami`, { token: created.token });
        expect(whoami.json).toMatchObject({ tenantId: b.tenant.tenantId });
      },
      'apiTokens.revoke': async () => {
        await expectUnknownToB(
          (id) => b.owner.apiTokens.revoke({ id }),
          () => [a.apiToken.id],
        );
        expect((await rawRequest(`${world.app.url}/api/v1/auth/whoami`, { token: a.apiToken.token })).status).toBe(200);
      },
      'tenant.get': async () => {
        expect(await b.owner.tenant.get()).toMatchObject({ id: b.tenant.tenantId, slug: b.tenant.slug });
      },
      'tenant.update': async () => {
        await expect(b.owner.tenant.update({ name: 'B renamed', modules: ['helpdesk', 'agenda'] })).resolves.toMatchObject({
          id: b.tenant.tenantId,
          name: 'B renamed',
        });
      },
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    return {
      'GET /api/v1/auth/whoami': async () => {
        const whoami = (token: string) => rawRequest(`${world.app.url}/api/v1/auth/whoami`, { token });
        expect((await whoami(b.apiToken.token)).json).toMatchObject({ tenantId: b.tenant.tenantId, tokenId: b.apiToken.id });
        expect((await whoami(a.apiToken.token)).json).toMatchObject({ tenantId: a.tenant.tenantId, tokenId: a.apiToken.id });
      },
    };
  },
});
