import { randomBytes } from 'node:crypto';
import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import type { DB, QueueTicket, QueueTicketAction, QueueTicketStatus } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { AuditContext } from '../../platform/audit/audit-log';
import { isOpenAt, localDateIn, nextOpening } from '../../platform/business-hours';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { QueueTicketSummary } from './events';
import { findService, findUnit } from './setup';

/** Who moves a ticket: an operator (user) at a desk, or a kiosk (device). */
export interface QueueActor {
  audit: AuditContext;
  operatorId?: string | undefined;
  deviceId?: string | undefined;
}

// The one state machine: each action, the states it may start from and the state it leads to.
const TRANSITIONS: Record<Exclude<QueueTicketAction, 'issued'>, { from: readonly QueueTicketStatus[]; to: QueueTicketStatus }> = {
  called: { from: ['waiting'], to: 'called' },
  recalled: { from: ['called'], to: 'called' },
  started: { from: ['called'], to: 'in_service' },
  completed: { from: ['in_service'], to: 'completed' },
  no_show: { from: ['called'], to: 'no_show' },
  cancelled: { from: ['waiting', 'called', 'in_service'], to: 'cancelled' },
  transferred: { from: ['waiting', 'called', 'in_service'], to: 'waiting' },
};

export type TicketMove = keyof typeof TRANSITIONS;

const STATUS_LABELS: Record<QueueTicketStatus, string> = {
  waiting: 'aguardando',
  called: 'chamada',
  in_service: 'em atendimento',
  completed: 'concluída',
  no_show: 'marcada como ausente',
  cancelled: 'cancelada',
};

const MOVE_LABELS: Record<TicketMove, string> = {
  called: 'chamar',
  recalled: 'chamar de novo',
  started: 'iniciar o atendimento de',
  completed: 'concluir',
  no_show: 'marcar como ausente',
  cancelled: 'cancelar',
  transferred: 'transferir',
};

/** Whether `move` may start from `status`: what the panel offers and what every change is checked against. */
export function canMove(status: QueueTicketStatus, move: TicketMove): boolean {
  return TRANSITIONS[move].from.includes(status);
}

export const ticketCode = (prefix: string, number: number) => `${prefix}-${String(number).padStart(3, '0')}`;

/** 128 random bits, URL-safe: the address of a ticket's public status page cannot be guessed from its number. */
const newPublicCode = () => randomBytes(16).toString('base64url');

type TicketWithDesk = QueueTicket & { desk_name: string | null; desk_number: number | null };

export function selectTicketsWithDesk(trx: TenantTransaction) {
  return trx
    .selectFrom('queue_tickets')
    .leftJoin('queue_desks', 'queue_desks.id', 'queue_tickets.desk_id')
    .selectAll('queue_tickets')
    .select(['queue_desks.name as desk_name', 'queue_desks.number as desk_number']);
}

export const toTicketSummary = (ticket: TicketWithDesk): QueueTicketSummary => ({
  ticketId: ticket.id,
  unitId: ticket.unit_id,
  serviceId: ticket.service_id,
  code: ticket.code,
  status: ticket.status,
  priority: ticket.priority_name,
  arrivedAt: ticket.arrived_at.toISOString(),
  deskId: ticket.desk_id,
  deskName: ticket.desk_name,
  deskNumber: ticket.desk_number,
  calledAt: ticket.called_at?.toISOString() ?? null,
  callCount: ticket.call_count,
});

export interface QueueTicketView extends QueueTicketSummary {
  startedAt: string | null;
  finishedAt: string | null;
  actions: TicketMove[];
}

export const toTicketView = (ticket: TicketWithDesk): QueueTicketView => ({
  ...toTicketSummary(ticket),
  startedAt: ticket.started_at?.toISOString() ?? null,
  finishedAt: ticket.finished_at?.toISOString() ?? null,
  actions: (Object.keys(TRANSITIONS) as TicketMove[]).filter((move) => move !== 'called' && canMove(ticket.status, move)),
});

