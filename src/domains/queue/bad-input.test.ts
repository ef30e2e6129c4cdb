import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { expectNoLeak, ownerCaller, rawRequest, rawTrpc, type Caller } from '../../../test/support/identity';
import { enrolledQueueDevice, seedQueueUnit } from '../../../test/support/queue';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Malformed queue input over real HTTP: a 400 with a clear message, never a 500, nothing half-written. */
describe('queue bad input', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let token = '';
  let kioskToken = '';
  let seeded: Awaited<ReturnType<typeof seedQueueUnit>>;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['queue'] });
    owner = await ownerCaller(app.services, tenant);
    token = (await login(app.url, tenant)).accessToken;
    seeded = await seedQueueUnit(owner);
    kioskToken = (await enrolledQueueDevice(app.services, owner, 'queue.kiosk', seeded.unit.id)).token;
  });
  afterAll(async () => {
    await app.stop();
  });

  const cases = (): Array<[string, unknown, 'query' | 'mutation']> => {
    const unitId = seeded.unit.id;
    return [
      ['queue.units.create', { name: 'X', timeZone: 'Mars/Olympus' }, 'mutation'],
      ['queue.units.create', { name: '', timeZone: 'America/Sao_Paulo' }, 'mutation'],
      ['queue.units.create', { name: 'Nul\u0000', timeZone: 'America/Sao_Paulo' }, 'mutation'],
      ['queue.units.update', { id: unitId, priorityRatio: -1 }, 'mutation'],
      ['queue.units.update', { id: unitId, openingHours: { intervals: [{ weekday: 9, start: '08:00', end: '18:00' }] } }, 'mutation'],
      ['queue.units.update', { id: unitId, openingHours: { intervals: [{ weekday: 1, start: '18:00', end: '08:00' }] } }, 'mutation'],
      ['queue.services.create', { unitId, name: 'Y', prefix: 'A1' }, 'mutation'],
      ['queue.services.create', { unitId, name: 'Y', prefix: 'ABCD' }, 'mutation'],
      ['queue.services.create', { unitId, name: 'Y', prefix: 'Q', dailyCap: 0 }, 'mutation'],
      ['queue.services.create', { unitId: 'not-a-uuid', name: 'Y', prefix: 'Q' }, 'mutation'],
      ['queue.desks.create', { unitId, name: 'Z', number: 0 }, 'mutation'],
      ['queue.desks.create', { unitId, name: 'Z', number: 1.5 }, 'mutation'],
      ['queue.priorities.create', { name: 'W', weight: 1000 }, 'mutation'],
      ['queue.panel.callNext', { deskId: 'x' }, 'mutation'],
      ['queue.panel.callNext', { deskId: seeded.desk1.id, serviceIds: [] }, 'mutation'],
      ['queue.panel.callNext', { deskId: seeded.desk1.id, requestId: 'short' }, 'mutation'],
      ['queue.panel.callNext', { deskId: seeded.desk1.id, requestId: 'has spaces in it' }, 'mutation'],
      ['queue.panel.transfer', { ticketId: seeded.desk1.id }, 'mutation'],
      ['queue.panel.complete', {}, 'mutation'],
      ['queue.panel.overview', { unitId: 42 }, 'query'],
      ['queue.stats', { unitId, from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'query'],
      ['queue.stats', { unitId, from: 'yesterday', to: 'today' }, 'query'],
      ['queue.stats', { unitId, from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'query'],
      ['queue.public.ticket', { publicCode: "' or 1=1 --" }, 'query'],
    ];
  };

  it('answers every malformed procedure input with BAD_REQUEST and the field that is wrong', async () => {
    for (const [path, input, kind] of cases()) {
      const answer = await rawTrpc(app.url, path, { input, kind, token });
      expect(answer.status, `${path} ${JSON.stringify(input)}`).toBe(400);
      expect(answer.json, path).toMatchObject({ error: { data: { code: 'BAD_REQUEST' } } });
      expectNoLeak(answer.text);
    }
  });

  it('a kiosk with malformed input gets 400 on tRPC and on REST', async () => {
    for (const input of [
      { serviceId: 'x' },
      { serviceId: seeded.general.id, priority: 'vip' },
      { serviceId: seeded.general.id, extra: true },
    ]) {
      expect((await rawTrpc(app.url, 'queue.kiosk.issue', { input, token: kioskToken })).status).toBe(400);
      const rest = await rawRequest(`${app.url}/api/v1/queue/kiosk/tickets`, {
        method: 'POST',
        token: kioskToken,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      expect(rest.status).toBe(400);
      expect(rest.json).toMatchObject({ error: 'ERR_VALIDATION', message: 'Dados inválidos', details: expect.any(Object) });
    }
    const sse = await rawRequest(`${app.url}/api/v1/queue/display/stream?lastEventId=abc`, { token: kioskToken });
    expect(sse.status).toBe(403);
  });

  it('refuses taken prefixes and desk numbers with 409 and writes nothing', async () => {
    const before = await owner.queue.services.list({ unitId: seeded.unit.id });
    const taken = await rawTrpc(app.url, 'queue.services.create', { input: { unitId: seeded.unit.id, name: 'Dup', prefix: 'a' }, token });
    expect(taken.status).toBe(409);
    expect(taken.json).toMatchObject({ error: { message: 'Outro serviço desta unidade já usa este prefixo' } });
    expect(await owner.queue.services.list({ unitId: seeded.unit.id })).toEqual(before);
    const desk = await rawTrpc(app.url, 'queue.desks.create', { input: { unitId: seeded.unit.id, name: 'Dup', number: 1 }, token });
    expect(desk.status).toBe(409);
    expect((await owner.queue.desks.list({ unitId: seeded.unit.id })).filter((item) => item.number === 1)).toHaveLength(1);
  });

  it('still serves afterwards', async () => {
    expect((await rawRequest(`${app.url}/health`)).status).toBe(200);
    expect((await owner.queue.units.list()).length).toBeGreaterThan(0);
  });
});
