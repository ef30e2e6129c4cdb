import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import { DELIVERY_HEADERS, verifyDeliverySignature } from '../../platform/deliveries/signature';
import { instantAt, nextClientPhone, seedSalon, slotStarts, upcoming } from '../../../test/support/agenda';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, storedEvents, trpcError, type Caller } from '../../../test/support/identity';
import { TestReceiver } from '../../../test/support/receiver';
import { proposeBooking, NO_OFFER } from './auth-requests';
import type { AgendaNotificationPayload } from './notifications';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
type Salon = Awaited<ReturnType<typeof seedSalon>>;

const FAST_RETRIES = {
  DELIVERIES_RETRY_BASE_MS: '1',
  DELIVERIES_RETRY_CAP_MS: '2',
  DELIVERIES_MAX_ATTEMPTS: '5',
  DELIVERIES_POLL_INTERVAL_MS: '50',
};

describe('agenda auth requests: proposals hold their slot, the owner decides once, the client hears once', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let secondOwner: Caller;
  let salon: Salon;
  let inboundSecret: string;
  const n8n = new TestReceiver<AgendaNotificationPayload>();
  const friday = upcoming(5);

  const propose = (time: string, overrides: { clientId?: string; offer?: { type: 'none' | 'discount_percent'; value: number } } = {}) =>
    owner.agenda.authRequests.propose({
      clientId: overrides.clientId ?? salon.ana.id,
      serviceId: salon.corte.id,
      professionalId: salon.carol.id,
      startsAt: `${friday}T${time}`,
      ...(overrides.offer ? { offer: overrides.offer } : {}),
    });
  const notificationsTo = (clientId: string) => n8n.requests.filter((request) => request.payload.clientId === clientId);

  beforeAll(async () => {
    const n8nUrl = await n8n.start();
    app = await startTestApp(FAST_RETRIES);
    tenant = await seedTenant(app.services, { modules: ['agenda'] });
    owner = await ownerCaller(app.services, tenant);
    secondOwner = await callerFor(app.services, await addUser(app.services, tenant, 'admin'));
    salon = await seedSalon(owner);
    await owner.agenda.settings.update({ n8nOutboundUrl: `${n8nUrl}/agenda` });
    inboundSecret = (await owner.agenda.settings.rotateSecret()).inboundSecret;
  });
  // What earlier tests queued lands before the receiver starts counting.
  beforeEach(async () => {
    await app.services.deliveries.flush();
    n8n.reset();
  });
  afterAll(async () => {
    await app.stop();
    await n8n.close();
  });

  it('a proposal holds its slot against bookings and the slots offered, and is listed as pending', async () => {
    const request = await propose('10:00', { offer: { type: 'discount_percent', value: 15 } });
    expect(request).toMatchObject({
      startsAt: instantAt(friday, '10:00'),
      createdByAgent: 'manual',
      offer: { type: 'discount_percent', value: 15 },
    });
    const pending = await owner.agenda.authRequests.list({ status: 'pending' });
    expect(pending.find((item) => item.id === request.authRequestId)).toMatchObject({
      status: 'pending',
      clientName: 'Ana Paula',
      serviceName: 'Corte de cabelo',
      priceCents: 5100,
    });
    await expectTrpcError(
      owner.agenda.appointments.create({
        clientId: salon.ana.id,
        serviceId: salon.corte.id,
        professionalId: salon.carol.id,
        startsAt: `${friday}T10:15`,
      }),
      'CONFLICT',
      'SLOT_TAKEN',
    );
    const offered = await owner.agenda.slots({
      serviceId: salon.corte.id,
      professionalId: salon.carol.id,
      from: instantAt(friday, '09:00'),
      to: instantAt(friday, '11:00'),
    });
    expect(slotStarts(offered)).not.toContain(new Date(instantAt(friday, '10:00')).getTime());
    expect(slotStarts(offered)).toContain(new Date(instantAt(friday, '09:00')).getTime());
    expect(
      (await storedEvents(app.services, tenant.tenantId, 'auth_request_created')).map(
        (event) => (event.data as { auth_request: { authRequestId: string } }).auth_request.authRequestId,
      ),
    ).toContain(request.authRequestId);
  });

  it('approving books the appointment at the offered price and notifies the client exactly once, signed', async () => {
    const [request] = (await owner.agenda.authRequests.list({ status: 'pending' })).filter(
      (item) => item.startsAt === instantAt(friday, '10:00'),
    );
    const decision = await owner.agenda.authRequests.decide({ id: request!.id, decision: 'approve', notes: 'Confirmar com Carol' });
    expect(decision).toMatchObject({ status: 'approved', appointmentId: expect.any(String), clientNotificationSent: true });
    const [appointment] = await owner.agenda.appointments.list({
      from: instantAt(friday, '10:00'),
      to: instantAt(friday, '10:30'),
      professionalId: salon.carol.id,
    });
    expect(appointment).toMatchObject({ id: decision.appointmentId, status: 'confirmed', source: 'manual', priceCents: 5100 });
    await expectTrpcError(owner.agenda.authRequests.decide({ id: request!.id, decision: 'reject' }), 'CONFLICT', 'ALREADY_DECIDED');
    await app.services.deliveries.flush();
    const sent = notificationsTo(salon.ana.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload).toMatchObject({
      kind: 'auth_request_approved',
      phone: (await owner.agenda.clients.get({ id: salon.ana.id })).phone,
      clientName: 'Ana Paula',
    });
    expect(sent[0]!.payload.message).toContain('confirmado');
    const headers = sent[0]!.headers;
    expect(
      verifyDeliverySignature({
        secret: inboundSecret,
        timestamp: String(headers[DELIVERY_HEADERS.timestamp]),
        body: sent[0]!.body,
        signature: String(headers[DELIVERY_HEADERS.signature]),
        toleranceSeconds: 300,
      }),
    ).toBe(true);
    const resolved = await storedEvents(app.services, tenant.tenantId, 'auth_request_resolved');
    expect(resolved.map((event) => event.data)).toContainEqual({
      auth_request_id: request!.id,
      status: 'approved',
      appointment_id: decision.appointmentId,
    });
  });

  it('two owners approving one request at once: one decision, the other gets 409', async () => {
    const request = await propose('14:00');
    const attempts = await Promise.allSettled([
      owner.agenda.authRequests.decide({ id: request.authRequestId, decision: 'approve' }),
      secondOwner.agenda.authRequests.decide({ id: request.authRequestId, decision: 'approve' }),
    ]);
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    const refused = await trpcError(
      Promise.reject((attempts.find((attempt) => attempt.status === 'rejected') as PromiseRejectedResult).reason),
    );
    expect(refused).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_DECIDED' });
    const booked = await owner.agenda.appointments.list({
      from: instantAt(friday, '14:00'),
      to: instantAt(friday, '14:30'),
      professionalId: salon.carol.id,
    });
    expect(booked).toHaveLength(1);
    await app.services.deliveries.flush();
    expect(n8n.requests.filter((sent) => sent.payload.kind === 'auth_request_approved')).toHaveLength(1);
  });

  it('two overlapping requests approved at once by two owners yield one appointment; the other answers 409 with alternatives', async () => {
    const bia = await owner.agenda.clients.create({ name: 'Bia Ramos', phone: nextClientPhone() });
    const first = await propose('16:00');
    // Offered to two clients at once, as Encher Agenda does with a slot: proposals compete for it.
    const second = await propose('16:15', { clientId: bia.id });
    const attempts = await Promise.allSettled([
      owner.agenda.authRequests.decide({ id: first.authRequestId, decision: 'approve' }),
      secondOwner.agenda.authRequests.decide({ id: second.authRequestId, decision: 'approve' }),
    ]);
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    const refused = await trpcError(
      Promise.reject((attempts.find((attempt) => attempt.status === 'rejected') as PromiseRejectedResult).reason),
    );
    expect(refused).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_TAKEN' });
    expect((refused.details?.alternatives as unknown[]).length).toBeGreaterThan(0);
    const booked = await owner.agenda.appointments.list({
      from: instantAt(friday, '15:30'),
      to: instantAt(friday, '17:00'),
      professionalId: salon.carol.id,
    });
    expect(booked.filter((appointment) => appointment.status === 'confirmed')).toHaveLength(1);
    // The loser is still pending: the owner may reject it (or it expires).
    const loser = attempts[0]!.status === 'rejected' ? first : second;
    expect((await owner.agenda.authRequests.list({ status: 'pending' })).map((item) => item.id)).toContain(loser.authRequestId);
  });

  it('rejecting tells the client once; an opted-out client is never contacted', async () => {
    const request = await propose('17:00');
    await expect(owner.agenda.authRequests.decide({ id: request.authRequestId, decision: 'reject' })).resolves.toMatchObject({
      status: 'rejected',
      appointmentId: null,
      clientNotificationSent: true,
    });
    const quiet = await owner.agenda.clients.create({ name: 'Quieta', phone: nextClientPhone() });
    await owner.agenda.clients.update({ id: quiet.id, optedOut: true });
    const forQuiet = await propose('11:00', { clientId: quiet.id });
    await expect(owner.agenda.authRequests.decide({ id: forQuiet.authRequestId, decision: 'approve' })).resolves.toMatchObject({
      status: 'approved',
      clientNotificationSent: false,
    });
    await app.services.deliveries.flush();
    expect(notificationsTo(salon.ana.id).map((sent) => sent.payload.kind)).toEqual(['auth_request_rejected']);
    expect(notificationsTo(quiet.id)).toEqual([]);
  });

  it('a request past its expiry cannot be approved; the expiry job releases its slot', async () => {
    const request = await propose('09:00');
    await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('agenda_auth_requests')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', request.authRequestId)
        .execute(),
    );
    expect((await owner.agenda.authRequests.list({ status: 'expired' })).map((item) => item.id)).toContain(request.authRequestId);
    const other = await propose('09:15');
    await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .updateTable('agenda_auth_requests')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', other.authRequestId)
        .execute(),
    );
    await expectTrpcError(owner.agenda.authRequests.decide({ id: request.authRequestId, decision: 'approve' }), 'CONFLICT', 'EXPIRED');
    const job = app.services.scheduler.jobs.find((definition) => definition.name === 'agenda.auth_requests.expire')!;
    const outcome = await app.services.scheduler.runSlot(job, undefined, new Date(), 'manual');
    expect(outcome).toMatchObject({ status: 'succeeded', stats: { expired: 2 } });
    const statuses = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .selectFrom('agenda_auth_requests')
        .select(['id', 'status'])
        .where('id', 'in', [request.authRequestId, other.authRequestId])
        .execute(),
    );
    expect(statuses.map((row) => row.status)).toEqual(['expired', 'expired']);
    await expect(
      owner.agenda.appointments.create({
        clientId: salon.ana.id,
        serviceId: salon.corte.id,
        professionalId: salon.carol.id,
        startsAt: `${friday}T09:00`,
      }),
    ).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('proposals made again under one key are one request (a campaign run twice)', async () => {
    const proposal = {
      clientId: salon.ana.id,
      serviceId: salon.manicure.id,
      professionalId: salon.carol.id,
      startsAt: new Date(instantAt(upcoming(6), '10:00')),
      offer: NO_OFFER,
      createdByAgent: 'prazo_certo' as const,
      dedupeKey: `prazo_certo:${salon.ana.id}:test`,
    };
    const first = await withTenant(app.services.db, tenant.tenantId, (trx) => proposeBooking(trx, proposal));
    const again = await withTenant(app.services.db, tenant.tenantId, (trx) => proposeBooking(trx, proposal));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, request: { id: first.request.id } });
  });

  it('routed through a helpdesk channel, the decision reaches the client as a message on their ticket, once', async () => {
    const both = await seedTenant(app.services, { modules: ['agenda', 'helpdesk'] });
    const bothOwner = await ownerCaller(app.services, both);
    const bothSalon = await seedSalon(bothOwner);
    const channel = await bothOwner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp', outboundUrl: `http://127.0.0.1:9/n8n` });
    await bothOwner.agenda.settings.update({ notificationRoute: 'helpdesk', helpdeskChannelId: channel.id });
    const request = await bothOwner.agenda.authRequests.propose({
      clientId: bothSalon.ana.id,
      serviceId: bothSalon.corte.id,
      professionalId: bothSalon.carol.id,
      startsAt: `${friday}T10:00`,
    });
    await expect(bothOwner.agenda.authRequests.decide({ id: request.authRequestId, decision: 'approve' })).resolves.toMatchObject({
      clientNotificationSent: true,
    });
    const [ticket] = (await bothOwner.helpdesk.tickets.list({ status: 'closed' })).items;
    const sent = (await bothOwner.helpdesk.messages.list({ ticketId: ticket!.id })).items.filter(
      (message) => message.direction === 'outbound',
    );
    expect(sent.map((message) => message.body)).toEqual([expect.stringContaining('confirmado')]);
    expect(ticket!.contact.phone).toBe((await bothOwner.agenda.clients.get({ id: bothSalon.ana.id })).phone);
  });

  it('settings: the inbound secret rotates, is shown only then, and bad settings are refused', async () => {
    const before = await owner.agenda.settings.get();
    expect(before.webhookUrls.messageReceived).toMatch(/\/api\/v1\/webhooks\/n8n\/message-received$/);
    expect(before.inboundSecretHint).toBe(`…${inboundSecret.slice(-4)}`);
    const { inboundSecret: rotated } = await owner.agenda.settings.rotateSecret();
    expect(rotated).not.toBe(inboundSecret);
    const after = await owner.agenda.settings.get();
    expect(after.inboundSecretHint).toBe(`…${rotated.slice(-4)}`);
    // Neither read nor save gives the secret back.
    expect(JSON.stringify(after)).not.toContain(rotated);
    expect(JSON.stringify(await owner.agenda.settings.update({ minNoticeMinutes: after.minNoticeMinutes }))).not.toContain(rotated);
    expect(after).not.toHaveProperty('inboundSecret');
    inboundSecret = rotated;
    await expectTrpcError(owner.agenda.settings.update({ n8nOutboundUrl: 'ftp://n8n.local/x' }), 'BAD_REQUEST', 'INVALID_INPUT');
    await expectTrpcError(owner.agenda.settings.update({ notificationRoute: 'helpdesk' }), 'BAD_REQUEST', 'HELPDESK_CHANNEL_REQUIRED');
    await expectTrpcError(
      owner.agenda.settings.update({ helpdeskChannelId: crypto.randomUUID(), notificationRoute: 'helpdesk' }),
      'NOT_FOUND',
      'CHANNEL_NOT_FOUND',
    );
  });
});
