import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant-scope';
import type { Services } from '../src/services';
import { appRouter } from '../src/trpc/app-router';
import { callerFor, seedTenant, startTestApp, type TestTenant } from './support/app';
import { addUser, expectTrpcError, ownerCaller, rawRequest, trpcError, type Caller, type TestUser } from './support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Procedures that hold no tenant data of their own, or whose isolation is checked elsewhere. */
const TENANT_AGNOSTIC: Record<string, string> = {
  'auth.login': 'public; the tenant is named by slug with the credentials (src/domains/identity/sessions.test.ts)',
  'auth.refresh': 'public; the refresh token finds its own tenant (sessions.test.ts)',
  'auth.logout': 'public; the refresh token finds its own tenant (sessions.test.ts)',
  'auth.acceptInvite': 'public; the invitation token finds its own tenant (src/domains/identity/invitations.test.ts)',
  'roles.permissions': 'the permission catalogue, declared in code',
  'apiTokens.scopes': 'the scope catalogue, declared in code',
  'jobs.definitions': 'the job definitions, declared in code',
  'events.stream': "a subscription; its tenant scoping is covered by the realtime tests",
};

interface Fixture {
  tenant: TestTenant;
  owner: Caller;
  user: TestUser;
  customRoleId: string;
  ownerRoleId: string;
  apiToken: { id: string; token: string };
  invitedUserId: string;
}

async function prepareTenant(services: Services, roleKeys: string[]): Promise<Fixture> {
  const tenant = await seedTenant(services);
  const owner = await ownerCaller(services, tenant);
  const user = await addUser(services, tenant, 'agent');
  const roles = [];
  for (const key of roleKeys) roles.push(await owner.roles.create({ key, name: `Role ${key}`, permissions: ['audit.read'] }));
  const ownerRoleId = (await owner.roles.list()).find((role) => role.key === 'owner')!.id;
  const apiToken = await owner.apiTokens.create({ name: 'Export', scopes: ['audit.export', 'audit.read'] });
  const invited = await owner.users.invite({ email: `invited@${tenant.slug}.test`, name: 'Invited', role: 'viewer' });
  const job = services.scheduler.jobs.find((definition) => definition.name === 'identity.housekeeping')!;
  await services.scheduler.runSlot(job, { id: tenant.tenantId, slug: tenant.slug, timezone: 'America/Sao_Paulo' }, new Date('2026-01-01T06:30:00Z'), 'manual');
  return { tenant, owner, user, customRoleId: roles[0]!.id, ownerRoleId, apiToken, invitedUserId: invited.user.id };
}

/** Everything of a tenant that a foreign call could alter, read under its own row-level security. */
function snapshot(services: Services, tenantId: string) {
  return withTenant(services.db, tenantId, async (trx) => ({
    tenant: await trx.selectFrom('tenants').selectAll().execute(),
    users: await trx.selectFrom('users').selectAll().orderBy('id').execute(),
    roles: await trx.selectFrom('roles').selectAll().orderBy('id').execute(),
    apiTokens: await trx.selectFrom('api_tokens').select(['id', 'name', 'scopes', 'revoked_at', 'expires_at', 'token_hash']).orderBy('id').execute(),
  }));
}

const idsOf = (services: Services, tenantId: string, table: 'audit_log' | 'job_runs') =>
  withTenant(services.db, tenantId, async (trx) => new Set((await trx.selectFrom(table).select('id').execute()).map((row) => row.id)));

