import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { HelpdeskApiConfig, HelpdeskMessage } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/auth/secret-box';
import { DomainError, notFound } from '../../platform/errors';
import { text } from '../../platform/validation';
import { createApiToken, revokeApiToken } from '../identity';
import { assertChannelSends, findChannel } from './channels/channels';
import { contactsForPhones } from './contacts';
import { recordOutboundMessages, type OutboundQueue } from './messages';
import { ticketsForContacts } from './tickets';

/** The scope an external API token carries, and the only thing it can do. */
export const EXTERNAL_API_SCOPE = 'helpdesk.external';

export const externalSendBody = z
  .strictObject({
    number: text({ min: 1, minMessage: 'Informe o número', max: 40 }),
    body: z
      .string()
      .max(4096, 'Mensagem longa demais (máx. 4096)')
      .refine((value) => !value.includes('\u0000'), 'Caractere nulo não é permitido')
      .default(''),
    mediaUrl: z
      .url({ protocol: /^https?$/, error: 'URL http(s) inválida' })
      .max(2048)
      .optional(),
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
  const token = await createApiToken(
    trx,
    audit,
    { name: `API externa: ${input.name}`, scopes: [EXTERNAL_API_SCOPE] },
    { declaredScopes: creator.declaredScopes, creatorPermissions: creator.permissions },
  );
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
  await recordAudit(trx, audit, {
    action: 'helpdesk.api_config.created',
    entity: 'helpdesk_api_config',
    entityId: config.id,
    after: { name: config.name, channelId: channel.id, callbackUrl: config.callback_url },
  });
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

export async function updateApiConfig(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { apiId: string; name?: string; callbackUrl?: string | null },
): Promise<ApiConfigView> {
  const before = await findApiConfig(trx, input.apiId);
  const after = await trx
    .updateTable('helpdesk_api_configs')
    .set({ name: input.name ?? before.name, callback_url: input.callbackUrl === undefined ? before.callback_url : input.callbackUrl })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'helpdesk.api_config.updated',
    entity: 'helpdesk_api_config',
    entityId: before.id,
    before: { name: before.name, callbackUrl: before.callback_url },
    after: { name: after.name, callbackUrl: after.callback_url },
  });
  return toApiConfigView(after);
}

/** Revoking kills the config's token at once: the next call is a 401. */
export async function revokeApiConfig(trx: TenantTransaction, audit: AuditContext, apiId: string): Promise<ApiConfigView> {
  const config = await findApiConfig(trx, apiId);
  if (config.revoked_at) return toApiConfigView(config);
  await revokeApiToken(trx, audit, config.api_token_id);
  const revoked = await trx
    .updateTable('helpdesk_api_configs')
    .set({ revoked_at: new Date() })
    .where('id', '=', config.id)
    .returningAll()
    .executeTakeFirstOrThrow();
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
  return calls.map((call) => ({
    id: call.id,
    method: call.method,
    path: call.path,
    statusCode: call.status_code,
    error: call.error,
    idempotencyKey: call.idempotency_key,
    messageId: call.message_id,
    at: call.at,
  }));
}

/** The config an API token may use: its own, live, in its own tenant; anything else reads as unknown. */
export async function apiConfigForToken(trx: TenantTransaction, apiId: string, tokenId: string): Promise<HelpdeskApiConfig> {
  const config = await trx
    .selectFrom('helpdesk_api_configs')
    .selectAll()
    .where('id', '=', apiId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!config || config.api_token_id !== tokenId) throw new DomainError('NOT_FOUND', 'API_NOT_FOUND', 'apiId inexistente para este token');
  return config;
}

export interface ApiAnswer {
  status: number;
  body: { messageId: string; ticketId: string; status: HelpdeskMessage['status'] };
  replayed: boolean;
}

/** One send, validated: its number already in E.164. */
export interface ApiSend {
  input: ExternalSendBody;
  phone: string;
  idempotencyKey?: string;
  path: string;
}

