import { sql, type SelectQueryBuilder } from 'kysely';
import type { DB, HelpdeskTicket, TicketActorType, TicketStatus } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type { EventMap } from '../../platform/events/catalog';
import { lockTicketOpening, type HelpdeskSettingsView } from './settings';
import type { TicketSummary } from './events';

/** Who acts on a ticket, for its history: a user, the contact (by writing), the system or an API client. */
export interface TicketActor {
  type: TicketActorType;
  id: string | null;
}

/** Whose inbox a query is for: agents see their queues, tickets without a queue and their own. */
export interface TicketViewer {
  userId: string;
  seesAllQueues: boolean;
}

export type TicketAction = 'accept' | 'transfer' | 'close' | 'reopen';

/**
 * The one state machine of a ticket. Every change of status goes through `transitionTicket`,
 * so no rule elsewhere can reopen or close a ticket on its own.
 */
const TRANSITIONS: Record<TicketAction, { from: readonly TicketStatus[] }> = {
  accept: { from: ['pending'] },
  transfer: { from: ['pending', 'open'] },
  close: { from: ['pending', 'open'] },
  reopen: { from: ['closed'] },
};

const ACTION_LABELS: Record<TicketAction, string> = { accept: 'aceitar', transfer: 'transferir', close: 'encerrar', reopen: 'reabrir' };
const STATUS_LABELS: Record<TicketStatus, string> = { pending: 'pendente', open: 'em atendimento', closed: 'encerrado' };

export function summaryOf(ticket: HelpdeskTicket): TicketSummary {
  return {
    ticketId: ticket.id,
    number: ticket.number,
    status: ticket.status,
    channelId: ticket.channel_id,
    contactId: ticket.contact_id,
    queueId: ticket.queue_id,
    assigneeId: ticket.assignee_id,
    unreadCount: ticket.unread_count,
    lastMessageAt: ticket.last_message_at.toISOString(),
    lastMessagePreview: ticket.last_message_preview,
  };
}

