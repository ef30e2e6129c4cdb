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
export function feedChatFromHelpdesk(hub: EventHub, deps: ChatAgentDeps): () => void {
  const switches = new Map<string, { on: boolean; readAt: number }>();
  const isOn = async (tenantId: string): Promise<boolean> => {
    const cached = switches.get(tenantId);
    if (cached && Date.now() - cached.readAt < SWITCH_CACHE_MS) return cached.on;
    const row = await withTenant(deps.db, tenantId, (trx) =>
      trx
        .selectFrom('agenda_settings')
        .innerJoin('tenants', 'tenants.id', 'agenda_settings.tenant_id')
        .select(['agenda_settings.chat_from_helpdesk', 'tenants.modules'])
        .executeTakeFirst(),
    );
    const on = row !== undefined && row.chat_from_helpdesk && row.modules.includes('agenda') && row.modules.includes('helpdesk');
    switches.set(tenantId, { on, readAt: Date.now() });
    return on;
  };
  const feed = async (tenantId: string, messageId: string) => {
    if (!(await isOn(tenantId))) return;
    const received = await withTenant(deps.db, tenantId, async (trx) => {
      const inbound = await inboundMessageForOtherModules(trx, messageId);
      if (!inbound || inbound.body.trim() === '') return undefined;
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
  return hub.subscribeAll(({ tenantId, event }) => {
    if (event.type === 'agenda.settings_changed') switches.delete(tenantId);
    if (event.type !== 'message.created' || event.data.direction !== 'inbound' || event.data.isNote) return;
    feed(tenantId, event.data.messageId).catch((error: unknown) =>
      deps.logger.error({ err: error, tenantId, messageId: event.data.messageId }, 'chat agent failed on a helpdesk message'),
    );
  });
}
