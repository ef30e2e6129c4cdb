import { sql, type Kysely } from 'kysely';
import { withSystem } from '../../../db/system-scope';
import type { DB, HelpdeskChannel } from '../../../db/schema';
import { tenantOf, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { secretDigest, type SecretBox } from '../../../platform/auth/secret-box';
import { isAuthenticWebhookCall, newWebhookSecret } from '../../../platform/auth/webhook-secrets';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { ensureHelpdeskSettings } from '../settings';
import type { ChannelStatus, ChannelType } from './provider';

export type CreateChannelInput =
  | { type: 'n8n'; name: string; outboundUrl: string }
  | { type: 'whatsapp_cloud'; name: string; phoneNumberId: string; accessToken: string; appSecret: string };

export interface ChannelView {
  id: string;
  type: ChannelType;
  name: string;
  status: ChannelStatus;
  statusReason: string | null;
  statusChangedAt: Date;
  /** n8n: where Balcão posts outbound messages. */
  outboundUrl: string | null;
  /** WhatsApp Cloud: the phone number id messages are sent from. */
  phoneNumberId: string | null;
  /** Where the provider posts to Balcão. */
  webhookUrls: Record<string, string>;
  /** Disconnected by an operator (channels.disconnect) until channels.connect. */
  paused: boolean;
  /** n8n: when a call last came with the secret from before the last rotation (an outdated workflow), until a genuine one. */
  webhookRefusedAt: Date | null;
  createdAt: Date;
}

/** Sealed provider credentials live in `config` next to the public settings, never in a view. */
interface ChannelConfig {
  /** Set while an operator has disconnected the channel: nothing is sent through it, and traffic does not reconnect it. */
  pausedAt?: string;
  outboundUrl?: string;
  phoneNumberId?: string;
  accessTokenSealed?: string;
  appSecretSealed?: string;
}

const configOf = (channel: Pick<HelpdeskChannel, 'config'>) => channel.config as ChannelConfig;

export function webhookUrlsOf(publicUrl: string, channel: Pick<HelpdeskChannel, 'id' | 'type'>): Record<string, string> {
  if (channel.type === 'n8n') {
    const base = `${publicUrl}/api/v1/webhooks/n8n/channels/${channel.id}`;
    return { messages: `${base}/messages`, statuses: `${base}/statuses` };
  }
  return { webhook: `${publicUrl}/api/v1/webhooks/whatsapp/channels/${channel.id}` };
}

export function toChannelView(channel: HelpdeskChannel, publicUrl: string): ChannelView {
  const config = configOf(channel);
  return {
    id: channel.id,
    type: channel.type,
    name: channel.name,
    status: channel.status,
    statusReason: channel.status_reason,
    statusChangedAt: channel.status_changed_at,
    outboundUrl: config.outboundUrl ?? null,
    phoneNumberId: config.phoneNumberId ?? null,
    webhookUrls: webhookUrlsOf(publicUrl, channel),
    paused: isPaused(channel),
    webhookRefusedAt: channel.webhook_refused_at,
    createdAt: channel.created_at,
  };
}

export async function createChannel(
  trx: TenantTransaction,
  audit: AuditContext,
  secrets: SecretBox,
  publicUrl: string,
  input: CreateChannelInput,
): Promise<ChannelView & { webhookSecret: string }> {
  await ensureHelpdeskSettings(trx);
  const webhookSecret = newWebhookSecret();
  const config: ChannelConfig =
    input.type === 'n8n'
      ? { outboundUrl: input.outboundUrl }
      : {
          phoneNumberId: input.phoneNumberId,
          accessTokenSealed: secrets.seal(input.accessToken),
          appSecretSealed: secrets.seal(input.appSecret),
        };
  const channel = await trx
    .insertInto('helpdesk_channels')
    .values({
      tenant_id: tenantOf(trx),
      type: input.type,
      name: input.name,
      // n8n is ready once configured (failed deliveries put it in error); the Cloud API once checked.
      status: input.type === 'n8n' ? 'connected' : 'disconnected',
      config: JSON.stringify(config),
      webhook_secret_sealed: secrets.seal(webhookSecret),
      webhook_secret_hash: secretDigest(webhookSecret),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('helpdesk_channel_status_events')
    .values({ tenant_id: tenantOf(trx), channel_id: channel.id, status: channel.status, reason: 'Canal criado' })
    .execute();
  await recordAudit(trx, audit, {
    action: 'helpdesk.channel.created',
    entity: 'helpdesk_channel',
    entityId: channel.id,
    after: { type: input.type, name: input.name, outboundUrl: config.outboundUrl, phoneNumberId: config.phoneNumberId },
  });
  return { ...toChannelView(channel, publicUrl), webhookSecret };
}

export async function findChannel(trx: TenantTransaction, id: string): Promise<HelpdeskChannel> {
  const channel = await trx
    .selectFrom('helpdesk_channels')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!channel) throw notFound('Canal');
  return channel;
}

export async function listChannels(trx: TenantTransaction): Promise<HelpdeskChannel[]> {
  return trx.selectFrom('helpdesk_channels').selectAll().where('deleted_at', 'is', null).orderBy('created_at').execute();
}

export async function updateChannel(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { id: string; name?: string; outboundUrl?: string },
): Promise<HelpdeskChannel> {
  const before = await findChannel(trx, input.id);
  if (input.outboundUrl !== undefined && before.type !== 'n8n') {
    throw new DomainError('BAD_REQUEST', 'NOT_AN_N8N_CHANNEL', 'Só canais n8n têm URL de saída');
  }
  const config = { ...configOf(before), ...(input.outboundUrl !== undefined ? { outboundUrl: input.outboundUrl } : {}) };
  const after = await trx
    .updateTable('helpdesk_channels')
    .set({ name: input.name ?? before.name, config: JSON.stringify(config), updated_at: new Date() })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'helpdesk.channel.updated',
    entity: 'helpdesk_channel',
    entityId: before.id,
    before: { name: before.name, outboundUrl: configOf(before).outboundUrl },
    after: { name: after.name, outboundUrl: config.outboundUrl },
  });
  return after;
}

