import { expect } from 'vitest';
import { defineCrossTenantSuite } from '../../../test/support/cross-tenant';
import { httpClient, wsClient } from '../../../test/support/app';
import { expectTrpcError, rawRequest, storedEvents } from '../../../test/support/identity';
import { enrollDevice } from './devices';

interface IdentityFixture {
  customRoleId: string;
  ownerRoleId: string;
  apiToken: { id: string; token: string };
  invitedUserId: string;
  device: { id: string; token: string };
  pendingDevice: { id: string; code: string };
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
    'devices.kinds': 'the device kind catalogue, declared in code',
  },
  async prepare(services, { which, owner, tenant }) {
    const customRoleIds = [];
    for (const key of which === 'a' ? ['a_only', 'shared_key'] : ['b_only']) {
      customRoleIds.push((await owner.roles.create({ key, name: `Role ${key}`, permissions: ['audit.read'] })).id);
    }
    const ownerRoleId = (await owner.roles.list()).find((role) => role.key === 'owner')!.id;
    const apiToken = await owner.apiTokens.create({ name: 'Export', scopes: ['audit.export', 'audit.read'] });
    const invited = await owner.users.invite({ email: `invited@${tenant.slug}.test`, name: 'Invited', role: 'viewer' });
    // A tenant.updated of its own, which its devices may receive.
    await owner.tenant.update({ name: `Tenant ${tenant.slug}` });
    const created = await owner.devices.create({ kind: 'display', name: `Painel ${which}`, scopes: ['events.read'] });
    const enrolled = await enrollDevice(services.db, { code: created.enrollmentCode }, { ip: null, userAgent: null, requestId: null });
    const pending = await owner.devices.create({ kind: 'display', name: `Painel pendente ${which}`, scopes: [] });
    return {
      customRoleId: customRoleIds[0]!,
      ownerRoleId,
      apiToken,
      invitedUserId: invited.user.id,
      device: { id: created.id, token: enrolled!.token },
      pendingDevice: { id: pending.id, code: pending.enrollmentCode },
    };
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
    // Last seen moves whenever a device calls; what a foreign call could change is the rest.
    devices: await trx
      .selectFrom('devices')
      .select(['id', 'name', 'scopes', 'resource_id', 'token_hash', 'enrolled_at', 'revoked_at'])
      .orderBy('id')
      .execute(),
    deviceEnrollments: await trx.selectFrom('device_enrollments').select(['id', 'device_id', 'used_at']).orderBy('id').execute(),
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
      'devices.list': async () => {
        const ids = (await b.owner.devices.list()).map((device) => device.id);
        expect(ids).toEqual(expect.arrayContaining([b.device.id, b.pendingDevice.id]));
        for (const id of [a.device.id, a.pendingDevice.id]) expect(ids).not.toContain(id);
      },
      'devices.create': async () => {
        const created = await b.owner.devices.create({ kind: 'display', name: 'Novo painel', scopes: ['events.read'] });
        const enrolled = await rawRequest(`${world.app.url}/api/v1/devices/enroll`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: created.enrollmentCode }),
        });
        const { token } = enrolled.json as { token: string };
        expect(await httpClient(world.app.url, () => token).device.me.query()).toMatchObject({ tenantId: b.tenant.tenantId });
      },
      'devices.renewEnrollment': async () => {
        await expectUnknownToB(
          (id) => b.owner.devices.renewEnrollment({ id }),
          () => [a.device.id, a.pendingDevice.id],
        );
        const renewed = await b.owner.devices.renewEnrollment({ id: b.pendingDevice.id });
        expect(renewed.device.status).toBe('pending');
        b.pendingDevice.code = renewed.enrollmentCode;
      },
      'devices.revoke': async () => {
        await expectUnknownToB(
          (id) => b.owner.devices.revoke({ id }),
          () => [a.device.id, a.pendingDevice.id],
        );
        expect(await httpClient(world.app.url, () => a.device.token).device.me.query()).toMatchObject({ deviceId: a.device.id });
      },
      'device.me': async () => {
        const me = (token: string) => httpClient(world.app.url, () => token).device.me.query();
        expect(await me(b.device.token)).toMatchObject({ deviceId: b.device.id, tenantId: b.tenant.tenantId });
        expect(await me(a.device.token)).toMatchObject({ deviceId: a.device.id, tenantId: a.tenant.tenantId });
      },
      'device.events': async () => {
        // From B's first event: B's own tenant.updated replays, then a live one; never A's.
        const [first] = await storedEvents(world.app.services, b.tenant.tenantId);
        const { trpc, client } = wsClient(world.app.url, () => b.device.token);
        const received: Array<{ type: string; data: unknown }> = [];
        await new Promise<void>((resolve, reject) => {
          trpc.device.events.subscribe(
            { lastEventId: first!.id },
            {
              onStarted: () => void b.owner.tenant.update({ name: `Tenant ${b.tenant.slug}` }).catch(reject),
              onData: (tracked) => {
                received.push(tracked.data);
                if (received.length === 2) resolve();
              },
              onError: reject,
            },
          );
        });
        await client.close();
        for (const event of received) expect(event).toMatchObject({ type: 'tenant.updated', data: { tenantId: b.tenant.tenantId } });
      },
      'tenant.get': async () => {
        expect(await b.owner.tenant.get()).toMatchObject({ id: b.tenant.tenantId, slug: b.tenant.slug });
      },
      'tenant.update': async () => {
        await expect(
          b.owner.tenant.update({ name: 'B renamed', modules: ['helpdesk', 'agenda', 'queue', 'usage', 'inventory'] }),
        ).resolves.toMatchObject({
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
      'POST /api/v1/devices/enroll': async () => {
        const enroll = (code: string) =>
          rawRequest(`${world.app.url}/api/v1/devices/enroll`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code }),
          });
        const mine = await enroll(b.pendingDevice.code);
        expect(mine.json).toMatchObject({ deviceId: b.pendingDevice.id });
        const me = await rawRequest(`${world.app.url}/api/v1/devices/me`, { token: (mine.json as { token: string }).token });
        expect(me.json).toMatchObject({ tenantId: b.tenant.tenantId });
      },
      'GET /api/v1/devices/me': async () => {
        const me = (token: string) => rawRequest(`${world.app.url}/api/v1/devices/me`, { token });
        expect((await me(b.device.token)).json).toMatchObject({ deviceId: b.device.id, tenantId: b.tenant.tenantId });
        expect((await me(a.device.token)).json).toMatchObject({ deviceId: a.device.id, tenantId: a.tenant.tenantId });
      },
    };
  },
});
