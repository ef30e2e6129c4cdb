import type { HelpdeskMessage } from '../../db/schema';
import type { TenantTransaction } from '../../db/tenant-scope';
import type { SecretBox } from '../../platform/auth/secret-box';
import type { DeliveryKind } from '../../platform/deliveries/kinds';
import { enqueueDelivery } from '../../platform/deliveries/queue';
import type { DeliveryStatus } from './channels/provider';

/** What an API client's callback URL receives when one of its messages changes status. */
export interface ApiStatusCallback {
  eventId: string;
  apiId: string;
  messageId: string;
  ticketId: string;
  externalKey: string | null;
  status: DeliveryStatus;
  failureReason: string | null;
  at: string;
}

const API_STATUS_CALLBACK_KIND = 'helpdesk.api.status_callback';

/** Queues the status callback of an API message, when its config has a callback URL. */
export async function queueApiStatusCallback(
  trx: TenantTransaction,
  message: HelpdeskMessage,
  status: DeliveryStatus,
  failureReason: string | null,
): Promise<void> {
  if (!message.api_config_id) return;
  const config = await trx
    .selectFrom('helpdesk_api_configs')
    .select(['id', 'callback_url', 'revoked_at'])
    .where('id', '=', message.api_config_id)
    .executeTakeFirst();
  if (!config?.callback_url || config.revoked_at) return;
  const eventId = crypto.randomUUID();
  const payload: ApiStatusCallback = {
    eventId,
    apiId: config.id,
    messageId: message.id,
    ticketId: message.ticket_id,
    externalKey: message.external_key,
    status,
    failureReason,
    at: new Date().toISOString(),
  };
  await enqueueDelivery(trx, { kind: { name: API_STATUS_CALLBACK_KIND }, eventId, orderingKey: `api-message:${message.id}`, payload });
}

/** Status callbacks to API clients, signed with their config's callback secret. */
export function apiStatusCallbacks(secrets: SecretBox): DeliveryKind<ApiStatusCallback> {
  return {
    name: API_STATUS_CALLBACK_KIND,
    async resolveTarget(trx, delivery) {
      const config = await trx.selectFrom('helpdesk_api_configs').selectAll().where('id', '=', delivery.payload.apiId).executeTakeFirst();
      if (!config?.callback_url || config.revoked_at) return null;
      return { url: config.callback_url, secret: secrets.open(config.callback_secret_sealed) };
    },
  };
}
