import { withTenant } from '../../src/db/tenant-scope';
import { findChannel } from '../../src/domains/helpdesk/channels/channels';
import type { InboundMessage } from '../../src/domains/helpdesk/channels/provider';
import { ingestInboundMessage } from '../../src/domains/helpdesk/inbound';
import { queueOutboundMessage } from '../../src/domains/helpdesk/outbound';
import type { Services } from '../../src/services';

let inboundCounter = 0;

/** A message from a contact as the channel's webhook would store it, without the HTTP hop. */
export async function receiveMessage(services: Services, tenantId: string, channelId: string, overrides: Partial<InboundMessage> = {}) {
  inboundCounter += 1;
  const inbound: InboundMessage = {
    externalId: `ext-${process.pid}-${inboundCounter}`,
    from: '5511990000001',
    kind: 'text',
    body: `Mensagem ${inboundCounter}`,
    sentAt: new Date(),
    ...overrides,
  };
  return withTenant(services.db, tenantId, async (trx) =>
    ingestInboundMessage(trx, await findChannel(trx, channelId), inbound, queueOutboundMessage),
  );
}

/** A distinct valid Brazilian mobile number per call. */
export function nextPhone(): string {
  inboundCounter += 1;
  return `55119${String(80000000 + inboundCounter).padStart(8, '0')}`;
}
