import type { TenantTransaction } from '../../db/tenant-scope';
import { assertChannelSends, findChannel } from './channels/channels';
import { contactsForPhones } from './contacts';
import { recordOutboundMessages } from './messages';
import { queueOutboundMessage } from './outbound';
import { ticketsForContacts } from './tickets';

/** Why a ticket opened for a message another module sent: the inbox shows it with this reason. */
const SENT_FOR_ANOTHER_MODULE = 'Mensagem automática';

/**
 * For other modules (the agenda's notifications): sends `body` to `phone` through one of the
 * tenant's helpdesk channels, as a system message on the contact's ticket (a closed one is opened
 * for a contact without an active ticket, so the inbox is not filled with automatic messages).
 */
export async function sendSystemMessageToPhone(
  trx: TenantTransaction,
  input: { channelId: string; phone: string; name?: string; body: string },
): Promise<{ messageId: string; ticketId: string }> {
  const channel = await findChannel(trx, input.channelId);
  assertChannelSends(channel);
  const { byPhone, createdNow } = await contactsForPhones(trx, [
    { phone: input.phone, ...(input.name ? { reportedName: input.name } : {}) },
  ]);
  const contact = byPhone.get(input.phone)!;
  const { tickets } = await ticketsForContacts(
    trx,
    channel.id,
    { ids: [contact.id], createdNow },
    { openedBy: 'api', status: 'closed', reason: SENT_FOR_ANOTHER_MODULE, reopens: false },
  );
  const [message] = await recordOutboundMessages(
    trx,
    [{ ticket: tickets.get(contact.id)!.ticket, to: contact.phone, draft: { body: input.body, source: 'system' } }],
    queueOutboundMessage,
    [channel],
  );
  return { messageId: message!.id, ticketId: message!.ticket_id };
}

/** What another module needs of a message a contact sent: its text, the contact's phone and name, and the channel it came on. */
export async function inboundMessageForOtherModules(
  trx: TenantTransaction,
  messageId: string,
): Promise<{ body: string; phone: string; contactName: string; channelId: string; sentAt: Date } | undefined> {
  return trx
    .selectFrom('helpdesk_messages as message')
    .innerJoin('helpdesk_contacts as contact', 'contact.id', 'message.contact_id')
    .select([
      'message.body',
      'contact.phone',
      'contact.name as contactName',
      'message.channel_id as channelId',
      'message.created_at as sentAt',
    ])
    .where('message.id', '=', messageId)
    .where('message.direction', '=', 'inbound')
    .where('message.is_note', '=', false)
    .executeTakeFirst();
}
