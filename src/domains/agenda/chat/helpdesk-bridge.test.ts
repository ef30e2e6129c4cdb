import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../db/tenant-scope';
import { seedTenant, startTestApp } from '../../../../test/support/app';
import { ownerCaller, storedEvents } from '../../../../test/support/identity';
import { nextPhone, receiveMessage } from '../../../../test/support/helpdesk';
import { helpdeskChatFeed } from './helpdesk-bridge';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('chat from the helpdesk: decided by the state when the message arrived', () => {
  let app: RunningTestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const chatMessageKeys = (tenantId: string) =>
    withTenant(app.services.db, tenantId, (trx) =>
      trx.selectFrom('agenda_chat_messages').select('dedupe_key').where('role', '=', 'client').execute(),
    ).then((rows) => rows.map((row) => row.dedupe_key));

  const inboundMessageIds = async (tenantId: string) =>
    (await storedEvents(app.services, tenantId, 'message.created'))
      .map((event) => event.data as { messageId: string; direction: string })
      .filter((data) => data.direction === 'inbound')
      .map((data) => data.messageId);

  it('a message that arrived before the switch was on stays with the helpdesk, even when handled after it; later ones reach the agent', async () => {
    const tenant = await seedTenant(app.services, { modules: ['helpdesk', 'agenda'] });
    const owner = await ownerCaller(app.services, tenant);
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp', outboundUrl: 'http://127.0.0.1:9/n8n' });
    const phone = nextPhone();
    await receiveMessage(app.services, tenant.tenantId, channel.id, { from: phone, body: 'Oi, tudo bem?' });
    await owner.agenda.settings.update({ chatFromHelpdesk: true });
    await receiveMessage(app.services, tenant.tenantId, channel.id, { from: phone, body: 'quero cortar o cabelo amanhã' });
    const [beforeSwitch, afterSwitch] = await inboundMessageIds(tenant.tenantId);

    // The events are handled now, after the switch, in whatever order: only the later message counts.
    const chatFeed = helpdeskChatFeed({ db: app.services.db, logger: app.services.logger, llm: undefined });
    await chatFeed.feed(tenant.tenantId, beforeSwitch!);
    await chatFeed.feed(tenant.tenantId, afterSwitch!);
    expect(await chatMessageKeys(tenant.tenantId)).toEqual([`helpdesk:${afterSwitch}`]);

    // Switched off, nothing more reaches the agent, including messages that came in while it was on.
    await owner.agenda.settings.update({ chatFromHelpdesk: false });
    await receiveMessage(app.services, tenant.tenantId, channel.id, { from: phone, body: 'obrigado' });
    chatFeed.forgetSwitch(tenant.tenantId);
    for (const messageId of await inboundMessageIds(tenant.tenantId)) await chatFeed.feed(tenant.tenantId, messageId);
    expect(await chatMessageKeys(tenant.tenantId)).toEqual([`helpdesk:${afterSwitch}`]);
  });

  it('two instances handling the same messages at once store and answer each once, without deadlocking', async () => {
    const tenant = await seedTenant(app.services, { modules: ['helpdesk', 'agenda'] });
    const owner = await ownerCaller(app.services, tenant);
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp', outboundUrl: 'http://127.0.0.1:9/n8n' });
    await owner.agenda.settings.update({ chatFromHelpdesk: true });
    const phone = nextPhone();
    for (const body of ['oi', 'quero cortar o cabelo', 'amanhã pode ser?', 'obrigado', 'até mais'])
      await receiveMessage(app.services, tenant.tenantId, channel.id, { from: phone, body });
    const deps = { db: app.services.db, logger: app.services.logger, llm: undefined };
    const [one, other] = [helpdeskChatFeed(deps), helpdeskChatFeed(deps)];
    const messageIds = await inboundMessageIds(tenant.tenantId);
    await Promise.all(messageIds.flatMap((messageId) => [one.feed(tenant.tenantId, messageId), other.feed(tenant.tenantId, messageId)]));
    // The app's own listener hears the same events: whichever stored a message answers it.
    const chatRows = () =>
      withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.selectFrom('agenda_chat_messages').select(['role', 'dedupe_key', 'replied_at']).execute(),
      );
    let rows = await chatRows();
    for (let attempt = 0; attempt < 100 && rows.filter((row) => row.role === 'agent').length < messageIds.length; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      rows = await chatRows();
    }
    const clientRows = rows.filter((row) => row.role === 'client');
    expect(clientRows.map((row) => row.dedupe_key).sort()).toEqual(messageIds.map((id) => `helpdesk:${id}`).sort());
    expect(clientRows.every((row) => row.replied_at !== null)).toBe(true);
    expect(rows.filter((row) => row.role === 'agent')).toHaveLength(messageIds.length);
  });
});