/** A new webhook secret; the old one stops working at once. */
export async function rotateWebhookSecret(
  trx: TenantTransaction,
  audit: AuditContext,
  secrets: SecretBox,
  id: string,
): Promise<{ webhookSecret: string }> {
  const channel = await findChannel(trx, id);
  const webhookSecret = newWebhookSecret();
  await trx
    .updateTable('helpdesk_channels')
    .set({
      webhook_secret_sealed: secrets.seal(webhookSecret),
      webhook_secret_hash: secretDigest(webhookSecret),
      previous_webhook_secret_sealed: channel.webhook_secret_sealed,
      previous_webhook_secret_hash: channel.webhook_secret_hash,
      updated_at: new Date(),
    })
    .where('id', '=', channel.id)
    .execute();
  await recordAudit(trx, audit, { action: 'helpdesk.channel.secret_rotated', entity: 'helpdesk_channel', entityId: channel.id });
  return { webhookSecret };
}

/**
 * Removes a channel: its webhooks answer 404 from then on (an n8n workflow still pointing at it
 * fails with a clear "not found"), and its tickets and messages stay as history. Refused while an
 * active external API config or the agenda's notifications go through it (409 CHANNEL_IN_USE).
 */
export async function deleteChannel(trx: TenantTransaction, audit: AuditContext, id: string): Promise<{ id: string }> {
  const channel = await findChannel(trx, id);
  const apiConfigs = await trx
    .selectFrom('helpdesk_api_configs')
    .select('name')
    .where('channel_id', '=', channel.id)
    .where('revoked_at', 'is', null)
    .execute();
  const agenda = await trx
    .selectFrom('agenda_settings')
    .select('tenant_id')
    .where('helpdesk_channel_id', '=', channel.id)
    .executeTakeFirst();
  if (apiConfigs.length > 0 || agenda) {
    throw new DomainError(
      'CONFLICT',
      'CHANNEL_IN_USE',
      'O canal ainda é usado: revogue as integrações da API e mude o canal da agenda antes',
      {
        apiConfigs: apiConfigs.map((config) => config.name),
        agenda: agenda !== undefined,
      },
    );
  }
  await trx.updateTable('helpdesk_channels').set({ deleted_at: new Date(), updated_at: new Date() }).where('id', '=', channel.id).execute();
  await recordAudit(trx, audit, {
    action: 'helpdesk.channel.deleted',
    entity: 'helpdesk_channel',
    entityId: channel.id,
    before: { type: channel.type, name: channel.name },
  });
  return { id: channel.id };
}

