import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, seedTenant, startTestApp, wsClient, type TestTenant } from '../../../test/support/app';
import { withTenant } from '../../db/tenant-scope';
import { expectTrpcError, ownerCaller, type Caller } from '../../../test/support/identity';
import { deviceCallerFor, enrolledQueueDevice, seedQueueUnit } from '../../../test/support/queue';
import type { DisplayFrame } from './display';
import type { PublicTicketStatus } from './public-status';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
type Seeded = Awaited<ReturnType<typeof seedQueueUnit>>;

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A display's stream over a real WebSocket: the frames and the last tracked id, as a screen keeps them. */
function watchDisplay(url: string, token: string, lastEventId?: string) {
  const { trpc, client } = wsClient(url, () => token);
  const frames: DisplayFrame[] = [];
  const errors: unknown[] = [];
  let lastId = lastEventId;
  const subscription = trpc.queue.display.stream.subscribe(lastEventId ? { lastEventId } : {}, {
    onData: (data) => {
      if ('type' in data) frames.push(data);
      else {
        lastId = data.id;
        frames.push(data.data);
      }
    },
    onError: (error) => errors.push(error),
  });
  return {
    frames,
    errors,
    lastId: () => lastId,
    calls: () => frames.flatMap((frame) => (frame.type === 'call' ? [frame] : [])),
    close: async () => {
      subscription.unsubscribe();
      await client.close();
    },
  };
}

