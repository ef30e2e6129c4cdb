import type { QueueTicket } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { DomainError, notFound } from '../../platform/errors';
import { findTicket, moveTicket, selectTicketsWithDesk, toTicketView, type QueueActor, type QueueTicketView } from './tickets';
import { findUnit } from './setup';

type Waiting = Pick<QueueTicket, 'id' | 'priority_weight' | 'arrived_at'>;

export interface CallingRule {
  /** Priority tickets a desk calls in a row before a waiting normal one goes. */
  priorityRatio: number;
  /** A normal ticket waiting this long goes before any priority one. */
  maxWaitMs: number;
}

/**
 * The one calling rule, given the head of each line (the oldest normal ticket, the heaviest and
 * oldest priority one) and how many priority tickets the desk called in a row:
 * 1. a normal ticket that has waited past the maximum goes first;
 * 2. else a priority ticket, while the desk's streak is under the ratio;
 * 3. else arrival order among normal tickets, and priority ones when no normal one waits.
 */
export function chooseNext<T extends Waiting>(
  heads: { normal: T | undefined; priority: T | undefined },
  rule: CallingRule,
  priorityStreak: number,
  now: Date,
): T | undefined {
  const { normal, priority } = heads;
  if (normal && now.getTime() - normal.arrived_at.getTime() >= rule.maxWaitMs) return normal;
  if (priority && priorityStreak < rule.priorityRatio) return priority;
  return normal ?? priority;
}

/** The order the rule would call a set of waiting tickets in, from a desk's current streak: the panel's preview. */
export function callingOrder<T extends Waiting>(waiting: readonly T[], rule: CallingRule, priorityStreak: number, now: Date): T[] {
  const byArrival = (a: T, b: T) => a.arrived_at.getTime() - b.arrived_at.getTime() || a.id.localeCompare(b.id);
  const normals = waiting.filter((ticket) => ticket.priority_weight === 0).sort(byArrival);
  const priorities = waiting
    .filter((ticket) => ticket.priority_weight > 0)
    .sort((a, b) => b.priority_weight - a.priority_weight || byArrival(a, b));
  const order: T[] = [];
  let streak = priorityStreak;
  while (normals.length > 0 || priorities.length > 0) {
    const next = chooseNext({ normal: normals[0], priority: priorities[0] }, rule, streak, now)!;
    if (next === normals[0]) {
      normals.shift();
      streak = 0;
    } else {
      priorities.shift();
      streak += 1;
    }
    order.push(next);
  }
  return order;
}

export const ruleOf = (unit: { priority_ratio: number; max_wait_min: number }): CallingRule => ({
  priorityRatio: unit.priority_ratio,
  maxWaitMs: unit.max_wait_min * 60_000,
});

export interface CallNextInput {
  deskId: string;
  serviceIds?: string[] | undefined;
  requestId?: string | undefined;
}

/**
 * Calls the next ticket to a desk, or answers null when nobody waits. The heads of the lines are
 * locked with SKIP LOCKED, so two operators calling at once never get the same ticket; the desk
 * row is locked too, which orders one desk's calls and keeps its priority streak exact. A repeated
 * request id (a double click) answers the ticket the first call got.
 */
export async function callNextTicket(
  trx: TenantTransaction,
  actor: QueueActor,
  input: CallNextInput,
  now = new Date(),
): Promise<QueueTicketView | null> {
  if (input.requestId) {
    const claimed = await trx
      .insertInto('queue_call_requests')
      .values({ tenant_id: tenantOf(trx), request_id: input.requestId, desk_id: input.deskId, ticket_id: null })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'request_id']).doNothing())
      .returning('request_id')
      .executeTakeFirst();
    if (!claimed) return answerOfRepeatedCall(trx, input.requestId, input.deskId);
  }
  const desk = await trx.selectFrom('queue_desks').selectAll().where('id', '=', input.deskId).forUpdate().executeTakeFirst();
  if (!desk) throw notFound('Guichê');
  if (!desk.active) throw new DomainError('CONFLICT', 'DESK_INACTIVE', `O guichê ${desk.name} está desativado`);
  const unit = await findUnit(trx, desk.unit_id);
  const serviceIds = await servedServices(trx, desk.unit_id, input.serviceIds);
  if (serviceIds.length === 0) return null;
  const waitingHead = (kind: 'normal' | 'priority') => {
    let query = trx
      .selectFrom('queue_tickets')
      .select(['id', 'priority_weight', 'arrived_at'])
      .where('service_id', 'in', serviceIds)
      .where('status', '=', 'waiting');
    query =
      kind === 'normal'
        ? query.where('priority_weight', '=', 0).orderBy('arrived_at').orderBy('id')
        : query.where('priority_weight', '>', 0).orderBy('priority_weight', 'desc').orderBy('arrived_at').orderBy('id');
    return query.limit(1).forUpdate().skipLocked().executeTakeFirst();
  };
  const heads = { normal: await waitingHead('normal'), priority: await waitingHead('priority') };
  const next = chooseNext(heads, ruleOf(unit), desk.priority_streak, now);
  if (!next) return null;
  const called = await moveTicket(trx, actor, next.id, 'called', { desk_id: desk.id, operator_id: actor.operatorId ?? null }, now);
  await trx
    .updateTable('queue_desks')
    .set({ priority_streak: next.priority_weight > 0 ? desk.priority_streak + 1 : 0 })
    .where('id', '=', desk.id)
    .execute();
  if (input.requestId) {
    await trx
      .updateTable('queue_call_requests')
      .set({ ticket_id: called.ticketId })
      .where('tenant_id', '=', tenantOf(trx))
      .where('request_id', '=', input.requestId)
      .execute();
  }
  return called;
}

