import type { Page } from 'playwright-core';
import type { N8nOutboundPayload } from '../../../src/domains/helpdesk/channels/n8n';
import { eventually } from '../../support/network';
import { TestReceiver, type ReceivedRequest } from '../../support/receiver';

/**
 * n8n for the browser tests: a real receiver that answers every delivery with the id WhatsApp
 * gave the message (`wamid.out-<n>`, n counting deliveries from 1), or fails while told to.
 */
export class N8nStandIn {
  readonly receiver = new TestReceiver<N8nOutboundPayload>();
  /** While set, every delivery is answered with this HTTP status. */
  failsWith: number | null = null;

  /** Starts listening; answers the outbound URL to give the channel. */
  async start(): Promise<string> {
    this.receiver.reply = () =>
      this.failsWith
        ? { status: this.failsWith, json: { error: 'workflow failed' } }
        : { status: 200, json: { externalId: `wamid.out-${this.receiver.requests.length}` } };
    return `${await this.receiver.start()}/webhook/balcao`;
  }

  /** The first delivery n8n got (or gets) with this reply text, and the id it answered with. */
  async deliveryOf(body: string): Promise<ReceivedRequest<N8nOutboundPayload> & { externalId: string }> {
    const index = await eventually(
      async () => this.receiver.requests.findIndex((candidate) => candidate.payload.body === body),
      (found) => found >= 0,
      10_000,
    );
    return { ...this.receiver.requests[index]!, externalId: `wamid.out-${index + 1}` };
  }

  close(): Promise<void> {
    return this.receiver.close();
  }
}

/** What n8n does with a contact's message or a status: posts to the channel's webhook (a path on the app) with its secret. */
export function postToChannelWebhook(appUrl: string, secret: string, path: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
    body: JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), ...body }),
  });
}

/** The open ticket's conversation beside the inbox. */
export const conversationOf = (page: Page) => page.getByTestId('conversation');
