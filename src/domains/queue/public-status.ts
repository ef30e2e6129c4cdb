import { withSystem } from '../../db/system-scope';
import { localDateIn } from '../../platform/business-hours';
import { withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { DomainError } from '../../platform/errors';
import { streamTenantEvents } from '../../platform/events/stream';
import type { Services } from '../../platform/services';
import type { QueueTicketStatus } from '../../db/schema';
import { TICKET_EVENT_TYPES } from './events';
import { placeInLine } from './tickets';

/** What a customer's phone shows for their ticket: nothing that names them or anyone else. */
export interface PublicTicketStatus {
  code: string;
  status: QueueTicketStatus;
  /** 1 = next; 0 once called or finished. */
  position: number;
  estimatedWaitMin: number;
  serviceName: string;
  unitName: string;
  priority: string | null;
  deskName: string | null;
  deskNumber: number | null;
  arrivedAt: string;
  calledAt: string | null;
  /** Still waiting from an earlier business day: it is in no line any more. */
  expired: boolean;
}

const FINISHED: readonly QueueTicketStatus[] = ['completed', 'no_show', 'cancelled'];

// Unknown, malformed and switched-off tickets answer alike, so the page tells nothing about codes.
const unknownTicket = () => new DomainError('NOT_FOUND', 'TICKET_NOT_FOUND', 'Senha não encontrada');

/** The ticket a public code names, across tenants (the page has no other credential), with the tenant's queue module on. */
async function ticketOfPublicCode(services: Services, publicCode: string): Promise<{ tenantId: string; ticketId: string }> {
  const found = await withSystem(services.db, (trx) =>
    trx
      .selectFrom('queue_tickets')
      .innerJoin('tenants', 'tenants.id', 'queue_tickets.tenant_id')
      .select(['queue_tickets.tenant_id', 'queue_tickets.id', 'tenants.modules'])
      .where('queue_tickets.public_code', '=', publicCode)
      .executeTakeFirst(),
  );
  if (!found || !found.modules.includes('queue')) throw unknownTicket();
  return { tenantId: found.tenant_id, ticketId: found.id };
}

async function publicStatusOf(trx: TenantTransaction, ticketId: string): Promise<PublicTicketStatus & { unitId: string }> {
  const ticket = await trx
    .selectFrom('queue_tickets')
    .innerJoin('queue_services', 'queue_services.id', 'queue_tickets.service_id')
    .innerJoin('queue_units', 'queue_units.id', 'queue_tickets.unit_id')
    .leftJoin('queue_desks', 'queue_desks.id', 'queue_tickets.desk_id')
    .selectAll('queue_tickets')
    .select([
      'queue_services.name as service_name',
      'queue_units.name as unit_name',
      'queue_units.time_zone',
      'queue_desks.name as desk_name',
      'queue_desks.number as desk_number',
    ])
    .where('queue_tickets.id', '=', ticketId)
    .executeTakeFirstOrThrow();
  const expired = ticket.status === 'waiting' && ticket.business_date !== localDateIn(new Date(), ticket.time_zone);
  const { position, estimatedWaitMin } = expired ? { position: 0, estimatedWaitMin: 0 } : await placeInLine(trx, ticket);
  return {
    unitId: ticket.unit_id,
    code: ticket.code,
    status: ticket.status,
    position,
    estimatedWaitMin,
    serviceName: ticket.service_name,
    unitName: ticket.unit_name,
    priority: ticket.priority_name,
    deskName: ticket.desk_name,
    deskNumber: ticket.desk_number,
    arrivedAt: ticket.arrived_at.toISOString(),
    calledAt: ticket.called_at?.toISOString() ?? null,
    expired,
  };
}

const withoutUnit = ({ unitId: _unitId, ...status }: PublicTicketStatus & { unitId: string }): PublicTicketStatus => status;

export async function publicTicketStatus(services: Services, publicCode: string): Promise<PublicTicketStatus> {
  const { tenantId, ticketId } = await ticketOfPublicCode(services, publicCode);
  return withoutUnit(await withTenant(services.db, tenantId, (trx) => publicStatusOf(trx, ticketId)));
}

/**
 * The status page's live feed: the status now, then again whenever a ticket of the same unit moves
 * and the answer changed (the position falls as others are called), until the ticket is finished.
 */
export async function* watchPublicTicket(services: Services, publicCode: string, signal: AbortSignal | undefined) {
  const { tenantId, ticketId } = await ticketOfPublicCode(services, publicCode);
  const events = streamTenantEvents({ db: services.db, hub: services.hub, tenantId, types: TICKET_EVENT_TYPES, signal });
  const first = events.next();
  first.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
  const read = () => withTenant(services.db, tenantId, (trx) => publicStatusOf(trx, ticketId));
  let status = await read();
  yield withoutUnit(status);
  let shown = JSON.stringify(withoutUnit(status));
  for (let step = await first; !step.done && !FINISHED.includes(status.status) && !status.expired; step = await events.next()) {
    const data = step.value.data as { unitId?: string };
    if (data.unitId !== status.unitId) continue;
    status = await read();
    const now = JSON.stringify(withoutUnit(status));
    if (now === shown) continue;
    shown = now;
    yield withoutUnit(status);
  }
  await events.return(undefined);
}
