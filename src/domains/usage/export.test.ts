import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { ownerCaller, parseCsv, rawRequest, type Caller, type RawResponse } from '../../../test/support/identity';
import { startOpenAiUpstream, type OpenAiUpstream } from '../../../test/support/openai-upstream';
import { configureUpstream, llmUserWithKey } from '../../../test/support/usage';
import { withTenant } from '../../db/tenant-scope';
import type { UsageRecordView } from './analytics';
import { writeUsageRecords, type UsageRecordInput } from './recorder';
import { usageRuntime } from './runtime';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** The export's columns, in order: a contract with whoever reads the file. */
const CSV_HEADER = [
  'id',
  'createdAt',
  'userId',
  'userName',
  'requestId',
  'sessionId',
  'model',
  'endpoint',
  'method',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'estimatedTokens',
  'estimationAccuracy',
  'costPerToken',
  'totalCost',
  'responseTimeMs',
  'queueTimeMs',
  'processingTimeMs',
  'statusCode',
  'errorType',
  'errorMessage',
  'isCached',
  'isRetry',
  'retryCount',
  'userAgent',
  'ipAddress',
  'countryCode',
];

const SYNTHETIC = 2_500;
/** The synthetic records are a minute apart from here, alternating between the two users. */
const BASE = Date.parse('2026-03-01T12:00:00Z');
const minute = (index: number) => new Date(BASE + index * 60_000).toISOString();

