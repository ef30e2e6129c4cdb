import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { RELAXED_LOGIN_LIMITS, addUser, expectTrpcError, httpClientWith, storedEvents, type Caller } from '../../../test/support/identity';
import type { AuditItem } from '../../platform/audit/audit-log';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** The identity mutations of the app router, each made once over HTTP with a request id of its own. */
describe('audit trail of identity mutations', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let accessToken = '';
  let requestId = '';
  const ids = { user: '', role: '', token: '', tokenSecret: '' };
  const client = () => httpClientWith(app.url, () => ({ authorization: `Bearer ${accessToken}`, 'x-request-id': requestId }));
  async function as<T>(id: string, call: () => Promise<T>): Promise<T> {
    requestId = id;
    return call();
  }
  const allEntries = async (): Promise<AuditItem[]> => (await owner.audit.list({ limit: 200 })).items;

  beforeAll(async () => {
    app = await startTestApp(RELAXED_LOGIN_LIMITS);
    tenant = await seedTenant(app.services);
    owner = await callerFor(app.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
    accessToken = (await login(app.url, tenant)).accessToken;

    const user = await as('req-user-create', () =>
      client().users.create.mutate({ email: 'clara@example.com', name: 'Clara', password: 'clara-password', role: 'agent' }),
    );
    ids.user = user.id;
    await as('req-user-update', () =>
      client().users.update.mutate({ id: user.id, name: 'Clara Souza', password: 'another-password', role: 'manager' }),
    );
    await as('req-user-deactivate', () => client().users.deactivate.mutate({ id: user.id }));
    await as('req-user-reactivate', () => client().users.reactivate.mutate({ id: user.id }));
    const role = await as('req-role-create', () =>
      client().roles.create.mutate({ key: 'auditor', name: 'Auditor', permissions: ['audit.read'] }),
    );
    ids.role = role.id;
    await as('req-role-update', () => client().roles.update.mutate({ id: role.id, permissions: ['audit.*'] }));
    await as('req-role-delete', () => client().roles.delete.mutate({ id: role.id }));
    const token = await as('req-token-create', () => client().apiTokens.create.mutate({ name: 'ERP', scopes: ['audit.export'] }));
    ids.token = token.id;
    ids.tokenSecret = token.token;
    await as('req-token-revoke', () => client().apiTokens.revoke.mutate({ id: token.id }));
    await as('req-tenant-update', () => client().tenant.update.mutate({ name: 'Renamed', timezone: 'America/Recife' }));
  });
  afterAll(() => app.stop());

  it.each([
    [
      'req-user-create',
      'user.create',
      'user',
      () => ids.user,
      { email: { to: 'clara@example.com' }, name: { to: 'Clara' }, role: { to: 'agent' } },
    ],
    [
      'req-user-update',
      'user.update',
      'user',
      () => ids.user,
      { name: { from: 'Clara', to: 'Clara Souza' }, role: { from: 'agent', to: 'manager' }, password: { to: '[changed]' } },
    ],
    ['req-user-deactivate', 'user.deactivate', 'user', () => ids.user, { active: { from: true, to: false } }],
    ['req-user-reactivate', 'user.update', 'user', () => ids.user, { active: { from: false, to: true } }],
    ['req-role-create', 'role.create', 'role', () => ids.role, { key: { to: 'auditor' }, permissions: { to: ['audit.read'] } }],
    ['req-role-update', 'role.update', 'role', () => ids.role, { permissions: { from: ['audit.read'], to: ['audit.*'] } }],
    ['req-role-delete', 'role.delete', 'role', () => ids.role, { key: { from: 'auditor' } }],
    ['req-token-create', 'api_token.create', 'api_token', () => ids.token, { name: { to: 'ERP' }, scopes: { to: ['audit.export'] } }],
    ['req-token-revoke', 'api_token.revoke', 'api_token', () => ids.token, { revokedAt: { from: null, to: expect.any(String) } }],
    [
      'req-tenant-update',
      'tenant.update',
      'tenant',
      () => tenant.tenantId,
      { name: { from: expect.stringMatching(/^Tenant /), to: 'Renamed' }, timezone: { from: 'America/Sao_Paulo', to: 'America/Recife' } },
    ],
  ])('%s wrote one %s entry with actor, entity, diff, request id and address', async (request, action, entity, entityId, diff) => {
    const entries = (await allEntries()).filter((entry) => entry.requestId === request);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action,
      entity,
      entityId: entityId(),
      actor: { type: 'user', id: tenant.ownerId, label: tenant.ownerEmail },
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      diff: expect.objectContaining(diff),
    });
  });

  it('no entry holds a password, a password hash or a token secret', async () => {
    const serialized = JSON.stringify(await allEntries());
    for (const secret of ['clara-password', 'another-password', '$argon2', 'password_hash', ids.tokenSecret, ids.tokenSecret.slice(15)]) {
      expect(serialized).not.toContain(secret);
    }
  });

  it('logins, failed logins and logouts are audited too', async () => {
    const anonymous = httpClientWith(app.url, () => ({ 'x-request-id': requestId }));
    const session = await as('req-login', () =>
      anonymous.auth.login.mutate({ tenant: tenant.slug, email: tenant.ownerEmail, password: tenant.password }),
    );
    await as('req-login-failed', () =>
      expectTrpcError(anonymous.auth.login.mutate({ tenant: tenant.slug, email: 'ghost@example.com', password: 'guess' }), 'UNAUTHORIZED'),
    );
    await as('req-logout', () => anonymous.auth.logout.mutate({ refreshToken: session.refreshToken! }));
    const byRequest = new Map((await allEntries()).map((entry) => [entry.requestId, entry]));
    expect(byRequest.get('req-login')).toMatchObject({
      action: 'auth.login',
      entityId: tenant.ownerId,
      actor: { id: tenant.ownerId },
      ip: expect.any(String),
    });
    expect(byRequest.get('req-login-failed')).toMatchObject({
      action: 'auth.login_failed',
      actor: { type: 'user', id: null },
      diff: { email: 'ghost@example.com' },
    });
    expect(JSON.stringify(byRequest.get('req-login-failed'))).not.toContain('guess');
    expect(byRequest.get('req-logout')).toMatchObject({ action: 'auth.logout', entity: 'session', actor: { id: tenant.ownerId } });
  });

  it('a refused mutation writes nothing', async () => {
    const before = (await allEntries()).length;
    await as('req-refused', () =>
      expectTrpcError(
        client().users.create.mutate({ email: 'clara@example.com', name: 'Again', password: 'clara-password', role: 'agent' }),
        'CONFLICT',
      ),
    );
    await as('req-refused', () => expectTrpcError(client().roles.delete.mutate({ id: crypto.randomUUID() }), 'NOT_FOUND'));
    expect((await allEntries()).length).toBe(before);
  });

  it('the events of each change were written beside it', async () => {
    const events = await storedEvents(app.services, tenant.tenantId);
    const data = (type: string) => events.filter((event) => event.type === type).map((event) => event.data);
    expect(data('user.created')).toContainEqual({ userId: ids.user, email: 'clara@example.com', name: 'Clara', role: 'agent' });
    expect(data('user.updated')).toEqual([
      { userId: ids.user, changes: ['name', 'role', 'password'], active: true, role: 'manager' },
      { userId: ids.user, changes: ['active'], active: false, role: 'manager' },
      { userId: ids.user, changes: ['active'], active: true, role: 'manager' },
    ]);
    expect(data('role.updated').map((event) => (event as { change: string }).change)).toEqual(['created', 'updated', 'deleted']);
    expect(data('api_token.created')).toEqual([{ tokenId: ids.token, name: 'ERP', scopes: ['audit.export'] }]);
    expect(data('api_token.revoked')).toEqual([{ tokenId: ids.token, name: 'ERP' }]);
  });

  describe('audit.list', () => {
    it('filters by action, action prefix, entity, entity id and actor', async () => {
      const all = await allEntries();
      const check = async (filters: Parameters<Caller['audit']['list']>[0], predicate: (entry: AuditItem) => boolean) => {
        const expected = all.filter(predicate);
        expect(expected.length).toBeGreaterThan(0);
        expect((await owner.audit.list({ ...filters, limit: 200 })).items).toEqual(expected);
      };
      await check({ action: 'user.update' }, (entry) => entry.action === 'user.update');
      await check({ action: 'user.' }, (entry) => entry.action.startsWith('user.'));
      await check({ entity: 'role' }, (entry) => entry.entity === 'role');
      await check({ entityId: ids.user }, (entry) => entry.entityId === ids.user);
      await check({ actorId: tenant.ownerId }, (entry) => entry.actor.id === tenant.ownerId);
      await check(
        { action: 'user.', entity: 'user', entityId: ids.user },
        (entry) => entry.action.startsWith('user.') && entry.entityId === ids.user,
      );
      expect((await owner.audit.list({ action: 'user%' })).items).toEqual([]);
      expect((await owner.audit.list({ actorId: crypto.randomUUID() })).items).toEqual([]);
    });

    it('filters by a date range: from inclusive, to exclusive', async () => {
      const all = await allEntries();
      const times = [...new Set(all.map((entry) => entry.occurredAt))].sort();
      const from = times[1]!;
      const to = times.at(-2)!;
      const expected = all.filter((entry) => entry.occurredAt >= from && entry.occurredAt < to);
      expect((await owner.audit.list({ from: new Date(from), to: new Date(to), limit: 200 })).items).toEqual(expected);
      expect((await owner.audit.list({ from: new Date(Date.now() + 3_600_000) })).items).toEqual([]);
      expect((await owner.audit.list({ to: new Date('2000-01-01') })).items).toEqual([]);
    });

    it('walks every entry page by page, newest first, without duplicates or gaps', async () => {
      const viewer = await addUser(app.services, tenant, 'viewer');
      const reader = await callerFor(app.services, viewer);
      const all = await allEntries();
      expect(all.length).toBeGreaterThan(12);
      const walked: AuditItem[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await reader.audit.list({ limit: 5, cursor });
        walked.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages += 1;
        expect(pages).toBeLessThan(100);
      } while (cursor);
      expect(walked.map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));
      expect(new Set(walked.map((entry) => entry.id)).size).toBe(walked.length);
      const numericIds = walked.map((entry) => BigInt(entry.id));
      expect(numericIds.every((id, index) => index === 0 || id < numericIds[index - 1]!)).toBe(true);
    });

    it('is refused to a role without audit.read, and a bad cursor is BAD_REQUEST', async () => {
      const agent = await callerFor(app.services, await addUser(app.services, tenant, 'agent'));
      await expectTrpcError(agent.audit.list(), 'FORBIDDEN', 'PERMISSION_DENIED');
      await expectTrpcError(owner.audit.list({ cursor: '1 or 1=1' }), 'BAD_REQUEST');
      await expectTrpcError(owner.audit.list({ limit: 1000 }), 'BAD_REQUEST');
    });
  });
});