const API_TICKET_REASON = 'Mensagem enviada pela API';

/**
 * Sends messages for an API client and answers at once (202): each is stored and queued in the
 * transaction, and goes out through the delivery queue. A retry with the same Idempotency-Key
 * (or externalKey) gets the first answer back, never a second message; the key is taken before
 * any work, so concurrent retries wait for the first and then replay it. Sends that arrive
 * together are written together, in a fixed number of statements however many.
 *
 * A message to a contact with an active ticket goes on it; with none, on a new ticket that starts
 * closed, so notifications do not fill the inbox; a reply from the contact reopens it within the
 * reopen window, where agents see it.
 */
export async function sendThroughApi(
  trx: TenantTransaction,
  config: HelpdeskApiConfig,
  sends: readonly ApiSend[],
  queueOutbound: OutboundQueue,
): Promise<ApiAnswer[]> {
  const answers: ApiAnswer[] = new Array(sends.length);
  const keyOf = (send: ApiSend) => send.idempotencyKey ?? send.input.externalKey;
  const { reserved, replays } = await reserveIdempotencyKeys(
    trx,
    config,
    sends.flatMap((send) => (keyOf(send) ? [{ key: keyOf(send)!, path: send.path }] : [])),
  );
  // Each key is sent once: by its first send in this batch, unless an earlier call holds it.
  const firstWithKey = new Map<string, number>();
  const toSend: number[] = [];
  sends.forEach((send, index) => {
    const key = keyOf(send);
    const replay = key ? replays.get(key) : undefined;
    if (replay) answers[index] = { ...replay, replayed: true };
    else if (key && firstWithKey.has(key)) return;
    else {
      if (key) firstWithKey.set(key, index);
      toSend.push(index);
    }
  });

  if (toSend.length > 0) {
    const channel = await findChannel(trx, config.channel_id);
    assertChannelSends(channel);
    const { byPhone: contacts, createdNow } = await contactsForPhones(
      trx,
      toSend.map((index) => ({ phone: sends[index]!.phone })),
    );
    const contactOf = (index: number) => contacts.get(sends[index]!.phone)!;
    const { tickets } = await ticketsForContacts(
      trx,
      channel.id,
      { ids: [...new Set(toSend.map((index) => contactOf(index).id))], createdNow },
      { openedBy: 'api', status: 'closed', reason: API_TICKET_REASON, reopens: false },
    );
    const messages = await recordOutboundMessages(
      trx,
      toSend.map((index) => {
        const { input } = sends[index]!;
        const contact = contactOf(index);
        return {
          ticket: tickets.get(contact.id)!.ticket,
          to: contact.phone,
          draft: {
            body: input.body,
            ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
            source: 'api' as const,
            apiConfigId: config.id,
            ...(input.externalKey ? { externalKey: input.externalKey } : {}),
          },
        };
      }),
      queueOutbound,
      [channel],
    );
    toSend.forEach((index, position) => {
      const message = messages[position]!;
      answers[index] = {
        status: 202,
        body: { messageId: message.id, ticketId: message.ticket_id, status: message.status },
        replayed: false,
      };
    });
    await recordApiCalls(
      trx,
      config.id,
      toSend.map((index) => ({
        send: sends[index]!,
        answer: answers[index]!,
        reservedCallId: keyOf(sends[index]!) ? reserved.get(keyOf(sends[index]!)!) : undefined,
      })),
    );
  }
  // A key sent twice in this batch: the second send replays the first's answer.
  sends.forEach((send, index) => {
    if (!answers[index]) answers[index] = { ...answers[firstWithKey.get(keyOf(send)!)!]!, replayed: true };
  });
  return answers;
}

