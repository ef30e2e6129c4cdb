import type { HelpdeskQuickReply } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { appendEvent } from '../../platform/events/outbox';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';

export interface QuickReplyView {
  id: string;
  shortcut: string;
  text: string;
}

const toView = (reply: HelpdeskQuickReply): QuickReplyView => ({ id: reply.id, shortcut: reply.shortcut, text: reply.text });

/** The variables a quick reply may use; anything else in double braces is left as written. */
export interface QuickReplyContext {
  contact: { name: string; phone: string };
  agent: { name: string };
  ticket: { number: number };
}

const VARIABLES: Record<string, (context: QuickReplyContext) => string> = {
  'contact.name': (context) => context.contact.name,
  'contact.firstName': (context) => context.contact.name.split(/\s+/)[0] ?? context.contact.name,
  'contact.phone': (context) => context.contact.phone,
  'agent.name': (context) => context.agent.name,
  'agent.firstName': (context) => context.agent.name.split(/\s+/)[0] ?? context.agent.name,
  'ticket.number': (context) => String(context.ticket.number),
};

export const QUICK_REPLY_VARIABLES = Object.keys(VARIABLES);

export function renderQuickReply(text: string, context: QuickReplyContext): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (written, name: string) => VARIABLES[name]?.(context) ?? written);
}

export async function listQuickReplies(trx: TenantTransaction): Promise<QuickReplyView[]> {
  return (await trx.selectFrom('helpdesk_quick_replies').selectAll().orderBy('shortcut').execute()).map(toView);
}

async function findQuickReply(trx: TenantTransaction, id: string): Promise<HelpdeskQuickReply> {
  const reply = await trx.selectFrom('helpdesk_quick_replies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!reply) throw notFound('Resposta rápida');
  return reply;
}

async function assertShortcutFree(trx: TenantTransaction, shortcut: string, exceptId?: string): Promise<void> {
  let query = trx.selectFrom('helpdesk_quick_replies').select('id').where('shortcut', '=', shortcut);
  if (exceptId) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst()) throw new DomainError('CONFLICT', 'SHORTCUT_TAKEN', `O atalho /${shortcut} já existe`);
}

export async function createQuickReply(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { shortcut: string; text: string },
): Promise<QuickReplyView> {
  await assertShortcutFree(trx, input.shortcut);
  const reply = await trx
    .insertInto('helpdesk_quick_replies')
    .values({ tenant_id: tenantOf(trx), ...input })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'helpdesk.quick_reply.created',
    entity: 'helpdesk_quick_reply',
    entityId: reply.id,
    after: input,
  });
  await appendEvent(trx, 'quick_reply.changed', { quickReplyId: reply.id, shortcut: reply.shortcut, change: 'created' });
  return toView(reply);
}

export async function updateQuickReply(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { id: string; shortcut?: string; text?: string },
): Promise<QuickReplyView> {
  const before = await findQuickReply(trx, input.id);
  if (input.shortcut !== undefined) await assertShortcutFree(trx, input.shortcut, input.id);
  const after = await trx
    .updateTable('helpdesk_quick_replies')
    .set({ shortcut: input.shortcut ?? before.shortcut, text: input.text ?? before.text, updated_at: new Date() })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'helpdesk.quick_reply.updated',
    entity: 'helpdesk_quick_reply',
    entityId: before.id,
    before: { ...toView(before) },
    after: { ...toView(after) },
  });
  await appendEvent(trx, 'quick_reply.changed', { quickReplyId: after.id, shortcut: after.shortcut, change: 'updated' });
  return toView(after);
}

export async function deleteQuickReply(trx: TenantTransaction, audit: AuditContext, id: string): Promise<void> {
  const before = await findQuickReply(trx, id);
  await trx.deleteFrom('helpdesk_quick_replies').where('id', '=', id).execute();
  await recordAudit(trx, audit, {
    action: 'helpdesk.quick_reply.deleted',
    entity: 'helpdesk_quick_reply',
    entityId: id,
    before: { ...toView(before) },
  });
  await appendEvent(trx, 'quick_reply.changed', { quickReplyId: id, shortcut: before.shortcut, change: 'deleted' });
}

/** A quick reply filled in for one ticket, for the agent to send as is or edit first. */
export async function renderQuickReplyFor(
  trx: TenantTransaction,
  input: { id: string; ticket: { number: number; contact_id: string }; agentName: string },
): Promise<{ text: string }> {
  const reply = await findQuickReply(trx, input.id);
  const contact = await trx
    .selectFrom('helpdesk_contacts')
    .select(['name', 'phone'])
    .where('id', '=', input.ticket.contact_id)
    .executeTakeFirstOrThrow();
  return { text: renderQuickReply(reply.text, { contact, agent: { name: input.agentName }, ticket: { number: input.ticket.number } }) };
}
