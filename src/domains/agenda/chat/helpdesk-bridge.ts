import { withTenant } from '../../../db/tenant-scope';
import type { EventHub } from '../../../platform/events/hub';
import { inboundMessageForOtherModules } from '../../helpdesk';
import { answerClientMessage, HELPDESK_CHANNEL_PREFIX, receiveClientMessage, type ChatAgentDeps } from './agent';

/** How long a tenant's "chat from the helpdesk" switch is trusted (a settings change drops it at once). */
const SWITCH_CACHE_MS = 60_000;

/**
 * Feeds the chat agent with what contacts write on helpdesk channels, for tenants that turned
 * on `chatFromHelpdesk` (with both modules on): each inbound message becomes the agent's once
 * (keyed by the helpdesk message's id, so every instance hearing the event stores it once), and the
 * reply goes back on the same channel. A message that arrives while no instance listens is not
 * replayed: the helpdesk inbox still has it.
 */
export function feedChatFromHelpdesk(hub: Pick<EventHub, 'subscribeAll'>, deps: ChatAgentDeps): () => void {
  const chatFeed = helpdeskChatFeed(deps);
  return hub.subscribeAll(({ tenantId, event }) => {
    if (event.type === 'agenda.settings_changed') chatFeed.forgetSwitch(tenantId);
    if (event.type !== 'message.created' || event.data.direction !== 'inbound' || event.data.isNote) return;
    chatFeed
      .feed(tenantId, event.data.messageId)
      .catch((error: unknown) =>
        deps.logger.error({ err: error, tenantId, messageId: event.data.messageId }, 'chat agent failed on a helpdesk message'),
      );
  });
}

/**
 * Hands one helpdesk message to the chat agent when the tenant's switch was on at its arrival.
 * The switch is cached for a while; `forgetSwitch` drops it when the settings change.
 */
export function helpdeskChatFeed(deps: ChatAgentDeps) {
  const switches = new Map<string, { onSince: Date | null; readAt: number }>();
  /** Since when the tenant's switch is on (with both modules on), or null while it is off. */
  const switchedOnSince = async (tenantId: string): Promise<Date | null> => {
    const cached = switches.get(tenantId);
    if (cached && Date.now() - cached.readAt < SWITCH_CACHE_MS) return cached.onSince;
    const row = await withTenant(deps.db, tenantId, (trx) =>
      trx
        .selectFrom('agenda_settings')
        .innerJoin('tenants', 'tenants.id', 'agenda_settings.tenant_id')
        .select(['agenda_settings.chat_from_helpdesk', 'agenda_settings.chat_from_helpdesk_since', 'tenants.modules'])
        .executeTakeFirst(),
    );
    const on = row !== undefined && row.chat_from_helpdesk && row.modules.includes('agenda') && row.modules.includes('helpdesk');
    const onSince = on ? (row.chat_from_helpdesk_since ?? new Date(0)) : null;
    switches.set(tenantId, { onSince, readAt: Date.now() });
    return onSince;
  };
  const feed = async (tenantId: string, messageId: string) => {
    const onSince = await switchedOnSince(tenantId);
    if (onSince === null) return;
    const received = await withTenant(deps.db, tenantId, async (trx) => {
      const inbound = await inboundMessageForOtherModules(trx, messageId);
      // Decided by the state at arrival: a message that came in before the switch was on stays the helpdesk's.
      if (!inbound || inbound.body.trim() === '' || inbound.sentAt < onSince) return undefined;
      return receiveClientMessage(trx, {
        phone: inbound.phone,
        clientName: inbound.contactName,
        message: inbound.body.slice(0, 4096),
        channel: `${HELPDESK_CHANNEL_PREFIX}${inbound.channelId}`,
        timestamp: inbound.sentAt.toISOString(),
        dedupeKey: `helpdesk:${messageId}`,
      });
    });
    if (received && !received.duplicate) await answerClientMessage(deps, tenantId, received.chatMessageId);
  };
  return {
    feed,
    forgetSwitch: (tenantId: string) => {
      switches.delete(tenantId);
    },
  };
}
