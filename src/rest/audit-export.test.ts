import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTenant, startTestApp, type TestTenant } from '../../test/support/app';
import { addUser, expectNoLeak, ownerCaller, parseCsv, rawRequest, type Caller, type RawResponse } from '../../test/support/identity';
import { withTenant } from '../db/tenant-scope';
import { AUDIT_CSV_COLUMNS, recordAudit, type AuditItem } from '../platform/audit/audit-log';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('GET /api/v1/audit/export', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let ownerToken = '';
  let exportToken = '';
  const exportAudit = (query: string, token: string | undefined) => rawRequest(`${app.url}/api/v1/audit/export?${query}`, { token });
  const allEntries = async (filters: Parameters<Caller['audit']['list']>[0] = {}) =>
    (await owner.audit.list({ ...filters, limit: 200 })).items;
  const csvRows = (response: RawResponse) => parseCsv(response.text);

  function expectRestError(response: RawResponse, status: number, error: string): void {
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error, message: expect.any(String), details: expect.any(Object) });
    expectNoLeak(response.text);
  }

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services);
    owner = await ownerCaller(app.services, tenant);
    ownerToken = (await login(app.url, tenant)).accessToken;
    for (const role of ['manager', 'agent', 'viewer'])
      await addUser(app.services, tenant, role, `Name, with "quotes"\nand a line break (${role})`);
    exportToken = (await owner.apiTokens.create({ name: 'Auditor externo', scopes: ['audit.export'] })).token;
    // A label a spreadsheet would run as a formula, as an API integration could name itself.
    await withTenant(app.services.db, tenant.tenantId, (trx) =>
      recordAudit(
        trx,
        { actor: { type: 'api_token', id: null, label: '=HYPERLINK("http://evil.test","click")' }, requestId: '+cmd', ip: '-1+1' },
        { action: 'test.formula', entity: 'probe', entityId: '@SUM(A1)' },
      ),
    );
  });
  afterAll(() => app.stop());

  it('CSV with an owner access token: streamed, a header row and one row per entry', async () => {
    const response = await exportAudit('format=csv', ownerToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="auditoria-[\d-]+\.csv"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const [header, ...rows] = csvRows(response);
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    const entries = await allEntries();
    expect(rows).toHaveLength(entries.length);
    expect(rows.map((row) => row[0])).toEqual(entries.map((entry) => entry.id));
    const created = rows.find((row) => row[5] === 'user.create' && row[8]!.includes('(agent)'))!;
    expect(JSON.parse(created[8]!)).toMatchObject({ name: { to: 'Name, with "quotes"\nand a line break (agent)' } });
  });

  it('JSON with an API token scoped audit.export: an array of the entries', async () => {
    const response = await exportAudit('format=json', exportToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const exported = response.json as AuditItem[];
    expect(Array.isArray(exported)).toBe(true);
    expect(exported).toEqual(await allEntries());
  });

  it('the default format is CSV', async () => {
    const response = await exportAudit('', exportToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('applies the filters', async () => {
    const byAction = await exportAudit('format=json&action=user.create', exportToken);
    expect(response(byAction)).toEqual(await allEntries({ action: 'user.create' }));
    expect(response(byAction).length).toBe(4);
    const byPrefix = csvRows(await exportAudit('format=csv&action=user.', ownerToken)).slice(1);
    expect(byPrefix.map((row) => row[0])).toEqual((await allEntries({ action: 'user.' })).map((entry) => entry.id));
    const byActor = await exportAudit(`format=json&actorId=${tenant.ownerId}&entity=api_token`, exportToken);
    expect(response(byActor)).toEqual(await allEntries({ actorId: tenant.ownerId, entity: 'api_token' }));
    expect(response(byActor)).toHaveLength(1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(response(await exportAudit(`format=json&from=${encodeURIComponent(future)}`, exportToken))).toEqual([]);
    expect(csvRows(await exportAudit(`format=csv&from=${encodeURIComponent(future)}`, exportToken))).toEqual([[...AUDIT_CSV_COLUMNS]]);
    function response(raw: RawResponse) {
      expect(raw.status).toBe(200);
      return raw.json as AuditItem[];
    }
  });

  it('neutralises cells a spreadsheet would run as formulas', async () => {
    const rows = csvRows(await exportAudit('format=csv&action=test.formula', exportToken));
    expect(rows).toHaveLength(2);
    const row = Object.fromEntries(AUDIT_CSV_COLUMNS.map((column, index) => [column, rows[1]![index]!]));
    expect(row).toMatchObject({
      actorLabel: `'=HYPERLINK("http://evil.test","click")`,
      entityId: `'@SUM(A1)`,
      requestId: `'+cmd`,
      ip: `'-1+1`,
    });
    for (const cell of rows[1]!) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('refuses a principal without audit.export with 403 ERR_FORBIDDEN', async () => {
    const readOnly = (await owner.apiTokens.create({ name: 'Leitura', scopes: ['audit.read'] })).token;
    expectRestError(await exportAudit('format=csv', readOnly), 403, 'ERR_FORBIDDEN');
    const agent = await addUser(app.services, tenant, 'agent');
    const { accessToken } = await login(app.url, tenant, agent.email, agent.password);
    const refused = await exportAudit('format=json', accessToken);
    expectRestError(refused, 403, 'ERR_FORBIDDEN');
    expect((refused.json as { details: unknown }).details).toEqual({ permission: 'audit.export' });
  });

  it('refuses a missing or dead token with 401', async () => {
    expectRestError(await exportAudit('format=csv', undefined), 401, 'ERR_UNAUTHORIZED');
    const created = await owner.apiTokens.create({ name: 'Revogado', scopes: ['audit.export'] });
    await owner.apiTokens.revoke({ id: created.id });
    expectRestError(await exportAudit('format=csv', created.token), 401, 'ERR_API_TOKEN_INVALID');
  });

  it.each([
    ['format=xml'],
    ['from=notadate'],
    ['to=2026-13-45'],
    ['actorId=not-a-uuid'],
    ['action=a&action=b'],
    ['unknown=1'],
    [`action=${'x'.repeat(500)}`],
  ])('a bad query (%s) is 400 ERR_VALIDATION', async (query) => {
    const refused = await exportAudit(query, exportToken);
    expectRestError(refused, 400, 'ERR_VALIDATION');
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
