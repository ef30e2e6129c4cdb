import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tenantOf, withTenant } from '../../db/tenant-scope';
import { nextClientPhone, SAO_PAULO, seedSalon } from '../../../test/support/agenda';
import { seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { expectTrpcError, ownerCaller, rawRequest, storedEvents, type Caller } from '../../../test/support/identity';
import { TestReceiver } from '../../../test/support/receiver';
import { quietHoursEnd, runCampaign } from './campaigns';
import type { AgendaNotificationPayload } from './notifications';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
type Salon = Awaited<ReturnType<typeof seedSalon>>;

const FAST_RETRIES = {
  DELIVERIES_RETRY_BASE_MS: '1',
  DELIVERIES_RETRY_CAP_MS: '2',
  DELIVERIES_MAX_ATTEMPTS: '8',
  DELIVERIES_POLL_INTERVAL_MS: '50',
};
const DAY_MS = 86_400_000;
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));

describe('agenda campaigns: Prazo Certo and Encher Agenda', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let salon: Salon;
  let secret: string;
  const n8n = new TestReceiver<AgendaNotificationPayload>();

  /** A completed visit about `daysAgo` days ago (history is written as it would have been lived; each at its own hour). */
  let visits = 0;
  const pastVisit = (clientId: string, daysAgo: number, serviceId = salon.corte.id, professionalId = salon.carol.id) =>
    withTenant(app.services.db, tenant.tenantId, async (trx) => {
      visits += 1;
      const startsAt = new Date(Date.now() - daysAgo * DAY_MS - visits * 45 * 60_000);
      const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
      await trx
        .insertInto('agenda_appointments')
        .values({
          tenant_id: tenantOf(trx),
          client_id: clientId,
          service_id: serviceId,
          professional_id: professionalId,
          starts_at: startsAt,
          ends_at: endsAt,
          occupied_starts_at: startsAt,
          occupied_ends_at: endsAt,
          status: 'completed',
          source: 'manual',
          price_cents: 6000,
        })
        .execute();
    });
  const newClient = async (name: string) => (await owner.agenda.clients.create({ name, phone: nextClientPhone() })).id;
  const pendingOf = async (agent: string) =>
    (await owner.agenda.authRequests.list({ status: 'pending' })).filter((request) => request.createdByAgent === agent);
  const noQuietHours = (type: 'prazo_certo' | 'encher_agenda') =>
    owner.agenda.campaigns.update({ type, quietHoursStart: '00:00', quietHoursEnd: '00:00' });

  beforeAll(async () => {
    const n8nUrl = await n8n.start();
    app = await startTestApp(FAST_RETRIES);
    tenant = await seedTenant(app.services, { modules: ['agenda'] });
    owner = await ownerCaller(app.services, tenant);
    salon = await seedSalon(owner);
    await owner.agenda.professionals.update({ id: salon.carol.id, hours: EVERY_DAY, breaks: [] });
    await owner.agenda.professionals.update({ id: salon.bruno.id, hours: EVERY_DAY, breaks: [] });
    await owner.agenda.settings.update({ n8nOutboundUrl: `${n8nUrl}/agenda` });
    secret = (await owner.agenda.settings.rotateSecret()).inboundSecret;
    await noQuietHours('prazo_certo');
    await noQuietHours('encher_agenda');
  });
  beforeEach(async () => {
    await app.services.deliveries.flush();
    n8n.reset();
  });
  afterAll(async () => {
    await app.stop();
    await n8n.close();
  });

  it('Prazo Certo proposes a slot with the usual professional to due clients only, and offers it once, with the discount', async () => {
    // The cut's return cycle is 30 days.
    const due = await newClient('Paula Devida');
    await pastVisit(due, 60);
    await pastVisit(due, 29); // the newest visit counts: due tomorrow, inside the 7-day window
    const overdue = await newClient('Olga Atrasada');
    await pastVisit(overdue, 45, salon.corte.id, salon.bruno.id);
    const notYet = await newClient('Nina Recente');
    await pastVisit(notYet, 5);
    const optedOut = await newClient('Quieta');
    await pastVisit(optedOut, 40);
    await owner.agenda.clients.update({ id: optedOut, optedOut: true });
    const booked = await newClient('Beto Marcado');
    await pastVisit(booked, 40);
    await owner.agenda.appointments.create({
      clientId: booked,
      serviceId: salon.corte.id,
      professionalId: salon.carol.id,
      startsAt: DateTime.now().setZone(SAO_PAULO).plus({ days: 3 }).set({ hour: 10, minute: 0 }).toISO({ includeOffset: true })!,
    });
    const noCycle = await newClient('Mara Manicure');
    await pastVisit(noCycle, 90, salon.manicure.id);

    const run = await owner.agenda.campaigns.run({ type: 'prazo_certo' });
    expect(run).toMatchObject({
      status: 'completed',
      trigger: 'manual',
      stats: { total_clients_found: 2, suggestions_created: 2, notifications_sent: 2 },
    });
    const proposals = await pendingOf('prazo_certo');
    expect(proposals.map((request) => request.clientId).sort()).toEqual([due, overdue].sort());
    expect(proposals.find((request) => request.clientId === overdue)).toMatchObject({
      professionalId: salon.bruno.id,
      offer: { type: 'discount_percent', value: 10 },
      priceCents: 5400,
    });
    expect(proposals.find((request) => request.clientId === due)).toMatchObject({ professionalId: salon.carol.id });
    // Due tomorrow: not proposed before its due time (the last visit plus the 30-day cycle).
    const lastVisit = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .selectFrom('agenda_appointments')
        .select((eb) => eb.fn.max('starts_at').as('at'))
        .where('client_id', '=', due)
        .where('status', '=', 'completed')
        .executeTakeFirstOrThrow(),
    );
    expect(new Date(proposals.find((request) => request.clientId === due)!.startsAt).getTime()).toBeGreaterThanOrEqual(
      new Date(lastVisit.at as Date).getTime() + 30 * DAY_MS,
    );
    await app.services.deliveries.flush();
    const offers = n8n.requests.map((sent) => sent.payload);
    expect(offers.map((offer) => offer.clientId).sort()).toEqual([due, overdue].sort());
    for (const offer of offers) {
      expect(offer.kind).toBe('prazo_certo_offer');
      expect(offer.message).toContain('10% de desconto');
      expect(offer.message).toMatch(/Responda PARAR para não receber mais mensagens\.$/);
    }
    expect((await storedEvents(app.services, tenant.tenantId, 'campaign_completed')).at(-1)!.data).toMatchObject({
      campaign_type: 'prazo_certo',
      run_id: run.id,
      stats: run.stats,
    });

    // Run again: the same clients are not proposed or messaged twice.
    const again = await owner.agenda.campaigns.run({ type: 'prazo_certo' });
    expect(again.stats).toMatchObject({ suggestions_created: 0, notifications_sent: 0 });
    await app.services.deliveries.flush();
    expect(n8n.requests).toHaveLength(2);
    expect((await owner.agenda.campaigns.runs({ type: 'prazo_certo' })).map((item) => item.id)).toEqual([again.id, run.id]);
  });

  it('a run killed midway leaves nothing behind, and running it again proposes and sends each once', async () => {
    const first = await newClient('Ana Falha');
    const second = await newClient('Bia Falha');
    await pastVisit(first, 35);
    await pastVisit(second, 36);
    // The process "dies" at the second offer: the database refuses it, the run's transaction rolls back.
    await app.services.database.asOwner(async (tableOwner) => {
      await sql`
      create or replace function test_fail_second_offer() returns trigger language plpgsql as $$
      begin
        if new.kind = 'prazo_certo_offer' and (select count(*) from agenda_notifications where kind = 'prazo_certo_offer' and tenant_id = new.tenant_id and created_at > now() - interval '1 second') >= 1 then
          raise exception 'simulated crash';
        end if;
        return new;
      end $$`.execute(tableOwner);
      await sql`create trigger test_fail_second_offer before insert on agenda_notifications for each row execute function test_fail_second_offer()`.execute(
        tableOwner,
      );
    });
    const slotKey = 'schedule:crash-test';
    await expect(runCampaign(app.services.db, tenant.tenantId, 'prazo_certo', { trigger: 'schedule', slotKey })).rejects.toThrow(
      'simulated crash',
    );
    expect(
      await pendingOf('prazo_certo').then((requests) => requests.filter((request) => [first, second].includes(request.clientId))),
    ).toEqual([]);
    expect((await owner.agenda.campaigns.runs({ type: 'prazo_certo' }))[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('simulated crash'),
    });
    await app.services.database.asOwner(async (tableOwner) => {
      await sql`drop trigger test_fail_second_offer on agenda_notifications`.execute(tableOwner);
      await sql`drop function test_fail_second_offer()`.execute(tableOwner);
    });

    const rerun = await runCampaign(app.services.db, tenant.tenantId, 'prazo_certo', { trigger: 'schedule', slotKey });
    expect(rerun).toMatchObject({ status: 'completed', stats: { suggestions_created: 2, notifications_sent: 2 } });
    // The same slot fired again (another instance, a late tick): nothing more.
    expect(await runCampaign(app.services.db, tenant.tenantId, 'prazo_certo', { trigger: 'schedule', slotKey })).toMatchObject({
      id: rerun.id,
      status: 'completed',
    });
    await app.services.deliveries.flush();
    expect(n8n.requests.map((sent) => sent.payload.clientId).sort()).toEqual([first, second].sort());
  });

  it('n8n down during a campaign: the offers are retried until they land, none twice', async () => {
    const client = await newClient('Clara Retry');
    await pastVisit(client, 33);
    let refusals = 3;
    n8n.reply = () => (refusals-- > 0 ? { status: 503 } : { status: 200 });
    const run = await owner.agenda.campaigns.run({ type: 'prazo_certo' });
    expect(run.stats.notifications_sent).toBe(1);
    for (let attempt = 0; attempt < 50 && !n8n.requests.some((sent) => sent.payload.clientId === client && refusals < 0); attempt += 1) {
      await app.services.deliveries.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const received = n8n.requests.filter((sent) => sent.payload.clientId === client);
    expect(received.length).toBe(4);
    expect(new Set(received.map((sent) => sent.payload.eventId)).size).toBe(1);
    const deliveries = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .selectFrom('deliveries')
        .select(['status', 'attempts'])
        .where('kind', '=', 'agenda.n8n_notification')
        .where(sql<boolean>`payload->>'clientId' = ${client}`)
        .execute(),
    );
    expect(deliveries).toEqual([{ status: 'delivered', attempts: 4 }]);
  });

  it("Encher Agenda offers a professional's free slots to the clients with most history with them, one client per slot, within the daily cap", async () => {
    await owner.agenda.campaigns.update({ type: 'encher_agenda', dailyCap: 2, offerValue: 20 });
    const regulars = [await newClient('Regular Um'), await newClient('Regular Dois'), await newClient('Regular Três')];
    for (const [index, client] of regulars.entries())
      for (let visit = 0; visit <= index; visit += 1) await pastVisit(client, 10 + visit, salon.corte.id, salon.bruno.id);
    const run = await owner.agenda.campaigns.run({ type: 'encher_agenda', context: { professionalId: salon.bruno.id, daysAhead: 2 } });
    expect(run.stats).toMatchObject({ suggestions_created: 2, notifications_sent: 2 });
    const proposals = await pendingOf('encher_agenda');
    // Most history with Bruno first: Regular Três (3 visits), then Regular Dois (2).
    expect(proposals.map((request) => request.clientId).sort()).toEqual([regulars[2], regulars[1]].sort());
    expect(new Set(proposals.map((request) => request.startsAt)).size).toBe(2);
    expect(proposals.every((request) => request.professionalId === salon.bruno.id && request.offer.value === 20)).toBe(true);
    await app.services.deliveries.flush();
    expect(n8n.requests.map((sent) => sent.payload.kind)).toEqual(['encher_agenda_offer', 'encher_agenda_offer']);
    // The cap is per day: a second run today proposes nothing.
    expect(
      (await owner.agenda.campaigns.run({ type: 'encher_agenda', context: { professionalId: salon.bruno.id } })).stats.suggestions_created,
    ).toBe(0);
  });

  it("n8n runs a campaign through the seed's endpoint; a retried campaign_id is the same run", async () => {
    const client = await newClient('Duda N8n');
    await pastVisit(client, 31);
    const execute = (body: unknown, headers: Record<string, string>) =>
      rawRequest(`${app.url}/api/v1/automations/prazo-certo/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const body = { campaign_id: 'n8n-run-1', context: { service_id: salon.corte.id, offer_type: 'discount', offer_value: 15 } };
    const first = await execute(body, { 'x-webhook-secret': secret });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      status: 'success',
      campaign_id: 'n8n-run-1',
      suggestions_created: 1,
      notifications_sent: 1,
      total_clients_found: 1,
    });
    const retried = await execute(body, { 'x-webhook-secret': secret, 'x-tenant-id': tenant.tenantId });
    expect(retried.json).toMatchObject({ run_id: (first.json as { run_id: string }).run_id, suggestions_created: 1 });
    expect((await pendingOf('prazo_certo')).filter((request) => request.clientId === client)).toMatchObject([
      { offer: { type: 'discount_percent', value: 15 } },
    ]);
    expect((await execute(body, { 'x-webhook-secret': 'whsec_wrong' })).status).toBe(401);
    expect((await execute(body, {})).json).toMatchObject({ error: 'ERR_WEBHOOK_UNAUTHORIZED' });
    expect((await execute({ context: { offer_value: 400 } }, { 'x-webhook-secret': secret })).json).toMatchObject({
      error: 'ERR_VALIDATION',
    });
    const token = await owner.apiTokens.create({ name: 'n8n', scopes: ['agenda.campaigns.write'] });
    const encher = await rawRequest(`${app.url}/api/v1/automations/encher-agenda/execute`, {
      method: 'POST',
      token: token.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ professional_id: salon.carol.id, context: { days_ahead: 7, offer_type: 'discount', offer_value: 20 } }),
    });
    expect(encher.status).toBe(200);
    expect(encher.json).toMatchObject({ status: 'success' });
    const readOnly = await owner.apiTokens.create({ name: 'leitura', scopes: ['agenda.appointments.read'] });
    expect(
      (
        await rawRequest(`${app.url}/api/v1/automations/encher-agenda/execute`, {
          method: 'POST',
          token: readOnly.token,
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(403);
  });

  it("the schedule fires each campaign once per slot in the tenant's zone, whichever instance ticks", async () => {
    await owner.agenda.campaigns.update({ type: 'prazo_certo', schedule: '30 7 * * *' });
    const job = app.services.scheduler.jobs.find((definition) => definition.name === 'agenda.campaigns.dispatch')!;
    const fired = DateTime.now().setZone(SAO_PAULO).set({ hour: 7, minute: 30, second: 0, millisecond: 0 });
    const tick = fired.plus({ minutes: 1 }).toJSDate();
    const first = await app.services.scheduler.runSlot(job, undefined, tick, 'manual');
    expect(first, JSON.stringify(first)).toMatchObject({ status: 'succeeded' });
    const second = await app.services.scheduler.runSlot(job, undefined, fired.plus({ minutes: 2 }).toJSDate(), 'manual');
    expect(second).toMatchObject({ status: 'succeeded' });
    const scheduled = (await owner.agenda.campaigns.runs({ type: 'prazo_certo' })).filter(
      (run) => run.trigger === 'schedule' && run.status === 'completed',
    );
    const slotKeys = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .selectFrom('agenda_campaign_runs')
        .select('slot_key')
        .where(
          'id',
          'in',
          scheduled.map((run) => run.id),
        )
        .execute(),
    );
    expect(slotKeys.filter((row) => row.slot_key === `schedule:${fired.toJSDate().toISOString()}`)).toHaveLength(1);
  });

  it('quiet hours hold the messages until they end; bad settings are refused', async () => {
    const now = new Date('2026-12-10T02:00:00Z'); // 23:00 in São Paulo
    expect(quietHoursEnd(now, SAO_PAULO, '20:00', '08:00')).toEqual(new Date('2026-12-10T11:00:00Z'));
    expect(quietHoursEnd(new Date('2026-12-10T15:00:00Z'), SAO_PAULO, '20:00', '08:00')).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-12-10T10:00:00Z'), SAO_PAULO, '20:00', '08:00')).toEqual(new Date('2026-12-10T11:00:00Z'));
    const local = DateTime.now().setZone(SAO_PAULO);
    await owner.agenda.campaigns.update({
      type: 'prazo_certo',
      quietHoursStart: local.minus({ hours: 1 }).toFormat('HH:mm'),
      quietHoursEnd: local.plus({ hours: 2 }).toFormat('HH:mm'),
    });
    const client = await newClient('Noturna');
    await pastVisit(client, 32);
    const run = await owner.agenda.campaigns.run({ type: 'prazo_certo' });
    expect(run.stats.notifications_sent).toBe(1);
    const [held] = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .selectFrom('deliveries')
        .select(['next_attempt_at', 'status'])
        .where(sql<boolean>`payload->>'clientId' = ${client}`)
        .execute(),
    );
    expect(held!.status).toBe('pending');
    expect(held!.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    await noQuietHours('prazo_certo');
    await expectTrpcError(
      owner.agenda.campaigns.update({ type: 'prazo_certo', schedule: 'todo dia às 9' }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    await expectTrpcError(owner.agenda.campaigns.update({ type: 'encher_agenda', offerValue: 150 }), 'BAD_REQUEST', 'INVALID_INPUT');
    await expectTrpcError(
      owner.agenda.campaigns.update({ type: 'encher_agenda', quietHoursStart: '25:00' }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
  });
});
