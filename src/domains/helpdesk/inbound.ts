import type { HelpdeskChannel, HelpdeskMessage, HelpdeskTicket } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { isOpenAt, type BusinessHours } from '../../platform/business-hours';
import { markChannelWorking } from './channels/channels';
import type { InboundMessage } from './channels/provider';
import { contactsForPhones, phoneOrFail } from './contacts';
import {
  announceMessage,
  latestPerTicket,
  messageClock,
  messagesByExternalId,
  previewOf,
  recordOutbound,
  showLatestMessages,
  type OutboundQueue,
} from './messages';
import { routeByQueueMenu } from './queue-menu';
import type { HelpdeskSettingsView } from './settings';
import { ticketsForContacts, type ContactTicket } from './tickets';

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
export async function ingestInboundMessage(
  trx: TenantTransaction,
  channel: HelpdeskChannel,
  inbound: InboundMessage,
  queueOutbound: OutboundQueue,
): Promise<IngestResult> {
  const [result] = await ingestInboundMessages(trx, channel, [inbound], queueOutbound);
  return result!;
}

/**
 * `ingestInboundMessage` for messages that arrive together (a provider's batch, or webhook calls
 * grouped into one commit), in order, with set-based statements: however many messages, about
 * ten round trips when their contacts have active tickets, a few more when tickets open.
 */
export async function ingestInboundMessages(
  trx: TenantTransaction,
  channel: HelpdeskChannel,
  batch: readonly InboundMessage[],
  queueOutbound: OutboundQueue,
): Promise<IngestResult[]> {
  const items = batch.map((inbound) => ({ inbound, phone: phoneOrFail(inbound.from), body: inbound.body ?? '' }));
  const results: IngestResult[] = new Array(items.length);

  // A retry of a stored message is answered with the first copy and changes nothing.
  const stored = await messagesByExternalId(trx, channel.id, [...new Set(items.map((item) => item.inbound.externalId))]);
  const fresh = items.flatMap((item, index) => {
    const first = stored.get(item.inbound.externalId);
    if (first) results[index] = { messageId: first.id, ticketId: first.ticket_id, duplicate: true };
    return first ? [] : [{ ...item, index }];
  });
  if (fresh.length === 0) return results;

  const { byPhone: contacts, createdNow } = await contactsForPhones(
    trx,
    fresh.map(({ phone, inbound }) => ({ phone, ...(inbound.contactName ? { reportedName: inbound.contactName } : {}) })),
  );
  const contactIds = [...new Set(fresh.map((item) => contacts.get(item.phone)!.id))];
  const opening = await ticketsForContacts(
    trx,
    channel.id,
    { ids: contactIds, createdNow },
    { openedBy: 'contact', status: 'pending', reopens: true },
  );
  const ticketOf = (item: (typeof fresh)[number]): ContactTicket => opening.tickets.get(contacts.get(item.phone)!.id)!;
  const quotedIds = [...new Set(fresh.flatMap((item) => (item.inbound.quotedExternalId ? [item.inbound.quotedExternalId] : [])))];
  const quoted = await messagesByExternalId(trx, channel.id, quotedIds);

  // A copy in this batch, or one another transaction stored meanwhile, is skipped by the unique index.
  const inserted = await trx
    .insertInto('helpdesk_messages')
    .values(
      fresh.map((item, position) => {
        const { ticket } = ticketOf(item);
        const { inbound } = item;
        return {
          tenant_id: tenantOf(trx),
          ticket_id: ticket.id,
          channel_id: channel.id,
          contact_id: ticket.contact_id,
          direction: 'inbound' as const,
          kind: inbound.kind,
          body: item.body,
          media_url: inbound.media?.url ?? null,
          media_mime_type: inbound.media?.mimeType ?? null,
          media_size_bytes: inbound.media?.sizeBytes ?? null,
          media_file_name: inbound.media?.fileName ?? null,
          quoted_message_id: inbound.quotedExternalId ? (quoted.get(inbound.quotedExternalId)?.id ?? null) : null,
          external_id: inbound.externalId,
          status: 'received' as const,
          source: 'contact' as const,
          sent_at: inbound.sentAt,
          created_at: messageClock(position),
        };
      }),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'channel_id', 'external_id']).where('external_id', 'is not', null).doNothing())
    .returningAll()
    .execute();
  const insertedById = new Map(inserted.map((message) => [message.external_id!, message]));
  const storedMeanwhile = await messagesByExternalId(
    trx,
    channel.id,
    fresh.filter((item) => !insertedById.has(item.inbound.externalId)).map((item) => item.inbound.externalId),
  );

  const kept: Array<{ item: (typeof fresh)[number]; message: HelpdeskMessage }> = [];
  const claimed = new Set<string>();
  for (const item of fresh) {
    const message = insertedById.get(item.inbound.externalId);
    const isFirstCopy = message !== undefined && !claimed.has(message.id);
    const first = message ?? storedMeanwhile.get(item.inbound.externalId);
    if (!first) throw new Error('inbound message conflicted but no first copy exists');
    results[item.index] = { messageId: first.id, ticketId: first.ticket_id, duplicate: !isFirstCopy };
    if (isFirstCopy) {
      claimed.add(message.id);
      kept.push({ item, message });
    }
  }
  if (kept.length === 0) return results;

  for (const { message } of kept) await announceMessage(trx, message);
  const unreadAdded = new Map<string, number>();
  for (const { message } of kept) unreadAdded.set(message.ticket_id, (unreadAdded.get(message.ticket_id) ?? 0) + 1);
  const latest = latestPerTicket(
    kept.map(({ message }) => ({ ticketId: message.ticket_id, messageId: message.id, preview: previewOf(message.kind, message.body) })),
  );
  const shown = await showLatestMessages(
    trx,
    [...latest].map((entry) => ({ ...entry, unread: { add: unreadAdded.get(entry.ticketId)! } })),
  );
  await markChannelWorking(trx, channel);
  await answerAutomatically(
    trx,
    new Map(shown.map((ticket) => [ticket.id, ticket])),
    kept.map(({ item, message }) => ({ message, opened: ticketOf(item).opened })),
    { settings: opening.settings, queueMenu: shown[0]?.queue_menu_enabled === true },
    queueOutbound,
  );
  return results;
}

