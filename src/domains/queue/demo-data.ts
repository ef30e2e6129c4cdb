import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { DB } from '../../db/schema';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { systemAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DeviceKindCatalogue } from '../../platform/devices/kinds';
import { createDevice, DEFAULT_TIMEZONE } from '../identity';
import { callNextTicket } from './calling';
import { DISPLAY_KIND, KIOSK_KIND, QUEUE_DISPLAY_SCOPE, QUEUE_ISSUE_SCOPE, queueDeviceKinds } from './device-kinds';
import { createDesk, createService, createUnit, listPriorities } from './setup';
import { issueTicket, moveTicket } from './tickets';

/**
 * A queue to look at: a unit with two services and two desks, a kiosk and a display waiting to be
 * enrolled (Dispositivos gives their codes), and a morning of history for the statistics.
 */
export async function seedQueueDemoData(db: Kysely<DB>, tenant: { id: string }, publicUrl: string): Promise<void> {
  const audit = systemAudit('demo data');
  await withTenant(db, tenant.id, async (trx) => {
    if (await trx.selectFrom('queue_units').select('id').executeTakeFirst()) return;
    const unit = await createUnit(trx, audit, {
      name: 'Unidade Centro',
      timeZone: DEFAULT_TIMEZONE,
      address: 'Rua Direita, 100 — Centro',
      // No hours: open whenever someone tries the demo; Configuração sets real ones.
    });
    const general = await createService(trx, audit, { unitId: unit.id, name: 'Atendimento geral', prefix: 'A', expectedServiceMin: 6 });
    const payments = await createService(trx, audit, {
      unitId: unit.id,
      name: 'Pagamentos',
      prefix: 'P',
      expectedServiceMin: 4,
      dailyCap: 200,
    });
    const desks = [
      await createDesk(trx, audit, { unitId: unit.id, name: 'Guichê 1', number: 1 }),
      await createDesk(trx, audit, { unitId: unit.id, name: 'Guichê 2', number: 2 }),
    ];
    const kinds = new DeviceKindCatalogue(queueDeviceKinds);
    for (const [kind, name, scope] of [
      [KIOSK_KIND, 'Totem da entrada', QUEUE_ISSUE_SCOPE],
      [DISPLAY_KIND, 'TV da sala de espera', QUEUE_DISPLAY_SCOPE],
    ] as const) {
      await createDevice(trx, audit, { kind, name, scopes: [scope], resource: unit.id }, { kinds, publicUrl });
    }
    await simulateMorning(trx, audit, { unitId: unit.id, serviceIds: [general.id, payments.id], deskIds: desks.map((desk) => desk.id) });
  });
}

/**
 * 08:00–12:00 of the last morning already past on the unit's clock: a ticket every few minutes,
 * some priority, two desks calling, serving and now and then marking a no-show. Deterministic.
 */
async function simulateMorning(
  trx: TenantTransaction,
  audit: AuditContext,
  unit: { unitId: string; serviceIds: string[]; deskIds: string[] },
): Promise<void> {
  const now = DateTime.now().setZone(DEFAULT_TIMEZONE);
  const day = now.hour >= 12 ? now.startOf('day') : now.minus({ days: 1 }).startOf('day');
  const at = (minute: number) => day.plus({ hours: 8, minutes: minute }).toJSDate();
  const priorities = await listPriorities(trx);
  // The tenant's first people staff the two desks, so the statistics per operator have names.
  const people = await trx.selectFrom('users').select(['id', 'name']).orderBy('created_at').limit(unit.deskIds.length).execute();
  const operator = (deskIndex: number) => {
    const person = people[deskIndex % Math.max(1, people.length)];
    return {
      operatorId: person?.id,
      audit: { ...audit, actor: { type: 'user' as const, id: person?.id ?? null, label: person?.name ?? `Guichê ${deskIndex + 1}` } },
    };
  };
  const kiosk = { audit: { ...audit, actor: { type: 'system' as const, id: null, label: 'Totem da entrada' } } };
  const busyUntil = unit.deskIds.map(() => 0);
  let issued = 0;
  let calls = 0;
  for (let minute = 0; minute < 240; minute += 1) {
    if (minute % 4 === 0 || minute % 7 === 0) {
      issued += 1;
      const priority = issued % 5 === 0 ? priorities[issued % priorities.length]?.id : undefined;
      const serviceId = unit.serviceIds[issued % 3 === 0 ? 1 : 0]!;
      await issueTicket(trx, kiosk, { unitId: unit.unitId, serviceId, priority }, { publicUrl: '' }, at(minute));
    }
    for (const [index, deskId] of unit.deskIds.entries()) {
      if (busyUntil[index]! > minute) continue;
      const called = await callNextTicket(trx, operator(index), { deskId }, at(minute));
      if (!called) continue;
      calls += 1;
      if (calls % 9 === 0) {
        await moveTicket(trx, operator(index), called.ticketId, 'no_show', {}, at(minute + 2));
        busyUntil[index] = minute + 2;
        continue;
      }
      const duration = 3 + ((calls * 7) % 6);
      await moveTicket(trx, operator(index), called.ticketId, 'started', {}, at(minute + 1));
      await moveTicket(trx, operator(index), called.ticketId, 'completed', {}, at(minute + 1 + duration));
      busyUntil[index] = minute + 2 + duration;
    }
  }
}
