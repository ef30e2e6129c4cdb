import type { TenantTransaction } from '../../db/tenant-scope';
import { permittedProcedure } from '../../trpc/procedures';
import { router } from '../../trpc/init';
import {
  channelStatusHistory,
  findChannel,
  listChannels,
  pauseChannel,
  rotateWebhookSecret,
  deleteChannel,
  toChannelView,
  updateChannel,
} from './channels/channels';
import { checkChannelConnection, connectChannel, createCheckedChannel } from './channels/connection';
import { findContact, listContacts, mergeContacts, toContactView, updateContact } from './contacts';
import {
  createQuickReply,
  deleteQuickReply,
  listQuickReplies,
  QUICK_REPLY_VARIABLES,
  renderQuickReplyFor,
  updateQuickReply,
} from './quick-replies';
import { listAgents } from './agents';
import { EXTERNAL_API_BASE } from './external-rest';
import { createApiConfig, listApiConfigs, recentApiCalls, revokeApiConfig, updateApiConfig } from './external-api';
import { listMessages, sendMessage } from './messages';
import { queueOutboundMessage } from './outbound';
import { createQueue, deleteQueue, listQueues, updateQueue } from './queues';
import { helpdeskPermissions as can } from './permissions';
import {
  closeTicketInput,
  createChannelInput,
  id,
  listContactsInput,
  listMessagesInput,
  listTicketsInput,
  sendMessageInput,
  transferTicketInput,
  updateChannelInput,
  updateContactInput,
  updateSettingsInput,
  createQueueInput,
  countTicketsInput,
  setTicketTagsInput,
  mergeContactsInput,
  createQuickReplyInput,
  updateQuickReplyInput,
  renderQuickReplyInput,
  createApiConfigInput,
  updateApiConfigInput,
  byApiId,
  updateQueueInput,
} from './schemas';
import { getHelpdeskSettings, updateHelpdeskSettings } from './settings';
import { countTickets, getTicket, listTickets } from './inbox';
import {
  acceptTicket,
  closeTicket,
  findVisibleTicket,
  markTicketRead,
  reopenTicket,
  setTicketTags,
  transferTicket,
  type TicketCommand,
} from './tickets';
import { z } from 'zod';

const helpdesk = (permission: string) => permittedProcedure(permission, 'helpdesk');

interface HelpdeskCallContext {
  user: { userId: string; name: string; permissions: ReadonlySet<string> };
  audit: TicketCommand['audit'];
}

/** Whose inbox: agents see their queues; `helpdesk.tickets.readAll` sees every queue. */
const commandOf = (ctx: HelpdeskCallContext): TicketCommand => ({
  viewer: { userId: ctx.user.userId, seesAllQueues: ctx.user.permissions.has(can['helpdesk.tickets.readAll']) },
  audit: ctx.audit,
});

const byId = z.strictObject({ id });

const channelsRouter = router({
  create: helpdesk(can['helpdesk.channels.write'])
    .input(createChannelInput)
    .mutation(({ ctx, input }) => createCheckedChannel(ctx, input)),
  list: helpdesk(can['helpdesk.channels.read']).query(async ({ ctx }) =>
    (await ctx.withTenant((trx) => listChannels(trx))).map((channel) => toChannelView(channel, ctx.services.config.publicUrl)),
  ),
  get: helpdesk(can['helpdesk.channels.read'])
    .input(byId)
    .query(async ({ ctx, input }) =>
      toChannelView(await ctx.withTenant((trx) => findChannel(trx, input.id)), ctx.services.config.publicUrl),
    ),
  update: helpdesk(can['helpdesk.channels.write'])
    .input(updateChannelInput)
    .mutation(async ({ ctx, input }) => {
      if (input.outboundUrl !== undefined) await ctx.services.outboundGuard.checkUrl(input.outboundUrl, 'outboundUrl');
      return toChannelView(await ctx.withTenant((trx) => updateChannel(trx, ctx.audit, input)), ctx.services.config.publicUrl);
    }),
  rotateSecret: helpdesk(can['helpdesk.channels.write'])
    .input(byId)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => rotateWebhookSecret(trx, ctx.audit, ctx.services.secrets, input.id))),
  statusHistory: helpdesk(can['helpdesk.channels.read'])
    .input(byId)
    .query(({ ctx, input }) => ctx.withTenant((trx) => channelStatusHistory(trx, input.id))),
  checkConnection: helpdesk(can['helpdesk.channels.write'])
    .input(byId)
    .mutation(({ ctx, input }) => checkChannelConnection(ctx, input.id)),
  disconnect: helpdesk(can['helpdesk.channels.write'])
    .input(byId)
    .mutation(async ({ ctx, input }) =>
      toChannelView(await ctx.withTenant((trx) => pauseChannel(trx, ctx.audit, input.id)), ctx.services.config.publicUrl),
    ),
  connect: helpdesk(can['helpdesk.channels.write'])
    .input(byId)
    .mutation(({ ctx, input }) => connectChannel(ctx, input.id)),
  delete: helpdesk(can['helpdesk.channels.write'])
    .input(byId)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => deleteChannel(trx, ctx.audit, input.id))),
});

