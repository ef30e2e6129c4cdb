import { sql } from 'kysely';
import type { AgendaService } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { DomainError } from '../../platform/errors';
import { freeSlots, localToInstant, nearestFreeSlots, type AvailabilityInput, type Interval, type Slot } from './availability';
import { findService } from './services';

/** One professional's week, exceptions and commitments around a window: what slots are computed from. */
export interface ProfessionalCalendar {
  professionalId: string;
  name: string;
  availability: Omit<AvailabilityInput, 'from' | 'to'>;
}

export interface OpenSlot extends Slot {
  professionalId: string;
  professionalName: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The tenant's IANA zone: every wall-clock rule of the agenda is read in it. */
export async function tenantTimeZone(trx: TenantTransaction): Promise<string> {
  const tenant = await trx.selectFrom('tenants').select('timezone').where('id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
  return tenant.timezone;
}

/**
 * `startsAt` as an instant: with an offset it is one already; without, it is a wall time in the
 * tenant's zone, refused when a daylight-saving change skips it.
 */
export function bookingInstant(startsAt: string, timeZone: string): Date {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(startsAt)) return new Date(startsAt);
  const instant = localToInstant(startsAt.slice(0, 16), timeZone);
  if (instant === 'nonexistent') {
    throw new DomainError(
      'BAD_REQUEST',
      'NONEXISTENT_LOCAL_TIME',
      `${startsAt.slice(0, 16).replace('T', ' ')} não existe em ${timeZone} (mudança de horário de verão)`,
      { startsAt, timeZone },
    );
  }
  return instant;
}

/**
 * The calendars of the professionals who do `service` (or of `professionalId` alone) around
 * [from, to): hours, breaks, date overrides, time off, and as busy time every occupying
 * appointment and (unless `holdsBlock` is false) every pending, unexpired auth request.
 */
export async function professionalCalendars(
  trx: TenantTransaction,
  service: AgendaService,
  window: {
    from: Date;
    to: Date;
    professionalId?: string | undefined;
    ignoreAppointmentId?: string | undefined;
    /** Pending requests hold their time against bookings; proposals compete for it, so they pass false. */
    holdsBlock?: boolean | undefined;
  },
): Promise<ProfessionalCalendar[]> {
  const timeZone = await tenantTimeZone(trx);
  const settings = await trx
    .selectFrom('agenda_settings')
    .select(['slot_step_minutes', 'min_notice_minutes'])
    .where('tenant_id', '=', tenantOf(trx))
    .executeTakeFirst();
  let professionalsQuery = trx
    .selectFrom('agenda_professionals as professional')
    .innerJoin('agenda_professional_services as offered', 'offered.professional_id', 'professional.id')
    .select(['professional.id', 'professional.name', 'professional.weekly_hours', 'professional.breaks'])
    .where('offered.service_id', '=', service.id)
    .where('professional.active', '=', true)
    .orderBy('professional.name');
  if (window.professionalId) professionalsQuery = professionalsQuery.where('professional.id', '=', window.professionalId);
  const professionals = await professionalsQuery.execute();
  if (professionals.length === 0) return [];
  const ids = professionals.map((professional) => professional.id);
  // A day of margin on each side covers buffers, and local dates that start before `from` in UTC.
  const around = { from: new Date(window.from.getTime() - DAY_MS), to: new Date(window.to.getTime() + DAY_MS) };
  // starts_at bounds the search for the calendar index: an occupied range lies within a day of its start.
  const busy = await sql<{ professional_id: string; starts_at: Date; ends_at: Date }>`
    select professional_id, occupied_starts_at as starts_at, occupied_ends_at as ends_at from agenda_appointments
    where professional_id = any(${ids}::uuid[]) and status in ('pending_approval', 'confirmed', 'completed')
      and starts_at >= ${new Date(around.from.getTime() - DAY_MS)} and starts_at < ${new Date(around.to.getTime() + DAY_MS)}
      and occupied_starts_at < ${around.to} and occupied_ends_at > ${around.from}
      and id is distinct from ${window.ignoreAppointmentId ?? null}::uuid
    union all
    select professional_id, occupied_starts_at, occupied_ends_at from agenda_auth_requests
    where ${window.holdsBlock !== false} and professional_id = any(${ids}::uuid[]) and status = 'pending' and expires_at > now()
      and starts_at >= ${new Date(around.from.getTime() - DAY_MS)} and starts_at < ${new Date(around.to.getTime() + DAY_MS)}
      and occupied_starts_at < ${around.to} and occupied_ends_at > ${around.from}`.execute(trx);
  const timeOff = await trx
    .selectFrom('agenda_time_off')
    .select(['professional_id', 'starts_at', 'ends_at'])
    .where('professional_id', 'in', ids)
    .where('starts_at', '<', around.to)
    .where('ends_at', '>', around.from)
    .execute();
  const overrides = await trx
    .selectFrom('agenda_date_overrides')
    .select(['professional_id', 'date', 'intervals'])
    .where('professional_id', 'in', ids)
    .where('date', '>=', around.from.toISOString().slice(0, 10))
    .where('date', '<=', around.to.toISOString().slice(0, 10))
    .execute();
  const intervalsOf = (
    rows: ReadonlyArray<{ professional_id: string; starts_at: Date; ends_at: Date }>,
    professionalId: string,
  ): Interval[] =>
    rows.filter((row) => row.professional_id === professionalId).map((row) => ({ startsAt: row.starts_at, endsAt: row.ends_at }));
  return professionals.map((professional) => ({
    professionalId: professional.id,
    name: professional.name,
    availability: {
      timeZone,
      durationMin: service.duration_min,
      bufferBeforeMin: service.buffer_before_min,
      bufferAfterMin: service.buffer_after_min,
      stepMin: settings?.slot_step_minutes ?? 15,
      weeklyHours: professional.weekly_hours,
      breaks: professional.breaks,
      overrides: overrides
        .filter((row) => row.professional_id === professional.id)
        .map((row) => ({ date: row.date, intervals: row.intervals })),
      timeOff: intervalsOf(timeOff, professional.id),
      busy: intervalsOf(busy.rows, professional.id),
      notBefore: new Date(Date.now() + (settings?.min_notice_minutes ?? 60) * 60_000),
    },
  }));
}

export interface ProfessionalSlots {
  professionalId: string;
  name: string;
  slots: Slot[];
}

type SlotWindow = { serviceId: string; professionalId?: string | undefined; from: Date; to: Date };

/**
 * Free slots of the service in [from, to) for every professional who does it (or one), each
 * professional's in start order: a month of a whole team is tens of thousands of slots, kept as
 * they are computed rather than merged into one list.
 */
export async function openSlotsByProfessional(
  trx: TenantTransaction,
  input: SlotWindow,
): Promise<{ timeZone: string; durationMin: number; professionals: ProfessionalSlots[] }> {
  const service = await findService(trx, input.serviceId);
  const calendars = service.active ? await professionalCalendars(trx, service, input) : [];
  return {
    timeZone: calendars[0]?.availability.timeZone ?? (await tenantTimeZone(trx)),
    durationMin: service.duration_min,
    professionals: calendars.map((calendar) => ({
      professionalId: calendar.professionalId,
      name: calendar.name,
      slots: freeSlots({ ...calendar.availability, from: input.from, to: input.to }),
    })),
  };
}

/** The same slots as one list in start order (professionals in name order at one start): for the agents' short windows. */
export async function openSlots(trx: TenantTransaction, input: SlotWindow): Promise<{ timeZone: string; slots: OpenSlot[] }> {
  const { timeZone, professionals } = await openSlotsByProfessional(trx, input);
  const slots = professionals.flatMap((professional) =>
    professional.slots.map((slot) => ({ ...slot, professionalId: professional.professionalId, professionalName: professional.name })),
  );
  // Calendars come in name order and the sort is stable.
  slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return { timeZone, slots };
}

const ALTERNATIVES_SEARCH_DAYS = 7;
const ALTERNATIVES_COUNT = 3;

/** The free slots nearest to `around` for one professional and service: what a 409 offers instead. */
export async function alternativesNear(
  trx: TenantTransaction,
  service: AgendaService,
  professionalId: string,
  around: Date,
  ignoreAppointmentId?: string,
): Promise<Array<{ startsAt: string; endsAt: string; professionalId: string }>> {
  const from = new Date(around.getTime() - ALTERNATIVES_SEARCH_DAYS * DAY_MS);
  const to = new Date(around.getTime() + ALTERNATIVES_SEARCH_DAYS * DAY_MS);
  const [calendar] = await professionalCalendars(trx, service, { from, to, professionalId, ignoreAppointmentId });
  if (!calendar) return [];
  return nearestFreeSlots({ ...calendar.availability, from, to }, around, ALTERNATIVES_COUNT).map((slot) => ({
    startsAt: slot.startsAt.toISOString(),
    endsAt: slot.endsAt.toISOString(),
    professionalId,
  }));
}