describe('queue display and public status: live, resumable, never stale', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let seeded: Seeded;
  let display: { id: string; token: string };
  let kiosk: Awaited<ReturnType<typeof deviceCallerFor>>;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['queue'] });
    owner = await ownerCaller(app.services, tenant);
    seeded = await seedQueueUnit(owner);
    display = await enrolledQueueDevice(app.services, owner, 'queue.display', seeded.unit.id);
    kiosk = await deviceCallerFor(app.services, (await enrolledQueueDevice(app.services, owner, 'queue.kiosk', seeded.unit.id)).token);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('shows the state first, then announces each call of its unit with its desk', async () => {
    const screen = watchDisplay(app.url, display.token);
    try {
      const state = await until(() => screen.frames[0], 'the state frame');
      expect(state).toMatchObject({ type: 'state', unit: { id: seeded.unit.id, name: 'Unidade Centro' }, current: null, recent: [] });
      const ticket = await kiosk.queue.kiosk.issue({ serviceId: seeded.general.id });
      await owner.queue.panel.callNext({ deskId: seeded.desk2.id });
      const call = await until(() => screen.calls()[0], 'the call frame');
      expect(call).toEqual({
        type: 'call',
        announce: true,
        call: expect.objectContaining({ ticketId: ticket.ticketId, code: ticket.code, deskName: 'Guichê 2', deskNumber: 2, callCount: 1 }),
      });
      await owner.queue.panel.recall({ ticketId: ticket.ticketId });
      expect((await until(() => screen.calls()[1], 'the recall')).call.callCount).toBe(2);
    } finally {
      await screen.close();
    }
  });

  it('after ten calls missed offline, comes back to the right state and speaks none of them', async () => {
    const before = watchDisplay(app.url, display.token);
    await until(() => before.frames[0], 'the state frame');
    const missedFrom = await (async () => {
      await kiosk.queue.kiosk.issue({ serviceId: seeded.payments.id });
      await owner.queue.panel.callNext({ deskId: seeded.desk1.id, serviceIds: [seeded.payments.id] });
      return until(() => before.lastId(), 'a tracked id');
    })();
    await before.close();

    const missed: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const ticket = await kiosk.queue.kiosk.issue({ serviceId: seeded.general.id });
      await owner.queue.panel.callNext({ deskId: seeded.desk1.id, serviceIds: [seeded.general.id] });
      missed.push(ticket.code);
    }
    const after = watchDisplay(app.url, display.token, missedFrom);
    try {
      const state = await until(() => after.frames[0], 'the state frame');
      expect(state.type).toBe('state');
      if (state.type !== 'state') return;
      expect(state.current?.code).toBe(missed.at(-1));
      expect(state.recent.map((call) => call.code)).toEqual(missed.slice(-6, -1).reverse());
      await until(() => (after.calls().length >= 10 ? true : undefined), 'the replayed calls');
      expect(after.calls().every((frame) => !frame.announce)).toBe(true);
      const fresh = await kiosk.queue.kiosk.issue({ serviceId: seeded.general.id });
      await owner.queue.panel.callNext({ deskId: seeded.desk1.id, serviceIds: [seeded.general.id] });
      const announced = await until(() => after.calls().find((frame) => frame.announce), 'a live call');
      expect(announced.call.code).toBe(fresh.code);
    } finally {
      await after.close();
    }
  });

  it("a display's stream ends the moment the display is revoked; its next call gets 401", async () => {
    const doomed = await enrolledQueueDevice(app.services, owner, 'queue.display', seeded.unit.id, 'TV condenada');
    const screen = watchDisplay(app.url, doomed.token);
    await until(() => screen.frames[0], 'the state frame');
    await owner.devices.revoke({ id: doomed.id });
    await until(() => screen.errors[0], 'the stream to end');
    await screen.close();
    await expectTrpcError(httpClient(app.url, () => doomed.token).queue.display.state.query(), 'UNAUTHORIZED', 'DEVICE_TOKEN_INVALID');
  });

  it('records heartbeats, and shows a display that went silent', async () => {
    const screen = await deviceCallerFor(app.services, display.token);
    expect(await screen.queue.display.heartbeat({ showingTicketId: null })).toEqual({ nextBeatInMs: 20_000 });
    expect(await owner.queue.displays.list({ unitId: seeded.unit.id })).toEqual([
      expect.objectContaining({ deviceId: display.id, silent: false, unitId: seeded.unit.id }),
    ]);
    await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('queue_display_status')
        .set({ last_heartbeat_at: new Date(Date.now() - 61_000) })
        .execute(),
    );
    expect((await owner.queue.displays.list({ unitId: seeded.unit.id }))[0]).toMatchObject({ silent: true });
  });

  it('streams the same frames as server-sent events to screens that are not browsers', async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.url}/api/v1/queue/display/stream`, {
      headers: { authorization: `Bearer ${display.token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const read = async (until: (text: string) => boolean) => {
      while (!until(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read((received) => received.includes('event: state'));
    const ticket = await kiosk.queue.kiosk.issue({ serviceId: seeded.general.id });
    await owner.queue.panel.callNext({ deskId: seeded.desk2.id, serviceIds: [seeded.general.id] });
    await read((received) => received.includes(ticket.code));
    controller.abort();
    expect(text).toMatch(new RegExp(`id: \\d+\\nevent: call\\ndata: .*"code":"${ticket.code}".*"announce":true`));
    const refused = await fetch(`${app.url}/api/v1/queue/display/stream`, { headers: { authorization: 'Bearer bdev_x_y' } });
    expect(refused.status).toBe(401);
  });

  it("shows a ticket's position falling, live, on its public page", async () => {
    const unit = await owner.queue.units.create({ name: 'Status', timeZone: 'America/Sao_Paulo' });
    const service = await owner.queue.services.create({ unitId: unit.id, name: 'Status', prefix: 'S', expectedServiceMin: 5 });
    const desk = await owner.queue.desks.create({ unitId: unit.id, name: 'Guichê 7', number: 7 });
    const unitKiosk = await deviceCallerFor(app.services, (await enrolledQueueDevice(app.services, owner, 'queue.kiosk', unit.id)).token);
    await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    const mine = await unitKiosk.queue.kiosk.issue({ serviceId: service.id });
    const { trpc, client } = wsClient(app.url, () => undefined);
    const seen: PublicTicketStatus[] = [];
    const subscription = trpc.queue.public.watch.subscribe({ publicCode: mine.publicCode }, { onData: (status) => seen.push(status) });
    try {
      await until(() => seen[0], 'the first status');
      expect(seen[0]).toMatchObject({ code: 'S-003', status: 'waiting', position: 3, estimatedWaitMin: 15, serviceName: 'Status' });
      await owner.queue.panel.callNext({ deskId: desk.id });
      await until(() => seen.find((status) => status.position === 2), 'position 2');
      await owner.queue.panel.callNext({ deskId: desk.id });
      await until(() => seen.find((status) => status.position === 1), 'position 1');
      await owner.queue.panel.callNext({ deskId: desk.id });
      const called = await until(() => seen.find((status) => status.status === 'called'), 'the call');
      expect(called).toMatchObject({ position: 0, deskName: 'Guichê 7', deskNumber: 7 });
      expect(JSON.stringify(seen)).not.toContain(tenant.tenantId);
    } finally {
      subscription.unsubscribe();
      await client.close();
    }
    expect(await owner.queue.public.ticket({ publicCode: mine.publicCode })).toMatchObject({ status: 'called' });
    await expectTrpcError(owner.queue.public.ticket({ publicCode: 'not-a-code' }), 'BAD_REQUEST');
  });
});
