import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { HelpdeskApiConfig, HelpdeskMessage, HelpdeskTicket } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/auth/secret-box';
import { DomainError, notFound } from '../../platform/errors';
import { text } from '../../platform/validation';
import { createApiToken, revokeApiToken } from '../identity';
import { assertChannelSends, findChannel } from './channels/channels';
import { contactForPhone, phoneOrFail } from './contacts';
import { recordOutbound, type OutboundQueue } from './messages';
import { lockTicketOpening, takeTicketNumber } from './settings';
import { activeTicketOf, announceTicket, recordTicketEvent } from './tickets';

/** The scope an external API token carries, and the only thing it can do. */
export const EXTERNAL_API_SCOPE = 'helpdesk.external';

export const externalSendBody = z
  .strictObject({
    number: text({ min: 1, minMessage: 'Informe o número', max: 40 }),
    body: z.string().max(4096, 'Mensagem longa demais (máx. 4096)').refine((value) => !value.includes('\u0000'), 'Caractere nulo não é permitido').default(''),
    mediaUrl: z.url({ protocol: /^https?$/, error: 'URL http(s) inválida' }).max(2048).optional(),
    externalKey: text({ min: 1, max: 200 }).optional(),
  })
  .refine((input) => input.body.trim() !== '' || input.mediaUrl !== undefined, { message: 'Envie body ou mediaUrl', path: ['body'] });

export type ExternalSendBody = z.output<typeof externalSendBody>;

const messageStatus = z.enum(['pending', 'sent', 'delivered', 'read', 'failed']);

/** The 202 answer to a send, also replayed for a retry with the same key. */
export const externalSendAnswer = z.object({
  messageId: z.uuid(),
  ticketId: z.uuid(),
  status: messageStatus,
});

export const externalMessageStatus = z.object({
  messageId: z.uuid(),
  ticketId: z.uuid(),
  status: messageStatus,
  failureReason: z.string().nullable(),
  externalKey: z.string().nullable(),
  createdAt: z.iso.datetime(),
  statusChangedAt: z.iso.datetime(),
});

export interface ApiConfigView {
  apiId: string;
  name: string;
  channelId: string;
  callbackUrl: string | null;
  tokenId: string;
  createdAt: Date;
  revokedAt: Date | null;
}

const toApiConfigView = (config: HelpdeskApiConfig): ApiConfigView => ({
  apiId: config.id,
  name: config.name,
  channelId: config.channel_id,
  callbackUrl: config.callback_url,
  tokenId: config.api_token_id,
  createdAt: config.created_at,
  revokedAt: config.revoked_at,
});

/**
 * An external API config: bound to one channel, with its own API token (scope helpdesk.external
 * only, so it can never act as a user) and a secret that signs its status callbacks. Both are
 * shown this once.
 */
