import { randomUUID } from 'node:crypto';
import type { AgendaClient } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import type { SecretBox } from '../../platform/auth/secret-box';
import type { DeliveryKind } from '../../platform/deliveries/kinds';
import { enqueueDelivery } from '../../platform/deliveries/queue';
import { appendEvent } from '../../platform/events/outbox';
import { sendSystemMessageToPhone } from '../helpdesk';

export const AGENDA_N8N_NOTIFICATION_KIND = 'agenda.n8n_notification';

export type NotificationKind =
  'auth_request_approved' | 'auth_request_rejected' | 'prazo_certo_offer' | 'encher_agenda_offer' | 'chat_reply';

/** What n8n receives for every message to a client: it sends `message` to `phone` on WhatsApp. */
export interface AgendaNotificationPayload {
  eventId: string;
  notificationId: string;
  kind: NotificationKind;
  clientId: string;
  clientName: string;
  phone: string;
  message: string;
  details: Record<string, unknown>;
}

export interface NotificationRequest {
  client: AgendaClient;
  kind: NotificationKind;
  message: string;
  /** One notification per key, ever: a retried decision or a re-run campaign sends nothing twice. */
  dedupeKey: string;
  details?: Record<string, unknown>;
  /** Held back until then (quiet hours); n8n deliveries only. */
  notBefore?: Date;
  /** Through this helpdesk channel whatever the tenant's route (a chat that came in on it). */
  helpdeskChannelId?: string;
}

/**
 * Sends a message to a client through the tenant's route, in the caller's transaction and exactly
 * once per dedupe key: n8n (a signed delivery to the agenda's n8nOutboundUrl, retried until it
 * lands), or a helpdesk channel. A client who opted out is never contacted. Answers whether it
 * was sent now (false: opted out, or already sent under this key).
 */
export async function notifyClient(trx: TenantTransaction, request: NotificationRequest): Promise<boolean> {
  if (request.client.opted_out_at) return false;
  const settings = await trx
    .selectFrom('agenda_settings')
    .select(['n8n_outbound_url', 'notification_route', 'helpdesk_channel_id'])
    .where('tenant_id', '=', tenantOf(trx))
    .executeTakeFirst();
  const helpdeskChannelId =
    request.helpdeskChannelId ?? (settings?.notification_route === 'helpdesk' ? settings.helpdesk_channel_id : null);
  const route = helpdeskChannelId ? 'helpdesk' : settings?.n8n_outbound_url ? 'n8n' : 'none';
  const notification = await trx
    .insertInto('agenda_notifications')
    .values({
      tenant_id: tenantOf(trx),
      client_id: request.client.id,
      kind: request.kind,
      message: request.message,
      route,
      dedupe_key: request.dedupeKey,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!notification) return false;
  if (route === 'n8n') {
    const eventId = randomUUID();
    const { id: deliveryId } = await enqueueDelivery<AgendaNotificationPayload>(trx, {
      kind: { name: AGENDA_N8N_NOTIFICATION_KIND },
      eventId,
      orderingKey: `agenda-client:${request.client.id}`,
      ...(request.notBefore ? { notBefore: request.notBefore } : {}),
      payload: {
        eventId,
        notificationId: notification.id,
        kind: request.kind,
        clientId: request.client.id,
        clientName: request.client.name,
        phone: request.client.phone,
        message: request.message,
        details: request.details ?? {},
      },
    });
    await trx.updateTable('agenda_notifications').set({ delivery_id: deliveryId }).where('id', '=', notification.id).execute();
  } else if (route === 'helpdesk') {
    await sendSystemMessageToPhone(trx, {
      channelId: helpdeskChannelId!,
      phone: request.client.phone,
      name: request.client.name,
      body: request.message,
    });
  }
  // Without a route the message is kept (the dashboard shows it) but nobody was contacted.
  if (route === 'none') return false;
  await trx.updateTable('agenda_clients').set({ last_contacted_at: new Date() }).where('id', '=', request.client.id).execute();
  await appendEvent(trx, 'notification_sent', {
    notification_id: notification.id,
    client_id: request.client.id,
    kind: request.kind,
    route,
  });
  return true;
}

/** n8n notifications: posted to the agenda's outbound URL as it is at send time, signed with the inbound secret. */
export function agendaDeliveryKinds(secrets: SecretBox): DeliveryKind[] {
  const n8nNotifications: DeliveryKind<AgendaNotificationPayload> = {
    name: AGENDA_N8N_NOTIFICATION_KIND,
    async resolveTarget(trx) {
      const settings = await trx
        .selectFrom('agenda_settings')
        .select(['n8n_outbound_url', 'inbound_secret_sealed'])
        .where('tenant_id', '=', tenantOf(trx))
        .executeTakeFirst();
      return settings?.n8n_outbound_url ? { url: settings.n8n_outbound_url, secret: secrets.open(settings.inbound_secret_sealed) } : null;
    },
  };
  return [n8nNotifications as DeliveryKind];
}
