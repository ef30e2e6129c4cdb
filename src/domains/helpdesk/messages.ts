import { sql } from 'kysely';
import type { HelpdeskChannel, HelpdeskContact, HelpdeskMessage, HelpdeskTicket, MessageSource } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { decodeKeysetCursor, encodeKeysetCursor, exactTimestamp } from '../../platform/keyset-cursor';
import { queueApiStatusCallback } from './api-callbacks';
import { assertChannelSends, isPaused, markChannelWorking } from './channels/channels';
import type { DeliveryStatus, InboundMessage, InboundStatus, MessageKind } from './channels/provider';
import { contactForPhone, phoneOrFail } from './contacts';
import { isOpenAt, type BusinessHours } from './business-hours';
import { describeOwnMedia } from './media';
import { routeByQueueMenu } from './queue-menu';
import { getHelpdeskSettings, lockTicketOpening, takeTicketNumber, type HelpdeskSettingsView } from './settings';
import { activeTicketOf, announceTicket, findVisibleTicket, recordTicketEvent, transitionTicket, type TicketCommand } from './tickets';

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
  media: message.media_url || message.media_mime_type ? { url: message.media_url, mimeType: message.media_mime_type, sizeBytes: message.media_size_bytes, fileName: message.media_file_name } : null,
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

function previewOf(kind: string, body: string, isNote = false): string {
  const text = body.trim() || MEDIA_PREVIEWS[kind as MessageKind] || 'Mensagem';
  return `${isNote ? '📝 ' : ''}${text}`.slice(0, PREVIEW_LENGTH);
}

