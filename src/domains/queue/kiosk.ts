import type { TenantTransaction } from '../../db/tenant-scope';
import { findUnit } from './setup';
import { closedReason, hoursOf, waitingInService } from './tickets';

export interface KioskService {
  id: string;
  name: string;
  prefix: string;
  open: boolean;
  /** Why it takes no ticket now, as the kiosk shows it; null while open. */
  closedReason: string | null;
  waiting: number;
}

/** What a kiosk shows: its unit's active services, open or closed now (with why), and the priorities to offer. */
export async function kioskServices(trx: TenantTransaction, unitId: string, at = new Date()) {
  const unit = await findUnit(trx, unitId);
  const services = await trx
    .selectFrom('queue_services')
    .selectAll()
    .select(waitingInService)
    .where('unit_id', '=', unit.id)
    .where('active', '=', true)
    .orderBy('prefix')
    .execute();
  const priorities = await trx
    .selectFrom('queue_priorities')
    .select(['id', 'name', 'description'])
    .where('active', '=', true)
    .orderBy('weight', 'desc')
    .orderBy('name')
    .execute();
  return {
    unit: { id: unit.id, name: unit.name, timeZone: unit.time_zone, open: unit.active },
    services: services.map((service): KioskService => {
      const reason = closedReason(service, hoursOf(service, unit), unit.time_zone, at);
      return {
        id: service.id,
        name: service.name,
        prefix: service.prefix,
        open: reason === null,
        closedReason: reason,
        waiting: Number(service.waiting ?? 0),
      };
    }),
    priorities,
  };
}