describe('GET /api/v1/usage/export', () => {
  let app: RunningTestApp;
  let upstream: OpenAiUpstream;
  let tenant: TestTenant;
  let owner: Caller;
  let exportToken = '';
  let ana: { id: string; key: string };
  let bruno: { id: string };
  /** Every record id of the tenant, oldest first. */
  let allIds: string[] = [];
  let proxied: UsageRecordView[] = [];

  const exported = (query: string, token = exportToken) => rawRequest(`${app.url}/api/v1/usage/export?${query}`, { token });
  const asJson = (response: RawResponse) => {
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    return response.json as UsageRecordView[];
  };
  const csvRows = (response: RawResponse) => {
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    const [header, ...rows] = parseCsv(response.text);
    expect(header).toEqual(CSV_HEADER);
    return rows.map((row) => Object.fromEntries(CSV_HEADER.map((column, index) => [column, row[index]!])));
  };
  const idsOf = (items: Array<{ id: string }>) => items.map((item) => item.id);

  function synthetic(index: number): UsageRecordInput {
    const prompt = 10 + (index % 50);
    const completion = index % 7;
    return {
      tenantId: tenant.tenantId,
      userId: index % 2 === 0 ? ana.id : bruno.id,
      keyId: null,
      requestId: `sintetico-${index}`,
      sessionId: null,
      model: index % 3 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
      endpoint: '/v1/chat/completions',
      method: 'POST',
      promptTokens: prompt,
      completionTokens: completion,
      estimatedTokens: prompt + completion,
      estimationAccuracy: 100,
      costPerInputToken: '0.00000015',
      costPerOutputToken: '0.0000006',
      userAgent: 'bench',
      ipAddress: '10.0.0.1',
      countryCode: 'BR',
      responseTimeMs: 100 + index,
      queueTimeMs: 1,
      processingTimeMs: 99 + index,
      statusCode: index % 100 === 99 ? 502 : 200,
      errorMessage: index % 100 === 99 ? 'upstream, "fora"\ndo ar' : null,
      errorType: index % 100 === 99 ? 'upstream_unavailable' : null,
      isCached: false,
      isRetry: false,
      retryCount: 0,
      createdAt: new Date(minute(index)),
    };
  }

  beforeAll(async () => {
    app = await startTestApp();
    upstream = await startOpenAiUpstream();
    tenant = await seedTenant(app.services, { modules: ['usage'] });
    owner = await ownerCaller(app.services, tenant);
    await configureUpstream(owner, upstream);
    await owner.usage.models.refresh();
    exportToken = (await owner.apiTokens.create({ name: 'Exportação de uso', scopes: ['usage.export'] })).token;
    const withKey = await llmUserWithKey(owner, app.url, { email: 'ana@exemplo.com', name: 'Ana' });
    ana = { id: withKey.user.id, key: withKey.key.key };
    // A name a spreadsheet would run as a formula, with a comma and quotes.
    bruno = await owner.usage.users.create({ email: 'bruno@exemplo.com', name: '=Bruno, o "Reis"' });

    // Two requests through the proxy, one with a client name that needs quoting.
    for (const userAgent of ['Cliente "especial", v1', 'outro-cliente/2.0']) {
      const answer = await rawRequest(`${app.url}/v1/chat/completions`, {
        method: 'POST',
        token: ana.key,
        headers: { 'content-type': 'application/json', 'user-agent': userAgent, 'x-session-id': '@sessao' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Olá' }], max_tokens: 5 }),
      });
      expect(answer.status).toBe(200);
    }
    // Settled and recorded after the answer (expect.poll is for tests; this is the suite's setup).
    for (const deadline = Date.now() + 10_000; proxied.length < 2 && Date.now() < deadline;) {
      await usageRuntime(app.services).recorder.flush();
      proxied = (await owner.usage.analytics.records({ userId: ana.id })).items.reverse();
      if (proxied.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(proxied).toHaveLength(2);

    // The bulk, through the recorder's own batch statement, in two batches.
    const records = Array.from({ length: SYNTHETIC }, (_, index) => synthetic(index));
    for (const batch of [records.slice(0, 1_200), records.slice(1_200)])
      await withTenant(app.services.db, tenant.tenantId, (trx) => writeUsageRecords(trx, batch));
    allIds = await withTenant(app.services.db, tenant.tenantId, async (trx) =>
      (await trx.selectFrom('usage_records').select('id').orderBy('id').execute()).map((row) => row.id),
    );
    expect(allIds).toHaveLength(SYNTHETIC + 2);
  });
  afterAll(async () => {
    await app.stop();
    await upstream.close();
  });

  it('JSON: every record, in id order, as the history shows them, streamed', async () => {
    const response = await exported('format=json');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="uso-ia-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.json"$/,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const records = asJson(response);
    expect(idsOf(records)).toEqual(allIds);
    expect(new Set(idsOf(records)).size).toBe(SYNTHETIC + 2);
    // The same view as usage.analytics.records.
    expect(records.slice(0, 2)).toEqual(proxied);
    const history = (await owner.usage.analytics.records({ limit: 100 })).items;
    for (const item of history) expect(records.find((record) => record.id === item.id)).toEqual(item);
    expect(records.at(-1)).toMatchObject({
      requestId: `sintetico-${SYNTHETIC - 1}`,
      userId: bruno.id,
      userName: '=Bruno, o "Reis"',
      createdAt: minute(SYNTHETIC - 1),
    });
    const tokens = records.reduce((sum, record) => sum + record.totalTokens, 0);
    const expected = Array.from({ length: SYNTHETIC }, (_, index) => synthetic(index)).reduce(
      (sum, record) => sum + record.promptTokens + record.completionTokens,
      proxied.reduce((sum, record) => sum + record.totalTokens, 0),
    );
    expect(tokens).toBe(expected);
  });

  it('CSV: a header and one row per record, in id order; quotes, commas, line breaks and formulas are safe', async () => {
    const response = await exported('format=csv');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="uso-ia-[\d-]+\.csv"$/);
    const rows = csvRows(response);
    expect(rows.map((row) => row.id)).toEqual(allIds);

    const [first, second] = rows;
    expect(first).toMatchObject({
      id: proxied[0]!.id,
      userId: ana.id,
      userName: 'Ana',
      userAgent: 'Cliente "especial", v1',
      sessionId: "'@sessao",
      model: 'gpt-4o-mini',
      statusCode: '200',
      totalTokens: String(proxied[0]!.totalTokens),
      totalCost: proxied[0]!.totalCost,
      isCached: 'false',
      errorType: '',
    });
    expect(second!.userAgent).toBe('outro-cliente/2.0');
    const failed = rows.find((row) => row.requestId === 'sintetico-99')!;
    expect(failed).toMatchObject({
      userName: `'=Bruno, o "Reis"`,
      statusCode: '502',
      errorType: 'upstream_unavailable',
      errorMessage: 'upstream, "fora"\ndo ar',
      createdAt: minute(99),
    });
    // One check over every cell (an expect per cell is slow enough to outlast the server's keep-alive between requests).
    expect(rows.flatMap((row) => Object.values(row)).filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
  });

  it('the default format is CSV', async () => {
    expect(csvRows(await exported(''))).toHaveLength(SYNTHETIC + 2);
  });

  it('filters by user and by time (from inclusive, to exclusive), the same in JSON and CSV', async () => {
    const ofBruno = asJson(await exported(`format=json&userId=${bruno.id}`));
    expect(ofBruno).toHaveLength(SYNTHETIC / 2);
    expect(ofBruno.every((record) => record.userId === bruno.id)).toBe(true);
    expect(idsOf(ofBruno)).toEqual(allIds.filter((_, index) => index >= 2 && index % 2 === 1));
    expect(csvRows(await exported(`format=csv&userId=${bruno.id}`)).map((row) => row.id)).toEqual(idsOf(ofBruno));
    expect(asJson(await exported(`format=json&userId=${ana.id}`))).toHaveLength(SYNTHETIC / 2 + 2);

    const window = `from=${encodeURIComponent(minute(100))}&to=${encodeURIComponent(minute(200))}`;
    const inWindow = asJson(await exported(`format=json&${window}`));
    expect(inWindow.map((record) => record.requestId)).toEqual(Array.from({ length: 100 }, (_, index) => `sintetico-${100 + index}`));
    const brunoInWindow = asJson(await exported(`format=json&${window}&userId=${bruno.id}`));
    expect(brunoInWindow.map((record) => record.requestId)).toEqual(
      Array.from({ length: 50 }, (_, index) => `sintetico-${101 + index * 2}`),
    );
    expect(csvRows(await exported(`format=csv&${window}&userId=${bruno.id}`)).map((row) => row.id)).toEqual(idsOf(brunoInWindow));
    // An offset other than Z names the same instant.
    const inSaoPaulo = new Date(BASE + 100 * 60_000 - 3 * 3_600_000).toISOString().replace('Z', '-03:00');
    const offsetWindow = `from=${encodeURIComponent(inSaoPaulo)}&to=${encodeURIComponent(minute(200))}`;
    expect(idsOf(asJson(await exported(`format=json&${offsetWindow}`)))).toEqual(idsOf(inWindow));

    const future = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());
    expect(asJson(await exported(`format=json&from=${future}`))).toEqual([]);
    expect(parseCsv((await exported(`format=csv&from=${future}`)).text)).toEqual([CSV_HEADER]);
    expect(asJson(await exported(`format=json&userId=${crypto.randomUUID()}`))).toEqual([]);
  });

  it('a dashboard user allowed to export may, with their access token', async () => {
    const { accessToken } = await login(app.url, tenant);
    expect(idsOf(asJson(await exported('format=json', accessToken)))).toEqual(allIds);
  });

  it('a client that leaves mid-export does not stop the next one', async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.url}/api/v1/usage/export?format=json`, {
      headers: { authorization: `Bearer ${exportToken}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(idsOf(asJson(await exported('format=json')))).toEqual(allIds);
    expect((await owner.usage.users.list()).items.length).toBe(2);
  });
});
