/**
 * Media that contacts send through WhatsApp Cloud arrive as a media id; the file itself is fetched
 * from the Graph API by the delivery worker (so a Meta outage is retried like any delivery) and
 * kept with the helpdesk's other files, then linked from the message.
 */
import type { TenantTransaction } from '../../../db/tenant-scope';
import type { SecretBox } from '../../../platform/auth/secret-box';
import type { DeliverySendResult, TransportDeliveryKind, TransportTarget } from '../../../platform/deliveries/kinds';
import { enqueueDelivery } from '../../../platform/deliveries/queue';
import { keepMedia, providerMediaFileName } from '../media';
import { whatsappCredentials } from './channels';
import { WhatsappApiError } from './whatsapp-graph';
import { GRAPH_VERSION, whatsappClient, type WhatsappGraphSettings } from './whatsapp-outbound';

export const WHATSAPP_MEDIA_KIND = 'helpdesk.whatsapp_cloud.inbound_media';
/** WhatsApp's own ceiling for documents is 100 MB; files past this stay as a media id with a failure on the message. */
const MAX_INBOUND_MEDIA_BYTES = 16 * 1024 * 1024;

export interface WhatsappMediaPayload {
  messageId: string;
  providerMediaId: string;
}

interface WhatsappMediaTarget extends TransportTarget {
  credentials: { phoneNumberId: string; accessToken: string };
  providerMediaId: string;
}

interface DownloadedFile {
  data: Buffer;
  mimeType: string;
}

async function inboundMessageOf(trx: TenantTransaction, messageId: string) {
  return trx
    .selectFrom('helpdesk_messages')
    .innerJoin('helpdesk_channels', 'helpdesk_channels.id', 'helpdesk_messages.channel_id')
    .selectAll('helpdesk_channels')
    .select(['helpdesk_messages.media_url', 'helpdesk_messages.media_file_name', 'helpdesk_messages.id as message_id'])
    .where('helpdesk_messages.id', '=', messageId)
    .where('helpdesk_channels.type', '=', 'whatsapp_cloud')
    .executeTakeFirst();
}

export function whatsappInboundMedia(
  secrets: SecretBox,
  graph: WhatsappGraphSettings,
  publicUrl: string,
): TransportDeliveryKind<WhatsappMediaPayload, WhatsappMediaTarget> {
  return {
    name: WHATSAPP_MEDIA_KIND,
    async resolveTarget(trx, delivery) {
      const found = await inboundMessageOf(trx, delivery.payload.messageId);
      if (!found || found.media_url) return null;
      const { phoneNumberId, accessToken } = whatsappCredentials(found, secrets);
      return {
        url: `${graph.baseUrl}/${GRAPH_VERSION}/${encodeURIComponent(delivery.payload.providerMediaId)}`,
        credentials: { phoneNumberId, accessToken },
        providerMediaId: delivery.payload.providerMediaId,
      };
    },
    async send(_delivery, target, context): Promise<DeliverySendResult> {
      try {
        const media = await whatsappClient(target.credentials, graph, context.timeoutMs).downloadMedia(target.providerMediaId, {
          maxBytes: MAX_INBOUND_MEDIA_BYTES,
          timeoutMs: context.timeoutMs,
        });
        const file: DownloadedFile = {
          data: media.data,
          mimeType: (media.mimeType ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase(),
        };
        return {
          statusCode: 200,
          error: null,
          responseBody: file,
          responseExcerpt: JSON.stringify({ mimeType: file.mimeType, sizeBytes: media.sizeBytes }),
        };
      } catch (error) {
        if (!(error instanceof WhatsappApiError)) throw error;
        return {
          statusCode: error.status ?? null,
          error: error.message,
          permanent: !error.retryable,
          responseExcerpt: JSON.stringify({ kind: error.kind, code: error.code ?? null }),
        };
      }
    },
    async onDelivered(trx, delivery, response) {
      const found = await inboundMessageOf(trx, delivery.payload.messageId);
      const file = response.body as DownloadedFile | undefined;
      if (!found || found.media_url || !file) return;
      const stored = await keepMedia(trx, publicUrl, {
        content: file.data,
        mimeType: file.mimeType,
        fileName: providerMediaFileName(found.message_id, file.mimeType, found.media_file_name),
      });
      await trx
        .updateTable('helpdesk_messages')
        .set({
          media_url: stored.url,
          media_mime_type: stored.mimeType,
          media_size_bytes: stored.sizeBytes,
          media_file_name: stored.fileName,
        })
        .where('id', '=', found.message_id)
        .execute();
    },
    async onDead(trx, delivery, lastError) {
      await trx
        .updateTable('helpdesk_messages')
        .set({ failure_reason: `Não foi possível baixar a mídia do WhatsApp: ${lastError}`.slice(0, 500) })
        .where('id', '=', delivery.payload.messageId)
        .execute();
    },
  };
}

export async function queueWhatsappMediaDownload(trx: TenantTransaction, payload: WhatsappMediaPayload): Promise<void> {
  await enqueueDelivery<WhatsappMediaPayload>(trx, { kind: { name: WHATSAPP_MEDIA_KIND }, payload });
}
