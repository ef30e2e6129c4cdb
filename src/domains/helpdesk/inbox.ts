import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { DB, TicketStatus } from '../../db/schema';
import type { TenantTransaction } from '../../db/tenant-scope';
import { notFound } from '../../platform/errors';
import { decodeKeysetCursor, encodeKeysetCursor, exactTimestamp } from '../../platform/keyset-cursor';
import { contactsMatching } from './contacts';
import { scoped, type TicketViewer } from './tickets';

/* The inbox: the tickets a viewer may see, listed, counted per status and opened with their history. */

export interface TicketListItem {
  id: string;
  number: number;
  status: TicketStatus;
  channelId: string;
  queueId: string | null;
  queueName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  contact: { id: string; name: string; phone: string };
  unreadCount: number;
  lastMessageAt: Date;
  lastMessagePreview: string;
  tags: string[];
  closeReason: string | null;
  createdAt: Date;
}

export interface TicketListFilter {
  status?: TicketStatus;
  queueId?: string;
  assigneeId?: string;
  tag?: string;
  search?: string;
  cursor?: string;
  limit?: number;
}

const DEFAULT_PAGE = 30;

function ticketListQuery(trx: TenantTransaction, viewer: TicketViewer) {
  return scoped(
    trx
      .selectFrom('helpdesk_tickets')
      .innerJoin('helpdesk_contacts', 'helpdesk_contacts.id', 'helpdesk_tickets.contact_id')
      .leftJoin('helpdesk_queues', 'helpdesk_queues.id', 'helpdesk_tickets.queue_id')
      .leftJoin('users', 'users.id', 'helpdesk_tickets.assignee_id')
      .select([
        'helpdesk_tickets.id',
        'helpdesk_tickets.number',
        'helpdesk_tickets.status',
        'helpdesk_tickets.channel_id',
        'helpdesk_tickets.queue_id',
        'helpdesk_queues.name as queue_name',
        'helpdesk_tickets.assignee_id',
        'users.name as assignee_name',
        'helpdesk_contacts.id as contact_id',
        'helpdesk_contacts.name as contact_name',
        'helpdesk_contacts.phone as contact_phone',
        'helpdesk_tickets.unread_count',
        'helpdesk_tickets.last_message_at',
        'helpdesk_tickets.last_message_preview',
        'helpdesk_tickets.tags',
        'helpdesk_tickets.close_reason',
        'helpdesk_tickets.created_at',
        exactTimestamp('helpdesk_tickets.last_message_at').as('cursor_at'),
      ]) as unknown as SelectQueryBuilder<DB, 'helpdesk_tickets' | 'helpdesk_contacts', TicketListRow>,
    viewer,
  );
}

interface TicketListRow {
  id: string;
  number: number;
  status: TicketStatus;
  channel_id: string;
  queue_id: string | null;
  queue_name: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  contact_id: string;
  contact_name: string;
  contact_phone: string;
  unread_count: number;
  last_message_at: Date;
  last_message_preview: string;
  tags: string[];
  close_reason: string | null;
  created_at: Date;
  cursor_at: string;
}

const toListItem = (row: TicketListRow): TicketListItem => ({
  id: row.id,
  number: row.number,
  status: row.status,
  channelId: row.channel_id,
  queueId: row.queue_id,
  queueName: row.queue_name,
  assigneeId: row.assignee_id,
  assigneeName: row.assignee_name,
  contact: { id: row.contact_id, name: row.contact_name, phone: row.contact_phone },
  unreadCount: row.unread_count,
  lastMessageAt: row.last_message_at,
  lastMessagePreview: row.last_message_preview,
  tags: row.tags,
  closeReason: row.close_reason,
  createdAt: row.created_at,
});

/** The inbox: newest activity first, keyset-paged on (last_message_at, id). */
export async function listTickets(
  trx: TenantTransaction,
  viewer: TicketViewer,
  filter: TicketListFilter,
): Promise<{ items: TicketListItem[]; nextCursor: string | null }> {
  const limit = filter.limit ?? DEFAULT_PAGE;
  let query = narrowedTo(ticketListQuery(trx, viewer), filter);
  if (filter.status) query = query.where('helpdesk_tickets.status', '=', filter.status);
  if (filter.cursor) {
    const [at, id] = decodeKeysetCursor(filter.cursor, 'timestamp');
    query = query.where(sql<boolean>`(helpdesk_tickets.last_message_at, helpdesk_tickets.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('helpdesk_tickets.last_message_at', 'desc')
    .orderBy('helpdesk_tickets.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toListItem), nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.cursor_at, last.id) : null };
}

export type InboxFilter = Pick<TicketListFilter, 'queueId' | 'assigneeId' | 'tag' | 'search'>;

/** The inbox filters other than the status tab, shared by the list and its counts. */
function narrowedTo<O>(query: SelectQueryBuilder<DB, 'helpdesk_tickets' | 'helpdesk_contacts', O>, filter: InboxFilter) {
  let narrowed = query;
  if (filter.queueId) narrowed = narrowed.where('helpdesk_tickets.queue_id', '=', filter.queueId);
  if (filter.assigneeId) narrowed = narrowed.where('helpdesk_tickets.assignee_id', '=', filter.assigneeId);
  if (filter.tag) narrowed = narrowed.where(sql<boolean>`${filter.tag} = any(helpdesk_tickets.tags)`);
  if (filter.search) narrowed = narrowed.where(searchMatches(filter.search));
  return narrowed;
}

/** Text search over the contact's name and phone and the ticket number. */
function searchMatches(search: string) {
  const number = /^#?\d{1,9}$/.test(search.trim()) ? Number(search.trim().replace('#', '')) : undefined;
  return (eb: ExpressionBuilder<DB, 'helpdesk_tickets' | 'helpdesk_contacts'>) =>
    eb.or([
      eb('helpdesk_tickets.contact_id', 'in', contactsMatching(search)),
      ...(number !== undefined ? [eb('helpdesk_tickets.number', '=', number)] : []),
    ]);
}

/** Tickets per status in the viewer's inbox, for the tabs' badges. */
export async function countTickets(
  trx: TenantTransaction,
  viewer: TicketViewer,
  filter: InboxFilter = {},
): Promise<Record<TicketStatus, number>> {
  const base = trx.selectFrom('helpdesk_tickets').innerJoin('helpdesk_contacts', 'helpdesk_contacts.id', 'helpdesk_tickets.contact_id');
  const rows = await narrowedTo(
    scoped(base.select(['helpdesk_tickets.status', (eb) => eb.fn.countAll<string>().as('count')]), viewer),
    filter,
  )
    .groupBy('helpdesk_tickets.status')
    .execute();
  const counts: Record<TicketStatus, number> = { pending: 0, open: 0, closed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

export async function getTicket(trx: TenantTransaction, viewer: TicketViewer, id: string) {
  const row = await ticketListQuery(trx, viewer).where('helpdesk_tickets.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Ticket');
  const history = await trx
    .selectFrom('helpdesk_ticket_events')
    .select(['id', 'action', 'from_status', 'to_status', 'actor_type', 'actor_id', 'reason', 'details', 'at'])
    .where('ticket_id', '=', id)
    .orderBy('id')
    .execute();
  return {
    ...toListItem(row),
    history: history.map((entry) => ({
      id: entry.id,
      action: entry.action,
      fromStatus: entry.from_status,
      toStatus: entry.to_status,
      actor: { type: entry.actor_type, id: entry.actor_id },
      reason: entry.reason,
      details: entry.details,
      at: entry.at,
    })),
  };
}