async function announceMessage(trx: TenantTransaction, message: HelpdeskMessage): Promise<void> {
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

/**
 * A ticket's last activity moves to this transaction's time (its messages' created_at, to the
 * microsecond), never backwards when an earlier-started transaction commits later.
 */
const latestActivity = sql<Date>`greatest(helpdesk_tickets.last_message_at, now())`;

export interface IngestResult {
  messageId: string;
  ticketId: string;
  duplicate: boolean;
}

/**
 * Stores one message a contact sent, exactly once: the provider's id is unique per channel, so
 * a retried or concurrent duplicate finds the first copy. The message lands on the contact's
 * active ticket, or reopens their last one within the tenant's reopen window, or opens a new one.
 */
export async function ingestInboundMessage(trx: TenantTransaction, channel: HelpdeskChannel, inbound: InboundMessage, queueOutbound: OutboundQueue): Promise<IngestResult> {
  const phone = phoneOrFail(inbound.from);
  const contact = await contactForPhone(trx, phone, inbound.contactName);
  const body = inbound.body ?? '';
  const preview = previewOf(inbound.kind, body);
  const quotedId = inbound.quotedExternalId ? ((await messageByExternalId(trx, channel.id, inbound.quotedExternalId))?.id ?? null) : null;
  const store = (ticket: HelpdeskTicket) => insertInboundMessage(trx, ticket, inbound, body, quotedId);

  // The usual case, in as few round trips as possible: the contact's active ticket takes it.
  const active = await activeTicketOf(trx, channel.id, contact.id);
  let ticket: HelpdeskTicket;
  let opened = false;
  let settings: HelpdeskSettingsView | undefined;
  let queueMenu: boolean | null = null;
  let message = active ? await store(active) : undefined;
  if (active && message) {
    ({ queueMenu, ...ticket } = await countUnread(trx, active.id, message, preview));
  } else {
    // A retried or concurrent copy of a stored message, or the first message of a (re)opened ticket.
    const known = await messageByExternalId(trx, channel.id, inbound.externalId);
    if (known) return { messageId: known.id, ticketId: known.ticket_id, duplicate: true };
    let isNew: boolean;
    ({ ticket, isNew, opened, settings } = await ticketForInbound(trx, channel, contact, preview));
    message = await store(ticket);
    if (!message) {
      const first = await messageByExternalId(trx, channel.id, inbound.externalId);
      if (!first) throw new Error('inbound message conflicted but no first copy exists');
      return { messageId: first.id, ticketId: first.ticket_id, duplicate: true };
    }
    if (!isNew) ({ queueMenu, ...ticket } = await countUnread(trx, ticket.id, message, preview));
  }
  await announceMessage(trx, message);
  await markChannelWorking(trx, channel);
  const routes = settings?.queueMenu ?? queueMenu ?? (await getHelpdeskSettings(trx)).queueMenu;
  const routed = routes ? await routeByQueueMenu(trx, ticket, { body, opened }, queueOutbound) : ticket;
  if (opened && settings?.outOfHoursMessage && !(await isOpenNow(trx, routed, settings))) {
    await recordOutbound(trx, routed, { body: settings.outOfHoursMessage, source: 'system' }, queueOutbound);
  }
  return { messageId: message.id, ticketId: ticket.id, duplicate: false };
}

/**
 * The ticket shows the new message: one more unread, its preview and time. Whether the tenant
 * routes by queue menu comes back with it, saving a read on the busiest path.
 */
async function countUnread(trx: TenantTransaction, ticketId: string, message: HelpdeskMessage, preview: string): Promise<HelpdeskTicket & { queueMenu: boolean | null }> {
  const ticket = await trx
    .updateTable('helpdesk_tickets')
    .set((eb) => ({ unread_count: eb('unread_count', '+', 1), last_message_at: latestActivity, last_message_preview: preview, updated_at: new Date() }))
    .where('id', '=', ticketId)
    .returningAll()
    .returning((eb) => eb.selectFrom('helpdesk_settings').select('queue_menu_enabled').whereRef('helpdesk_settings.tenant_id', '=', 'helpdesk_tickets.tenant_id').as('queueMenu'))
    .executeTakeFirstOrThrow();
  await announceTicket(trx, ticket, 'message');
  return ticket;
}

/** Inserts the message on the ticket, or nothing when the provider's id is already stored (a duplicate). */
async function insertInboundMessage(trx: TenantTransaction, ticket: HelpdeskTicket, inbound: InboundMessage, body: string, quotedId: string | null): Promise<HelpdeskMessage | undefined> {
  return trx
    .insertInto('helpdesk_messages')
    .values({
      tenant_id: tenantOf(trx),
      ticket_id: ticket.id,
      channel_id: ticket.channel_id,
      contact_id: ticket.contact_id,
      direction: 'inbound',
      kind: inbound.kind,
      body,
      media_url: inbound.media?.url ?? null,
      media_mime_type: inbound.media?.mimeType ?? null,
      media_size_bytes: inbound.media?.sizeBytes ?? null,
      media_file_name: inbound.media?.fileName ?? null,
      quoted_message_id: quotedId,
      external_id: inbound.externalId,
      status: 'received',
      source: 'contact',
      sent_at: inbound.sentAt,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'channel_id', 'external_id']).where('external_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

async function messageByExternalId(trx: TenantTransaction, channelId: string, externalId: string): Promise<HelpdeskMessage | undefined> {
  return trx.selectFrom('helpdesk_messages').selectAll().where('channel_id', '=', channelId).where('external_id', '=', externalId).executeTakeFirst();
}

async function ticketForInbound(
  trx: TenantTransaction,
  channel: HelpdeskChannel,
  contact: HelpdeskContact,
  preview: string,
): Promise<{ ticket: HelpdeskTicket; isNew: boolean; opened: boolean; settings?: HelpdeskSettingsView }> {
  // Called when the contact had no active ticket a moment ago: take the lock, then look again.
  const settings = await lockTicketOpening(trx);
  // Another first message may have opened one while this transaction waited for the lock.
  const openedMeanwhile = await activeTicketOf(trx, channel.id, contact.id);
  if (openedMeanwhile) return { ticket: openedMeanwhile, isNew: false, opened: false };

  const contactActor = { type: 'contact' as const, id: contact.id };
  const lastClosed = await trx
    .selectFrom('helpdesk_tickets')
    .selectAll()
    .where('channel_id', '=', channel.id)
    .where('contact_id', '=', contact.id)
    .where('status', '=', 'closed')
    .where('closed_at', '>', sql<Date>`now() - make_interval(mins => ${settings.reopenWindowMinutes})`)
    .orderBy('closed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (lastClosed) {
    const reopened = await transitionTicket(trx, lastClosed, 'reopen', contactActor, { status: 'pending', reason: 'Nova mensagem do contato dentro da janela de reabertura' });
    return { ticket: reopened, isNew: false, opened: true, settings };
  }

  const ticket = await trx
    .insertInto('helpdesk_tickets')
    .values({
      tenant_id: tenantOf(trx),
      number: await takeTicketNumber(trx),
      channel_id: channel.id,
      contact_id: contact.id,
      status: 'pending',
      unread_count: 1,
      last_message_preview: preview,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordTicketEvent(trx, ticket.id, contactActor, { action: 'created', toStatus: 'pending' });
  await announceTicket(trx, ticket, 'created');
  return { ticket, isNew: true, opened: true, settings };
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
export async function applyReportedStatus(trx: TenantTransaction, channel: HelpdeskChannel, reported: InboundStatus): Promise<{ messageId: string; applied: boolean }> {
  const byOwnId = UUID.test(reported.messageRef)
    ? await trx.selectFrom('helpdesk_messages').selectAll().where('id', '=', reported.messageRef).where('channel_id', '=', channel.id).executeTakeFirst()
    : undefined;
  const message = byOwnId ?? (await messageByExternalId(trx, channel.id, reported.messageRef));
  if (!message || message.direction !== 'outbound' || message.is_note) {
    throw new DomainError('NOT_FOUND', 'MESSAGE_NOT_FOUND', 'Mensagem de saída não encontrada neste canal', { messageId: reported.messageRef.slice(0, 100) });
  }
  const applied = await advanceMessageStatus(trx, message, reported.status, { failureReason: reported.error ?? null });
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
    throw new DomainError('BAD_REQUEST', 'MEDIA_TYPE_FORBIDDEN', `Tipo de arquivo não permitido (.${extension.slice(0, 10)}); aceitos: ${Object.keys(MEDIA_KIND_BY_EXTENSION).join(', ')}`, {
      allowed: Object.keys(MEDIA_KIND_BY_EXTENSION),
    });
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

/**
 * Stores an outbound message (or note) on a ticket and, unless it is a note, queues it for
 * delivery in the same transaction: it is sent once the change commits, and never if it does not.
 */
export async function recordOutbound(trx: TenantTransaction, ticket: HelpdeskTicket, draft: OutboundDraft, queueOutbound: OutboundQueue): Promise<HelpdeskMessage> {
  const kind = draft.mediaUrl ? mediaKindOfUrl(draft.mediaUrl) : 'text';
  const channel = draft.isNote ? undefined : await trx.selectFrom('helpdesk_channels').selectAll().where('id', '=', ticket.channel_id).executeTakeFirstOrThrow();
  // People are told the channel is disconnected; an automatic reply is kept, marked as not sent.
  const heldBack = channel !== undefined && draft.source === 'system' && isPaused(channel);
  // A file uploaded here keeps its type, size and name on the message (a document needs its name on WhatsApp).
  const ownMedia = draft.mediaUrl ? await describeOwnMedia(trx, draft.mediaUrl) : undefined;
  if (channel && !heldBack) assertChannelSends(channel);
  const message = await trx
    .insertInto('helpdesk_messages')
    .values({
      tenant_id: tenantOf(trx),
      ticket_id: ticket.id,
      channel_id: ticket.channel_id,
      contact_id: ticket.contact_id,
      direction: 'outbound',
      kind,
      body: draft.body,
      is_note: draft.isNote ?? false,
      media_url: draft.mediaUrl ?? null,
      media_mime_type: ownMedia?.mime_type ?? null,
      media_size_bytes: ownMedia?.size_bytes ?? null,
      media_file_name: ownMedia?.file_name ?? null,
      quoted_message_id: draft.quotedMessageId ?? null,
      status: draft.isNote ? 'sent' : heldBack ? 'failed' : 'pending',
      failure_reason: heldBack ? 'Canal desconectado' : null,
      sender_user_id: draft.senderUserId ?? null,
      source: draft.source,
      api_config_id: draft.apiConfigId ?? null,
      external_key: draft.externalKey ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await announceMessage(trx, message);
  const updated = await trx
    .updateTable('helpdesk_tickets')
    .set({ last_message_at: latestActivity, last_message_preview: previewOf(kind, draft.body, draft.isNote), unread_count: 0, updated_at: new Date() })
    .where('id', '=', ticket.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await announceTicket(trx, updated, 'message');
  if (channel && !heldBack) {
    const contact = await trx.selectFrom('helpdesk_contacts').select('phone').where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    await queueOutbound(trx, channel, message, contact.phone);
  }
  return message;
}

export interface SendMessageInput {
  ticketId: string;
  body: string;
  mediaUrl?: string;
  isNote?: boolean;
  quotedMessageId?: string;
}

/** An agent's reply or internal note. Replying to a pending ticket accepts it. */
export async function sendMessage(trx: TenantTransaction, command: TicketCommand, input: SendMessageInput, queueOutbound: OutboundQueue): Promise<MessageView> {
  let ticket = await findVisibleTicket(trx, command.viewer, input.ticketId);
  if (ticket.status === 'closed') {
    throw new DomainError('CONFLICT', 'TICKET_CLOSED', 'O ticket está encerrado; reabra-o para responder', { status: ticket.status });
  }
  if (!input.body.trim() && !input.mediaUrl) throw new DomainError('BAD_REQUEST', 'EMPTY_MESSAGE', 'Escreva uma mensagem ou anexe um arquivo');
  if (input.mediaUrl) mediaKindOfUrl(input.mediaUrl);
  if (input.quotedMessageId) {
    const quoted = await trx.selectFrom('helpdesk_messages').select('id').where('id', '=', input.quotedMessageId).where('ticket_id', '=', ticket.id).executeTakeFirst();
    if (!quoted) throw notFound('Mensagem citada');
  }
  if (ticket.status === 'pending' && !input.isNote) {
    ticket = await transitionTicket(trx, ticket, 'accept', { type: 'user', id: command.viewer.userId }, { status: 'open', assigneeId: command.viewer.userId, reason: 'Respondeu ao contato' });
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
  let query = trx.selectFrom('helpdesk_messages').selectAll().select(exactTimestamp('created_at').as('cursor_at')).where('ticket_id', '=', input.ticketId);
  if (input.cursor) {
    const [at, id] = decodeKeysetCursor(input.cursor, 'timestamp');
    query = query.where(sql<boolean>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(MESSAGE_PAGE + 1).execute();
  const page = rows.slice(0, MESSAGE_PAGE);
  const last = page.at(-1);
  return {
    items: page.map(toMessageView),
    nextCursor: rows.length > MESSAGE_PAGE && last ? encodeKeysetCursor(last.cursor_at, last.id) : null,
  };
}


/** Business hours of the ticket's queue when it has its own, else the tenant's, in the tenant's zone. */
async function isOpenNow(trx: TenantTransaction, ticket: HelpdeskTicket, settings: HelpdeskSettingsView): Promise<boolean> {
  const tenant = await trx.selectFrom('tenants').select('timezone').where('id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
  const queue = ticket.queue_id ? await trx.selectFrom('helpdesk_queues').select('business_hours').where('id', '=', ticket.queue_id).executeTakeFirst() : undefined;
  const hours = (queue?.business_hours as BusinessHours | null | undefined) ?? settings.businessHours;
  return isOpenAt(hours, tenant.timezone, new Date());
}
