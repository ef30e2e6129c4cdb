import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { HelpdeskChannel, HelpdeskMessage, HelpdeskTicket, MessageSource } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { decodeKeysetCursor, encodeKeysetCursor, exactTimestamp } from '../../platform/keyset-cursor';
import { queueApiStatusCallback } from './api-callbacks';
import { assertChannelSends, isPaused } from './channels/channels';
import type { DeliveryStatus, InboundStatus, MessageKind } from './channels/provider';
import { describeOwnMedia } from './media';
import { announceTicket, findVisibleTicket, transitionTicket, type TicketCommand } from './tickets';

export interface MessageView {
  id: string;
  ticketId: string;
  direction: 'inbound' | 'outbound';
  kind: string;
  body: string;
  isNote: boolean;
  media: { url: string | null; mimeType: string | null; sizeBytes: number | null; fileName: string | null } | null;
  quotedMessageId: string | null;
  status: HelpdeskMessage['status'];
  failureReason: string | null;
  senderUserId: string | null;
  source: MessageSource;
  sentAt: Date | null;
  createdAt: Date;
}

export const toMessageView = (message: HelpdeskMessage): MessageView => ({
  id: message.id,
  ticketId: message.ticket_id,
  direction: message.direction,
  kind: message.kind,
  body: message.body,
  isNote: message.is_note,
  media:
    message.media_url || message.media_mime_type
      ? {
          url: message.media_url,
          mimeType: message.media_mime_type,
          sizeBytes: message.media_size_bytes,
          fileName: message.media_file_name,
        }
      : null,
  quotedMessageId: message.quoted_message_id,
  status: message.status,
  failureReason: message.failure_reason,
  senderUserId: message.sender_user_id,
  source: message.source,
  sentAt: message.sent_at,
  createdAt: message.created_at,
});

const PREVIEW_LENGTH = 120;
const MEDIA_PREVIEWS: Partial<Record<MessageKind, string>> = {
  image: '📷 Imagem',
  audio: '🎤 Áudio',
  video: '🎬 Vídeo',
  document: '📄 Documento',
  sticker: 'Figurinha',
  location: '📍 Localização',
  contacts: '👤 Contato',
};

export function previewOf(kind: string, body: string, isNote = false): string {
  const text = body.trim() || MEDIA_PREVIEWS[kind as MessageKind] || 'Mensagem';
  return `${isNote ? '📝 ' : ''}${text}`.slice(0, PREVIEW_LENGTH);
}

export async function announceMessage(trx: TenantTransaction, message: HelpdeskMessage): Promise<void> {
  await appendEvent(trx, 'message.created', {
    messageId: message.id,
    ticketId: message.ticket_id,
    direction: message.direction,
    kind: message.kind,
    body: message.body,
    isNote: message.is_note,
    status: message.status,
    createdAt: message.created_at.toISOString(),
  });
}

/** Whether the tenant routes new tickets by queue menu, read with the tickets to save a round trip on the busiest path. */
interface TenantRouting {
  queue_menu_enabled: boolean | null;
}

/**
 * Tickets show their newest message: its time (to the microsecond, so the inbox's keyset pages
 * keep their order), its preview, and the unread count, up by the contact's new messages or
 * cleared by a reply. One statement for any number of tickets; announced to the inbox. Each
 * message is found by its key (a lateral `limit 1` probe): a join could be planned as a scan of the
 * tenant's messages while statistics lag behind a growing table.
 */