async function answerOfRepeatedCall(trx: TenantTransaction, requestId: string, deskId: string): Promise<QueueTicketView | null> {
  const first = await trx
    .selectFrom('queue_call_requests')
    .select(['desk_id', 'ticket_id'])
    .where('tenant_id', '=', tenantOf(trx))
    .where('request_id', '=', requestId)
    .executeTakeFirstOrThrow();
  if (first.desk_id !== deskId)
    throw new DomainError('CONFLICT', 'REQUEST_ID_REUSED', 'Este requestId já foi usado por outro guichê', { requestId });
  return first.ticket_id ? toTicketView(await findTicket(trx, first.ticket_id)) : null;
}

/** The unit's active services an operator serves: those picked (each must be the unit's), or all of them. */
async function servedServices(trx: TenantTransaction, unitId: string, picked: string[] | undefined): Promise<string[]> {
  const services = await trx
    .selectFrom('queue_services')
    .select(['id', 'active'])
    .where('unit_id', '=', unitId)
    .$if(picked !== undefined, (query) => query.where('id', 'in', picked!))
    .execute();
  if (picked && services.length !== new Set(picked).size) throw notFound('Serviço');
  return services.filter((service) => service.active).map((service) => service.id);
}

export interface LineView {
  serviceId: string;
  waiting: number;
  priorityWaiting: number;
  oldestArrivedAt: string | null;
}

/**
 * What the panel shows beside its buttons: the next five tickets in the order the rule would call
 * them (from the desk's streak, when a desk is given), each service's line, and the desk's open tickets.
 */
export async function panelOverview(
  trx: TenantTransaction,
  input: { unitId: string; serviceIds?: string[] | undefined; deskId?: string | undefined },
  now = new Date(),
): Promise<{ next: QueueTicketView[]; lines: LineView[]; atDesk: QueueTicketView[] }> {
  const unit = await findUnit(trx, input.unitId);
  const desk = input.deskId
    ? await trx.selectFrom('queue_desks').selectAll().where('id', '=', input.deskId).where('unit_id', '=', unit.id).executeTakeFirst()
    : undefined;
  if (input.deskId && !desk) throw notFound('Guichê');
  const serviceIds =
    input.serviceIds ?? (await trx.selectFrom('queue_services').select('id').where('unit_id', '=', unit.id).execute()).map((s) => s.id);
  if (serviceIds.length === 0) return { next: [], lines: [], atDesk: [] };
  const waiting = await selectTicketsWithDesk(trx)
    .where('queue_tickets.unit_id', '=', unit.id)
    .where('queue_tickets.service_id', 'in', serviceIds)
    .where('queue_tickets.status', '=', 'waiting')
    .execute();
  const next = callingOrder(waiting, ruleOf(unit), desk?.priority_streak ?? 0, now)
    .slice(0, 5)
    .map(toTicketView);
  const lines = serviceIds.map((serviceId) => {
    const inLine = waiting.filter((ticket) => ticket.service_id === serviceId);
    const oldest = inLine.reduce<Date | null>((min, ticket) => (min && min < ticket.arrived_at ? min : ticket.arrived_at), null);
    return {
      serviceId,
      waiting: inLine.length,
      priorityWaiting: inLine.filter((ticket) => ticket.priority_weight > 0).length,
      oldestArrivedAt: oldest?.toISOString() ?? null,
    };
  });
  const atDesk = desk
    ? (
        await selectTicketsWithDesk(trx)
          .where('queue_tickets.desk_id', '=', desk.id)
          .where('queue_tickets.status', 'in', ['called', 'in_service'])
          .orderBy('queue_tickets.called_at')
          .execute()
      ).map(toTicketView)
    : [];
  return { next, lines, atDesk };
}
