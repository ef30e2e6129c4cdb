import { sql } from 'kysely';
import type { QueueTicket } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { DomainError, notFound } from '../../platform/errors';
import {
  callTicketToDesk,
  findTicket,
  onBusinessDateOf,
  selectTicketsWithDesk,
  toTicketView,
  type QueueActor,
  type QueueTicketView,
} from './tickets';
import { localDateIn } from '../../platform/business-hours';
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
 * Calls the next ticket to a desk, or answers null when nobody waits. The desk row is locked first,
 * so one desk's calls take turns (each chooses by the streak the one before left, and by the lines
 * as they are after it); the heads of the lines are locked with SKIP LOCKED, so operators of two
 * desks calling at once never get the same ticket. A repeated request id (a double click) answers
 * the ticket the first call got.
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
  const picked = input.serviceIds ? [...new Set(input.serviceIds)] : undefined;
  const found = await lineHeadsAtDesk(trx, input.deskId, picked, now);
  if (!found) throw notFound('Guichê');
  if (picked && found.picked_found !== picked.length) throw notFound('Serviço');
  if (!found.active) throw new DomainError('CONFLICT', 'DESK_INACTIVE', `O guichê ${found.name} está desativado`);
  const desk = { id: found.id, priority_ratio: found.priority_ratio, max_wait_min: found.max_wait_min };
  const heads = {
    normal: found.normal_id ? { id: found.normal_id, priority_weight: 0, arrived_at: found.normal_arrived_at! } : undefined,
    priority: found.priority_id
      ? { id: found.priority_id, priority_weight: found.priority_weight!, arrived_at: found.priority_arrived_at! }
      : undefined,
  };
  // Nobody waits: nothing to write or flush.
  if (!heads.normal && !heads.priority) return null;
  // One statement: the ticket chosen by the desk's streak, called, logged, and the streak moved on.
  const chosen = chooseNext(heads, ruleOf(desk), found.priority_streak, now)!;
  const streakAfter = chosen.priority_weight > 0 ? found.priority_streak + 1 : 0;
  const called = await callTicketToDesk(trx, actor, chosen.id, { deskId: desk.id, streakBefore: found.priority_streak, streakAfter }, now);
  // The desk row is locked by this transaction, so its streak cannot have moved since it was read.
  if (!called) throw new Error(`callNextTicket: the streak of desk ${desk.id} moved while its row was locked`);
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

interface LineHeadsRow {
  id: string;
  name: string;
  active: boolean;
  priority_ratio: number;
  max_wait_min: number;
  /** Read under the desk's row lock, held until the call commits. */
  priority_streak: number;
  /** How many of the picked services are the unit's (null when none were picked). */
  picked_found: number | null;
  normal_id: string | null;
  normal_arrived_at: Date | null;
  priority_id: string | null;
  priority_weight: number | null;
  priority_arrived_at: Date | null;
}

/**
 * The desk, locked, its unit's calling rule and the head of each line it serves (the unit's active
 * services, or those picked), each head locked with SKIP LOCKED: one statement, as call-next is the
 * queue's hot path. The desk is locked in a subquery, which runs before the heads are read (they depend
 * on its row): a call waiting for another call of the same desk then reads the streak that call left,
 * and its heads skip the tickets that call took (re-checked once their lock is free).
 */
async function lineHeadsAtDesk(
  trx: TenantTransaction,
  deskId: string,
  picked: string[] | undefined,
  now: Date,
): Promise<LineHeadsRow | undefined> {
  const pickedOnly = picked ? sql`and id = any(${picked}::uuid[])` : sql``;
  const served = sql`(select id from queue_services where unit_id = d.unit_id and active ${pickedOnly})`;
  const head = (which: 'normal' | 'priority') => sql`(
    select id, priority_weight, arrived_at from queue_tickets
    where service_id in ${served} and status = 'waiting' and business_date = ${onBusinessDateOf(now, sql`u.time_zone`)}
      and ${which === 'normal' ? sql`priority_weight = 0` : sql`priority_weight > 0`}
    order by ${which === 'normal' ? sql`arrived_at, id` : sql`priority_weight desc, arrived_at, id`}
    limit 1 for update skip locked)`;
  const { rows } = await sql<LineHeadsRow>`
    select d.id, d.name, d.active, d.priority_streak, u.priority_ratio, u.max_wait_min,
      ${picked ? sql`(select count(*)::int from queue_services where unit_id = d.unit_id ${pickedOnly})` : sql`null::int`} as picked_found,
      n.id as normal_id, n.arrived_at as normal_arrived_at,
      p.id as priority_id, p.priority_weight, p.arrived_at as priority_arrived_at
    from (select * from queue_desks where id = ${deskId} for update) d
    join queue_units u on u.id = d.unit_id
    left join lateral ${head('normal')} n on true
    left join lateral ${head('priority')} p on true`.execute(trx);
  return rows[0];
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
    .where('queue_tickets.business_date', '=', localDateIn(now, unit.time_zone))
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
