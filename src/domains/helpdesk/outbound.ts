import type { SecretBox } from '../../platform/auth/secret-box';
import type { DeliveryKind } from '../../platform/deliveries/kinds';
import { apiStatusCallbacks } from './api-callbacks';
import { n8nOutboundMessages, queueN8nMessage } from './channels/n8n';
import type { OutboundQueue } from './messages';

/** The helpdesk's outbound delivery kinds, for the delivery worker. */
export function helpdeskDeliveryKinds(secrets: SecretBox): DeliveryKind[] {
  return [n8nOutboundMessages(secrets), apiStatusCallbacks(secrets)] as DeliveryKind[];
}

/** How a message leaves, by its ticket's channel type. */
export const queueOutboundMessage: OutboundQueue = async (trx, channel, message, to) => {
  if (channel.type === 'n8n') return queueN8nMessage(trx, message, to);
  throw new Error(`no outbound route for channel type ${channel.type}`);
};
