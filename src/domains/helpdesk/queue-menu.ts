import { sql } from 'kysely';
import type { HelpdeskTicket } from '../../db/schema';
import type { TenantTransaction } from '../../db/tenant-scope';
import { recordOutbound, type OutboundQueue } from './messages';
import { listQueues, type QueueView } from './queues';
import { transitionTicket } from './tickets';

const MENU_INTRO = 'Olá! Para agilizar seu atendimento, responda com o número da opção:';
/** A contact writing several lines in a row gets the menu once, not once a line. */
const MENU_REPEAT_AFTER_SECONDS = 60;

export function queueMenuText(queues: readonly Pick<QueueView, 'name'>[]): string {
  return [MENU_INTRO, ...queues.map((queue, index) => `${index + 1} - ${queue.name}`)].join('\n');
}

/**
 * Routes a new ticket to a queue as the contact chooses: with one queue it goes straight there;
 * with several the contact gets a numbered menu, and a reply with a valid number moves the
 * ticket to that queue. Either way the queue's greeting follows. Agents can still take or
 * transfer the ticket at any time; this only runs while it is pending without a queue.
 */
export async function routeByQueueMenu(
  trx: TenantTransaction,
  ticket: HelpdeskTicket,
  message: { body: string; opened: boolean },
  queueOutbound: OutboundQueue,
): Promise<HelpdeskTicket> {
  if (ticket.queue_id !== null || ticket.status !== 'pending') return ticket;
  const queues = await listQueues(trx);
  if (queues.length === 0) return ticket;
  const choice = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(message.body)?.[1];
  const chosen = queues.length === 1 ? queues[0] : !message.opened && choice ? queues[Number(choice) - 1] : undefined;
  if (chosen) {
    const routed = await transitionTicket(
      trx,
      ticket,
      'transfer',
      { type: 'system', id: null },
      { status: 'pending', queueId: chosen.id, reason: 'Escolha do contato no menu de filas' },
    );
    if (chosen.greeting.trim()) await recordOutbound(trx, routed, { body: chosen.greeting, source: 'system' }, queueOutbound);
    return routed;
  }
  if (message.opened || !(await menuSentRecently(trx, ticket.id))) {
    await recordOutbound(trx, ticket, { body: queueMenuText(queues), source: 'system' }, queueOutbound);
  }
  return ticket;
}

async function menuSentRecently(trx: TenantTransaction, ticketId: string): Promise<boolean> {
  const recent = await trx
    .selectFrom('helpdesk_messages')
    .select('id')
    .where('ticket_id', '=', ticketId)
    .where('source', '=', 'system')
    .where('body', 'like', `${MENU_INTRO}%`)
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${MENU_REPEAT_AFTER_SECONDS})`)
    .executeTakeFirst();
  return recent !== undefined;
}
