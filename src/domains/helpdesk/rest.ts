import express, { type Request } from 'express';
import type { z } from 'zod';
import type { HelpdeskChannel } from '../../db/schema';
import { isUuid, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { RestError } from '../../rest/errors';
import { handleAsync, rawBodyOf } from '../../rest/handlers';
import { clientAddressOf, rateLimited } from '../../rest/rate-limits';
import type { Services } from '../../platform/services';
import { DomainError } from '../../platform/errors';
import {
  carriesPreviousSecret,
  channelForWebhook,
  clearRefusedWebhook,
  isAuthenticWebhook,
  noteRefusedWebhook,
  whatsappCredentials,
} from './channels/channels';
import { queueWhatsappMediaDownload } from './channels/whatsapp-media';
import { batchForPhoneNumber, parseWhatsappWebhook, verifyWebhookSubscription, verifyWhatsappSignature } from './channels/whatsapp-webhook';
import { n8nInboundMessage, n8nInboundStatus, toInboundMessage, toInboundStatus } from './channels/n8n';
import { applyReportedStatus } from './messages';
import { ingestInboundMessages, type IngestResult } from './inbound';
import { phoneOrFail } from './contacts';
import { GroupCommit, settle, writeAccepted } from '../../db/group-commit';
import { queueOutboundMessage } from './outbound';

/** The most messages one transaction takes; more wait for the next. */
const MAX_MESSAGES_PER_COMMIT = 200;

/**
 * The n8n webhooks of a channel. A call is authenticated by the channel's secret before its body
 * is read for anything else, validated whole, and stored in one transaction before the answer:
 * a 200 means the message is kept, and a retry of it is answered the same without a second copy.
 */
export function helpdeskWebhooks(services: Services): express.Router {
  const webhooks = express.Router();
  // A channel's secret is the credential: its budget is counted per channel.
  const { perIp, perCredential } = services.requestLimits.webhooks;
  const limited = rateLimited(
    { limiter: perIp, keyOf: clientAddressOf },
    { limiter: perCredential, keyOf: (req) => `channel:${String(req.params.channelId)}` },
  );
  // A channel's messages that arrive together are checked and stored in one transaction (group commit).
  const inbound = new GroupCommit<WebhookCall, IngestResult>({
    maxBatch: MAX_MESSAGES_PER_COMMIT,
    writeBatch: async (channelId, calls) => {
      const channel = await webhookChannel(services, channelId, 'n8n');
      const checked = calls.map((call) =>
        settle(() => {
          const message = toInboundMessage(checkedPayload(services, channel, call, n8nInboundMessage));
          phoneOrFail(message.from);
          return message;
        }),
      );
      return writeAccepted(checked, (messages) =>
        inTenantOf(services, channel, (trx) => ingestInboundMessages(trx, channel, messages, queueOutboundMessage)),
      );
    },
  });

  webhooks.post(
    '/n8n/channels/:channelId/messages',
    limited,
    handleAsync(async (req, res) => {
      res.status(200).json(await inbound.submit(String(req.params.channelId), webhookCallOf(req)));
    }),
  );

  webhooks.post(
    '/n8n/channels/:channelId/statuses',
    limited,
    handleAsync(async (req, res) => {
      const { channel, payload } = await authenticatedCall(services, req, n8nInboundStatus);
      res.status(200).json(await inTenantOf(services, channel, (trx) => applyReportedStatus(trx, channel, toInboundStatus(payload))));
    }),
  );

  // WhatsApp Cloud API: Meta checks the subscription with a GET, then posts signed batches.
  webhooks.get(
    '/whatsapp/channels/:channelId',
    limited,
    handleAsync(async (req, res) => {
      const channel = await webhookChannel(services, String(req.params.channelId), 'whatsapp_cloud');
      const verification = verifyWebhookSubscription(
        req.query as Record<string, unknown>,
        services.secrets.open(channel.webhook_secret_sealed),
      );
      if (!verification.ok) throw new RestError(403, 'ERR_WEBHOOK_UNAUTHORIZED', verification.reason);
      res.status(200).type('text/plain').send(verification.challenge);
    }),
  );

  webhooks.post(
    '/whatsapp/channels/:channelId',
    limited,
    handleAsync(async (req, res) => {
      const channel = await webhookChannel(services, String(req.params.channelId), 'whatsapp_cloud');
      const { appSecret, phoneNumberId } = whatsappCredentials(channel, services.secrets);
      if (!verifyWhatsappSignature(rawBodyOf(req), req.get('x-hub-signature-256'), appSecret)) {
        services.logger.warn({ channelId: channel.id }, 'whatsapp webhook refused: bad X-Hub-Signature-256');
        throw new RestError(401, 'ERR_WEBHOOK_UNAUTHORIZED', 'Assinatura X-Hub-Signature-256 inválida');
      }
      const parsed = parseWhatsappWebhook(req.body);
      if (!parsed.ok) {
        services.logger.warn({ channelId: channel.id, issues: parsed.issues.slice(0, 5) }, 'whatsapp webhook refused: invalid payload');
        throw new RestError(400, 'ERR_VALIDATION', 'Payload do WhatsApp inválido', { issues: parsed.issues.slice(0, 20) });
      }
      const batch = batchForPhoneNumber(parsed.batch, phoneNumberId);
      const result = await inTenantOf(services, channel, async (trx) => {
        const messages = await ingestInboundMessages(trx, channel, batch.messages, queueOutboundMessage);
        for (const [index, ingested] of messages.entries()) {
          const media = batch.messages[index]!.media;
          if (!ingested.duplicate && media?.providerMediaId && !media.url)
            await queueWhatsappMediaDownload(trx, { messageId: ingested.messageId, providerMediaId: media.providerMediaId });
        }
        let statuses = 0;
        for (const status of batch.statuses) {
          // Meta also reports messages sent from the phone itself; those are not ours to track.
          const applied = await applyReportedStatus(trx, channel, status).catch((error: unknown) => {
            if (error instanceof DomainError && error.reason === 'MESSAGE_NOT_FOUND') return undefined;
            throw error;
          });
          if (applied) statuses += 1;
        }
        return { messages, statuses };
      });
      res.status(200).json(result);
    }),
  );

  return webhooks;
}

/** A channel as a webhook finds it: with whether its tenant has the helpdesk on. */
type WebhookChannel = HelpdeskChannel & { helpdeskEnabled: boolean };

async function webhookChannel(services: Services, channelId: string, type: HelpdeskChannel['type']): Promise<WebhookChannel> {
  const channel = isUuid(channelId) ? await channelForWebhook(services.db, channelId, type) : undefined;
  if (!channel) throw new RestError(404, 'ERR_CHANNEL_NOT_FOUND', type === 'n8n' ? 'Canal n8n inexistente' : 'Canal WhatsApp inexistente');
  return channel;
}

/** What an n8n webhook call brings, kept as it came until the channel's secret vouches for it. */
interface WebhookCall {
  secret: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  body: unknown;
  path: string;
}

const webhookCallOf = (req: Request): WebhookCall => ({
  secret: req.get('x-webhook-secret'),
  signature: req.get('x-webhook-signature'),
  rawBody: rawBodyOf(req),
  body: req.body,
  path: req.path,
});

/** The call's payload once its secret or signature is the channel's (401) and it is valid whole (400). */
function checkedPayload<Schema extends z.ZodType>(
  services: Services,
  channel: WebhookChannel,
  call: WebhookCall,
  schema: Schema,
): z.output<Schema> {
  if (!isAuthenticWebhook(channel, services.secrets, { secret: call.secret, signature: call.signature }, call.rawBody)) {
    services.logger.warn({ channelId: channel.id, path: call.path }, 'webhook refused: wrong secret or signature');
    if (carriesPreviousSecret(channel, services.secrets, { secret: call.secret, signature: call.signature }, call.rawBody)) {
      remember(services, noteRefusedWebhook(services.db, channel), channel.id);
    }
    throw new RestError(
      401,
      'ERR_WEBHOOK_UNAUTHORIZED',
      'Segredo ou assinatura do webhook inválidos (X-Webhook-Secret ou X-Webhook-Signature: sha256=<hmac>)',
    );
  }
  if (channel.webhook_refused_at) remember(services, clearRefusedWebhook(services.db, channel), channel.id);
  const parsed = schema.safeParse(call.body);
  if (!parsed.success) {
    services.logger.warn(
      { channelId: channel.id, path: call.path, issues: parsed.error.issues.slice(0, 5) },
      'webhook refused: invalid payload',
    );
    throw parsed.error;
  }
  return parsed.data;
}

/** A note about the channel's webhook, written beside the call (the call's answer does not wait for it). */
function remember(services: Services, note: Promise<void>, channelId: string): void {
  note.catch((error: unknown) => services.logger.warn({ err: error, channelId }, 'could not note the webhook refusal'));
}

async function authenticatedCall<Schema extends z.ZodType>(
  services: Services,
  req: Request,
  schema: Schema,
): Promise<{ channel: WebhookChannel; payload: z.output<Schema> }> {
  const channel = await webhookChannel(services, String(req.params.channelId), 'n8n');
  return { channel, payload: checkedPayload(services, channel, webhookCallOf(req), schema) };
}

function assertHelpdeskEnabled(channel: WebhookChannel): void {
  if (!channel.helpdeskEnabled)
    throw new RestError(403, 'ERR_MODULE_DISABLED', 'O módulo Atendimento não está ativo para esta empresa', { module: 'helpdesk' });
}

/** The channel's tenant, refused when its helpdesk module is off. */
async function inTenantOf<T>(services: Services, channel: WebhookChannel, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  assertHelpdeskEnabled(channel);
  return withTenant(services.db, channel.tenant_id, work);
}