const ticketAction = helpdesk(can['helpdesk.tickets.write']);

/** Runs one action of the ticket state machine; answers the ticket as the inbox shows it. */
function actOnTicket(
  ctx: HelpdeskCallContext & { withTenant: <T>(work: (trx: TenantTransaction) => Promise<T>) => Promise<T> },
  action: (trx: TenantTransaction, command: TicketCommand) => Promise<{ id: string }>,
) {
  return ctx.withTenant(async (trx) => {
    const command = commandOf(ctx);
    const ticket = await action(trx, command);
    // The actor may no longer see it in their own queues (a transfer away), but they just acted on it.
    return getTicket(trx, { ...command.viewer, seesAllQueues: true }, ticket.id);
  });
}

const ticketsRouter = router({
  list: helpdesk(can['helpdesk.tickets.read'])
    .input(listTicketsInput)
    .query(({ ctx, input }) => ctx.withTenant((trx) => listTickets(trx, commandOf(ctx).viewer, input))),
  counts: helpdesk(can['helpdesk.tickets.read'])
    .input(countTicketsInput)
    .query(({ ctx, input }) => ctx.withTenant((trx) => countTickets(trx, commandOf(ctx).viewer, input))),
  get: helpdesk(can['helpdesk.tickets.read'])
    .input(byId)
    .query(({ ctx, input }) => ctx.withTenant((trx) => getTicket(trx, commandOf(ctx).viewer, input.id))),
  markRead: helpdesk(can['helpdesk.tickets.read'])
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.withTenant(async (trx) => ({ unreadCount: (await markTicketRead(trx, commandOf(ctx).viewer, input.id)).unread_count })),
    ),
  accept: ticketAction.input(byId).mutation(({ ctx, input }) => actOnTicket(ctx, (trx, command) => acceptTicket(trx, command, input.id))),
  transfer: ticketAction
    .input(transferTicketInput)
    .mutation(({ ctx, input }) => actOnTicket(ctx, (trx, command) => transferTicket(trx, command, input))),
  close: ticketAction
    .input(closeTicketInput)
    .mutation(({ ctx, input }) => actOnTicket(ctx, (trx, command) => closeTicket(trx, command, input))),
  setTags: ticketAction
    .input(setTicketTagsInput)
    .mutation(({ ctx, input }) => actOnTicket(ctx, (trx, command) => setTicketTags(trx, command, input))),
  reopen: ticketAction.input(byId).mutation(({ ctx, input }) => actOnTicket(ctx, (trx, command) => reopenTicket(trx, command, input.id))),
});

const messagesRouter = router({
  list: helpdesk(can['helpdesk.tickets.read'])
    .input(listMessagesInput)
    .query(({ ctx, input }) => ctx.withTenant((trx) => listMessages(trx, commandOf(ctx), input))),
  send: helpdesk(can['helpdesk.messages.send'])
    .input(sendMessageInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => sendMessage(trx, commandOf(ctx), input, queueOutboundMessage))),
});

const contactsRouter = router({
  list: helpdesk(can['helpdesk.contacts.read'])
    .input(listContactsInput)
    .query(({ ctx, input }) => ctx.withTenant((trx) => listContacts(trx, input))),
  get: helpdesk(can['helpdesk.contacts.read'])
    .input(byId)
    .query(async ({ ctx, input }) => toContactView(await ctx.withTenant((trx) => findContact(trx, input.id)))),
  update: helpdesk(can['helpdesk.contacts.write'])
    .input(updateContactInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => updateContact(trx, ctx.audit, input))),
  merge: helpdesk(can['helpdesk.contacts.write'])
    .input(mergeContactsInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => mergeContacts(trx, ctx.audit, input))),
});

