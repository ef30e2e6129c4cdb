import type { SecretBox } from '../../platform/auth/secret-box';
import type { LinkSigner } from '../../platform/auth/signed-links';
import type { DeliveryKind } from '../../platform/deliveries/kinds';
import { apiStatusCallbacks } from './api-callbacks';
import { whatsappInboundMedia } from './channels/whatsapp-media';
import { n8nOutboundMessages, queueN8nMessage } from './channels/n8n';
import { queueWhatsappMessage, whatsappOutboundMessages, type WhatsappGraphSettings } from './channels/whatsapp-outbound';
import type { OutboundQueue } from './messages';

/** The helpdesk's outbound delivery kinds, for the delivery worker. */
export function helpdeskDeliveryKinds(
  secrets: SecretBox,
  links: LinkSigner,
  graph: WhatsappGraphSettings,
  publicUrl: string,
): DeliveryKind[] {
  const mediaLinks = { links, publicUrl };
  return [
    n8nOutboundMessages(secrets, mediaLinks),
    whatsappOutboundMessages(secrets, graph, mediaLinks),
    whatsappInboundMedia(secrets, graph, publicUrl),
    apiStatusCallbacks(secrets),
  ] as DeliveryKind[];
}

/** How a message leaves, by its ticket's channel type. */
export const queueOutboundMessage: OutboundQueue = async (trx, channel, message, to) => {
  if (channel.type === 'n8n') return queueN8nMessage(trx, message, to);
  if (channel.type === 'whatsapp_cloud') return queueWhatsappMessage(trx, message);
  throw new Error(`no outbound route for channel type ${channel.type}`);
};