export async function createApiConfig(
  trx: TenantTransaction,
  audit: AuditContext,
  secrets: SecretBox,
  creator: { permissions: ReadonlySet<string>; declaredScopes: ReadonlySet<string> },
  input: { name: string; channelId: string; callbackUrl?: string },
): Promise<ApiConfigView & { token: string; callbackSecret: string }> {
  const channel = await findChannel(trx, input.channelId);
  const token = await createApiToken(trx, audit, { name: `API externa: ${input.name}`, scopes: [EXTERNAL_API_SCOPE] }, { declaredScopes: creator.declaredScopes, creatorPermissions: creator.permissions });
  const callbackSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const config = await trx
    .insertInto('helpdesk_api_configs')
    .values({
      tenant_id: tenantOf(trx),
      name: input.name,
      channel_id: channel.id,
      api_token_id: token.id,
      callback_url: input.callbackUrl ?? null,
      callback_secret_sealed: secrets.seal(callbackSecret),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, { action: 'helpdesk.api_config.created', entity: 'helpdesk_api_config', entityId: config.id, after: { name: config.name, channelId: channel.id, callbackUrl: config.callback_url } });
  return { ...toApiConfigView(config), token: token.token, callbackSecret };
}

export async function listApiConfigs(trx: TenantTransaction): Promise<Array<ApiConfigView & { lastUsedAt: Date | null }>> {
  const rows = await trx
    .selectFrom('helpdesk_api_configs')
    .innerJoin('api_tokens', 'api_tokens.id', 'helpdesk_api_configs.api_token_id')
    .selectAll('helpdesk_api_configs')
    .select('api_tokens.last_used_at')
    .orderBy('helpdesk_api_configs.created_at', 'desc')
    .execute();
  return rows.map((row) => ({ ...toApiConfigView(row), lastUsedAt: row.last_used_at }));
}

async function findApiConfig(trx: TenantTransaction, apiId: string): Promise<HelpdeskApiConfig> {
  const config = await trx.selectFrom('helpdesk_api_configs').selectAll().where('id', '=', apiId).executeTakeFirst();
  if (!config) throw notFound('Configuração de API');
  return config;
}

export async function updateApiConfig(trx: TenantTransaction, audit: AuditContext, input: { apiId: string; name?: string; callbackUrl?: string | null }): Promise<ApiConfigView> {
  const before = await findApiConfig(trx, input.apiId);
  const after = await trx
    .updateTable('helpdesk_api_configs')
    .set({ name: input.name ?? before.name, callback_url: input.callbackUrl === undefined ? before.callback_url : input.callbackUrl })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, { action: 'helpdesk.api_config.updated', entity: 'helpdesk_api_config', entityId: before.id, before: { name: before.name, callbackUrl: before.callback_url }, after: { name: after.name, callbackUrl: after.callback_url } });
  return toApiConfigView(after);
}

/** Revoking kills the config's token at once: the next call is a 401. */
export async function revokeApiConfig(trx: TenantTransaction, audit: AuditContext, apiId: string): Promise<ApiConfigView> {
  const config = await findApiConfig(trx, apiId);
  if (config.revoked_at) return toApiConfigView(config);
  await revokeApiToken(trx, audit, config.api_token_id);
  const revoked = await trx.updateTable('helpdesk_api_configs').set({ revoked_at: new Date() }).where('id', '=', config.id).returningAll().executeTakeFirstOrThrow();
  await recordAudit(trx, audit, { action: 'helpdesk.api_config.revoked', entity: 'helpdesk_api_config', entityId: config.id });
  return toApiConfigView(revoked);
}

export async function recentApiCalls(trx: TenantTransaction, apiId: string) {
  await findApiConfig(trx, apiId);
  const calls = await trx
    .selectFrom('helpdesk_api_calls')
    .select(['id', 'method', 'path', 'status_code', 'error', 'idempotency_key', 'message_id', 'at'])
    .where('api_config_id', '=', apiId)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return calls.map((call) => ({ id: call.id, method: call.method, path: call.path, statusCode: call.status_code, error: call.error, idempotencyKey: call.idempotency_key, messageId: call.message_id, at: call.at }));
}

/** The config an API token may use: its own, live, in its own tenant; anything else reads as unknown. */
export async function apiConfigForToken(trx: TenantTransaction, apiId: string, tokenId: string): Promise<HelpdeskApiConfig> {
  const config = await trx.selectFrom('helpdesk_api_configs').selectAll().where('id', '=', apiId).where('revoked_at', 'is', null).executeTakeFirst();
  if (!config || config.api_token_id !== tokenId) throw new DomainError('NOT_FOUND', 'API_NOT_FOUND', 'apiId inexistente para este token');
  return config;
}

export interface ApiAnswer {
  status: number;
  body: { messageId: string; ticketId: string; status: HelpdeskMessage['status'] };
  replayed: boolean;
}

/**
 * Sends a message for an API client and answers at once (202): the message is stored and queued
 * in one transaction, and goes out through the delivery queue. A retry with the same
 * Idempotency-Key (or externalKey) gets the first answer back, never a second message; the key
 * is taken before any work, so concurrent retries wait for the first and then replay it.
 */