export async function findTicket(trx: TenantTransaction, ticketId: string): Promise<TicketWithDesk> {
  const ticket = await selectTicketsWithDesk(trx).where('queue_tickets.id', '=', ticketId).executeTakeFirst();
  if (!ticket) throw notFound('Senha');
  return ticket;
}

async function logTransition(
  trx: TenantTransaction,
  actor: QueueActor,
  ticket: QueueTicket,
  action: QueueTicketAction,
  fromStatus: QueueTicketStatus | null,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('queue_transitions')
    .values({
      tenant_id: ticket.tenant_id,
      ticket_id: ticket.id,
      unit_id: ticket.unit_id,
      service_id: ticket.service_id,
      action,
      from_status: fromStatus,
      to_status: ticket.status,
      desk_id: ticket.desk_id,
      operator_id: actor.operatorId ?? null,
      device_id: actor.deviceId ?? null,
      actor_label: actor.audit.actor.label,
      request_id: actor.audit.requestId,
      at,
    })
    .execute();
}

/** The live event of a state change, in the change's transaction. */
async function appendMoveEvent(
  trx: TenantTransaction,
  move: QueueTicketAction,
  ticket: TicketWithDesk,
  fromServiceId: string,
): Promise<void> {
  const summary = toTicketSummary(ticket);
  if (move === 'transferred') await appendEvent(trx, 'queue.ticket.transferred', { ...summary, fromServiceId });
  else await appendEvent(trx, `queue.ticket.${move}`, summary);
}

/** Writes a state change after it happened: the log row and the live event, in the change's transaction. */
async function recordMove(
  trx: TenantTransaction,
  actor: QueueActor,
  ticket: QueueTicket,
  move: QueueTicketAction,
  fromStatus: QueueTicketStatus | null,
  at: Date,
): Promise<TicketWithDesk> {
  await logTransition(trx, actor, ticket, move, fromStatus, at);
  // Only a ticket at a desk needs the desk's name and number read.
  const withDesk = ticket.desk_id ? await findTicket(trx, ticket.id) : { ...ticket, desk_name: null, desk_number: null };
  await appendMoveEvent(trx, move, withDesk, ticket.service_id);
  return withDesk;
}

/** The columns a move sets: its state, its time, and what the state machine clears or counts. */
function columnsOfMove(move: TicketMove, changes: TicketChanges, at: Date): Record<string, unknown> {
  return {
    status: TRANSITIONS[move].to,
    updated_at: at,
    ...changes,
    ...(move === 'called' ? { called_at: at, call_count: 1 } : {}),
    ...(move === 'recalled' ? { called_at: at, call_count: sql<number>`call_count + 1` } : {}),
    ...(move === 'started' ? { started_at: at } : {}),
    ...(move === 'completed' || move === 'no_show' || move === 'cancelled' ? { finished_at: at } : {}),
    ...(move === 'transferred' ? { desk_id: null, operator_id: null, called_at: null, started_at: null, call_count: 0 } : {}),
  };
}

type TicketChanges = Partial<Pick<QueueTicket, 'service_id' | 'desk_id' | 'operator_id'>>;

/** A desk's priority streak as its call read it, and what the call makes it. */
export interface DeskStreakChange {
  deskId: string;
  streakBefore: number;
  streakAfter: number;
}

/** What a move statement found (the state before) and, when the move was allowed, the moved ticket. */
type MoveRow = { from_status: QueueTicketStatus; from_service_id: string } & ((Omit<TicketWithDesk, 'id'> & { id: null }) | TicketWithDesk);

/**
 * A move as one statement, as it is the panel's hot path: the ticket locked and read, changed when
 * its state allows the move, its log row, and its desk's name and number. With `desk`, the desk's
 * streak changes in the same statement, and nothing is written unless the streak still is what the
 * call read. Undefined when there is no such ticket.
 */
