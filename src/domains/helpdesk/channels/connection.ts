import type { TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import type { Services } from '../../../platform/services';
import {
  createChannel,
  findChannel,
  setChannelStatus,
  toChannelView,
  unpauseChannel,
  whatsappCredentials,
  type ChannelView,
  type CreateChannelInput,
} from './channels';
import { whatsappClient } from './whatsapp-outbound';

/** What the channel procedures give the connection logic: the Graph API is called between two tenant transactions, never inside one. */
export interface ChannelCallContext {
  services: Pick<Services, 'secrets' | 'logger' | 'config' | 'outboundGuard'>;
  audit: AuditContext;
  withTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => Promise<T>;
}

export type ConnectionCheck =
  { ok: true; displayPhoneNumber: string; verifiedName: string; qualityRating: string | null } | { ok: false; reason: string };

export interface ConnectionCheckResult {
  channel: ChannelView;
  /** What the provider answered; null for n8n, whose status follows its deliveries. */
  check: ConnectionCheck | null;
}

/**
 * Asks the WhatsApp Cloud API whether the channel's token and number work, and moves the channel
 * to `connected` or to `error` with the reason (recorded in its history, announced to the
 * dashboard). An n8n channel is answered as it stands.
 */
export async function checkChannelConnection(ctx: ChannelCallContext, id: string): Promise<ConnectionCheckResult> {
  const { publicUrl, whatsappGraphBaseUrl } = ctx.services.config;
  const channel = await ctx.withTenant((trx) => findChannel(trx, id));
  if (channel.type !== 'whatsapp_cloud') return { channel: toChannelView(channel, publicUrl), check: null };

  const answer = await whatsappClient(whatsappCredentials(channel, ctx.services.secrets), {
    baseUrl: whatsappGraphBaseUrl,
  }).checkConnection();
  const check: ConnectionCheck = answer.ok
    ? {
        ok: true,
        displayPhoneNumber: answer.displayPhoneNumber,
        verifiedName: answer.verifiedName,
        qualityRating: answer.qualityRating ?? null,
      }
    : { ok: false, reason: answer.reason.slice(0, 500) };
  const checked = await ctx.withTenant(async (trx) => {
    await setChannelStatus(trx, await findChannel(trx, id), check.ok ? 'connected' : 'error', check.ok ? null : check.reason);
    await recordAudit(trx, ctx.audit, {
      action: 'helpdesk.channel.connection_checked',
      entity: 'helpdesk_channel',
      entityId: id,
      details: { ok: check.ok },
    });
    return findChannel(trx, id);
  });
  return { channel: toChannelView(checked, publicUrl), check };
}

/** Creates a channel; a WhatsApp Cloud one is checked at once, best effort: the channel exists whatever the check says. */
export async function createCheckedChannel(
  ctx: ChannelCallContext,
  input: CreateChannelInput,
): Promise<ChannelView & { webhookSecret: string }> {
  if (input.type === 'n8n') await ctx.services.outboundGuard.checkUrl(input.outboundUrl, 'outboundUrl');
  const created = await ctx.withTenant((trx) => createChannel(trx, ctx.audit, ctx.services.secrets, ctx.services.config.publicUrl, input));
  if (created.type !== 'whatsapp_cloud') return created;
  try {
    const { channel } = await checkChannelConnection(ctx, created.id);
    return { ...channel, webhookSecret: created.webhookSecret };
  } catch (error) {
    ctx.services.logger.warn({ err: (error as Error).message, channelId: created.id }, 'whatsapp connection check after creation failed');
    return created;
  }
}

/** Connects again a channel an operator disconnected: n8n is connected at once, a Cloud API number is checked first. */
export async function connectChannel(ctx: ChannelCallContext, id: string): Promise<ConnectionCheckResult> {
  const channel = await ctx.withTenant(async (trx) => {
    const resumed = await unpauseChannel(trx, ctx.audit, id);
    if (resumed.type === 'n8n') await setChannelStatus(trx, resumed, 'connected', null);
    return findChannel(trx, id);
  });
  if (channel.type === 'whatsapp_cloud') return checkChannelConnection(ctx, id);
  return { channel: toChannelView(channel, ctx.services.config.publicUrl), check: null };
}
