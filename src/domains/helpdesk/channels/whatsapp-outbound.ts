/**
 * Outbound messages of WhatsApp Cloud channels: queued in the delivery queue with ids only, sent
 * by the worker through the Graph API (the kind's own transport), one ticket's messages in order.
 */
import type { HelpdeskChannel, HelpdeskMessage } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import type { SecretBox } from '../../../platform/auth/secret-box';
import type { DeliveryFailure, DeliverySendResult, TransportDeliveryKind, TransportTarget } from '../../../platform/deliveries/kinds';
import { enqueueDelivery } from '../../../platform/deliveries/queue';
import { advanceMessageStatus } from '../messages';
import { providerMediaUrl, type MediaLinks } from '../media';
import { markChannelWorking, setChannelStatus, whatsappCredentials } from './channels';
import type { OutboundMedia, OutboundMessage } from './provider';
import { WhatsappApiError, WhatsappCloudClient, type WhatsappApiErrorKind } from './whatsapp-graph';

export const WHATSAPP_OUTBOUND_KIND = 'helpdesk.whatsapp_cloud.outbound_message';

/** Ids only: the recipient, the Graph request and the token are resolved when it is sent, so nothing secret is queued. */
export interface WhatsappOutboundPayload {
  messageId: string;
  ticketId: string;
}

export interface WhatsappGraphSettings {
  /** https://graph.facebook.com, or a stand-in (WHATSAPP_GRAPH_BASE_URL). */
  baseUrl: string;
}

/** Pinned here, so moving to a newer Graph version is a deliberate change. */
export const GRAPH_VERSION = 'v21.0';