export interface TicketHistoryEntry {
  action: string;
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export async function recordTicketEvent(
  trx: TenantTransaction,
  ticketId: string,
  actor: TicketActor,
  entry: TicketHistoryEntry,
): Promise<void> {
  await trx
    .insertInto('helpdesk_ticket_events')
    .values({
      tenant_id: tenantOf(trx),
      ticket_id: ticketId,
      action: entry.action,
      from_status: entry.fromStatus ?? null,
      to_status: entry.toStatus ?? null,
      actor_type: actor.type,
      actor_id: actor.id,
      reason: entry.reason ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export async function announceTicket(
  trx: TenantTransaction,
  ticket: HelpdeskTicket,
  change: EventMap['ticket.updated']['change'] | 'created',
  previous?: Pick<HelpdeskTicket, 'queue_id' | 'assignee_id'>,
): Promise<void> {
  if (change === 'created') await appendEvent(trx, 'ticket.created', summaryOf(ticket));
  else
    await appendEvent(trx, 'ticket.updated', {
      ...summaryOf(ticket),
      change,
      ...(previous ? { previous: { queueId: previous.queue_id, assigneeId: previous.assignee_id } } : {}),
    });
}

/** Agents see tickets of their queues, tickets with no queue yet, and tickets assigned to them. */
function visibleTo(viewer: TicketViewer) {
  return sql<boolean>`(
    helpdesk_tickets.queue_id is null
    or helpdesk_tickets.assignee_id = ${viewer.userId}
    or helpdesk_tickets.queue_id in (select queue_id from helpdesk_queue_members where user_id = ${viewer.userId})
  )`;
}

/** Narrows a query on tickets to those the viewer may see. */
export function scoped<TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, viewer: TicketViewer): SelectQueryBuilder<DB, TB, O> {
  return viewer.seesAllQueues ? query : query.where(visibleTo(viewer));
}

/** A ticket the viewer may see; another tenant's id, or one outside the viewer's queues, is NOT_FOUND. */
export async function findVisibleTicket(trx: TenantTransaction, viewer: TicketViewer, id: string): Promise<HelpdeskTicket> {
  const ticket = await scoped(
    trx.selectFrom('helpdesk_tickets').selectAll('helpdesk_tickets').where('helpdesk_tickets.id', '=', id),
    viewer,
  ).executeTakeFirst();
  if (!ticket) throw notFound('Ticket');
  return ticket;
}

/**
 * Applies one action of the state machine. The update is conditional on the status the caller
 * saw, so two agents accepting at once yield one owner and one 409 with the current state.
 */
export async function transitionTicket(
  trx: TenantTransaction,
  ticket: HelpdeskTicket,
  action: TicketAction,
  actor: TicketActor,
  change: { status: TicketStatus; queueId?: string | null; assigneeId?: string | null; reason?: string | null },
): Promise<HelpdeskTicket> {
  const refuse = (current: HelpdeskTicket) =>
    new DomainError(
      'CONFLICT',
      'TICKET_TRANSITION_FORBIDDEN',
      `Não é possível ${ACTION_LABELS[action]} um ticket ${STATUS_LABELS[current.status]}`,
      {
        status: current.status,
        assigneeId: current.assignee_id,
        action,
      },
    );
  if (!TRANSITIONS[action].from.includes(ticket.status)) throw refuse(ticket);
  const now = new Date();
  const updated = await trx
    .updateTable('helpdesk_tickets')
    .set({
      status: change.status,
      ...(change.queueId !== undefined ? { queue_id: change.queueId } : {}),
      ...(change.assigneeId !== undefined ? { assignee_id: change.assigneeId } : {}),
      ...(change.status === 'closed'
        ? { closed_at: now, close_reason: change.reason ?? null, unread_count: 0 }
        : { closed_at: null, close_reason: null }),
      updated_at: now,
    })
    .where('id', '=', ticket.id)
    .where('status', '=', ticket.status)
    .returningAll()
    .executeTakeFirst();
  if (!updated) {
    const current = await trx.selectFrom('helpdesk_tickets').selectAll().where('id', '=', ticket.id).executeTakeFirstOrThrow();
    throw refuse(current);
  }
  await recordTicketEvent(trx, ticket.id, actor, {
    action,
    fromStatus: ticket.status,
    toStatus: updated.status,
    reason: change.reason ?? null,
    details: { queueId: updated.queue_id, assigneeId: updated.assignee_id },
  });
  const eventChange = action === 'accept' ? 'accepted' : action === 'transfer' ? 'transferred' : action === 'close' ? 'closed' : 'reopened';
  await announceTicket(trx, updated, eventChange, ticket);
  return updated;
}

async function assertQueueExists(trx: TenantTransaction, queueId: string): Promise<void> {
  const queue = await trx.selectFrom('helpdesk_queues').select('id').where('id', '=', queueId).executeTakeFirst();
  if (!queue) throw notFound('Fila');
}

async function assertActiveUser(trx: TenantTransaction, userId: string): Promise<void> {
  const user = await trx.selectFrom('users').select('id').where('id', '=', userId).where('active', '=', true).executeTakeFirst();
  if (!user) throw notFound('Usuário');
}

const auditTicket = (trx: TenantTransaction, audit: AuditContext, action: TicketAction, before: HelpdeskTicket, after: HelpdeskTicket) =>
  recordAudit(trx, audit, {
    action: `helpdesk.ticket.${action}`,
    entity: 'helpdesk_ticket',
    entityId: after.id,
    before: { status: before.status, queueId: before.queue_id, assigneeId: before.assignee_id },
    after: {
      status: after.status,
      queueId: after.queue_id,
      assigneeId: after.assignee_id,
      ...(after.close_reason ? { closeReason: after.close_reason } : {}),
    },
  });

export interface TicketCommand {
  viewer: TicketViewer;
  audit: AuditContext;
}

const userActorOf = (command: TicketCommand): TicketActor => ({ type: 'user', id: command.viewer.userId });

export async function acceptTicket(trx: TenantTransaction, command: TicketCommand, id: string): Promise<HelpdeskTicket> {
  const ticket = await findVisibleTicket(trx, command.viewer, id);
  const accepted = await transitionTicket(trx, ticket, 'accept', userActorOf(command), {
    status: 'open',
    assigneeId: command.viewer.userId,
  });
  await auditTicket(trx, command.audit, 'accept', ticket, accepted);
  return accepted;
}

/** To a user: open and theirs. To a queue only: back to pending there, for its members to accept. */
export async function transferTicket(
  trx: TenantTransaction,
  command: TicketCommand,
  input: { id: string; queueId?: string; userId?: string },
): Promise<HelpdeskTicket> {
  if (!input.queueId && !input.userId)
    throw new DomainError('BAD_REQUEST', 'TRANSFER_TARGET_MISSING', 'Informe a fila e/ou o usuário de destino');
  const ticket = await findVisibleTicket(trx, command.viewer, input.id);
  if (input.queueId) await assertQueueExists(trx, input.queueId);
  if (input.userId) await assertActiveUser(trx, input.userId);
  const transferred = await transitionTicket(trx, ticket, 'transfer', userActorOf(command), {
    status: input.userId ? 'open' : 'pending',
    queueId: input.queueId ?? ticket.queue_id,
    assigneeId: input.userId ?? null,
  });
  await auditTicket(trx, command.audit, 'transfer', ticket, transferred);
  return transferred;
}

export async function closeTicket(
  trx: TenantTransaction,
  command: TicketCommand,
  input: { id: string; reason?: string },
): Promise<HelpdeskTicket> {
  const ticket = await findVisibleTicket(trx, command.viewer, input.id);
  const closed = await transitionTicket(trx, ticket, 'close', userActorOf(command), { status: 'closed', reason: input.reason ?? null });
  await auditTicket(trx, command.audit, 'close', ticket, closed);
  return closed;
}

/** An agent reopening a ticket takes it: open and assigned to them. */
export async function reopenTicket(trx: TenantTransaction, command: TicketCommand, id: string): Promise<HelpdeskTicket> {
  const ticket = await findVisibleTicket(trx, command.viewer, id);
  const active = ticket.status === 'closed' ? await activeTicketOf(trx, ticket.channel_id, ticket.contact_id) : undefined;
  if (active) {
    throw new DomainError('CONFLICT', 'ACTIVE_TICKET_EXISTS', `O contato já tem o ticket #${active.number} em aberto`, {
      ticketId: active.id,
      number: active.number,
    });
  }
  const reopened = await transitionTicket(trx, ticket, 'reopen', userActorOf(command), {
    status: 'open',
    assigneeId: command.viewer.userId,
  });
  await auditTicket(trx, command.audit, 'reopen', ticket, reopened);
  return reopened;
}

export async function activeTicketOf(trx: TenantTransaction, channelId: string, contactId: string): Promise<HelpdeskTicket | undefined> {
  return (await activeTicketsOf(trx, channelId, [contactId])).get(contactId);
}

/** The active (pending or open) ticket of each contact on the channel, by contact id. */
async function activeTicketsOf(
  trx: TenantTransaction,
  channelId: string,
  contactIds: readonly string[],
): Promise<Map<string, HelpdeskTicket>> {
  if (contactIds.length === 0) return new Map();
  // One index probe per contact, as messagesByExternalId explains.
  const { rows: tickets } = await sql<HelpdeskTicket>`
    select ticket.* from unnest(${[...contactIds]}::uuid[]) as wanted (contact_id)
    cross join lateral (
      select * from helpdesk_tickets where channel_id = ${channelId} and contact_id = wanted.contact_id and status in ('pending', 'open') limit 1
    ) as ticket`.execute(trx);
  return new Map(tickets.map((ticket) => [ticket.contact_id, ticket]));
}

/** How a contact without an active ticket gets one. */
export interface TicketOpening {
  /** Who opens it, for the history: the contact, by writing, or an API client. */
  openedBy: 'contact' | 'api';
  /** A new ticket's status: pending for the inbox, or closed (a notification sent by the API). */
  status: 'pending' | 'closed';
  reason?: string;
  /** Reopen the contact's last ticket instead, when it closed within the tenant's reopen window. */
  reopens: boolean;
}

export interface ContactTicket {
  ticket: HelpdeskTicket;
  /** The ticket was opened or reopened just now, for this contact. */
  opened: boolean;
}

/**
 * The ticket each contact's next message goes on: the active one, else (under the tenant's
 * ticket-opening lock, so concurrent first messages from a contact open one ticket and numbers
 * have no gaps) the last closed one reopened within the window, else a new one. New tickets are
 * numbered, inserted and recorded together, in one statement however many. Contacts this
 * transaction created have no tickets to look for.
 */
export async function ticketsForContacts(
  trx: TenantTransaction,
  channelId: string,
  contacts: { ids: readonly string[]; createdNow: ReadonlySet<string> },
  opening: TicketOpening,
): Promise<{ tickets: Map<string, ContactTicket>; settings?: HelpdeskSettingsView }> {
  const tickets = new Map<string, ContactTicket>();
  const keep = (found: Map<string, HelpdeskTicket>) =>
    found.forEach((ticket, contactId) => tickets.set(contactId, { ticket, opened: false }));
  const mayHaveTickets = (ids: readonly string[]) => ids.filter((id) => !contacts.createdNow.has(id));
  keep(await activeTicketsOf(trx, channelId, mayHaveTickets(contacts.ids)));
  let missing = contacts.ids.filter((id) => !tickets.has(id));
  if (missing.length === 0) return { tickets };

  const settings = await lockTicketOpening(trx);
  // Another first message may have opened one while this transaction waited for the lock.
  keep(await activeTicketsOf(trx, channelId, mayHaveTickets(missing)));
  missing = missing.filter((id) => !tickets.has(id));

  const mayReopen = mayHaveTickets(missing);
  if (opening.reopens && mayReopen.length > 0) {
    const { rows: recentlyClosed } = await sql<HelpdeskTicket>`
      select ticket.* from unnest(${mayReopen}::uuid[]) as wanted (contact_id)
      cross join lateral (
        select * from helpdesk_tickets
        where channel_id = ${channelId} and contact_id = wanted.contact_id and status = 'closed'
          and closed_at > now() - make_interval(mins => ${settings.reopenWindowMinutes})
        order by closed_at desc limit 1
      ) as ticket`.execute(trx);
    for (const closed of recentlyClosed) {
      const reopened = await transitionTicket(
        trx,
        closed,
        'reopen',
        { type: 'contact', id: closed.contact_id },
        { status: 'pending', reason: 'Nova mensagem do contato dentro da janela de reabertura' },
      );
      tickets.set(closed.contact_id, { ticket: reopened, opened: true });
    }
    missing = missing.filter((id) => !tickets.has(id));
  }
  if (missing.length === 0) return { tickets, settings };

  // Numbered, inserted and recorded in the history in one statement.
  const closedAt = opening.status === 'closed' ? sql`now()` : sql`null`;
  const { rows: created } = await sql<HelpdeskTicket>`
    with numbered as (
      update helpdesk_settings set last_ticket_number = last_ticket_number + ${missing.length}
      where tenant_id = ${tenantOf(trx)}
      returning last_ticket_number - ${missing.length} as last_before
    ), created as (
      insert into helpdesk_tickets (tenant_id, number, channel_id, contact_id, status, closed_at, close_reason)
      select ${tenantOf(trx)}, numbered.last_before + wanted.position, ${channelId}, wanted.contact_id, ${opening.status}, ${closedAt}, ${opening.reason ?? null}
      from unnest(${missing}::uuid[]) with ordinality as wanted (contact_id, position) cross join numbered
      returning *
    ), history as (
      insert into helpdesk_ticket_events (tenant_id, ticket_id, action, to_status, actor_type, actor_id, reason, details)
      select tenant_id, id, 'created', status, ${opening.openedBy}, ${opening.openedBy === 'contact' ? sql`contact_id` : sql`null`}, ${opening.reason ?? null}, '{}'::jsonb
      from created
    )
    select * from created order by number`.execute(trx);
  for (const ticket of created) {
    await announceTicket(trx, ticket, 'created');
    tickets.set(ticket.contact_id, { ticket, opened: true });
  }
  return { tickets, settings };
}

export async function markTicketRead(trx: TenantTransaction, viewer: TicketViewer, id: string): Promise<HelpdeskTicket> {
  const ticket = await findVisibleTicket(trx, viewer, id);
  if (ticket.unread_count === 0) return ticket;
  const updated = await trx
    .updateTable('helpdesk_tickets')
    .set({ unread_count: 0 })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await announceTicket(trx, updated, 'read');
  return updated;
}

/** Replaces a ticket's tags (labels for filtering the inbox). */
export async function setTicketTags(
  trx: TenantTransaction,
  command: TicketCommand,
  input: { id: string; tags: string[] },
): Promise<HelpdeskTicket> {
  const ticket = await findVisibleTicket(trx, command.viewer, input.id);
  const tags = [...new Set(input.tags)];
  const updated = await trx
    .updateTable('helpdesk_tickets')
    .set({ tags, updated_at: new Date() })
    .where('id', '=', ticket.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordTicketEvent(trx, ticket.id, userActorOf(command), { action: 'tags', details: { from: ticket.tags, to: tags } });
  await announceTicket(trx, updated, 'tags');
  await recordAudit(trx, command.audit, {
    action: 'helpdesk.ticket.tags',
    entity: 'helpdesk_ticket',
    entityId: ticket.id,
    before: { tags: ticket.tags },
    after: { tags },
  });
  return updated;
}