/** Takes the keys not taken yet (their call ids, by key); the others come back as their first answers. */
async function reserveIdempotencyKeys(
  trx: TenantTransaction,
  config: HelpdeskApiConfig,
  keyed: ReadonlyArray<{ key: string; path: string }>,
): Promise<{ reserved: Map<string, string>; replays: Map<string, Omit<ApiAnswer, 'replayed'>> }> {
  const unique = [...new Map(keyed.map((entry) => [entry.key, entry])).values()];
  if (unique.length === 0) return { reserved: new Map(), replays: new Map() };
  const taken = await trx
    .insertInto('helpdesk_api_calls')
    .values(
      unique.map(({ key, path }) => ({
        tenant_id: tenantOf(trx),
        api_config_id: config.id,
        method: 'POST',
        path: path.slice(0, 300),
        status_code: 202,
        idempotency_key: key,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'api_config_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
    .returning(['id', 'idempotency_key'])
    .execute();
  const reserved = new Map(taken.map((call) => [call.idempotency_key!, call.id]));
  const heldElsewhere = unique.filter(({ key }) => !reserved.has(key)).map(({ key }) => key);
  const firstCalls =
    heldElsewhere.length === 0
      ? []
      : await trx
          .selectFrom('helpdesk_api_calls')
          .select(['idempotency_key', 'status_code', 'response'])
          .where('api_config_id', '=', config.id)
          .where('idempotency_key', 'in', heldElsewhere)
          .execute();
  const replays = new Map(
    firstCalls.map((call) => [call.idempotency_key!, { status: call.status_code, body: call.response as ApiAnswer['body'] }]),
  );
  return { reserved, replays };
}

/** The calls a batch answered, in the config's recent calls: keyed ones fill their reservation. */
async function recordApiCalls(
  trx: TenantTransaction,
  apiConfigId: string,
  calls: ReadonlyArray<{ send: ApiSend; answer: ApiAnswer; reservedCallId: string | undefined }>,
): Promise<void> {
  const reserved = calls.filter((call) => call.reservedCallId !== undefined);
  if (reserved.length > 0) {
    const rows = sql.join(
      reserved.map(
        (call) => sql`(${call.reservedCallId}::bigint, ${call.answer.body.messageId}::uuid, ${JSON.stringify(call.answer.body)}::jsonb)`,
      ),
    );
    await sql`
      update helpdesk_api_calls set message_id = answered.message_id, response = answered.response
      from (values ${rows}) as answered (id, message_id, response)
      where helpdesk_api_calls.id = answered.id`.execute(trx);
  }
  const unkeyed = calls.filter((call) => call.reservedCallId === undefined);
  if (unkeyed.length > 0) {
    await trx
      .insertInto('helpdesk_api_calls')
      .values(
        unkeyed.map(({ send, answer }) => ({
          tenant_id: tenantOf(trx),
          api_config_id: apiConfigId,
          method: 'POST',
          path: send.path.slice(0, 300),
          status_code: answer.status,
          message_id: answer.body.messageId,
        })),
      )
      .execute();
  }
}

/** A call that failed, kept in the config's recent calls. */
export async function recordApiCall(
  trx: TenantTransaction,
  apiConfigId: string,
  call: { method: string; path: string; statusCode: number; error?: string },
): Promise<void> {
  await trx
    .insertInto('helpdesk_api_calls')
    .values({
      tenant_id: tenantOf(trx),
      api_config_id: apiConfigId,
      method: call.method,
      path: call.path.slice(0, 300),
      status_code: call.statusCode,
      error: call.error?.slice(0, 300) ?? null,
    })
    .execute();
}

export async function apiMessageStatus(trx: TenantTransaction, config: HelpdeskApiConfig, messageId: string) {
  const message = await trx
    .selectFrom('helpdesk_messages')
    .select(['id', 'ticket_id', 'status', 'failure_reason', 'external_key', 'created_at', 'status_changed_at'])
    .where('id', '=', messageId)
    .where('channel_id', '=', config.channel_id)
    .where('source', '=', 'api')
    // Another apiId of the same channel is another integration: it does not see these messages.
    .where('api_config_id', '=', config.id)
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
