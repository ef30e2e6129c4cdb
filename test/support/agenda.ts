import { DateTime } from 'luxon';
import type { Caller } from './identity';

export const SAO_PAULO = 'America/Sao_Paulo';

/** Mon–Sat 09:00–18:00 with lunch 12:00–13:00, as a salon's week. */
export const SALON_HOURS = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '09:00', end: '18:00' }));
export const LUNCH_BREAKS = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '12:00', end: '13:00' }));

/** The next `weekday` (1 = Monday … 7 = Sunday, luxon's numbering) at least two days ahead, as a local date. */
export function upcoming(weekday: number, zone = SAO_PAULO): string {
  let day = DateTime.now().setZone(zone).startOf('day').plus({ days: 2 });
  while (day.weekday !== weekday) day = day.plus({ days: 1 });
  return day.toISODate()!;
}

/** A local wall time of the zone as an ISO instant. */
export const instantAt = (date: string, time: string, zone = SAO_PAULO) => DateTime.fromISO(`${date}T${time}`, { zone }).toUTC().toISO()!;

let clientCounter = 0;
/** A Brazilian mobile no other test client has. */
export function nextClientPhone(): string {
  clientCounter += 1;
  return `+55119${70_000_000 + clientCounter}`;
}

/** A salon: two services (one with buffers and a return cycle), Carol who does both, Bruno who does the cut only, and a client. */
export async function seedSalon(owner: Caller) {
  const corte = await owner.agenda.services.create({
    name: 'Corte de cabelo',
    durationMin: 30,
    priceCents: 6000,
    returnCycleDays: 30,
    bufferAfterMin: 15,
  });
  const manicure = await owner.agenda.services.create({ name: 'Manicure', durationMin: 45, priceCents: 4500 });
  const carol = await owner.agenda.professionals.create({
    name: 'Carol Souza',
    serviceIds: [corte.id, manicure.id],
    hours: SALON_HOURS,
    breaks: LUNCH_BREAKS,
  });
  const bruno = await owner.agenda.professionals.create({
    name: 'Bruno Lima',
    serviceIds: [corte.id],
    hours: SALON_HOURS,
    breaks: LUNCH_BREAKS,
  });
  const ana = await owner.agenda.clients.create({ name: 'Ana Paula', phone: nextClientPhone() });
  return { corte, manicure, carol, bruno, ana };
}

/** The start times (ms) agenda.slots offers, for one professional or all of them. */
export function slotStarts(
  result: { professionals: Array<{ professionalId: string; slots: Array<{ startsAt: Date }> }> },
  professionalId?: string,
): number[] {
  return result.professionals
    .filter((professional) => !professionalId || professional.professionalId === professionalId)
    .flatMap((professional) => professional.slots.map((slot) => slot.startsAt.getTime()));
}