/**
 * Moves a channel to a status, records it in the channel's history and tells the dashboard.
 * Repeating the current status changes nothing, so providers may report it as often as they like.
 */
export async function setChannelStatus(
  trx: TenantTransaction,
  channel: HelpdeskChannel,
  status: ChannelStatus,
  reason: string | null,
): Promise<boolean> {
  if (channel.status === status && channel.status_reason === reason) return false;
  const changed = await trx
    .updateTable('helpdesk_channels')
    .set({ status, status_reason: reason, status_changed_at: new Date(), updated_at: new Date() })
    .where('id', '=', channel.id)
    .where((eb) => eb.or([eb('status', '!=', status), eb('status_reason', 'is distinct from', reason)]))
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) === 0) return false;
  await trx
    .insertInto('helpdesk_channel_status_events')
    .values({ tenant_id: tenantOf(trx), channel_id: channel.id, status, reason })
    .execute();
  await appendEvent(trx, 'channel.status_changed', { channelId: channel.id, name: channel.name, status, reason });
  return true;
}

export async function channelStatusHistory(trx: TenantTransaction, id: string) {
  await findChannel(trx, id);
  return trx
    .selectFrom('helpdesk_channel_status_events')
    .select(['id', 'status', 'reason', 'at'])
    .where('channel_id', '=', id)
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}

/** The channel a provider's webhook names, across tenants (the URL carries no tenant). */
export async function channelForWebhook(
  db: Kysely<DB>,
  channelId: string,
  type: ChannelType,
): Promise<(HelpdeskChannel & { helpdeskEnabled: boolean }) | undefined> {
  return withSystem(db, (trx) =>
    trx
      .selectFrom('helpdesk_channels')
      .innerJoin('tenants', 'tenants.id', 'helpdesk_channels.tenant_id')
      .selectAll('helpdesk_channels')
      .select(sql<boolean>`'helpdesk' = any(tenants.modules)`.as('helpdeskEnabled'))
      .where('helpdesk_channels.id', '=', channelId)
      .where('helpdesk_channels.type', '=', type)
      .where('helpdesk_channels.deleted_at', 'is', null)
      .executeTakeFirst(),
  );
}

/** Whether a refused call carried the channel's previous secret (or its HMAC): an outdated workflow, not a stranger. */
export function carriesPreviousSecret(
  channel: Pick<HelpdeskChannel, 'previous_webhook_secret_hash' | 'previous_webhook_secret_sealed'>,
  secrets: SecretBox,
  headers: { secret?: string; signature?: string },
  rawBody: Buffer,
): boolean {
  if (!channel.previous_webhook_secret_hash || !channel.previous_webhook_secret_sealed) return false;
  const previous = { digest: channel.previous_webhook_secret_hash, sealed: channel.previous_webhook_secret_sealed };
  return isAuthenticWebhookCall(previous, secrets, headers, rawBody);
}

/** Notes a call refused for carrying the previous secret (at most once a minute), so the channel's page can flag it. */
export async function noteRefusedWebhook(db: Kysely<DB>, channel: Pick<HelpdeskChannel, 'id' | 'tenant_id'>): Promise<void> {
  await withTenant(db, channel.tenant_id, (trx) =>
    trx
      .updateTable('helpdesk_channels')
      .set({ webhook_refused_at: sql<Date>`now()` })
      .where('id', '=', channel.id)
      .where((eb) => eb.or([eb('webhook_refused_at', 'is', null), eb('webhook_refused_at', '<', sql<Date>`now() - interval '1 minute'`)]))
      .execute(),
  );
}

