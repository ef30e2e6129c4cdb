import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../platform/events/catalog';
import { login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { nextPhone, receiveMessage } from '../../../test/support/helpdesk';
import { addUser, ownerCaller, type Caller, type TestUser } from '../../../test/support/identity';
import { recordEvents } from '../../../test/support/subscriptions';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const ticketIdOf = (event: AppEvent) => ('ticketId' in event.data ? (event.data as { ticketId: string }).ticketId : undefined);

describe('helpdesk live events reach only those who may open the ticket', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let agent: TestUser;
  let channelId: string;
  let ownQueueId: string;
  let otherQueueId: string;

  beforeAll(async () => {
    app = await startTestApp({ DELIVERIES_ENABLED: 'false' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk'] });
    owner = await ownerCaller(app.services, tenant);
    agent = await addUser(app.services, tenant, 'agent', 'Ana Agente');
    channelId = (await owner.helpdesk.channels.create({ type: 'n8n', name: 'Loja', outboundUrl: 'http://127.0.0.1:9/x' })).id;
    ownQueueId = (await owner.helpdesk.queues.create({ name: 'Vendas', memberIds: [agent.userId] })).id;
    otherQueueId = (await owner.helpdesk.queues.create({ name: 'Financeiro' })).id;
  });
  afterAll(() => app.stop());

  it("an agent gets their queues' conversations and a transfer away, not other queues' messages; the owner gets all", async () => {
    const ticketIn = async (queueId: string) => {
      const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channelId, { from: nextPhone() });
      await owner.helpdesk.tickets.transfer({ id: ticketId, queueId });
      return ticketId;
    };
    const mine = await ticketIn(ownQueueId);
    const theirs = await ticketIn(otherQueueId);
    const leaving = await ticketIn(ownQueueId);

    const agentSession = await login(app.url, tenant, agent.email, agent.password);
    const ownerSession = await login(app.url, tenant);
    const agentFeed = recordEvents(app.url, () => agentSession.accessToken);
    const ownerFeed = recordEvents(app.url, () => ownerSession.accessToken);
    await Promise.all([agentFeed.started, ownerFeed.started]);

    const phoneOf = async (id: string) => (await owner.helpdesk.tickets.get({ id })).contact.phone;
    await receiveMessage(app.services, tenant.tenantId, channelId, { from: await phoneOf(theirs), body: 'segredo do financeiro' });
    await owner.helpdesk.tickets.transfer({ id: leaving, queueId: otherQueueId });
    await receiveMessage(app.services, tenant.tenantId, channelId, { from: await phoneOf(leaving), body: 'depois da transferência' });
    await receiveMessage(app.services, tenant.tenantId, channelId, { from: await phoneOf(mine), body: 'na minha fila' });
    await app.services.hub.flush();

    const ownerSaw = await ownerFeed.waitFor((events) =>
      events.some((event) => event.type === 'message.created' && event.data.body === 'na minha fila'),
    );
    const agentSaw = await agentFeed.waitFor((events) =>
      events.some((event) => event.type === 'message.created' && event.data.body === 'na minha fila'),
    );
    const bodies = (events: AppEvent[]) => events.flatMap((event) => (event.type === 'message.created' ? [event.data.body] : []));
    expect(bodies(ownerSaw)).toEqual(['segredo do financeiro', 'depois da transferência', 'na minha fila']);
    expect(bodies(agentSaw)).toEqual(['na minha fila']);
    expect(agentSaw.filter((event) => ticketIdOf(event) === theirs)).toEqual([]);
    // The transfer away reaches the agent once, so their inbox drops the ticket; nothing after it does.
    expect(agentSaw.filter((event) => ticketIdOf(event) === leaving).map((event) => event.type)).toEqual(['ticket.updated']);
    await Promise.all([agentFeed.close(), ownerFeed.close()]);
  });

  it("an agent's stream follows queue membership at once: added, they get the queue's conversations; removed, they stop", async () => {
    const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channelId, { from: nextPhone() });
    await owner.helpdesk.tickets.transfer({ id: ticketId, queueId: otherQueueId });
    const phone = (await owner.helpdesk.tickets.get({ id: ticketId })).contact.phone;
    const agentSession = await login(app.url, tenant, agent.email, agent.password);
    const agentFeed = recordEvents(app.url, () => agentSession.accessToken);
    await agentFeed.started;

    await receiveMessage(app.services, tenant.tenantId, channelId, { from: phone, body: 'antes de entrar na fila' });
    await owner.helpdesk.queues.update({ id: otherQueueId, memberIds: [agent.userId] });
    await receiveMessage(app.services, tenant.tenantId, channelId, { from: phone, body: 'já na fila' });
    await owner.helpdesk.queues.update({ id: otherQueueId, memberIds: [] });
    await receiveMessage(app.services, tenant.tenantId, channelId, { from: phone, body: 'fora da fila de novo' });
    await receiveMessage(app.services, tenant.tenantId, channelId, { from: nextPhone(), body: 'sem fila: todos veem' });
    await app.services.hub.flush();

    const saw = await agentFeed.waitFor((events) =>
      events.some((event) => event.type === 'message.created' && event.data.body === 'sem fila: todos veem'),
    );
    const bodies = saw.flatMap((event) => (event.type === 'message.created' ? [event.data.body] : []));
    expect(bodies).toEqual(['já na fila', 'sem fila: todos veem']);
    expect(saw.filter((event) => event.type === 'queue.members_changed').map((event) => event.data)).toEqual([
      { queueId: otherQueueId, memberIds: [agent.userId] },
      { queueId: otherQueueId, memberIds: [] },
    ]);
    await agentFeed.close();
  });
});