/**
 * What the tenant set up to answer by itself: the queue menu routes a pending ticket without a
 * queue, message by message; a ticket opened outside business hours gets the out-of-hours reply
 * once, after the menu has routed its first message.
 */
async function answerAutomatically(
  trx: TenantTransaction,
  ticketsById: Map<string, HelpdeskTicket>,
  kept: ReadonlyArray<{ message: HelpdeskMessage; opened: boolean }>,
  tenant: { settings: HelpdeskSettingsView | undefined; queueMenu: boolean },
  queueOutbound: OutboundQueue,
): Promise<void> {
  // The settings were read under the ticket-opening lock whenever a ticket opened.
  const { settings } = tenant;
  const queueMenu = settings?.queueMenu ?? tenant.queueMenu;
  const routable = queueMenu && [...ticketsById.values()].some((ticket) => ticket.status === 'pending' && ticket.queue_id === null);
  if (!routable && !kept.some((entry) => entry.opened)) return;
  const answered = new Set<string>();
  for (const { message, opened } of kept) {
    let ticket = ticketsById.get(message.ticket_id)!;
    const firstOfOpenedTicket = opened && !answered.has(ticket.id);
    answered.add(ticket.id);
    if (queueMenu) ticket = await routeByQueueMenu(trx, ticket, { body: message.body, opened: firstOfOpenedTicket }, queueOutbound);
    if (firstOfOpenedTicket && settings?.outOfHoursMessage && !(await isOpenNow(trx, ticket, settings))) {
      await recordOutbound(trx, ticket, { body: settings.outOfHoursMessage, source: 'system' }, queueOutbound);
    }
    ticketsById.set(ticket.id, ticket);
  }
}

/** Business hours of the ticket's queue when it has its own, else the tenant's, in the tenant's zone. */
async function isOpenNow(trx: TenantTransaction, ticket: HelpdeskTicket, settings: HelpdeskSettingsView): Promise<boolean> {
  const tenant = await trx.selectFrom('tenants').select('timezone').where('id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
  const queue = ticket.queue_id
    ? await trx.selectFrom('helpdesk_queues').select('business_hours').where('id', '=', ticket.queue_id).executeTakeFirst()
    : undefined;
  const hours = (queue?.business_hours as BusinessHours | null | undefined) ?? settings.businessHours;
  return isOpenAt(hours, tenant.timezone, new Date());
}
