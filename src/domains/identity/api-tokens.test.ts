import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, type Caller } from '../../../test/support/identity';
import { withTenant } from '../../db/tenant-scope';
import { digestSecret } from '../../platform/auth/opaque-tokens';
import type { Services } from '../../platform/services';
import { domainCatalogue } from '../modules';

const { machineScopes } = domainCatalogue;
import { authenticateMachineToken } from './api-tokens';

const TOKEN_PATTERN = /^bal_([a-z2-9]{10})_([A-Za-z0-9_-]{40})$/;
const secretOf = (token: string) => TOKEN_PATTERN.exec(token)![2]!;

describe('API tokens', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  const storedToken = (id: string) =>
    withTenant(services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services);
    owner = await ownerCaller(services, tenant);
  });
  afterAll(() => services.close());

  it('create shows the secret once; list never does', async () => {
    const created = await owner.apiTokens.create({ name: 'ERP', scopes: ['audit.read', 'audit.export', 'audit.read'] });
    expect(created).toMatchObject({
      id: expect.any(String),
      name: 'ERP',
      scopes: ['audit.read', 'audit.export'],
      status: 'active',
      lastUsedAt: null,
      revokedAt: null,
    });
    const [, prefix] = TOKEN_PATTERN.exec(created.token) ?? [];
    expect(prefix).toBeDefined();
    expect(created.prefix).toBe(`bal_${prefix}`);

    const listed = (await owner.apiTokens.list()).find((token) => token.id === created.id)!;
    const { token: _secret, ...view } = created;
    expect(listed).toEqual(view);
    expect(JSON.stringify(await owner.apiTokens.list())).not.toContain(secretOf(created.token));
  });

  it('stores only a digest of the secret', async () => {
    const created = await owner.apiTokens.create({ name: 'Hashed', scopes: ['audit.read'] });
    const row = await storedToken(created.id);
    expect(row.token_hash).toBe(digestSecret(created.token));
    const secret = secretOf(created.token);
    expect(Object.values(row).some((value) => String(value).includes(secret))).toBe(false);
    expect(row.created_by).toBe(tenant.ownerId);
  });

  it('the scopes catalogue lists what a token may carry', async () => {
    expect(await owner.apiTokens.scopes()).toEqual(machineScopes);
  });

  it('scopes must be declared ones', async () => {
    const failure = await expectTrpcError(
      owner.apiTokens.create({ name: 'Bad', scopes: ['audit.read', 'root'] }),
      'BAD_REQUEST',
      'UNKNOWN_SCOPE',
    );
    expect(failure.details).toEqual({ scopes: ['root'] });
    await expectTrpcError(owner.apiTokens.create({ name: 'Wildcard', scopes: ['*'] }), 'BAD_REQUEST', 'UNKNOWN_SCOPE');
    await expectTrpcError(owner.apiTokens.create({ name: 'None', scopes: [] }), 'BAD_REQUEST', 'INVALID_INPUT');
  });

  it('scopes must be held by the creator', async () => {
    const integratorRole = await owner.roles.create({
      key: 'integrator',
      name: 'Integrador',
      permissions: ['identity.apiTokens.*', 'audit.read'],
    });
    const integrator = await callerFor(services, await addUser(services, tenant, integratorRole.key));
    const failure = await expectTrpcError(
      integrator.apiTokens.create({ name: 'Export', scopes: ['audit.read', 'audit.export'] }),
      'FORBIDDEN',
      'SCOPE_NOT_HELD',
    );
    expect(failure.details).toEqual({ scopes: ['audit.export'] });
    await expect(integrator.apiTokens.create({ name: 'Read', scopes: ['audit.read'] })).resolves.toMatchObject({ scopes: ['audit.read'] });

    const admin = await callerFor(services, await addUser(services, tenant, 'admin'));
    await expectTrpcError(admin.apiTokens.create({ name: 'Tenant', scopes: ['identity.tenant.write'] }), 'FORBIDDEN', 'SCOPE_NOT_HELD');
    await expect(admin.apiTokens.create({ name: 'Export', scopes: ['audit.export'] })).resolves.toMatchObject({ scopes: ['audit.export'] });
  });

  it('a viewer can list tokens but cannot mint one, not even with a scope it holds', async () => {
    const viewer = await callerFor(services, await addUser(services, tenant, 'viewer'));
    await expect(viewer.apiTokens.list()).resolves.toBeInstanceOf(Array);
    await expectTrpcError(viewer.apiTokens.create({ name: 'Export', scopes: ['audit.export'] }), 'FORBIDDEN', 'PERMISSION_DENIED');
    await expectTrpcError(viewer.apiTokens.create({ name: 'Read', scopes: ['audit.read'] }), 'FORBIDDEN', 'PERMISSION_DENIED');
  });

  it('an expiry in the past is refused; one in the future is kept', async () => {
    const failure = await expectTrpcError(
      owner.apiTokens.create({ name: 'Old', scopes: ['audit.read'], expiresAt: new Date(Date.now() - 60_000) }),
      'BAD_REQUEST',
      'EXPIRY_IN_PAST',
    );
    expect(failure.details).toEqual({ field: 'expiresAt' });
    await expectTrpcError(
      owner.apiTokens.create({ name: 'Nonsense', scopes: ['audit.read'], expiresAt: 'not a date' as unknown as Date }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    const expiresAt = new Date(Date.now() + 86_400_000);
    await expect(owner.apiTokens.create({ name: 'Day', scopes: ['audit.read'], expiresAt })).resolves.toMatchObject({
      expiresAt: expiresAt.toISOString(),
      status: 'active',
    });
  });

  it('revoke marks the token revoked (again is harmless); an unknown id is NOT_FOUND', async () => {
    const created = await owner.apiTokens.create({ name: 'Short lived', scopes: ['audit.read'] });
    const revoked = await owner.apiTokens.revoke({ id: created.id });
    expect(revoked).toMatchObject({ id: created.id, status: 'revoked', revokedAt: expect.any(String) });
    expect(await owner.apiTokens.revoke({ id: created.id })).toEqual(revoked);
    expect((await owner.apiTokens.list()).find((token) => token.id === created.id)?.status).toBe('revoked');
    await expectTrpcError(owner.apiTokens.revoke({ id: crypto.randomUUID() }), 'NOT_FOUND');
    const viewer = await callerFor(services, await addUser(services, tenant, 'viewer'));
    await expectTrpcError(viewer.apiTokens.revoke({ id: created.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
  });

  describe('authenticating a presented token', () => {
    it('accepts a live token with its tenant and scopes, and records when it was used', async () => {
      const created = await owner.apiTokens.create({ name: 'Live', scopes: ['audit.export'] });
      const principal = await authenticateMachineToken(services.db, created.token);
      expect(principal).toEqual({
        tokenId: created.id,
        tenantId: tenant.tenantId,
        name: 'Live',
        kind: 'api',
        scopes: new Set(['audit.export']),
        tenantModules: [],
      });
      expect((await storedToken(created.id)).last_used_at).toBeInstanceOf(Date);
      expect((await owner.apiTokens.list()).find((token) => token.id === created.id)?.lastUsedAt).toEqual(expect.any(String));
    });

    it('refuses revoked, expired, tampered and malformed tokens', async () => {
      const revoked = await owner.apiTokens.create({ name: 'Revoked', scopes: ['audit.read'] });
      await owner.apiTokens.revoke({ id: revoked.id });
      const expired = await owner.apiTokens.create({ name: 'Expired', scopes: ['audit.read'] });
      await withTenant(services.db, tenant.tenantId, (trx) =>
        trx
          .updateTable('api_tokens')
          .set({ expires_at: new Date(Date.now() - 1000) })
          .where('id', '=', expired.id)
          .execute(),
      );
      const live = await owner.apiTokens.create({ name: 'Live', scopes: ['audit.read'] });
      const tampered = `${live.token.slice(0, -4)}${live.token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      for (const presented of [
        revoked.token,
        expired.token,
        tampered,
        'bal_garbage',
        `${live.token}x`,
        live.token.replace('bal_', 'kio_'),
        '',
      ]) {
        expect(await authenticateMachineToken(services.db, presented)).toBeNull();
      }
      expect((await owner.apiTokens.list()).find((token) => token.id === expired.id)?.status).toBe('expired');
      expect((await storedToken(live.id)).last_used_at).toBeNull();
    });
  });
});