describe('cross-tenant isolation: tenant B calls every procedure with tenant A ids', () => {
  let app: RunningTestApp;
  let a: Fixture;
  let b: Fixture;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    app = await startTestApp();
    a = await prepareTenant(app.services, ['a_only', 'shared_key']);
    b = await prepareTenant(app.services, ['b_only']);
    before = await snapshot(app.services, a.tenant.tenantId);
  });
  afterAll(() => app.stop());

  /** Each of A's ids answers exactly what a random uuid answers: NOT_FOUND, same message. */
  async function expectUnknownToB(call: (id: string) => Promise<unknown>, foreignIds: () => string[]): Promise<void> {
    const random = await trpcError(call(crypto.randomUUID()));
    expect(random.code).toBe('NOT_FOUND');
    for (const id of foreignIds()) {
      const foreign = await trpcError(call(id));
      expect({ code: foreign.code, reason: foreign.reason, message: foreign.message }).toEqual({ code: random.code, reason: random.reason, message: random.message });
    }
  }
  const aUserIds = () => [a.tenant.ownerId, a.user.userId];
  const aRoleIds = () => [a.customRoleId, a.ownerRoleId];

  const cases: Record<string, () => Promise<void>> = {
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
    'users.update': () => expectUnknownToB((id) => b.owner.users.update({ id, name: 'Hijacked', role: 'viewer', password: 'hijacked-password', email: 'hijack@example.com' }), aUserIds),
    'users.deactivate': () => expectUnknownToB((id) => b.owner.users.deactivate({ id }), aUserIds),
    'users.reactivate': () => expectUnknownToB((id) => b.owner.users.reactivate({ id }), aUserIds),
    'users.create': async () => {
      await expectTrpcError(b.owner.users.create({ email: 'x@example.com', name: 'X', password: 'x-password', role: 'a_only' }), 'BAD_REQUEST', 'UNKNOWN_ROLE');
      const twin = await b.owner.users.create({ email: a.user.email, name: 'Twin', password: 'twin-password', role: 'viewer' });
      expect((await b.owner.users.list()).map((user) => user.id)).toContain(twin.id);
    },
    'users.invite': async () => {
      await expectTrpcError(b.owner.users.invite({ email: 'y@example.com', name: 'Y', role: 'a_only' }), 'BAD_REQUEST', 'UNKNOWN_ROLE');
      const twin = await b.owner.users.invite({ email: a.tenant.ownerEmail, name: 'Twin invited', role: 'viewer' });
      expect((await b.owner.users.list()).map((user) => user.id)).toContain(twin.user.id);
    },
    'users.reissueInvite': () => expectUnknownToB((id) => b.owner.users.reissueInvite({ id }), () => [a.invitedUserId, ...aUserIds()]),
    'roles.list': async () => {
      const roles = await b.owner.roles.list();
      expect(roles.map((role) => role.id)).toContain(b.customRoleId);
      for (const id of aRoleIds()) expect(roles.map((role) => role.id)).not.toContain(id);
      expect(roles.map((role) => role.key)).not.toContain('a_only');
    },
    'roles.create': async () => {
      await expect(b.owner.roles.create({ key: 'shared_key', name: 'Same key, other tenant', permissions: ['audit.read'] })).resolves.toMatchObject({ key: 'shared_key' });
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
      const whoami = await rawRequest(`${app.url}/api/v1/auth/whoami`, { token: created.token });
      expect(whoami.json).toMatchObject({ tenantId: b.tenant.tenantId });
    },
    'apiTokens.revoke': async () => {
      await expectUnknownToB((id) => b.owner.apiTokens.revoke({ id }), () => [a.apiToken.id]);
      expect((await rawRequest(`${app.url}/api/v1/auth/whoami`, { token: a.apiToken.token })).status).toBe(200);
    },
    'tenant.get': async () => {
      expect(await b.owner.tenant.get()).toMatchObject({ id: b.tenant.tenantId, slug: b.tenant.slug });
    },
    'tenant.update': async () => {
      await expect(b.owner.tenant.update({ name: 'B renamed', modules: ['helpdesk'] })).resolves.toMatchObject({ id: b.tenant.tenantId, name: 'B renamed' });
    },
    'audit.list': async () => {
      const aIds = await idsOf(app.services, a.tenant.tenantId, 'audit_log');
      const items = (await b.owner.audit.list({ limit: 200 })).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.filter((item) => aIds.has(item.id))).toEqual([]);
      expect((await b.owner.audit.list({ actorId: a.tenant.ownerId })).items).toEqual([]);
      for (const id of [...aUserIds(), a.apiToken.id, a.tenant.tenantId]) expect((await b.owner.audit.list({ entityId: id })).items).toEqual([]);
    },
    'jobs.runs': async () => {
      const aRuns = await idsOf(app.services, a.tenant.tenantId, 'job_runs');
      const bRuns = await idsOf(app.services, b.tenant.tenantId, 'job_runs');
      const items = (await b.owner.jobs.runs()).items;
      expect(new Set(items.map((run) => run.id))).toEqual(bRuns);
      expect(items.filter((run) => aRuns.has(run.id))).toEqual([]);
    },
  };

  it('every procedure of the app router is covered here or declared tenant-agnostic', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const uncovered = procedures.filter((path) => !(path in cases) && !(path in TENANT_AGNOSTIC));
    expect(uncovered, 'add a cross-tenant case (or a reason it holds no tenant data) for these procedures').toEqual([]);
    const stale = [...Object.keys(cases), ...Object.keys(TENANT_AGNOSTIC)].filter((path) => !procedures.includes(path));
    expect(stale, 'these cases name procedures that no longer exist').toEqual([]);
    expect(Object.keys(cases).filter((path) => path in TENANT_AGNOSTIC)).toEqual([]);
  });

  it.each(Object.keys(cases))('%s stays within tenant B', async (path) => {
    await cases[path]!();
  });

  it("B's API token exports only B's audit", async () => {
    const aIds = await idsOf(app.services, a.tenant.tenantId, 'audit_log');
    const bIds = await idsOf(app.services, b.tenant.tenantId, 'audit_log');
    const exported = await rawRequest(`${app.url}/api/v1/audit/export?format=json`, { token: b.apiToken.token });
    expect(exported.status).toBe(200);
    const ids = (exported.json as Array<{ id: string }>).map((item) => item.id);
    expect(new Set(ids)).toEqual(bIds);
    expect(ids.filter((id) => aIds.has(id))).toEqual([]);
    const filtered = await rawRequest(`${app.url}/api/v1/audit/export?format=json&actorId=${a.tenant.ownerId}`, { token: b.apiToken.token });
    expect(filtered.json).toEqual([]);
  });

  it("A's users and token still work, and nothing of A changed", async () => {
    expect(await snapshot(app.services, a.tenant.tenantId)).toEqual(before);
    const aUser = await callerFor(app.services, a.user);
    expect((await aUser.auth.me()).tenant).toMatchObject({ id: a.tenant.tenantId, name: `Tenant ${a.tenant.slug}`, modules: [] });
    expect((await a.owner.roles.list()).map((role) => role.key)).toEqual(expect.arrayContaining(['a_only', 'shared_key']));
  });
});
