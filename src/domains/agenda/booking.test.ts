import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import { instantAt, seedSalon, slotStarts, upcoming } from '../../../test/support/agenda';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, storedEvents, trpcError, type Caller } from '../../../test/support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
type Salon = Awaited<ReturnType<typeof seedSalon>>;

describe('agenda bookings: catalogue, appointments without double booking, slots', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let manager: Caller;
  let salon: Salon;
  const wednesday = upcoming(3);
  const thursday = upcoming(4);

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['agenda'] });
    owner = await ownerCaller(app.services, tenant);
    manager = await callerFor(app.services, await addUser(app.services, tenant, 'manager'));
    salon = await seedSalon(owner);
  });
  afterAll(async () => {
    await app.stop();
  });

  const book = (caller: Caller, time: string, overrides: { date?: string; professionalId?: string; serviceId?: string } = {}) =>
    caller.agenda.appointments.create({
      clientId: salon.ana.id,
      serviceId: overrides.serviceId ?? salon.corte.id,
      professionalId: overrides.professionalId ?? salon.carol.id,
      startsAt: `${overrides.date ?? wednesday}T${time}`,
    });

  it('books at a wall time of the tenant, lists it on the calendar, and announces it', async () => {
    const appointment = await book(owner, '10:00');
    expect(appointment).toMatchObject({
      startsAt: instantAt(wednesday, '10:00'),
      endsAt: instantAt(wednesday, '10:30'),
      status: 'confirmed',
      source: 'manual',
    });
    const listed = await owner.agenda.appointments.list({
      from: instantAt(wednesday, '00:00'),
      to: instantAt(thursday, '00:00'),
      professionalId: salon.carol.id,
    });
    expect(
      listed.map((item) => ({
        id: item.id,
        client: item.clientName,
        service: item.serviceName,
        professional: item.professionalName,
        price: item.priceCents,
      })),
    ).toEqual([
      { id: appointment.appointmentId, client: 'Ana Paula', service: 'Corte de cabelo', professional: 'Carol Souza', price: 6000 },
    ]);
    const events = await storedEvents(app.services, tenant.tenantId, 'appointment_created');
    expect(events.map((event) => (event.data as { appointmentId: string }).appointmentId)).toContain(appointment.appointmentId);
  });

  it('takes the service buffer: 10:30 is refused after a 10:00 cut (15 min after), 10:45 is free', async () => {
    const refused = await expectTrpcError(book(owner, '10:30'), 'CONFLICT', 'SLOT_TAKEN');
    expect(refused.details?.alternatives).toEqual(
      expect.arrayContaining([expect.objectContaining({ startsAt: instantAt(wednesday, '10:45') })]),
    );
    await expect(book(owner, '10:45')).resolves.toMatchObject({ startsAt: instantAt(wednesday, '10:45') });
  });

  it('of two overlapping bookings made at once, exactly one wins; the other gets 409 with free alternatives', async () => {
    const attempts = await Promise.allSettled([book(owner, '14:00', { date: thursday }), book(manager, '14:15', { date: thursday })]);
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const lost = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const refusal = await trpcError(Promise.reject(lost[0]!.reason));
    expect(refusal).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_TAKEN' });
    const alternatives = refusal.details!.alternatives as Array<{ startsAt: string; professionalId: string }>;
    expect(alternatives.length).toBeGreaterThan(0);
    // The alternatives are really free: the first one books.
    await expect(
      owner.agenda.appointments.create({
        clientId: salon.ana.id,
        serviceId: salon.corte.id,
        professionalId: alternatives[0]!.professionalId,
        startsAt: alternatives[0]!.startsAt,
      }),
    ).resolves.toMatchObject({
      startsAt: alternatives[0]!.startsAt,
    });
    const onThursday = await owner.agenda.appointments.list({
      from: instantAt(thursday, '00:00'),
      to: instantAt(thursday, '23:59'),
      professionalId: salon.carol.id,
    });
    for (const [index, appointment] of onThursday.entries()) {
      if (index > 0)
        expect(new Date(appointment.startsAt).getTime()).toBeGreaterThanOrEqual(
          new Date(onThursday[index - 1]!.endsAt).getTime() + 15 * 60_000,
        );
    }
  });

  it('the database refuses an overlap even when the application check is bypassed', async () => {
    const existing = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('agenda_appointments').selectAll().where('status', '=', 'confirmed').executeTakeFirstOrThrow(),
    );
    const { id: _id, created_at: _created, updated_at: _updated, ...copy } = existing;
    const error = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .insertInto('agenda_appointments')
        .values({ ...copy, auth_request_id: null })
        .execute(),
    ).then(
      () => null,
      (caught: { code?: string }) => caught.code,
    );
    expect(error).toBe('23P01');
  });

  it('refuses what cannot make sense with a clear 4xx and writes nothing', async () => {
    const before = await owner.agenda.appointments.list({ from: instantAt(wednesday, '00:00'), to: instantAt(thursday, '23:59') });
    await expectTrpcError(
      book(owner, '16:00', { professionalId: salon.bruno.id, serviceId: salon.manicure.id }),
      'BAD_REQUEST',
      'SERVICE_NOT_OFFERED',
    );
    const outside = await expectTrpcError(book(owner, '19:30'), 'CONFLICT', 'OUTSIDE_WORKING_HOURS');
    expect((outside.details?.alternatives as unknown[]).length).toBeGreaterThan(0);
    await expectTrpcError(book(owner, '12:15'), 'CONFLICT', 'OUTSIDE_WORKING_HOURS');
    await expectTrpcError(book(owner, '10:00', { date: upcoming(7) }), 'CONFLICT', 'OUTSIDE_WORKING_HOURS');
    await expectTrpcError(
      owner.agenda.appointments.create({
        clientId: crypto.randomUUID(),
        serviceId: salon.corte.id,
        professionalId: salon.carol.id,
        startsAt: `${wednesday}T16:00`,
      }),
      'NOT_FOUND',
    );
    const malformed = await expectTrpcError(
      owner.agenda.appointments.create({
        clientId: salon.ana.id,
        serviceId: salon.corte.id,
        professionalId: salon.carol.id,
        startsAt: 'amanhã às 10',
      }),
      'BAD_REQUEST',
    );
    expect(malformed.zodError?.fieldErrors.startsAt).toBeDefined();
    await expectTrpcError(
      owner.agenda.professionals.addTimeOff({
        professionalId: salon.carol.id,
        startsAt: instantAt(thursday, '15:00'),
        endsAt: instantAt(thursday, '14:00'),
      }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    await expectTrpcError(
      owner.agenda.professionals.create({ name: 'X', serviceIds: [], hours: [{ weekday: 1, start: '18:00', end: '09:00' }] }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    await expectTrpcError(
      owner.agenda.professionals.create({ name: 'X', serviceIds: [], hours: [{ weekday: 7, start: '09:00', end: '18:00' }] }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    await expectTrpcError(owner.agenda.clients.create({ name: 'Sem número', phone: '123' }), 'BAD_REQUEST', 'INVALID_PHONE');
    await expectTrpcError(
      owner.agenda.clients.create({ name: 'Outra Ana', phone: (await owner.agenda.clients.get({ id: salon.ana.id })).phone }),
      'CONFLICT',
      'PHONE_TAKEN',
    );
    await expectTrpcError(
      owner.agenda.services.create({ name: 'Relâmpago', durationMin: 2, priceCents: 100 }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    await expectTrpcError(
      owner.agenda.services.create({ name: 'Fracionado', durationMin: 30, priceCents: 10.5 }),
      'BAD_REQUEST',
      'INVALID_INPUT',
    );
    expect(await owner.agenda.appointments.list({ from: instantAt(wednesday, '00:00'), to: instantAt(thursday, '23:59') })).toEqual(before);
  });

  it('time off blocks bookings and slots', async () => {
    const friday = upcoming(5);
    const away = await owner.agenda.professionals.addTimeOff({
      professionalId: salon.bruno.id,
      startsAt: instantAt(friday, '09:00'),
      endsAt: instantAt(friday, '11:00'),
      reason: 'Médico',
    });
    await expectTrpcError(book(owner, '10:00', { date: friday, professionalId: salon.bruno.id }), 'CONFLICT', 'PROFESSIONAL_AWAY');
    const offered = await owner.agenda.slots({
      serviceId: salon.corte.id,
      professionalId: salon.bruno.id,
      from: instantAt(friday, '00:00'),
      to: instantAt(friday, '23:59'),
    });
    expect(slotStarts(offered)[0]).toBe(new Date(instantAt(friday, '11:00')).getTime());
    await owner.agenda.professionals.removeTimeOff({ id: away.id });
    await expect(book(owner, '10:00', { date: friday, professionalId: salon.bruno.id })).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('date overrides replace the week: a closed day has no slots, special hours have theirs', async () => {
    const saturday = upcoming(6);
    const window = {
      serviceId: salon.manicure.id,
      professionalId: salon.carol.id,
      from: instantAt(saturday, '00:00'),
      to: instantAt(saturday, '23:59'),
    };
    expect(slotStarts(await owner.agenda.slots(window)).length).toBeGreaterThan(0);
    await owner.agenda.professionals.setDateOverride({ professionalId: salon.carol.id, date: saturday, intervals: [] });
    expect(slotStarts(await owner.agenda.slots(window))).toEqual([]);
    await owner.agenda.professionals.setDateOverride({
      professionalId: salon.carol.id,
      date: saturday,
      intervals: [{ start: '15:00', end: '16:30' }],
    });
    expect(slotStarts(await owner.agenda.slots(window))).toEqual(
      ['15:00', '15:15', '15:30', '15:45'].map((time) => new Date(instantAt(saturday, time)).getTime()),
    );
    await owner.agenda.professionals.clearDateOverride({ professionalId: salon.carol.id, date: saturday });
    expect(slotStarts(await owner.agenda.slots(window)).length).toBeGreaterThan(4);
  });

  it('slots leave out booked time (with buffers) and list every professional who does the service', async () => {
    const offered = await owner.agenda.slots({
      serviceId: salon.corte.id,
      from: instantAt(wednesday, '09:00'),
      to: instantAt(wednesday, '12:00'),
    });
    expect(offered).toMatchObject({ timeZone: 'America/Sao_Paulo', durationMin: 30 });
    expect(offered.professionals.map((professional) => professional.name)).toEqual(['Bruno Lima', 'Carol Souza']);
    const carolStarts = slotStarts(offered, salon.carol.id);
    const brunoStarts = slotStarts(offered, salon.bruno.id);
    // Carol has 10:00 (to 10:45 with the buffer) and 10:45 (to 11:30): starts between 09:30 and 11:15 would overlap.
    // Bruno is free all morning: 09:00 … 11:30 (the cut ends at 12:00; its buffer may run into lunch).
    expect(carolStarts).toEqual(['09:00', '09:15', '11:30'].map((time) => new Date(instantAt(wednesday, time)).getTime()));
    expect(brunoStarts).toHaveLength(11);
  });

  it('reschedules with the same checks and cancels, which frees the time', async () => {
    const moved = await book(owner, '15:00');
    await expectTrpcError(
      owner.agenda.appointments.reschedule({ id: moved.appointmentId, startsAt: `${wednesday}T10:15` }),
      'CONFLICT',
      'SLOT_TAKEN',
    );
    await expect(owner.agenda.appointments.reschedule({ id: moved.appointmentId, startsAt: `${wednesday}T15:15` })).resolves.toMatchObject({
      startsAt: instantAt(wednesday, '15:15'),
    });
    await owner.agenda.appointments.cancel({ id: moved.appointmentId, reason: 'Cliente pediu' });
    await expectTrpcError(owner.agenda.appointments.cancel({ id: moved.appointmentId }), 'CONFLICT', 'INVALID_TRANSITION');
    await expect(book(owner, '15:00')).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('reads a wall time in a daylight-saving gap as bad input', async () => {
    const newYork = await seedTenant(app.services, { modules: ['agenda'] });
    const nyOwner = await ownerCaller(app.services, newYork);
    await nyOwner.tenant.update({ timezone: 'America/New_York' });
    const nySalon = await seedSalon(nyOwner);
    // Clocks in New York jump from 02:00 to 03:00 on the second Sunday of March.
    const refused = await expectTrpcError(
      nyOwner.agenda.appointments.create({
        clientId: nySalon.ana.id,
        serviceId: nySalon.corte.id,
        professionalId: nySalon.carol.id,
        startsAt: '2027-03-14T02:30',
      }),
      'BAD_REQUEST',
      'NONEXISTENT_LOCAL_TIME',
    );
    expect(refused.message).toContain('America/New_York');
  });
});
