import type { TenantTransaction } from '../../../db/tenant-scope';
import { notFound } from '../../../platform/errors';

export interface ConversationView {
  id: string;
  clientId: string;
  clientName: string;
  clientPhone: string;
  channel: string;
  lastIntent: string | null;
  lastMessageAt: Date;
}

/** The chat agent's conversations, latest first. */
export async function listConversations(trx: TenantTransaction, input: { limit?: number | undefined }): Promise<ConversationView[]> {
  return trx
    .selectFrom('agenda_conversations as conversation')
    .innerJoin('agenda_clients as client', 'client.id', 'conversation.client_id')
    .select([
      'conversation.id',
      'conversation.client_id as clientId',
      'client.name as clientName',
      'client.phone as clientPhone',
      'conversation.channel',
      'conversation.last_intent as lastIntent',
      'conversation.last_message_at as lastMessageAt',
    ])
    .orderBy('conversation.last_message_at', 'desc')
    .orderBy('conversation.id', 'desc')
    .limit(input.limit ?? 100)
    .execute();
}

/** One conversation's messages, oldest first (the latest `limit`). */
export async function listConversationMessages(trx: TenantTransaction, input: { conversationId: string; limit?: number | undefined }) {
  const conversation = await trx.selectFrom('agenda_conversations').select('id').where('id', '=', input.conversationId).executeTakeFirst();
  if (!conversation) throw notFound('Conversa');
  const messages = await trx
    .selectFrom('agenda_chat_messages')
    .select([
      'id',
      'role',
      'body',
      'intent',
      'booking_created as bookingCreated',
      'auth_request_id as authRequestId',
      'created_at as createdAt',
    ])
    .where('conversation_id', '=', input.conversationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit ?? 200)
    .execute();
  return messages.reverse();
}