async function moveInOneStatement(
  trx: TenantTransaction,
  actor: QueueActor,
  ticketId: string,
  move: TicketMove,
  changes: TicketChanges,
  at: Date,
  desk?: DeskStreakChange,
): Promise<MoveRow | undefined> {
  const allowed = sql.join(TRANSITIONS[move].from.map((status) => sql`${status}`));
  const assignments = sql.join(
    Object.entries(columnsOfMove(move, changes, at)).map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
  );
  const deskStreak = desk
    ? sql`, desk as (
        update queue_desks set priority_streak = ${desk.streakAfter}
        where id = ${desk.deskId} and priority_streak = ${desk.streakBefore}
          and exists (select 1 from before where from_status in (${allowed}))
        returning id)`
    : sql``;
  const { rows } = await sql<MoveRow>`
    with before as (
      select id, status as from_status, service_id as from_service_id from queue_tickets where id = ${ticketId} for no key update
    )${deskStreak}, moved as (
      update queue_tickets t set ${assignments}
      from before${desk ? sql`, desk` : sql``}
      where t.id = before.id and before.from_status in (${allowed})
      returning t.*
    ), logged as (
      insert into queue_transitions (tenant_id, ticket_id, unit_id, service_id, action, from_status, to_status, desk_id,
                                     operator_id, device_id, actor_label, request_id, at)
      select m.tenant_id, m.id, m.unit_id, m.service_id, ${move}, b.from_status, m.status, m.desk_id,
             ${actor.operatorId ?? null}::uuid, ${actor.deviceId ?? null}::uuid, ${actor.audit.actor.label}, ${actor.audit.requestId ?? null}, m.updated_at
      from moved m join before b on b.id = m.id
    )
    select b.from_status, b.from_service_id, m.*, d.name as desk_name, d.number as desk_number
    from before b left join moved m on m.id = b.id left join queue_desks d on d.id = m.desk_id`.execute(trx);
  return rows[0];
}

const isMoved = (row: MoveRow): row is MoveRow & TicketWithDesk => row.id !== null;

/**
 * Moves a ticket by the state machine, atomically: the update only matches while the ticket is
 * in a state the move may start from, so of two racing moves (complete and cancel) one wins and
 * the other gets 409 with the state it found.
 */
export async function moveTicket(
  trx: TenantTransaction,
  actor: QueueActor,
  ticketId: string,
  move: TicketMove,
  changes: TicketChanges = {},
  at = new Date(),
): Promise<QueueTicketView> {
  const row = await moveInOneStatement(trx, actor, ticketId, move, changes, at);
  if (!row) throw notFound('Senha');
  if (!isMoved(row))
    throw new DomainError(
      'CONFLICT',
      'INVALID_TRANSITION',
      `Não é possível ${MOVE_LABELS[move]} uma senha ${STATUS_LABELS[row.from_status]}`,
      { currentState: row.from_status, action: move },
    );
  await appendMoveEvent(trx, move, row, row.from_service_id);
  return toTicketView(row);
}

/**
 * Calls a waiting ticket this transaction holds to a desk, with the desk's new priority streak, in
 * one statement. Undefined, with nothing written, when the desk's streak is no longer the one the
 * call chose by (another call of the same desk committed in between).
 */
export async function callTicketToDesk(
  trx: TenantTransaction,
  actor: QueueActor,
  ticketId: string,
  desk: DeskStreakChange,
  at: Date,
): Promise<QueueTicketView | undefined> {
  const changes = { desk_id: desk.deskId, operator_id: actor.operatorId ?? null };
  const row = await moveInOneStatement(trx, actor, ticketId, 'called', changes, at, desk);
  if (!row || !isMoved(row)) return undefined;
  await appendMoveEvent(trx, 'called', row, row.from_service_id);
  return toTicketView(row);
}

/** Sends a ticket to another service's line of the same unit; it keeps its arrival, so it does not go to the back. */
export async function transferTicket(
  trx: TenantTransaction,
  actor: QueueActor,
  input: { ticketId: string; serviceId: string },
  at = new Date(),
): Promise<QueueTicketView> {
  const ticket = await findTicket(trx, input.ticketId);
  const target = await findService(trx, input.serviceId);
  if (target.unit_id !== ticket.unit_id) throw notFound('Serviço');
  if (target.id === ticket.service_id)
    throw new DomainError('CONFLICT', 'SAME_SERVICE', 'A senha já está na fila deste serviço', { currentState: ticket.status });
  if (!target.active) throw new DomainError('CONFLICT', 'SERVICE_INACTIVE', `O serviço ${target.name} está desativado`);
  return moveTicket(trx, actor, ticket.id, 'transferred', { service_id: target.id }, at);
}

