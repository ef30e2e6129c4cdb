import { expect } from 'vitest';
import { wsClient } from '../../../test/support/app';
import { defineCrossTenantSuite } from '../../../test/support/cross-tenant';
import { expectTrpcError, rawRequest } from '../../../test/support/identity';
import { deviceCallerFor, enrolledQueueDevice, seedQueueUnit } from '../../../test/support/queue';
import type { DisplayFrame } from './display';

interface QueueFixture {
  queue: {
    unitId: string;
    serviceId: string;
    otherServiceId: string;
    deskId: string;
    priorityId: string;
    waitingTicketId: string;
    calledTicketId: string;
    publicCode: string;
    kioskToken: string;
    displayToken: string;
  };
}

/** The queue: A's units, services, desks, tickets, kiosk, display and status pages are out of B's reach, whatever ids B holds. */
export const crossTenantSuite = defineCrossTenantSuite<QueueFixture>({
  name: 'queue',
  async prepare(services, { owner }) {
    const seeded = await seedQueueUnit(owner);
    const kiosk = await enrolledQueueDevice(services, owner, 'queue.kiosk', seeded.unit.id);
    const display = await enrolledQueueDevice(services, owner, 'queue.display', seeded.unit.id);
    const kioskCaller = await deviceCallerFor(services, kiosk.token);
    const called = await kioskCaller.queue.kiosk.issue({ serviceId: seeded.general.id });
    const waiting = await kioskCaller.queue.kiosk.issue({ serviceId: seeded.general.id });
    await owner.queue.panel.callNext({ deskId: seeded.desk1.id });
    return {
      queue: {
        unitId: seeded.unit.id,
        serviceId: seeded.general.id,
        otherServiceId: seeded.payments.id,
        deskId: seeded.desk1.id,
        priorityId: seeded.priorities[0]!.id,
        waitingTicketId: waiting.ticketId,
        calledTicketId: called.ticketId,
        publicCode: waiting.publicCode,
        kioskToken: kiosk.token,
        displayToken: display.token,
      },
    };
  },
  snapshot: async (trx) => ({
    priorities: await trx.selectFrom('queue_priorities').selectAll().orderBy('id').execute(),
    units: await trx.selectFrom('queue_units').selectAll().orderBy('id').execute(),
    services: await trx.selectFrom('queue_services').selectAll().orderBy('id').execute(),
    desks: await trx.selectFrom('queue_desks').selectAll().orderBy('id').execute(),
    counters: await trx.selectFrom('queue_daily_counters').selectAll().orderBy('service_id').execute(),
    tickets: await trx.selectFrom('queue_tickets').selectAll().orderBy('id').execute(),
    transitions: await trx.selectFrom('queue_transitions').selectAll().orderBy('id').execute(),
    displays: await trx.selectFrom('queue_display_status').select(['device_id', 'unit_id']).orderBy('device_id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const kioskOf = (side: typeof b) => deviceCallerFor(world.app.services, side.queue.kioskToken);
    const displayOf = (side: typeof b) => deviceCallerFor(world.app.services, side.queue.displayToken);
    const onlyB = (ids: string[], mine: string, theirs: string) => {
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    const aTicket = () => [a.queue.waitingTicketId, a.queue.calledTicketId];
    const panelMove = (move: 'recall' | 'start' | 'complete' | 'noShow' | 'cancel') => () =>
      expectUnknownToB((ticketId) => b.owner.queue.panel[move]({ ticketId }), aTicket);
    const today = () => ({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    return {
      'queue.units.list': async () =>
        onlyB(
          (await b.owner.queue.units.list()).map((unit) => unit.id),
          b.queue.unitId,
          a.queue.unitId,
        ),
      'queue.units.get': () =>
        expectUnknownToB(
          (id) => b.owner.queue.units.get({ id }),
          () => [a.queue.unitId],
        ),
      'queue.units.create': async () =>
        expect(await b.owner.queue.units.create({ name: 'Só de B', timeZone: 'America/Recife' })).toMatchObject({ name: 'Só de B' }),
      'queue.units.update': () =>
        expectUnknownToB(
          (id) => b.owner.queue.units.update({ id, name: 'Sequestrada' }),
          () => [a.queue.unitId],
        ),
      'queue.services.list': async () => {
        onlyB(
          (await b.owner.queue.services.list()).map((service) => service.id),
          b.queue.serviceId,
          a.queue.serviceId,
        );
        expect(await b.owner.queue.services.list({ unitId: a.queue.unitId })).toEqual([]);
      },
      'queue.services.create': () =>
        expectUnknownToB(
          (unitId) => b.owner.queue.services.create({ unitId, name: 'Em A', prefix: 'Z' }),
          () => [a.queue.unitId],
        ),
      'queue.services.update': () =>
        expectUnknownToB(
          (id) => b.owner.queue.services.update({ id, dailyCap: 1 }),
          () => [a.queue.serviceId],
        ),
      'queue.desks.list': async () => {
        onlyB(
          (await b.owner.queue.desks.list()).map((desk) => desk.id),
          b.queue.deskId,
          a.queue.deskId,
        );
        expect(await b.owner.queue.desks.list({ unitId: a.queue.unitId })).toEqual([]);
      },
      'queue.desks.create': () =>
        expectUnknownToB(
          (unitId) => b.owner.queue.desks.create({ unitId, name: 'Em A', number: 9 }),
          () => [a.queue.unitId],
        ),
      'queue.desks.update': () =>
        expectUnknownToB(
          (id) => b.owner.queue.desks.update({ id, active: false }),
          () => [a.queue.deskId],
        ),
      'queue.priorities.list': async () =>
        onlyB(
          (await b.owner.queue.priorities.list()).map((priority) => priority.id),
          b.queue.priorityId,
          a.queue.priorityId,
        ),
      'queue.priorities.create': async () =>
        expect(await b.owner.queue.priorities.create({ name: 'Doador de sangue', weight: 5 })).toMatchObject({ weight: 5 }),
      'queue.priorities.update': () =>
        expectUnknownToB(
          (id) => b.owner.queue.priorities.update({ id, weight: 99 }),
          () => [a.queue.priorityId],
        ),
      'queue.kiosk.services': async () => {
        const seen = await (await kioskOf(b)).queue.kiosk.services();
        expect(seen.unit.id).toBe(b.queue.unitId);
        expect(seen.services.map((service) => service.id)).not.toContain(a.queue.serviceId);
      },
      'queue.kiosk.issue': async () => {
        const kiosk = await kioskOf(b);
        await expectUnknownToB(
          (serviceId) => kiosk.queue.kiosk.issue({ serviceId }),
          () => [a.queue.serviceId],
        );
        await expectUnknownToB(
          (priority) => kiosk.queue.kiosk.issue({ serviceId: b.queue.serviceId, priority }),
          () => [a.queue.priorityId],
        );
      },
      'queue.panel.callNext': async () => {
        await expectUnknownToB(
          (deskId) => b.owner.queue.panel.callNext({ deskId }),
          () => [a.queue.deskId],
        );
        await expectUnknownToB(
          (serviceId) => b.owner.queue.panel.callNext({ deskId: b.queue.deskId, serviceIds: [serviceId] }),
          () => [a.queue.serviceId],
        );
      },
      'queue.panel.recall': panelMove('recall'),
      'queue.panel.start': panelMove('start'),
      'queue.panel.complete': panelMove('complete'),
      'queue.panel.noShow': panelMove('noShow'),
      'queue.panel.cancel': panelMove('cancel'),
      'queue.panel.transfer': async () => {
        await expectUnknownToB((ticketId) => b.owner.queue.panel.transfer({ ticketId, serviceId: b.queue.otherServiceId }), aTicket);
        await expectUnknownToB(
          (serviceId) => b.owner.queue.panel.transfer({ ticketId: b.queue.waitingTicketId, serviceId }),
          () => [a.queue.otherServiceId],
        );
      },
      'queue.panel.overview': async () => {
        await expectUnknownToB(
          (unitId) => b.owner.queue.panel.overview({ unitId }),
          () => [a.queue.unitId],
        );
        await expectUnknownToB(
          (deskId) => b.owner.queue.panel.overview({ unitId: b.queue.unitId, deskId }),
          () => [a.queue.deskId],
        );
      },
      'queue.panel.ticket': () => expectUnknownToB((ticketId) => b.owner.queue.panel.ticket({ ticketId }), aTicket),
      'queue.display.state': async () => {
        const state = await (await displayOf(b)).queue.display.state();
        expect(state.unit.id).toBe(b.queue.unitId);
        expect(state.current?.ticketId).toBe(b.queue.calledTicketId);
      },
      'queue.display.heartbeat': async () => {
        await (await displayOf(b)).queue.display.heartbeat({ showingTicketId: b.queue.calledTicketId });
        expect((await b.owner.queue.displays.list()).map((display) => display.unitId)).toEqual([b.queue.unitId]);
      },
      'queue.displays.list': async () => {
        expect(await b.owner.queue.displays.list({ unitId: a.queue.unitId })).toEqual([]);
        for (const display of await b.owner.queue.displays.list()) expect(display.unitId).toBe(b.queue.unitId);
      },
      'queue.display.stream': async () => {
        // B's screen gets B's state and B's calls only.
        const { trpc, client } = wsClient(world.app.url, () => b.queue.displayToken);
        const frames: DisplayFrame[] = [];
        const subscription = trpc.queue.display.stream.subscribe(
          {},
          { onData: (data) => frames.push(('type' in data ? data : data.data) as DisplayFrame) },
        );
        try {
          await expect.poll(() => frames.length, { timeout: 5000 }).toBeGreaterThan(0);
          const called = await b.owner.queue.panel.callNext({ deskId: b.queue.deskId });
          await expect
            .poll(() => frames.some((frame) => frame.type === 'call' && frame.call.ticketId === called?.ticketId), { timeout: 5000 })
            .toBe(true);
          const ticketIds = frames.flatMap((frame) =>
            frame.type === 'call' ? [frame.call.ticketId] : frame.current ? [frame.current.ticketId] : [],
          );
          for (const id of aTicket()) expect(ticketIds).not.toContain(id);
          expect(frames[0]).toMatchObject({ type: 'state', unit: { id: b.queue.unitId } });
        } finally {
          subscription.unsubscribe();
          client.close();
        }
      },
      'queue.public.ticket': async () => {
        expect(await b.owner.queue.public.ticket({ publicCode: b.queue.publicCode })).toMatchObject({ unitName: 'Unidade Centro' });
        await expectTrpcError(b.owner.queue.public.ticket({ publicCode: 'A'.repeat(22) }), 'NOT_FOUND', 'TICKET_NOT_FOUND');
      },
      'queue.public.watch': async () => {
        const first = await (await b.owner.queue.public.watch({ publicCode: b.queue.publicCode }))[Symbol.asyncIterator]().next();
        expect(first.value).toMatchObject({ unitName: 'Unidade Centro', code: expect.stringMatching(/^A-\d{3}$/) });
        await expectTrpcError(
          (async () => (await b.owner.queue.public.watch({ publicCode: 'B'.repeat(22) }))[Symbol.asyncIterator]().next())(),
          'NOT_FOUND',
        );
      },
      'queue.stats': () =>
        expectUnknownToB(
          (unitId) => b.owner.queue.stats({ unitId, ...today() }),
          () => [a.queue.unitId],
        ),
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    const asKiosk = (token: string, method: 'GET' | 'POST', path: string, body?: unknown) =>
      rawRequest(`${world.app.url}/api/v1${path}`, {
        method,
        token,
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
    return {
      'GET /api/v1/queue/kiosk/services': async () => {
        const answer = await asKiosk(b.queue.kioskToken, 'GET', '/queue/kiosk/services');
        expect(answer.status).toBe(200);
        expect((answer.json as { unit: { id: string } }).unit.id).toBe(b.queue.unitId);
      },
      'POST /api/v1/queue/kiosk/tickets': async () => {
        const foreign = await asKiosk(b.queue.kioskToken, 'POST', '/queue/kiosk/tickets', { serviceId: a.queue.serviceId });
        expect(foreign.status).toBe(404);
        const own = await asKiosk(b.queue.kioskToken, 'POST', '/queue/kiosk/tickets', { serviceId: b.queue.serviceId });
        expect(own.status).toBe(201);
      },
      'GET /api/v1/queue/display/stream': async () => {
        const controller = new AbortController();
        const response = await fetch(`${world.app.url}/api/v1/queue/display/stream`, {
          headers: { authorization: `Bearer ${b.queue.displayToken}` },
          signal: controller.signal,
        });
        expect(response.status).toBe(200);
        const reader = response.body!.getReader();
        let text = '';
        while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
        controller.abort();
        expect(text).toContain('event: state');
        expect(text).toContain(b.queue.unitId);
        expect(text).not.toContain(a.queue.unitId);
      },
    };
  },
});