export async function showLatestMessages(
  trx: TenantTransaction,
  latest: ReadonlyArray<{ messageId: string; preview: string; unread: { add: number } | 'clear' }>,
): Promise<Array<HelpdeskTicket & TenantRouting>> {
  if (latest.length === 0) return [];
  const rows = sql.join(
    latest.map(
      ({ messageId, preview, unread }) => sql`(${messageId}::uuid, ${preview}::text, ${unread === 'clear' ? null : unread.add}::integer)`,
    ),
  );
  const { rows: tickets } = await sql<HelpdeskTicket & TenantRouting>`
    update helpdesk_tickets
    set unread_count = case when latest.unread_added is null then 0 else helpdesk_tickets.unread_count + latest.unread_added end,
        last_message_at = greatest(helpdesk_tickets.last_message_at, message.created_at),
        last_message_preview = latest.preview,
        updated_at = now()
    from (values ${rows}) as latest (message_id, preview, unread_added)
    cross join lateral (select ticket_id, created_at from helpdesk_messages where id = latest.message_id limit 1) as message
    where helpdesk_tickets.id = message.ticket_id
    returning helpdesk_tickets.*,
      (select queue_menu_enabled from helpdesk_settings where helpdesk_settings.tenant_id = helpdesk_tickets.tenant_id) as queue_menu_enabled`.execute(
    trx,
  );
  for (const ticket of tickets) await announceTicket(trx, ticket, 'message');
  return tickets;
}

/**
 * Messages of the channel by the provider's ids, one unique-index probe per id. (`external_id in
 * (…)` can be planned as a walk over all the channel's messages with the list as a filter when
 * statistics lag behind a fast-growing channel; a lateral lookup with `limit 1` per key cannot be
 * flattened into that plan. The batch lookups of contacts and tickets are written the same way.)
 */
export async function messagesByExternalId(
  trx: TenantTransaction,
  channelId: string,
  externalIds: readonly string[],
): Promise<Map<string, HelpdeskMessage>> {
  if (externalIds.length === 0) return new Map();
  const { rows } = await sql<HelpdeskMessage>`
    select message.* from unnest(${[...externalIds]}::text[]) as wanted (external_id)
    cross join lateral (select * from helpdesk_messages where channel_id = ${channelId} and external_id = wanted.external_id limit 1) as message`.execute(
    trx,
  );
  return new Map(rows.map((message) => [message.external_id!, message]));
}

async function messageByExternalId(trx: TenantTransaction, channelId: string, externalId: string): Promise<HelpdeskMessage | undefined> {
  return (await messagesByExternalId(trx, channelId, [externalId])).get(externalId);
}

const STATUS_RANK: Record<DeliveryStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 1.5 };

/**
 * Moves an outbound message forward: pending → sent → delivered → read. Acks are idempotent and
 * may come out of order: one that would move a message back (delivered after read) changes nothing.
 * A failure counts only before delivery.
 */