/** A genuine call after refused ones: the sender has the current secret again. */
export async function clearRefusedWebhook(db: Kysely<DB>, channel: Pick<HelpdeskChannel, 'id' | 'tenant_id'>): Promise<void> {
  await withTenant(db, channel.tenant_id, (trx) =>
    trx
      .updateTable('helpdesk_channels')
      .set({ webhook_refused_at: null })
      .where('id', '=', channel.id)
      .where('webhook_refused_at', 'is not', null)
      .execute(),
  );
}

/** A webhook call is genuine when it carries the channel's secret, or an HMAC of the body keyed with it. */
export function isAuthenticWebhook(
  channel: Pick<HelpdeskChannel, 'webhook_secret_hash' | 'webhook_secret_sealed'>,
  secrets: SecretBox,
  headers: { secret?: string; signature?: string },
  rawBody: Buffer,
): boolean {
  return isAuthenticWebhookCall({ digest: channel.webhook_secret_hash, sealed: channel.webhook_secret_sealed }, secrets, headers, rawBody);
}

/** The sealed provider credentials of a WhatsApp Cloud channel, opened for one call. */
export function whatsappCredentials(
  channel: HelpdeskChannel,
  secrets: SecretBox,
): { phoneNumberId: string; accessToken: string; appSecret: string } {
  const config = configOf(channel);
  if (channel.type !== 'whatsapp_cloud' || !config.phoneNumberId || !config.accessTokenSealed || !config.appSecretSealed) {
    throw new Error(`channel ${channel.id} has no WhatsApp Cloud credentials`);
  }
  return {
    phoneNumberId: config.phoneNumberId,
    accessToken: secrets.open(config.accessTokenSealed),
    appSecret: secrets.open(config.appSecretSealed),
  };
}

export function outboundUrlOf(channel: HelpdeskChannel): string | undefined {
  return configOf(channel).outboundUrl;
}

export const isPaused = (channel: Pick<HelpdeskChannel, 'config'>) => configOf(channel).pausedAt !== undefined;

/** Traffic went through: the channel works, unless an operator has disconnected it. */
export async function markChannelWorking(trx: TenantTransaction, channel: HelpdeskChannel): Promise<void> {
  if (channel.status !== 'connected' && !isPaused(channel)) await setChannelStatus(trx, channel, 'connected', null);
}

/** Refuses to send through a channel an operator has disconnected. */
export function assertChannelSends(channel: HelpdeskChannel): void {
  if (isPaused(channel)) {
    throw new DomainError('CONFLICT', 'CHANNEL_DISCONNECTED', `O canal ${channel.name} está desconectado`, {
      channelId: channel.id,
      status: channel.status,
      retry: true,
    });
  }
}

/** An operator disconnects the channel: replies and API messages through it are refused until it is connected again. */
export async function pauseChannel(trx: TenantTransaction, audit: AuditContext, id: string): Promise<HelpdeskChannel> {
  const channel = await findChannel(trx, id);
  if (isPaused(channel)) return channel;
  await setPaused(trx, channel, new Date().toISOString());
  await setChannelStatus(trx, channel, 'disconnected', 'Desconectado manualmente');
  await recordAudit(trx, audit, { action: 'helpdesk.channel.disconnected', entity: 'helpdesk_channel', entityId: id });
  return findChannel(trx, id);
}

/** Clears the operator's disconnection; the caller then decides the status (n8n: connected; Cloud API: checked). */
export async function unpauseChannel(trx: TenantTransaction, audit: AuditContext, id: string): Promise<HelpdeskChannel> {
  const channel = await findChannel(trx, id);
  if (!isPaused(channel)) return channel;
  await setPaused(trx, channel, undefined);
  await recordAudit(trx, audit, { action: 'helpdesk.channel.connected', entity: 'helpdesk_channel', entityId: id });
  return findChannel(trx, id);
}

async function setPaused(trx: TenantTransaction, channel: HelpdeskChannel, pausedAt: string | undefined): Promise<void> {
  const { pausedAt: _previous, ...rest } = configOf(channel);
  const config: ChannelConfig = pausedAt ? { ...rest, pausedAt } : rest;
  await trx
    .updateTable('helpdesk_channels')
    .set({ config: JSON.stringify(config), updated_at: new Date() })
    .where('id', '=', channel.id)
    .execute();
}
