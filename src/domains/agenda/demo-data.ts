import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { DB } from '../../db/schema';
import { tenantOf, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { systemAudit } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/auth/secret-box';
import { bookAppointment } from './appointments';
import { NO_OFFER, proposeBooking } from './auth-requests';
import { listCampaigns } from './campaigns';
import { createClient } from './clients';
import { createProfessional } from './professionals';
import { createService } from './services';
import { agendaSettingsRow, updateAgendaSettings } from './settings';
import { openSlots, tenantTimeZone } from './slots';

const WEEKDAYS = [1, 2, 3, 4, 5, 6];
const CLIENTS = [
  'Mariana Costa',
  'João Pereira',
  'Fernanda Lima',
  'Carlos Souza',
  'Beatriz Rocha',
  'Ana Paula Martins',
  'Rafael Gomes',
  'Juliana Alves',
  'Pedro Henrique',
  'Camila Ribeiro',
  'Lucas Fernandes',
  'Patrícia Melo',
  'Gustavo Araújo',
  'Larissa Barbosa',
  'Thiago Cardoso',
  'Renata Dias',
];

/**
 * An agenda to look at: four services, Carol and Bruno with their weeks, sixteen clients with a
 * history of visits (some of them due back, so Prazo Certo finds them), a few bookings this week
 * and one authorization waiting for the owner. Notifications point at a local n8n.
 */
export async function seedAgendaDemoData(db: Kysely<DB>, tenant: { id: string }, secrets: SecretBox): Promise<void> {
  const audit = systemAudit('demo data');
  await withTenant(db, tenant.id, async (trx) => {
    if (await trx.selectFrom('agenda_services').select('id').executeTakeFirst()) return;
    await agendaSettingsRow(trx, secrets);
    await updateAgendaSettings(trx, audit, secrets, { n8nOutboundUrl: 'http://localhost:5678/webhook/agenda' });
    await listCampaigns(trx);
    const corte = await createService(trx, audit, {
      name: 'Corte de cabelo',
      durationMin: 30,
      priceCents: 6000,
      returnCycleDays: 30,
      bufferAfterMin: 10,
    });
    const escova = await createService(trx, audit, { name: 'Escova', durationMin: 40, priceCents: 5000, returnCycleDays: 15 });
    const manicure = await createService(trx, audit, { name: 'Manicure', durationMin: 45, priceCents: 4500, returnCycleDays: 14 });
    const barba = await createService(trx, audit, { name: 'Barba', durationMin: 20, priceCents: 3500, returnCycleDays: 21 });
    const hours = (start: string, end: string) => WEEKDAYS.map((weekday) => ({ weekday, start, end }));
    const carol = await createProfessional(trx, audit, {
      name: 'Carol Souza',
      serviceIds: [corte.id, escova.id, manicure.id],
      hours: hours('09:00', '19:00'),
      breaks: hours('12:00', '13:00'),
    });
    const bruno = await createProfessional(trx, audit, {
      name: 'Bruno Lima',
      serviceIds: [corte.id, barba.id],
      hours: hours('10:00', '20:00'),
      breaks: hours('14:00', '15:00'),
    });
    const clients = [];
    for (const [index, name] of CLIENTS.entries())
      clients.push(await createClient(trx, audit, { name, phone: `+55119876${String(54000 + index)}` }));

    // Past visits, one professional's never overlapping: client i came every cycle, the last one i days longer ago.
    const timeZone = await tenantTimeZone(trx);
    const services = [corte, escova, manicure, barba];
    const professionalFor = (serviceId: string, index: number) =>
      serviceId === barba.id || (serviceId === corte.id && index % 2 === 1) ? bruno : carol;
    let visit = 0;
    for (const [index, client] of clients.entries()) {
      const service = services[index % services.length]!;
      const professional = professionalFor(service.id, index);
      for (let back = 0; back < 3; back += 1) {
        visit += 1;
        const day = DateTime.now()
          .setZone(timeZone)
          .startOf('day')
          .minus({ days: (service.return_cycle_days ?? 30) * (back + 1) - 5 + index });
        await pastVisit(trx, {
          clientId: client.id,
          serviceId: service.id,
          professionalId: professional.id,
          durationMin: service.duration_min,
          priceCents: service.price_cents,
          startsAt: day.set({ hour: 10 + (visit % 8) }).toJSDate(),
        });
      }
    }

    // Around today: a few bookings from the next free hour on (the calendar opens on them), and one
    // proposal for the owner to decide.
    const from = new Date(Date.now() + 3_600_000);
    const week = new Date(from.getTime() + 6 * 24 * 3_600_000);
    const open = (await openSlots(trx, { serviceId: corte.id, from, to: week })).slots;
    // One a day, from today on, at drifting hours, so the week looks lived in.
    const today = DateTime.now().setZone(timeZone).startOf('day');
    const spread = Array.from({ length: 7 }, (_, day) => today.plus({ days: day, hours: 9, minutes: day * 95 }).toMillis()).flatMap(
      (target) => open.filter((slot) => slot.startsAt.getTime() >= target).slice(0, 1),
    );
    for (const [index, slot] of [...new Set(spread)].slice(0, 6).entries()) {
      await bookAppointment(trx, audit, {
        clientId: clients[index]!.id,
        serviceId: corte.id,
        professionalId: slot.professionalId,
        startsAt: slot.startsAt,
      }).catch(() => undefined);
    }
    const [proposal] = (
      await openSlots(trx, {
        serviceId: manicure.id,
        professionalId: carol.id,
        from: new Date(from.getTime() + 2 * 24 * 3_600_000),
        to: week,
      })
    ).slots;
    if (proposal) {
      await proposeBooking(trx, {
        clientId: clients[7]!.id,
        serviceId: manicure.id,
        professionalId: carol.id,
        startsAt: proposal.startsAt,
        offer: NO_OFFER,
        createdByAgent: 'manual',
      });
    }
  });
}

/** A visit that happened (demo history); one that would overlap another of the professional's is skipped. */
async function pastVisit(
  trx: TenantTransaction,
  visit: { clientId: string; serviceId: string; professionalId: string; durationMin: number; priceCents: number; startsAt: Date },
): Promise<void> {
  const endsAt = new Date(visit.startsAt.getTime() + visit.durationMin * 60_000);
  await trx
    .insertInto('agenda_appointments')
    .values({
      tenant_id: tenantOf(trx),
      client_id: visit.clientId,
      service_id: visit.serviceId,
      professional_id: visit.professionalId,
      starts_at: visit.startsAt,
      ends_at: endsAt,
      occupied_starts_at: visit.startsAt,
      occupied_ends_at: endsAt,
      status: 'completed',
      source: 'manual',
      price_cents: visit.priceCents,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