export function whatsappClient(
  credentials: { phoneNumberId: string; accessToken: string },
  graph: WhatsappGraphSettings,
  timeoutMs?: number,
): WhatsappCloudClient {
  return new WhatsappCloudClient({
    ...credentials,
    baseUrl: graph.baseUrl,
    graphVersion: GRAPH_VERSION,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** One try's request, resolved in the tenant; the token lives in memory for the try only. */
interface WhatsappSendTarget extends TransportTarget {
  message: OutboundMessage;
  credentials: { phoneNumberId: string; accessToken: string };
}

/** What a failed send hands to onDead (and the attempts table keeps): Meta's codes, never the token. */
interface WhatsappSendFailure {
  kind: WhatsappApiErrorKind;
  code: number | null;
  subcode: number | null;
  fbtraceId: string | null;
}

/**
 * Failures that concern this message or its recipient, not the channel: the message fails, the
 * channel stays as it is (a contact who is not on WhatsApp must not turn the channel red).
 */
const MESSAGE_SCOPED_CODES: ReadonlySet<number> = new Set([
  131008, // required parameter missing
  131009, // parameter value not valid
  131021, // recipient cannot be the sender
  131026, // undeliverable: not on WhatsApp, blocked, old app
  131030, // recipient not in the allowed list (test numbers)
  131047, // more than 24 h since the customer's last message
  131049, // not delivered to maintain ecosystem engagement
  131051, // unsupported message type
  131052, // media download error
  131053, // media upload error
]);

const MEDIA_KINDS: ReadonlySet<string> = new Set<OutboundMedia['kind']>(['image', 'audio', 'video', 'document']);

function failureOf(body: unknown): WhatsappSendFailure | undefined {
  return typeof body === 'object' && body !== null && 'kind' in body ? (body as WhatsappSendFailure) : undefined;
}

function concernsOnlyTheMessage(failure: WhatsappSendFailure | undefined): boolean {
  if (!failure) return false;
  return failure.kind === 'invalid_request' || (failure.code !== null && MESSAGE_SCOPED_CODES.has(failure.code));
}

async function sentMessageOf(
  trx: TenantTransaction,
  messageId: string,
): Promise<{ message: HelpdeskMessage; channel: HelpdeskChannel | undefined } | undefined> {
  const message = await trx.selectFrom('helpdesk_messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message) return undefined;
  const channel = await trx
    .selectFrom('helpdesk_channels')
    .selectAll()
    .where('id', '=', message.channel_id)
    .where('type', '=', 'whatsapp_cloud')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return { message, channel };
}

/** The provider-neutral message to send, from the stored one: recipient, text, media and the quoted message's wamid. */
async function outboundMessageOf(
  trx: TenantTransaction,
  message: HelpdeskMessage,
  mediaLinks: MediaLinks,
): Promise<OutboundMessage | undefined> {
  const contact = await trx.selectFrom('helpdesk_contacts').select('phone').where('id', '=', message.contact_id).executeTakeFirst();
  if (!contact) return undefined;
  const quoted = message.quoted_message_id
    ? await trx.selectFrom('helpdesk_messages').select('external_id').where('id', '=', message.quoted_message_id).executeTakeFirst()
    : undefined;
  const media: OutboundMedia | undefined =
    message.media_url && MEDIA_KINDS.has(message.kind)
      ? {
          // Meta fetches the file by this link: a signed one, made for this try.
          url: await providerMediaUrl(trx, mediaLinks, message.media_url),
          kind: message.kind as OutboundMedia['kind'],
          ...(message.media_file_name ? { fileName: message.media_file_name } : {}),
        }
      : undefined;
  return {
    messageId: message.id,
    ticketId: message.ticket_id,
    to: contact.phone,
    ...(message.body ? { body: message.body } : {}),
    ...(media ? { media } : {}),
    ...(quoted?.external_id ? { quotedExternalId: quoted.external_id } : {}),
  };
}

/**
 * Sends through the Graph API. A 2xx makes the returned wamid the message's external id (which
 * Meta's status webhooks name) and the message `sent`; a failure Meta says will repeat (bad token,
 * recipient not on WhatsApp) is dead at once, others are retried. A dead delivery fails the
 * message and, unless the failure concerns only that message, puts the channel in error.
 */
export function whatsappOutboundMessages(
  secrets: SecretBox,
  graph: WhatsappGraphSettings,
  mediaLinks: MediaLinks,
): TransportDeliveryKind<WhatsappOutboundPayload, WhatsappSendTarget> {
  return {
    name: WHATSAPP_OUTBOUND_KIND,
    async resolveTarget(trx, delivery) {
      const found = await sentMessageOf(trx, delivery.payload.messageId);
      if (!found?.channel) return null;
      const message = await outboundMessageOf(trx, found.message, mediaLinks);
      if (!message) return null;
      const { phoneNumberId, accessToken } = whatsappCredentials(found.channel, secrets);
      return {
        url: `${graph.baseUrl}/${GRAPH_VERSION}/${encodeURIComponent(phoneNumberId)}/messages`,
        message,
        credentials: { phoneNumberId, accessToken },
      };
    },
    async send(_delivery, target, context): Promise<DeliverySendResult> {
      try {
        const receipt = await whatsappClient(target.credentials, graph, context.timeoutMs).send(target.message);
        return {
          statusCode: 200,
          error: null,
          responseBody: receipt,
          responseExcerpt: JSON.stringify({ externalId: receipt.externalId ?? null }),
        };
      } catch (error) {
        if (!(error instanceof WhatsappApiError)) throw error;
        const failure: WhatsappSendFailure = {
          kind: error.kind,
          code: error.code ?? null,
          subcode: error.subcode ?? null,
          fbtraceId: error.fbtraceId ?? null,
        };
        return {
          statusCode: error.status ?? null,
          error: error.message,
          permanent: !error.retryable,
          responseBody: failure,
          responseExcerpt: JSON.stringify(failure),
        };
      }
    },
    async onDelivered(trx, delivery, response) {
      const found = await sentMessageOf(trx, delivery.payload.messageId);
      if (!found) return;
      const externalId = (response.body as { externalId?: string } | undefined)?.externalId ?? null;
      await advanceMessageStatus(trx, found.message, 'sent', { externalId });
      if (found.channel) await markChannelWorking(trx, found.channel);
    },
    async onDead(trx, delivery, lastError, last: DeliveryFailure) {
      const found = await sentMessageOf(trx, delivery.payload.messageId);
      if (!found) return;
      const reason = `Envio pelo WhatsApp falhou: ${lastError}`.slice(0, 500);
      await advanceMessageStatus(trx, found.message, 'failed', { failureReason: reason });
      if (found.channel && !concernsOnlyTheMessage(failureOf(last.body))) await setChannelStatus(trx, found.channel, 'error', reason);
    },
  };
}

export async function queueWhatsappMessage(trx: TenantTransaction, message: HelpdeskMessage): Promise<void> {
  await enqueueDelivery<WhatsappOutboundPayload>(trx, {
    kind: { name: WHATSAPP_OUTBOUND_KIND },
    orderingKey: message.ticket_id,
    payload: { messageId: message.id, ticketId: message.ticket_id },
  });
}