const quickRepliesRouter = router({
  list: helpdesk(can['helpdesk.tickets.read']).query(({ ctx }) => ctx.withTenant((trx) => listQuickReplies(trx))),
  variables: helpdesk(can['helpdesk.tickets.read']).query(() => QUICK_REPLY_VARIABLES),
  render: helpdesk(can['helpdesk.messages.send'])
    .input(renderQuickReplyInput)
    .query(({ ctx, input }) =>
      ctx.withTenant(async (trx) => {
        const ticket = await findVisibleTicket(trx, commandOf(ctx).viewer, input.ticketId);
        return renderQuickReplyFor(trx, { id: input.id, ticket, agentName: ctx.user.name });
      }),
    ),
  create: helpdesk(can['helpdesk.quickReplies.write'])
    .input(createQuickReplyInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => createQuickReply(trx, ctx.audit, input))),
  update: helpdesk(can['helpdesk.quickReplies.write'])
    .input(updateQuickReplyInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => updateQuickReply(trx, ctx.audit, input))),
  delete: helpdesk(can['helpdesk.quickReplies.write'])
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.withTenant(async (trx) => {
        await deleteQuickReply(trx, ctx.audit, input.id);
        return { deleted: true };
      }),
    ),
});

const settingsRouter = router({
  get: helpdesk(can['helpdesk.tickets.read']).query(({ ctx }) => ctx.withTenant((trx) => getHelpdeskSettings(trx))),
  update: helpdesk(can['helpdesk.settings.write'])
    .input(updateSettingsInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => updateHelpdeskSettings(trx, ctx.audit, input))),
});

const queuesRouter = router({
  list: helpdesk(can['helpdesk.tickets.read']).query(({ ctx }) => ctx.withTenant((trx) => listQueues(trx))),
  create: helpdesk(can['helpdesk.queues.write'])
    .input(createQueueInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => createQueue(trx, ctx.audit, input))),
  update: helpdesk(can['helpdesk.queues.write'])
    .input(updateQueueInput)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => updateQueue(trx, ctx.audit, input))),
  delete: helpdesk(can['helpdesk.queues.write'])
    .input(byId)
    .mutation(({ ctx, input }) =>
      ctx.withTenant(async (trx) => {
        await deleteQueue(trx, ctx.audit, input.id);
        return { deleted: true };
      }),
    ),
});

/** Where the API config's client sends: the URL to paste into the ERP. */
const withSendUrl = <T extends { apiId: string }>(ctx: { services: { config: { publicUrl: string } } }, config: T) => ({
  ...config,
  sendUrl: `${ctx.services.config.publicUrl}${EXTERNAL_API_BASE}/external/${config.apiId}`,
});

const apiConfigsRouter = router({
  create: helpdesk(can['helpdesk.apiConfigs.write'])
    .input(createApiConfigInput)
    .mutation(async ({ ctx, input }) => {
      if (input.callbackUrl !== undefined) await ctx.services.outboundGuard.checkUrl(input.callbackUrl, 'callbackUrl');
      return ctx.withTenant(async (trx) =>
        withSendUrl(
          ctx,
          await createApiConfig(
            trx,
            ctx.audit,
            ctx.services.secrets,
            { permissions: ctx.user.permissions, declaredScopes: new Set(ctx.services.catalogue.machineScopes.map((scope) => scope.key)) },
            input,
          ),
        ),
      );
    }),
  list: helpdesk(can['helpdesk.apiConfigs.read']).query(({ ctx }) =>
    ctx.withTenant(async (trx) => (await listApiConfigs(trx)).map((config) => withSendUrl(ctx, config))),
  ),
  update: helpdesk(can['helpdesk.apiConfigs.write'])
    .input(updateApiConfigInput)
    .mutation(async ({ ctx, input }) => {
      if (input.callbackUrl) await ctx.services.outboundGuard.checkUrl(input.callbackUrl, 'callbackUrl');
      return ctx.withTenant((trx) => updateApiConfig(trx, ctx.audit, input));
    }),
  revoke: helpdesk(can['helpdesk.apiConfigs.write'])
    .input(byApiId)
    .mutation(({ ctx, input }) => ctx.withTenant((trx) => revokeApiConfig(trx, ctx.audit, input.apiId))),
  calls: helpdesk(can['helpdesk.apiConfigs.read'])
    .input(byApiId)
    .query(({ ctx, input }) => ctx.withTenant((trx) => recentApiCalls(trx, input.apiId))),
});

export const helpdeskRouter = router({
  agents: router({ list: helpdesk(can['helpdesk.tickets.read']).query(({ ctx }) => ctx.withTenant((trx) => listAgents(trx))) }),
  quickReplies: quickRepliesRouter,
  apiConfigs: apiConfigsRouter,
  queues: queuesRouter,
  channels: channelsRouter,
  tickets: ticketsRouter,
  messages: messagesRouter,
  contacts: contactsRouter,
  settings: settingsRouter,
});