export async function advanceMessageStatus(
  trx: TenantTransaction,
  message: HelpdeskMessage,
  status: DeliveryStatus,
  change: { failureReason?: string | null; externalId?: string | null } = {},
): Promise<boolean> {
  const current = message.status === 'received' ? undefined : message.status;
  if (!current || current === 'failed' || STATUS_RANK[status] <= STATUS_RANK[current]) {
    if (change.externalId && !message.external_id) {
      await trx.updateTable('helpdesk_messages').set({ external_id: change.externalId }).where('id', '=', message.id).execute();
    }
    return false;
  }
  await trx
    .updateTable('helpdesk_messages')
    .set({
      status,
      status_changed_at: new Date(),
      ...(status === 'failed' ? { failure_reason: change.failureReason ?? 'Falha na entrega' } : {}),
      ...(status === 'sent' ? { sent_at: new Date() } : {}),
      ...(change.externalId && !message.external_id ? { external_id: change.externalId } : {}),
    })
    .where('id', '=', message.id)
    .execute();
  const failureReason = status === 'failed' ? (change.failureReason ?? 'Falha na entrega') : null;
  await appendEvent(trx, 'message.status_changed', { messageId: message.id, ticketId: message.ticket_id, status, failureReason });
  await queueApiStatusCallback(trx, message, status, failureReason);
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A status a provider reported, for the outbound message it names by Balcão's id or its own. */
export async function applyReportedStatus(
  trx: TenantTransaction,
  channel: HelpdeskChannel,
  reported: InboundStatus,
): Promise<{ messageId: string; applied: boolean }> {
  const byOwnId = UUID.test(reported.messageRef)
    ? await trx
        .selectFrom('helpdesk_messages')
        .selectAll()
        .where('id', '=', reported.messageRef)
        .where('channel_id', '=', channel.id)
        .executeTakeFirst()
    : undefined;
  const message = byOwnId ?? (await messageByExternalId(trx, channel.id, reported.messageRef));
  if (!message || message.direction !== 'outbound' || message.is_note) {
    throw new DomainError('NOT_FOUND', 'MESSAGE_NOT_FOUND', 'Mensagem de saída não encontrada neste canal', {
      messageId: reported.messageRef.slice(0, 100),
    });
  }
  const applied = await advanceMessageStatus(trx, message, reported.status, {
    failureReason: reported.error ?? null,
    externalId: reported.externalId ?? null,
  });
  return { messageId: message.id, applied };
}

/** Media a message may carry by URL, by extension: what WhatsApp accepts, nothing executable. */
const MEDIA_KIND_BY_EXTENSION: Record<string, 'image' | 'audio' | 'video' | 'document'> = {
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  webp: 'image',
  mp3: 'audio',
  ogg: 'audio',
  opus: 'audio',
  m4a: 'audio',
  aac: 'audio',
  mp4: 'video',
  '3gp': 'video',
  pdf: 'document',
  txt: 'document',
  csv: 'document',
  doc: 'document',
  docx: 'document',
  xls: 'document',
  xlsx: 'document',
  ppt: 'document',
  pptx: 'document',
};

export function mediaKindOfUrl(url: string): 'image' | 'audio' | 'video' | 'document' {
  const extension = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? '';
  const kind = MEDIA_KIND_BY_EXTENSION[extension];
  if (!kind) {
    throw new DomainError(
      'BAD_REQUEST',
      'MEDIA_TYPE_FORBIDDEN',
      `Tipo de arquivo não permitido (.${extension.slice(0, 10)}); aceitos: ${Object.keys(MEDIA_KIND_BY_EXTENSION).join(', ')}`,
      {
        allowed: Object.keys(MEDIA_KIND_BY_EXTENSION),
      },
    );
  }
  return kind;
}

/** Queues the outbound copy of a message; the channel decides how it travels. */
export type OutboundQueue = (trx: TenantTransaction, channel: HelpdeskChannel, message: HelpdeskMessage, to: string) => Promise<void>;

export interface OutboundDraft {
  body: string;
  source: MessageSource;
  mediaUrl?: string;
  isNote?: boolean;
  quotedMessageId?: string;
  senderUserId?: string;
  apiConfigId?: string;
  externalKey?: string;
}

/** The ticket a draft goes on, and the contact's phone it goes to (read when not given). */
export interface OutboundEntry {
  ticket: HelpdeskTicket;
  draft: OutboundDraft;
  to?: string;
}

/**
 * Stores an outbound message (or note) on a ticket and, unless it is a note, queues it for
 * delivery in the same transaction: it is sent once the change commits, and never if it does not.
 */
export async function recordOutbound(
  trx: TenantTransaction,
  ticket: HelpdeskTicket,
  draft: OutboundDraft,
  queueOutbound: OutboundQueue,
): Promise<HelpdeskMessage> {
  const [message] = await recordOutboundMessages(trx, [{ ticket, draft }], queueOutbound);
  return message!;
}

/**
 * `recordOutbound` for several drafts at once (an API batch), in a fixed number of statements.
 * Channels the caller has just read may be given, to save reading them again.
 */
export async function recordOutboundMessages(
  trx: TenantTransaction,
  entries: readonly OutboundEntry[],
  queueOutbound: OutboundQueue,
  knownChannels: readonly HelpdeskChannel[] = [],
): Promise<HelpdeskMessage[]> {
  const channels = new Map(knownChannels.map((channel) => [channel.id, channel]));
  const channelIds = [
    ...new Set(
      entries.filter((entry) => !entry.draft.isNote && !channels.has(entry.ticket.channel_id)).map((entry) => entry.ticket.channel_id),
    ),
  ];
  if (channelIds.length > 0)
    for (const channel of await trx.selectFrom('helpdesk_channels').selectAll().where('id', 'in', channelIds).execute())
      channels.set(channel.id, channel);
  const planned = [];
  for (const { ticket, draft, to } of entries) {
    const kind = draft.mediaUrl ? mediaKindOfUrl(draft.mediaUrl) : 'text';
    const channel = draft.isNote ? undefined : channels.get(ticket.channel_id);
    if (!draft.isNote && !channel) throw notFound('Canal');
    // People are told the channel is disconnected; an automatic reply is kept, marked as not sent.
    const heldBack = channel !== undefined && draft.source === 'system' && isPaused(channel);
    if (channel && !heldBack) assertChannelSends(channel);
    // A file uploaded here keeps its type, size and name on the message (a document needs its name on WhatsApp).
    const ownMedia = draft.mediaUrl ? await describeOwnMedia(trx, draft.mediaUrl) : undefined;
    planned.push({ id: randomUUID(), ticket, draft, to, kind, channel: heldBack ? undefined : channel, heldBack, ownMedia });
  }
  const inserted = await trx
    .insertInto('helpdesk_messages')
    .values(
      planned.map(({ id, ticket, draft, kind, heldBack, ownMedia }, position) => ({
        id,
        tenant_id: tenantOf(trx),
        ticket_id: ticket.id,
        channel_id: ticket.channel_id,
        contact_id: ticket.contact_id,
        direction: 'outbound' as const,
        kind,
        body: draft.body,
        is_note: draft.isNote ?? false,
        media_url: draft.mediaUrl ?? null,
        media_mime_type: ownMedia?.mime_type ?? null,
        media_size_bytes: ownMedia?.size_bytes ?? null,
        media_file_name: ownMedia?.file_name ?? null,
        quoted_message_id: draft.quotedMessageId ?? null,
        status: draft.isNote ? ('sent' as const) : heldBack ? ('failed' as const) : ('pending' as const),
        failure_reason: heldBack ? 'Canal desconectado' : null,
        sender_user_id: draft.senderUserId ?? null,
        source: draft.source,
        api_config_id: draft.apiConfigId ?? null,
        external_key: draft.externalKey ?? null,
        created_at: messageClock(position),
      })),
    )
    .returningAll()
    .execute();
  const byId = new Map(inserted.map((message) => [message.id, message]));
  const messages = planned.map((plan) => byId.get(plan.id)!);
  for (const message of messages) await announceMessage(trx, message);
  const latest = latestPerTicket(
    planned.map((plan) => ({
      ticketId: plan.ticket.id,
      messageId: plan.id,
      preview: previewOf(plan.kind, plan.draft.body, plan.draft.isNote),
    })),
  );
  await showLatestMessages(
    trx,
    [...latest].map((entry) => ({ ...entry, unread: 'clear' as const })),
  );
  const phonesToRead = [...new Set(planned.filter((plan) => plan.channel && plan.to === undefined).map((plan) => plan.ticket.contact_id))];
  const phones = new Map(
    phonesToRead.length === 0
      ? []
      : (await trx.selectFrom('helpdesk_contacts').select(['id', 'phone']).where('id', 'in', phonesToRead).execute()).map((contact) => [
          contact.id,
          contact.phone,
        ]),
  );
  for (const [index, plan] of planned.entries()) {
    if (plan.channel) await queueOutbound(trx, plan.channel, messages[index]!, plan.to ?? phones.get(plan.ticket.contact_id)!);
  }
  return messages;
}

/**
 * The time of the `position`-th message written by one statement: the wall clock (not the
 * transaction's start, so a reply sorts after what it answers), and one microsecond more per
 * position, so a batch keeps its order even where the clock is coarser than a row.
 */
export const messageClock = (position: number) => sql<Date>`clock_timestamp() + ${position} * interval '1 microsecond'`;

/** The last of each ticket's messages in a batch, by ticket. */
export function latestPerTicket<Entry extends { ticketId: string }>(entries: readonly Entry[]): IterableIterator<Entry> {
  const latest = new Map<string, Entry>();
  for (const entry of entries) latest.set(entry.ticketId, entry);
  return latest.values();
}

export interface SendMessageInput {
  ticketId: string;
  body: string;
  mediaUrl?: string;
  isNote?: boolean;
  quotedMessageId?: string;
}

/** An agent's reply or internal note. Replying to a pending ticket accepts it. */
export async function sendMessage(
  trx: TenantTransaction,
  command: TicketCommand,
  input: SendMessageInput,
  queueOutbound: OutboundQueue,
): Promise<MessageView> {
  let ticket = await findVisibleTicket(trx, command.viewer, input.ticketId);
  if (ticket.status === 'closed') {
    throw new DomainError('CONFLICT', 'TICKET_CLOSED', 'O ticket está encerrado; reabra-o para responder', { status: ticket.status });
  }
  if (!input.body.trim() && !input.mediaUrl)
    throw new DomainError('BAD_REQUEST', 'EMPTY_MESSAGE', 'Escreva uma mensagem ou anexe um arquivo');
  if (input.mediaUrl) mediaKindOfUrl(input.mediaUrl);
  if (input.quotedMessageId) {
    const quoted = await trx
      .selectFrom('helpdesk_messages')
      .select('id')
      .where('id', '=', input.quotedMessageId)
      .where('ticket_id', '=', ticket.id)
      .executeTakeFirst();
    if (!quoted) throw notFound('Mensagem citada');
  }
  if (ticket.status === 'pending' && !input.isNote) {
    ticket = await transitionTicket(
      trx,
      ticket,
      'accept',
      { type: 'user', id: command.viewer.userId },
      { status: 'open', assigneeId: command.viewer.userId, reason: 'Respondeu ao contato' },
    );
  }
  const message = await recordOutbound(trx, ticket, { ...input, source: 'dashboard', senderUserId: command.viewer.userId }, queueOutbound);
  await recordAudit(trx, command.audit, {
    action: input.isNote ? 'helpdesk.note.created' : 'helpdesk.message.sent',
    entity: 'helpdesk_message',
    entityId: message.id,
    after: { ticketId: ticket.id, kind: message.kind, hasMedia: Boolean(input.mediaUrl) },
  });
  return toMessageView(message);
}

const MESSAGE_PAGE = 50;

/** A conversation, newest first, keyset-paged backwards for infinite scroll. */
export async function listMessages(
  trx: TenantTransaction,
  command: Pick<TicketCommand, 'viewer'>,
  input: { ticketId: string; cursor?: string },
): Promise<{ items: MessageView[]; nextCursor: string | null }> {
  await findVisibleTicket(trx, command.viewer, input.ticketId);
  let query = trx
    .selectFrom('helpdesk_messages')
    .selectAll()
    .select(exactTimestamp('created_at').as('cursor_at'))
    .where('ticket_id', '=', input.ticketId);
  if (input.cursor) {
    const [at, id] = decodeKeysetCursor(input.cursor, 'timestamp');
    query = query.where(sql<boolean>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(MESSAGE_PAGE + 1)
    .execute();
  const page = rows.slice(0, MESSAGE_PAGE);
  const last = page.at(-1);
  return {
    items: page.map(toMessageView),
    nextCursor: rows.length > MESSAGE_PAGE && last ? encodeKeysetCursor(last.cursor_at, last.id) : null,
  };
}