export interface IssuedTicket {
  ticketId: string;
  code: string;
  position: number;
  estimatedWaitMin: number;
  statusUrl: string;
  publicCode: string;
  serviceName: string;
  unitName: string;
  priority: string | null;
  issuedAt: string;
}

const WEEKDAY_NAMES = ['domingo', 'segunda-feira', 'terça-feira', 'quarta-feira', 'quinta-feira', 'sexta-feira', 'sábado'];

/** Why a service cannot take a ticket now, in words a kiosk shows as they are; null when it can. */
export function closedReason(service: { name: string; active: boolean }, hours: ReturnType<typeof hoursOf>, timeZone: string, at: Date) {
  if (!service.active) return `${service.name}: serviço indisponível no momento`;
  if (isOpenAt(hours, timeZone, at)) return null;
  const opens = nextOpening(hours, timeZone, at);
  if (!opens) return `${service.name}: fechado`;
  const when = opens.inDays === 0 ? 'hoje' : opens.inDays === 1 ? 'amanhã' : WEEKDAY_NAMES[opens.weekday];
  return `${service.name}: fechado agora. Abre ${when} às ${opens.time}.`;
}

export const hoursOf = (
  service: { opening_hours: { intervals: { weekday: number; start: string; end: string }[] } | null },
  unit: {
    opening_hours: { intervals: { weekday: number; start: string; end: string }[] };
  },
) => service.opening_hours ?? unit.opening_hours;

/**
 * Issues the next number of a service for the business date in its unit's zone, atomically: the
 * day's counter row is bumped in this transaction (and held until commit), so concurrent kiosks
 * never share or skip a number, a failed issue gives its number back, and a new day starts a new
 * row at 1 without any reset job. A closed or full service is refused with 409 and a message to show.
 */
