import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, rawRequest, storedEvents, type Caller } from '../../../test/support/identity';
import { deviceCallerFor, enrolledQueueDevice, seedQueueUnit } from '../../../test/support/queue';
import { systemAudit } from '../../platform/audit/audit-log';
import { withTenant } from '../../db/tenant-scope';
import { callingOrder, callNextTicket } from './calling';
import { callTicketToDesk, issueTicket, moveTicket } from './tickets';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
type Seeded = Awaited<ReturnType<typeof seedQueueUnit>>;

describe('queue tickets: numbering, the calling rule and the state machine', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let operator: Caller;
  let seeded: Seeded;
  let kioskToken: string;
  let kiosk: Awaited<ReturnType<typeof deviceCallerFor>>;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['queue'] });
    owner = await ownerCaller(app.services, tenant);
    operator = await callerFor(app.services, await addUser(app.services, tenant, 'agent', 'Operadora Ana'));
    seeded = await seedQueueUnit(owner);
    kioskToken = (await enrolledQueueDevice(app.services, owner, 'queue.kiosk', seeded.unit.id)).token;
    kiosk = await deviceCallerFor(app.services, kioskToken);
  });
  afterAll(async () => {
    await app.stop();
  });

  /** A fresh unit per test that needs an empty line. */
  async function freshUnit(name: string, overrides: { priorityRatio?: number; maxWaitMin?: number } = {}) {
    const unit = await owner.queue.units.create({ name, timeZone: 'America/Sao_Paulo', ...overrides });
    const service = await owner.queue.services.create({ unitId: unit.id, name: `Serviço ${name}`, prefix: 'N' });
    const other = await owner.queue.services.create({ unitId: unit.id, name: `Outro ${name}`, prefix: 'O' });
    const desk = await owner.queue.desks.create({ unitId: unit.id, name: 'Guichê 1', number: 1 });
    const token = (await enrolledQueueDevice(app.services, owner, 'queue.kiosk', unit.id, `Totem ${name}`)).token;
    return { unit, service, other, desk, kiosk: await deviceCallerFor(app.services, token) };
  }

  it('gives the tenant the legal priority categories, 80+ heaviest', async () => {
    const priorities = await owner.queue.priorities.list();
    expect(priorities.map((priority) => priority.name)).toEqual([
      'Idoso 80+',
      'Gestante ou lactante',
      'Idoso 60+',
      'Pessoa com criança de colo',
      'Pessoa com deficiência',
    ]);
    expect(priorities[0]!.weight).toBeGreaterThan(priorities[1]!.weight);
  });

  it('issues a ticket with its code, place, estimate and an unguessable status address', async () => {
    const issued = await kiosk.queue.kiosk.issue({ serviceId: seeded.general.id });
    expect(issued).toMatchObject({ code: 'A-001', position: 1, serviceName: 'Atendimento geral', unitName: 'Unidade Centro' });
    expect(issued.statusUrl).toBe(`${app.services.config.publicUrl}/senha/${issued.publicCode}`);
    expect(issued.publicCode).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Two desks share the line: one person at 6 minutes each is 3 minutes away.
    expect(issued.estimatedWaitMin).toBe(3);
    const second = await kiosk.queue.kiosk.issue({ serviceId: seeded.general.id });
    expect(second).toMatchObject({ code: 'A-002', position: 2, estimatedWaitMin: 6 });
    expect((await storedEvents(app.services, tenant.tenantId, 'queue.ticket.issued')).length).toBeGreaterThanOrEqual(2);
  });

  it('numbers concurrent kiosks without sharing or skipping a number', async () => {
    const { service, kiosk: unitKiosk } = await freshUnit('Concorrência');
    const other = await enrolledQueueDevice(app.services, owner, 'queue.kiosk', service.unitId, 'Segundo totem');
    const second = await deviceCallerFor(app.services, other.token);
    const issued = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? unitKiosk : second).queue.kiosk.issue({ serviceId: service.id })),
    );
    const numbers = issued.map((ticket) => Number(ticket.code.split('-')[1])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
  });

  it("restarts at 1 at midnight of the unit's zone, not the server's", async () => {
    const { unit, service } = await freshUnit('Fuso');
    await owner.queue.units.update({ id: unit.id, timeZone: 'Asia/Tokyo' });
    const audit = systemAudit('test');
    const tokyo = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Tokyo' }).toJSDate();
    const issueAt = (at: Date) =>
      withTenant(app.services.db, tenant.tenantId, (trx) =>
        issueTicket(trx, { audit }, { unitId: unit.id, serviceId: service.id }, { publicUrl: '' }, at),
      );
    expect((await issueAt(tokyo('2026-12-10T23:58'))).code).toBe('N-001');
    expect((await issueAt(tokyo('2026-12-10T23:59'))).code).toBe('N-002');
    // 00:01 in Tokyo is still the 10th in UTC and in São Paulo: a new business day there all the same.
    expect((await issueAt(tokyo('2026-12-11T00:01'))).code).toBe('N-001');
  });

  it('refuses a closed service and a full one with 409 and a message the kiosk shows', async () => {
    const { unit, service, kiosk: unitKiosk } = await freshUnit('Horário');
    const now = DateTime.now().setZone('America/Sao_Paulo');
    const laterToday = now.plus({ hours: 2 });
    if (laterToday.day === now.day) {
      await owner.queue.services.update({
        id: service.id,
        openingHours: { intervals: [{ weekday: now.weekday % 7, start: laterToday.toFormat('HH:mm'), end: '23:59' }] },
      });
      const closed = await expectTrpcError(unitKiosk.queue.kiosk.issue({ serviceId: service.id }), 'CONFLICT', 'SERVICE_CLOSED');
      expect(closed.message).toBe(`${service.name}: fechado agora. Abre hoje às ${laterToday.toFormat('HH:mm')}.`);
      const listed = await unitKiosk.queue.kiosk.services();
      expect(listed.services.find((item) => item.id === service.id)).toMatchObject({ open: false, closedReason: closed.message });
    }
    await owner.queue.services.update({ id: service.id, openingHours: null, dailyCap: 2 });
    await owner.queue.units.update({ id: unit.id, openingHours: { intervals: [] } });
    await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    const full = await expectTrpcError(unitKiosk.queue.kiosk.issue({ serviceId: service.id }), 'CONFLICT', 'DAILY_CAP_REACHED');
    expect(full.message).toBe(`${service.name}: as senhas de hoje acabaram`);
    await owner.queue.services.update({ id: service.id, active: false });
    await expectTrpcError(unitKiosk.queue.kiosk.issue({ serviceId: service.id }), 'CONFLICT', 'SERVICE_CLOSED');
  });

  it("a kiosk of one unit cannot issue for another unit's service: 404", async () => {
    const { service } = await freshUnit('Outra unidade');
    await expectTrpcError(kiosk.queue.kiosk.issue({ serviceId: service.id }), 'NOT_FOUND');
    const rest = await rawRequest(`${app.url}/api/v1/queue/kiosk/tickets`, {
      method: 'POST',
      token: kioskToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: service.id }),
    });
    expect(rest.status).toBe(404);
    expect(rest.json).toMatchObject({ error: 'ERR_NOT_FOUND', message: 'Serviço não encontrado' });
  });

  it('issues over REST with the device token, and answers bad input with 400', async () => {
    const post = (body: string, token = kioskToken) =>
      rawRequest(`${app.url}/api/v1/queue/kiosk/tickets`, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body });
    const issued = await post(JSON.stringify({ serviceId: seeded.payments.id, priority: seeded.priorities[0]!.id }));
    expect(issued.status).toBe(201);
    expect(issued.json).toMatchObject({ code: expect.stringMatching(/^P-\d{3}$/), priority: 'Idoso 80+' });
    for (const body of [
      '{"serviceId":"nope"}',
      '{}',
      '[1]',
      '{"serviceId":',
      JSON.stringify({ serviceId: seeded.payments.id, extra: 1 }),
    ]) {
      const answer = await post(body);
      expect(answer.status, body).toBe(400);
      expect(answer.json).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const userToken = (
      await app.services.signer.sign({ tenantId: tenant.tenantId, userId: tenant.ownerId, sessionId: crypto.randomUUID() })
    ).token;
    expect((await post(JSON.stringify({ serviceId: seeded.payments.id }), userToken)).status).toBe(403);
    expect((await post(JSON.stringify({ serviceId: seeded.payments.id }), 'bdev_nope_nope')).status).toBe(401);
  });

  it('calls priority tickets two for one normal, by weight, and a normal one first once it waited too long', async () => {
    const { unit, service, desk, kiosk: unitKiosk } = await freshUnit('Regra', { priorityRatio: 2, maxWaitMin: 30 });
    const [eighty, sixty] = [seeded.priorities[0]!.id, seeded.priorities.find((p) => p.name === 'Idoso 60+')!.id];
    const issue = (priority?: string) => unitKiosk.queue.kiosk.issue({ serviceId: service.id, priority });
    const n1 = await issue();
    const n2 = await issue();
    const p60 = await issue(sixty);
    const p80 = await issue(eighty);
    const p60b = await issue(sixty);
    const order: string[] = [];
    for (let call = 0; call < 5; call += 1) {
      const called = await operator.queue.panel.callNext({ deskId: desk.id });
      order.push(called!.code);
      await operator.queue.panel.start({ ticketId: called!.ticketId });
      await operator.queue.panel.complete({ ticketId: called!.ticketId });
    }
    // 80+ before 60+, two priority then one normal, arrival order otherwise.
    expect(order).toEqual([p80.code, p60.code, n1.code, p60b.code, n2.code]);
    expect(await operator.queue.panel.callNext({ deskId: desk.id })).toBeNull();

    // A normal ticket past the maximum wait goes before any priority one.
    const late = await issue();
    await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('queue_tickets')
        .set({ arrived_at: new Date(Date.now() - 31 * 60_000) })
        .where('id', '=', late.ticketId)
        .execute(),
    );
    await issue(eighty);
    expect((await operator.queue.panel.callNext({ deskId: desk.id }))!.ticketId).toBe(late.ticketId);
    expect(unit.priorityRatio).toBe(2);
  });

  it('previews the next five in the order the rule calls them', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10, minute));
    const waiting = [
      { id: 'n1', priority_weight: 0, arrived_at: at(0) },
      { id: 'n2', priority_weight: 0, arrived_at: at(1) },
      { id: 'p1', priority_weight: 10, arrived_at: at(2) },
      { id: 'p2', priority_weight: 20, arrived_at: at(3) },
      { id: 'p3', priority_weight: 10, arrived_at: at(4) },
    ];
    const rule = { priorityRatio: 2, maxWaitMs: 60 * 60_000 };
    expect(callingOrder(waiting, rule, 0, at(5)).map((ticket) => ticket.id)).toEqual(['p2', 'p1', 'n1', 'p3', 'n2']);
    expect(callingOrder(waiting, rule, 2, at(5)).map((ticket) => ticket.id)).toEqual(['n1', 'p2', 'p1', 'n2', 'p3']);
    expect(callingOrder(waiting, { priorityRatio: 2, maxWaitMs: 0 }, 0, at(5)).map((ticket) => ticket.id)).toEqual([
      'n1',
      'n2',
      'p2',
      'p1',
      'p3',
    ]);
  });

  it('never gives two operators calling at once the same ticket', async () => {
    const { unit, service, kiosk: unitKiosk } = await freshUnit('Corrida');
    const desks = await Promise.all(
      Array.from({ length: 8 }, (_, index) => owner.queue.desks.create({ unitId: unit.id, name: `Mesa ${index}`, number: 10 + index })),
    );
    for (let index = 0; index < 12; index += 1) await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    const calls = await Promise.all(
      desks.flatMap((desk) => [operator.queue.panel.callNext({ deskId: desk.id }), owner.queue.panel.callNext({ deskId: desk.id })]),
    );
    const called = calls.filter((ticket) => ticket !== null).map((ticket) => ticket.ticketId);
    expect(called).toHaveLength(12);
    expect(new Set(called).size).toBe(12);
    expect(calls.filter((ticket) => ticket === null)).toHaveLength(4);
  });

  it("keeps a desk's priority streak exact when two calls of that desk overlap", async () => {
    const { desk, service, kiosk: unitKiosk } = await freshUnit('Sequência', { priorityRatio: 1 });
    const priority = seeded.priorities[0]!.id;
    const p1 = await unitKiosk.queue.kiosk.issue({ serviceId: service.id, priority });
    const p2 = await unitKiosk.queue.kiosk.issue({ serviceId: service.id, priority });
    const normals = [
      await unitKiosk.queue.kiosk.issue({ serviceId: service.id }),
      await unitKiosk.queue.kiosk.issue({ serviceId: service.id }),
    ];
    // One priority ticket, then a normal one, however the two calls interleave: the later one goes by the streak the first left
    // (overlapping, each locked its own heads, so the later call gets the second normal ticket).
    const calls = await Promise.all([
      operator.queue.panel.callNext({ deskId: desk.id }),
      operator.queue.panel.callNext({ deskId: desk.id }),
    ]);
    const calledIds = calls.map((ticket) => ticket!.ticketId);
    expect(calledIds).toContain(p1.ticketId);
    expect(calledIds).not.toContain(p2.ticketId);
    expect(normals.filter((normal) => calledIds.includes(normal.ticketId))).toHaveLength(1);
    const audit = systemAudit('test');
    const actor = { audit: { ...audit, actor: { type: 'user' as const, id: tenant.ownerId, label: 'Owner' } }, operatorId: tenant.ownerId };
    await withTenant(app.services.db, tenant.tenantId, async (trx) => {
      const readStreak = async () =>
        (await trx.selectFrom('queue_desks').select('priority_streak').where('id', '=', desk.id).executeTakeFirstOrThrow()).priority_streak;
      expect(await readStreak()).toBe(0);
      // A call chosen by a streak the desk no longer has writes nothing: not the ticket, its log, nor the streak.
      const outdated = await callTicketToDesk(trx, actor, p2.ticketId, { deskId: desk.id, streakBefore: 1, streakAfter: 2 }, new Date());
      expect(outdated).toBeUndefined();
      expect(await readStreak()).toBe(0);
      const ticket = await trx.selectFrom('queue_tickets').select('status').where('id', '=', p2.ticketId).executeTakeFirstOrThrow();
      expect(ticket.status).toBe('waiting');
      const logged = await trx.selectFrom('queue_transitions').select('action').where('ticket_id', '=', p2.ticketId).execute();
      expect(logged.map((row) => row.action)).toEqual(['issued']);
    });
    expect((await operator.queue.panel.callNext({ deskId: desk.id }))!.ticketId).toBe(p2.ticketId);
  });

  it('answers a double-clicked call (same requestId) with the same ticket', async () => {
    const { desk, service, kiosk: unitKiosk } = await freshUnit('Clique duplo');
    await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    const requestId = crypto.randomUUID();
    const [first, second] = await Promise.all([
      operator.queue.panel.callNext({ deskId: desk.id, requestId }),
      operator.queue.panel.callNext({ deskId: desk.id, requestId }),
    ]);
    expect(first!.ticketId).toBe(second!.ticketId);
    const again = await operator.queue.panel.callNext({ deskId: desk.id, requestId });
    expect(again!.ticketId).toBe(first!.ticketId);
    const next = await operator.queue.panel.callNext({ deskId: desk.id, requestId: crypto.randomUUID() });
    expect(next!.ticketId).not.toBe(first!.ticketId);
    const { desk: otherDesk } = await freshUnit('Outro guichê');
    await expectTrpcError(operator.queue.panel.callNext({ deskId: otherDesk.id, requestId }), 'CONFLICT', 'REQUEST_ID_REUSED');
  });

  it('moves tickets by one state machine: a forbidden move gets 409 with the current state', async () => {
    const { desk, service, kiosk: unitKiosk } = await freshUnit('Estados');
    const ticket = await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    const refused = await expectTrpcError(operator.queue.panel.complete({ ticketId: ticket.ticketId }), 'CONFLICT', 'INVALID_TRANSITION');
    expect(refused.message).toBe('Não é possível concluir uma senha aguardando');
    expect(refused.details).toMatchObject({ currentState: 'waiting', action: 'completed' });
    const called = await operator.queue.panel.callNext({ deskId: desk.id });
    expect(called).toMatchObject({
      status: 'called',
      deskNumber: 1,
      callCount: 1,
      actions: ['recalled', 'started', 'no_show', 'cancelled', 'transferred'],
    });
    expect(await operator.queue.panel.recall({ ticketId: ticket.ticketId })).toMatchObject({ status: 'called', callCount: 2 });
    expect(await operator.queue.panel.noShow({ ticketId: ticket.ticketId })).toMatchObject({ status: 'no_show' });
    await expectTrpcError(operator.queue.panel.recall({ ticketId: ticket.ticketId }), 'CONFLICT', 'INVALID_TRANSITION');
    await expectTrpcError(operator.queue.panel.start({ ticketId: crypto.randomUUID() }), 'NOT_FOUND');
  });

  it('complete and cancel racing on one ticket: one wins, the other gets 409', async () => {
    const { desk, service, kiosk: unitKiosk } = await freshUnit('Disputa');
    for (let round = 0; round < 5; round += 1) {
      const { ticketId } = await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
      await operator.queue.panel.callNext({ deskId: desk.id });
      await operator.queue.panel.start({ ticketId });
      const results = await Promise.allSettled([operator.queue.panel.complete({ ticketId }), owner.queue.panel.cancel({ ticketId })]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'CONFLICT' });
      const log = await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.selectFrom('queue_transitions').select('action').where('ticket_id', '=', ticketId).orderBy('id').execute(),
      );
      expect(log.map((row) => row.action).slice(0, 3)).toEqual(['issued', 'called', 'started']);
      expect(log).toHaveLength(4);
    }
  });

  it('transfers a ticket to another line keeping its arrival, so it goes ahead of later ones', async () => {
    const { desk, service, other, kiosk: unitKiosk } = await freshUnit('Transferência');
    const first = await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    const laterInOther = await unitKiosk.queue.kiosk.issue({ serviceId: other.id });
    await operator.queue.panel.callNext({ deskId: desk.id, serviceIds: [service.id] });
    await operator.queue.panel.start({ ticketId: first.ticketId });
    const moved = await operator.queue.panel.transfer({ ticketId: first.ticketId, serviceId: other.id });
    expect(moved).toMatchObject({ status: 'waiting', serviceId: other.id, code: first.code, deskId: null });
    const next = await operator.queue.panel.callNext({ deskId: desk.id, serviceIds: [other.id] });
    expect(next!.ticketId).toBe(first.ticketId);
    expect(laterInOther.code).toBe('O-001');
    await expectTrpcError(operator.queue.panel.transfer({ ticketId: first.ticketId, serviceId: other.id }), 'CONFLICT', 'SAME_SERVICE');
    await expectTrpcError(operator.queue.panel.transfer({ ticketId: first.ticketId, serviceId: seeded.general.id }), 'NOT_FOUND');
  });

  it("leaves a ticket nobody called before the day ended out of the next day's line, with no job to sweep it", async () => {
    const { unit, service, desk, kiosk: unitKiosk } = await freshUnit('Ontem');
    const audit = systemAudit('test');
    const yesterday = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      issueTicket(trx, { audit }, { unitId: unit.id, serviceId: service.id }, { publicUrl: '' }, new Date(Date.now() - 86_400_000)),
    );
    expect((await unitKiosk.queue.kiosk.services()).services.find((item) => item.id === service.id)?.waiting).toBe(0);
    expect(await operator.queue.panel.callNext({ deskId: desk.id })).toBeNull();
    expect((await operator.queue.panel.overview({ unitId: unit.id })).next).toEqual([]);
    expect(await owner.queue.public.ticket({ publicCode: yesterday.publicCode })).toMatchObject({
      status: 'waiting',
      expired: true,
      position: 0,
    });
    const today = await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    expect(today).toMatchObject({ code: 'N-001', position: 1 });
    expect((await operator.queue.panel.callNext({ deskId: desk.id }))!.ticketId).toBe(today.ticketId);
  });

  it('keeps the transition log append-only', async () => {
    await expect(
      withTenant(app.services.db, tenant.tenantId, (trx) => trx.updateTable('queue_transitions').set({ action: 'completed' }).execute()),
    ).rejects.toThrow();
  });

  it('computes statistics from the log: waits, p90, service time, no-shows, per operator and hour', async () => {
    const { unit, desk, service } = await freshUnit('Estatística');
    const audit = systemAudit('test');
    const base = DateTime.fromISO('2026-11-02T09:00', { zone: 'America/Sao_Paulo' });
    const at = (minute: number) => base.plus({ minutes: minute }).toJSDate();
    const actor = { audit: { ...audit, actor: { type: 'user' as const, id: tenant.ownerId, label: 'Owner' } }, operatorId: tenant.ownerId };
    await withTenant(app.services.db, tenant.tenantId, async (trx) => {
      for (let index = 0; index < 10; index += 1) {
        await issueTicket(trx, { audit }, { unitId: unit.id, serviceId: service.id }, { publicUrl: '' }, at(index));
      }
      for (let index = 0; index < 10; index += 1) {
        // Ticket i is called at minute 10 + 2i: it waited 10 + i minutes.
        const called = await callNextTicket(trx, actor, { deskId: desk.id }, at(10 + index * 2));
        if (index === 9) {
          await moveTicket(trx, actor, called!.ticketId, 'no_show', {}, at(31));
          continue;
        }
        await moveTicket(trx, actor, called!.ticketId, 'started', {}, at(10 + index * 2));
        await moveTicket(trx, actor, called!.ticketId, 'completed', {}, at(11 + index * 2));
      }
    });
    const stats = await owner.queue.stats({
      unitId: unit.id,
      from: base.minus({ hours: 1 }).toISO()!,
      to: base.plus({ hours: 2 }).toISO()!,
    });
    expect(stats.totals).toEqual({
      issued: 10,
      called: 10,
      completed: 9,
      noShow: 1,
      cancelled: 0,
      avgWaitSec: 14.5 * 60,
      p90WaitSec: Math.round(18.1 * 60),
      avgServiceSec: 60,
      noShowRate: 0.1,
    });
    expect(stats.byOperator).toEqual([
      { operatorId: tenant.ownerId, operatorName: 'Owner', called: 10, completed: 9, noShow: 1, avgServiceSec: 60 },
    ]);
    expect(stats.byHour).toEqual([{ hour: 9, issued: 10, avgWaitSec: 14.5 * 60 }]);
    expect(stats.byService).toEqual([
      { serviceId: service.id, serviceName: service.name, issued: 10, completed: 9, avgWaitSec: 14.5 * 60, avgServiceSec: 60 },
    ]);
    await expectTrpcError(
      owner.queue.stats({ unitId: unit.id, from: base.toISO()!, to: base.minus({ hours: 1 }).toISO()! }),
      'BAD_REQUEST',
    );
  });

  it('a revoked kiosk gets 401 on its next call', async () => {
    const device = await enrolledQueueDevice(app.services, owner, 'queue.kiosk', seeded.unit.id, 'Totem revogado');
    const revokedKiosk = await deviceCallerFor(app.services, device.token);
    await revokedKiosk.queue.kiosk.services();
    await owner.devices.revoke({ id: device.id });
    await expectTrpcError(revokedKiosk.queue.kiosk.services(), 'UNAUTHORIZED', 'DEVICE_TOKEN_INVALID');
    const rest = await rawRequest(`${app.url}/api/v1/queue/kiosk/services`, { token: device.token });
    expect(rest.status).toBe(401);
  });

  it('an operator with only queue.panel can pick from the lists and call; without a queue permission nothing is read', async () => {
    await owner.roles.create({ key: 'panel_only', name: 'Só painel', permissions: ['queue.panel'] });
    await owner.roles.create({ key: 'no_queue', name: 'Sem fila', permissions: ['audit.read'] });
    const panelOnly = await callerFor(app.services, await addUser(app.services, tenant, 'panel_only', 'Operador do painel'));
    expect((await panelOnly.queue.units.list()).map((unit) => unit.id)).toContain(seeded.unit.id);
    expect(await panelOnly.queue.desks.list({ unitId: seeded.unit.id })).toHaveLength(2);
    expect((await panelOnly.queue.services.list({ unitId: seeded.unit.id })).map((service) => service.prefix)).toEqual(['A', 'P']);
    await expectTrpcError(panelOnly.queue.units.create({ name: 'Não', timeZone: 'America/Sao_Paulo' }), 'FORBIDDEN', 'PERMISSION_DENIED');
    await expectTrpcError(
      panelOnly.queue.stats({ unitId: seeded.unit.id, from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }),
      'FORBIDDEN',
    );
    const outsider = await callerFor(app.services, await addUser(app.services, tenant, 'no_queue', 'Sem fila'));
    await expectTrpcError(outsider.queue.units.list(), 'FORBIDDEN', 'PERMISSION_DENIED');
    const viewer = await callerFor(app.services, await addUser(app.services, tenant, 'viewer', 'Leitor'));
    await expectTrpcError(viewer.queue.panel.callNext({ deskId: seeded.desk1.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
  });

  it('binds queue devices to a unit of the tenant, and keeps each kind to its own procedures', async () => {
    await expectTrpcError(
      owner.devices.create({ kind: 'queue.kiosk', name: 'Sem unidade', scopes: ['queue.tickets.issue'], resource: crypto.randomUUID() }),
      'NOT_FOUND',
      'RESOURCE_NOT_FOUND',
    );
    const display = await enrolledQueueDevice(app.services, owner, 'queue.display', seeded.unit.id);
    await expectTrpcError((await deviceCallerFor(app.services, display.token)).queue.kiosk.services(), 'FORBIDDEN');
    await expectTrpcError(owner.queue.kiosk.services(), 'FORBIDDEN', 'DEVICE_ONLY');
    await expectTrpcError(kiosk.queue.panel.callNext({ deskId: seeded.desk1.id }), 'FORBIDDEN', 'DEVICE_NOT_ALLOWED');
  });
});