export async function sendThroughApi(
  trx: TenantTransaction,
  config: HelpdeskApiConfig,
  input: ExternalSendBody,
  idempotencyKey: string | undefined,
  path: string,
  queueOutbound: OutboundQueue,
): Promise<ApiAnswer> {
  const key = idempotencyKey ?? input.externalKey;
  let reservedCallId: string | undefined;
  if (key) {
    const reserved = await trx
      .insertInto('helpdesk_api_calls')
      .values({ tenant_id: tenantOf(trx), api_config_id: config.id, method: 'POST', path, status_code: 202, idempotency_key: key })
      .onConflict((oc) => oc.columns(['tenant_id', 'api_config_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!reserved) {
      const first = await trx.selectFrom('helpdesk_api_calls').select(['status_code', 'response']).where('api_config_id', '=', config.id).where('idempotency_key', '=', key).executeTakeFirstOrThrow();
      return { status: first.status_code, body: first.response as ApiAnswer['body'], replayed: true };
    }
    reservedCallId = reserved.id;
  }
  const channel = await findChannel(trx, config.channel_id);
  assertChannelSends(channel);
  const contact = await contactForPhone(trx, phoneOrFail(input.number));
  const ticket = await ticketForApiMessage(trx, channel.id, contact.id);
  const message = await recordOutbound(
    trx,
    ticket,
    { body: input.body, ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}), source: 'api', apiConfigId: config.id, ...(input.externalKey ? { externalKey: input.externalKey } : {}) },
    queueOutbound,
  );
  const body = { messageId: message.id, ticketId: ticket.id, status: message.status };
  if (reservedCallId) {
    await trx.updateTable('helpdesk_api_calls').set({ message_id: message.id, response: JSON.stringify(body) }).where('id', '=', reservedCallId).execute();
  } else {
    await recordApiCall(trx, config.id, { method: 'POST', path, statusCode: 202, messageId: message.id });
  }
  return { status: 202, body, replayed: false };
}

/**
 * A message from the API goes on the contact's active ticket; with none, on a new ticket that
 * starts closed, so notifications do not fill the inbox; a reply from the contact reopens it
 * within the reopen window, where agents see it.
 */
async function ticketForApiMessage(trx: TenantTransaction, channelId: string, contactId: string): Promise<HelpdeskTicket> {
  const active = await activeTicketOf(trx, channelId, contactId);
  if (active) return active;
  await lockTicketOpening(trx);
  const openedMeanwhile = await activeTicketOf(trx, channelId, contactId);
  if (openedMeanwhile) return openedMeanwhile;
  const ticket = await trx
    .insertInto('helpdesk_tickets')
    .values({ tenant_id: tenantOf(trx), number: await takeTicketNumber(trx), channel_id: channelId, contact_id: contactId, status: 'closed', closed_at: new Date(), close_reason: 'Mensagem enviada pela API' })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordTicketEvent(trx, ticket.id, { type: 'api', id: null }, { action: 'created', toStatus: 'closed', reason: 'Mensagem enviada pela API' });
  await announceTicket(trx, ticket, 'created');
  return ticket;
}

export async function recordApiCall(
  trx: TenantTransaction,
  apiConfigId: string,
  call: { method: string; path: string; statusCode: number; error?: string; messageId?: string },
): Promise<void> {
  await trx
    .insertInto('helpdesk_api_calls')
    .values({ tenant_id: tenantOf(trx), api_config_id: apiConfigId, method: call.method, path: call.path.slice(0, 300), status_code: call.statusCode, error: call.error?.slice(0, 300) ?? null, message_id: call.messageId ?? null })
    .execute();
}

export async function apiMessageStatus(trx: TenantTransaction, config: HelpdeskApiConfig, messageId: string) {
  const message = await trx
    .selectFrom('helpdesk_messages')
    .select(['id', 'ticket_id', 'status', 'failure_reason', 'external_key', 'created_at', 'status_changed_at'])
    .where('id', '=', messageId)
    .where('channel_id', '=', config.channel_id)
    .where('source', '=', 'api')
    .executeTakeFirst();
  if (!message) throw new DomainError('NOT_FOUND', 'MESSAGE_NOT_FOUND', 'Mensagem inexistente nesta API');
  return {
    messageId: message.id,
    ticketId: message.ticket_id,
    status: message.status,
    failureReason: message.failure_reason,
    externalKey: message.external_key,
    createdAt: message.created_at,
    statusChangedAt: message.status_changed_at,
  };
}
