import { z } from 'zod';
import type { HelpdeskChannel, HelpdeskMessage } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import type { SecretBox } from '../../../platform/auth/secret-box';
import type { DeliveryKind } from '../../../platform/deliveries/kinds';
import { enqueueDelivery } from '../../../platform/deliveries/queue';
import { text } from '../../../platform/validation';
import { advanceMessageStatus } from '../messages';
import { providerMediaUrl, type MediaLinks } from '../media';
import { markChannelWorking, outboundUrlOf, setChannelStatus } from './channels';
import type { InboundMessage, InboundStatus, MessageKind } from './provider';

/** Unix seconds, unix milliseconds or an ISO date, as n8n workflows send them. */
const timestamp = z.union([
  z
    .number()
    .int()
    .nonnegative()
    .transform((value) => new Date(value < 1e12 ? value * 1000 : value)),
  z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
  z
    .string()
    .regex(/^\d{9,13}$/, 'timestamp: segundos ou milissegundos Unix, ou data ISO 8601')
    .transform((value) => new Date(Number(value) < 1e12 ? Number(value) * 1000 : Number(value))),
]);

const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/** `image`, or a MIME type such as `image/jpeg` or `application/pdf`. */
const mediaType = z
  .string()
  .trim()
  .max(100)
  .transform((value, context) => {
    const lower = value.toLowerCase();
    if ((MEDIA_KINDS as readonly string[]).includes(lower)) return { kind: lower as MessageKind, mimeType: undefined };
    const family = /^(image|audio|video|application|text)\/[\w.+-]+$/.exec(lower)?.[1];
    if (!family) {
      context.addIssue({ code: 'custom', message: `mediaType: use ${MEDIA_KINDS.join(', ')} ou um tipo MIME` });
      return z.NEVER;
    }
    const kind: MessageKind = family === 'application' || family === 'text' ? 'document' : (family as MessageKind);
    return { kind, mimeType: lower };
  });

export const n8nInboundMessage = z
  .object({
    messageId: text({ min: 1, max: 200 }),
    from: text({ min: 1, max: 40 }),
    name: text({ max: 200 }).optional(),
    body: z
      .string()
      .max(65_536)
      .refine((value) => !value.includes('\u0000'), 'Caractere nulo não é permitido')
      .optional(),
    mediaUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    mediaType: mediaType.optional(),
    quotedMessageId: text({ min: 1, max: 200 }).optional(),
    timestamp,
  })
  .strict()
  .refine((message) => (message.body ?? '').trim() !== '' || message.mediaUrl !== undefined, {
    message: 'Envie body ou mediaUrl',
    path: ['body'],
  });

export const n8nInboundStatus = z
  .object({
    messageId: text({ min: 1, max: 200 }),
    status: z.enum(['sent', 'delivered', 'read', 'failed']),
    timestamp,
    error: text({ max: 500 }).optional(),
    /** The provider's id for the message (WhatsApp's wamid), linked to it. */
    externalId: text({ min: 1, max: 200 }).optional(),
  })
  .strict();

export function toInboundMessage(payload: z.infer<typeof n8nInboundMessage>): InboundMessage {
  const kind: MessageKind = payload.mediaType?.kind ?? (payload.mediaUrl ? 'document' : 'text');
  return {
    externalId: payload.messageId,
    from: payload.from,
    ...(payload.name ? { contactName: payload.name } : {}),
    kind,
    ...(payload.body !== undefined ? { body: payload.body } : {}),
    ...(payload.mediaUrl
      ? { media: { url: payload.mediaUrl, ...(payload.mediaType?.mimeType ? { mimeType: payload.mediaType.mimeType } : {}) } }
      : {}),
    ...(payload.quotedMessageId ? { quotedExternalId: payload.quotedMessageId } : {}),
    sentAt: payload.timestamp,
  };
}

export function toInboundStatus(payload: z.infer<typeof n8nInboundStatus>): InboundStatus {
  return {
    messageRef: payload.messageId,
    status: payload.status,
    at: payload.timestamp,
    ...(payload.error ? { error: payload.error } : {}),
    ...(payload.externalId ? { externalId: payload.externalId } : {}),
  };
}

/** What Balcão posts to a channel's n8n outbound URL (the contract n8n workflows are built on). */
export interface N8nOutboundPayload {
  eventId: string;
  messageId: string;
  ticketId: string;
  to: string;
  body: string;
  mediaUrl?: string;
}

const N8N_OUTBOUND_KIND = 'helpdesk.n8n.outbound_message';

const n8nSendReceipt = z.object({ externalId: z.string().min(1).max(200) }).loose();

async function outboundMessageOf(
  trx: TenantTransaction,
  payload: N8nOutboundPayload,
): Promise<{ message: HelpdeskMessage; channel: HelpdeskChannel } | undefined> {
  const message = await trx.selectFrom('helpdesk_messages').selectAll().where('id', '=', payload.messageId).executeTakeFirst();
  if (!message) return undefined;
  const channel = await trx
    .selectFrom('helpdesk_channels')
    .selectAll()
    .where('id', '=', message.channel_id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return channel ? { message, channel } : undefined;
}

/**
 * Outbound messages to n8n: signed with the channel's webhook secret, one ticket's messages in
 * order. n8n's `{ externalId }` answer marks the message sent; a delivery that exhausts its tries
 * fails the message and puts the channel in error, which the dashboard shows.
 */
export function n8nOutboundMessages(secrets: SecretBox, media: MediaLinks): DeliveryKind<N8nOutboundPayload> {
  return {
    name: N8N_OUTBOUND_KIND,
    async resolveTarget(trx, delivery) {
      const found = await outboundMessageOf(trx, delivery.payload);
      const url = found ? outboundUrlOf(found.channel) : undefined;
      if (!found || !url) return null;
      const { mediaUrl } = delivery.payload;
      return {
        url,
        secret: secrets.open(found.channel.webhook_secret_sealed),
        // The stored payload keeps the plain link; each try gets a signed one that n8n can fetch for a while.
        ...(mediaUrl ? { body: { ...delivery.payload, mediaUrl: await providerMediaUrl(trx, media, mediaUrl) } } : {}),
      };
    },
    async onDelivered(trx, delivery, response) {
      const found = await outboundMessageOf(trx, delivery.payload);
      if (!found) return;
      const receipt = n8nSendReceipt.safeParse(response.body);
      await advanceMessageStatus(trx, found.message, 'sent', { externalId: receipt.success ? receipt.data.externalId : null });
      await markChannelWorking(trx, found.channel);
    },
    async onDead(trx, delivery, lastError) {
      const found = await outboundMessageOf(trx, delivery.payload);
      if (!found) return;
      await advanceMessageStatus(trx, found.message, 'failed', { failureReason: `n8n não recebeu a mensagem: ${lastError}` });
      await setChannelStatus(trx, found.channel, 'error', `Entrega ao n8n falhou: ${lastError}`.slice(0, 500));
    },
  };
}

export async function queueN8nMessage(trx: TenantTransaction, message: HelpdeskMessage, to: string): Promise<void> {
  const eventId = crypto.randomUUID();
  await enqueueDelivery<N8nOutboundPayload>(trx, {
    kind: { name: N8N_OUTBOUND_KIND },
    eventId,
    orderingKey: message.ticket_id,
    payload: {
      eventId,
      messageId: message.id,
      ticketId: message.ticket_id,
      to,
      body: message.body,
      ...(message.media_url ? { mediaUrl: message.media_url } : {}),
    },
  });
}