export async function issueTicket(
  trx: TenantTransaction,
  actor: QueueActor,
  input: { unitId: string; serviceId: string; priority?: string | null | undefined },
  deps: { publicUrl: string },
  at = new Date(),
): Promise<IssuedTicket> {
  const service = await findService(trx, input.serviceId);
  if (service.unit_id !== input.unitId) throw notFound('Serviço');
  const unit = await findUnit(trx, service.unit_id);
  const closed =
    closedReason(service, hoursOf(service, unit), unit.time_zone, at) ?? (unit.active ? null : `${unit.name}: unidade fechada`);
  if (closed) throw new DomainError('CONFLICT', 'SERVICE_CLOSED', closed, { serviceId: service.id });
  let priority: { id: string; name: string; weight: number } | null = null;
  if (input.priority) {
    priority =
      (await trx
        .selectFrom('queue_priorities')
        .select(['id', 'name', 'weight'])
        .where('id', '=', input.priority)
        .where('active', '=', true)
        .executeTakeFirst()) ?? null;
    if (!priority) throw notFound('Prioridade');
  }
  const businessDate = localDateIn(at, unit.time_zone);
  const counter = await trx
    .insertInto('queue_daily_counters')
    .values({ tenant_id: tenantOf(trx), service_id: service.id, business_date: businessDate, last_number: 1 })
    .onConflict((conflict) => {
      const update = conflict
        .columns(['service_id', 'business_date'])
        .doUpdateSet({ last_number: sql`queue_daily_counters.last_number + 1` });
      return service.daily_cap === null ? update : update.where('queue_daily_counters.last_number', '<', service.daily_cap);
    })
    .returning('last_number')
    .executeTakeFirst();
  if (!counter)
    throw new DomainError('CONFLICT', 'DAILY_CAP_REACHED', `${service.name}: as senhas de hoje acabaram`, {
      serviceId: service.id,
      dailyCap: service.daily_cap,
    });
  const ticket = await trx
    .insertInto('queue_tickets')
    .values({
      tenant_id: tenantOf(trx),
      unit_id: unit.id,
      service_id: service.id,
      issued_service_id: service.id,
      business_date: businessDate,
      number: counter.last_number,
      code: ticketCode(service.prefix, counter.last_number),
      public_code: newPublicCode(),
      priority_id: priority?.id ?? null,
      priority_name: priority?.name ?? null,
      priority_weight: priority?.weight ?? 0,
      arrived_at: at,
      issued_by_device_id: actor.deviceId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordMove(trx, actor, ticket, 'issued', null, at);
  const { position, estimatedWaitMin } = await placeInLine(trx, ticket);
  return {
    ticketId: ticket.id,
    code: ticket.code,
    position,
    estimatedWaitMin,
    statusUrl: statusUrlOf(deps.publicUrl, ticket.public_code),
    publicCode: ticket.public_code,
    serviceName: service.name,
    unitName: unit.name,
    priority: ticket.priority_name,
    issuedAt: at.toISOString(),
  };
}

export const statusUrlOf = (publicUrl: string, publicCode: string) => `${publicUrl.replace(/\/+$/, '')}/senha/${publicCode}`;

/**
 * Where a waiting ticket stands in its line (1 = next), counting who the calling rule serves
 * first: heavier priorities, then earlier arrivals of the same weight. The estimate spreads the
 * people ahead over the unit's active desks at the service's expected time.
 */
export async function placeInLine(
  trx: TenantTransaction,
  ticket: Pick<QueueTicket, 'id' | 'service_id' | 'unit_id' | 'status' | 'priority_weight' | 'arrived_at' | 'business_date'>,
): Promise<{ position: number; estimatedWaitMin: number }> {
  if (ticket.status !== 'waiting') return { position: 0, estimatedWaitMin: 0 };
  const row = await trx
    .selectFrom('queue_tickets')
    .select((eb) => [
      eb.fn.countAll<string>().as('ahead'),
      eb
        .selectFrom('queue_desks')
        .select((inner) => inner.fn.countAll<string>().as('desks'))
        .where('unit_id', '=', ticket.unit_id)
        .where('active', '=', true)
        .as('desks'),
      eb.selectFrom('queue_services').select('expected_service_min').where('id', '=', ticket.service_id).as('expected'),
    ])
    .where('service_id', '=', ticket.service_id)
    .where('status', '=', 'waiting')
    .where('business_date', '=', ticket.business_date)
    .where((eb) =>
      eb.or([
        eb('priority_weight', '>', ticket.priority_weight),
        eb.and([
          eb('priority_weight', '=', ticket.priority_weight),
          eb(eb.refTuple('arrived_at', 'id'), '<', eb.tuple(ticket.arrived_at, ticket.id)),
        ]),
      ]),
    )
    .executeTakeFirstOrThrow();
  const position = Number(row.ahead) + 1;
  const desks = Math.max(1, Number(row.desks ?? 0));
  return { position, estimatedWaitMin: Math.ceil((position * (row.expected ?? 10)) / desks) };
}

/**
 * The line is today's: a ticket still waiting from an earlier business date (nobody called it before
 * closing) is in no line, with no job to sweep it. `at` is an instant; the date is the unit's.
 */
export const onBusinessDateOf = (at: Date, timeZone: RawBuilder<string> | string) =>
  sql<string>`(${at.toISOString()}::timestamptz at time zone ${timeZone})::date`;

/** How many wait in a service's line now, as a column of a query over services. */
export const waitingInService = (eb: ExpressionBuilder<DB, 'queue_services'>) =>
  eb
    .selectFrom('queue_tickets')
    .select((inner) => inner.fn.countAll<string>().as('waiting'))
    .whereRef('queue_tickets.service_id', '=', 'queue_services.id')
    .where('queue_tickets.status', '=', 'waiting')
    .where(
      'queue_tickets.business_date',
      '=',
      onBusinessDateOf(new Date(), sql<string>`(select time_zone from queue_units where queue_units.id = queue_services.unit_id)`),
    )
    .as('waiting');
