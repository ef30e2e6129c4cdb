import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { receiveMessage, nextPhone } from '../../../test/support/helpdesk';
import { addUser, expectTrpcError, ownerCaller, trpcError, type Caller, type TestUser } from '../../../test/support/identity';
import { withTenant } from '../../db/tenant-scope';
import type { Services } from '../../platform/services';
import { findChannel } from './channels/channels';
import { ingestInboundMessage } from './inbound';
import { queueOutboundMessage } from './outbound';

describe('helpdesk tickets: state machine, queues and the inbox', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  let channelId: string;
  let agent: TestUser;
  let agentCaller: Caller;
  let otherAgent: TestUser;
  let otherAgentCaller: Caller;
  let salesQueueId: string;
  let supportQueueId: string;

  const newTicket = async (overrides: Parameters<typeof receiveMessage>[3] = {}) =>
    (await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone(), ...overrides })).ticketId;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['helpdesk'] });
    owner = await ownerCaller(services, tenant);
    channelId = (await owner.helpdesk.channels.create({ type: 'n8n', name: 'Loja', outboundUrl: 'http://127.0.0.1:9/out' })).id;
    agent = await addUser(services, tenant, 'agent', 'Ana Agente');
    otherAgent = await addUser(services, tenant, 'agent', 'Beto Agente');
    agentCaller = await callerFor(services, agent);
    otherAgentCaller = await callerFor(services, otherAgent);
    salesQueueId = (await owner.helpdesk.queues.create({ name: 'Vendas', memberIds: [agent.userId] })).id;
    supportQueueId = (await owner.helpdesk.queues.create({ name: 'Suporte', memberIds: [otherAgent.userId] })).id;
  });
  afterAll(() => services.close());

  it('accept → transfer → close → reopen, each recorded with actor and reason', async () => {
    const id = await newTicket();
    expect((await agentCaller.helpdesk.tickets.accept({ id })).status).toBe('open');
    const transferred = await agentCaller.helpdesk.tickets.transfer({ id, queueId: supportQueueId });
    expect(transferred).toMatchObject({ status: 'pending', queueId: supportQueueId, assigneeId: null, queueName: 'Suporte' });
    const toUser = await otherAgentCaller.helpdesk.tickets.transfer({ id, userId: otherAgent.userId });
    expect(toUser).toMatchObject({ status: 'open', assigneeId: otherAgent.userId, assigneeName: 'Beto Agente' });
    expect((await otherAgentCaller.helpdesk.tickets.close({ id, reason: 'Resolvido por telefone' })).status).toBe('closed');
    const reopened = await owner.helpdesk.tickets.reopen({ id });
    expect(reopened).toMatchObject({ status: 'open', assigneeId: tenant.ownerId });
    expect(reopened.history.map((entry) => [entry.action, entry.fromStatus, entry.toStatus, entry.actor.id])).toEqual([
      ['created', null, 'pending', expect.any(String)],
      ['accept', 'pending', 'open', agent.userId],
      ['transfer', 'open', 'pending', agent.userId],
      ['transfer', 'pending', 'open', otherAgent.userId],
      ['close', 'open', 'closed', otherAgent.userId],
      ['reopen', 'closed', 'open', tenant.ownerId],
    ]);
    expect(reopened.history.find((entry) => entry.action === 'close')?.reason).toBe('Resolvido por telefone');
  });

  it('refuses transitions the state machine forbids with 409 and the current state', async () => {
    const id = await newTicket();
    await owner.helpdesk.tickets.accept({ id });
    const twice = await expectTrpcError(owner.helpdesk.tickets.accept({ id }), 'CONFLICT', 'TICKET_TRANSITION_FORBIDDEN');
    expect(twice.details).toMatchObject({ status: 'open', action: 'accept' });
    await expectTrpcError(owner.helpdesk.tickets.reopen({ id }), 'CONFLICT', 'TICKET_TRANSITION_FORBIDDEN');
    await owner.helpdesk.tickets.close({ id });
    await expectTrpcError(owner.helpdesk.tickets.close({ id }), 'CONFLICT', 'TICKET_TRANSITION_FORBIDDEN');
    await expectTrpcError(owner.helpdesk.tickets.transfer({ id, queueId: salesQueueId }), 'CONFLICT', 'TICKET_TRANSITION_FORBIDDEN');
    await expectTrpcError(owner.helpdesk.messages.send({ ticketId: id, body: 'oi' }), 'CONFLICT', 'TICKET_CLOSED');
  });

  it('two agents accepting at once: one owner, one 409', async () => {
    const id = await newTicket();
    const outcomes = await Promise.allSettled([agentCaller.helpdesk.tickets.accept({ id }), owner.helpdesk.tickets.accept({ id })]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect((await trpcError(Promise.reject(failure.reason))).reason).toBe('TICKET_TRANSITION_FORBIDDEN');
  });

  it('reopening is refused while the contact has another active ticket on the channel', async () => {
    const from = nextPhone();
    const first = (await receiveMessage(services, tenant.tenantId, channelId, { from })).ticketId;
    await owner.helpdesk.settings.update({ reopenWindowMinutes: 0 });
    await owner.helpdesk.tickets.close({ id: first });
    const second = (await receiveMessage(services, tenant.tenantId, channelId, { from })).ticketId;
    await owner.helpdesk.settings.update({ reopenWindowMinutes: 1440 });
    expect(second).not.toBe(first);
    const refused = await expectTrpcError(owner.helpdesk.tickets.reopen({ id: first }), 'CONFLICT', 'ACTIVE_TICKET_EXISTS');
    expect(refused.details).toMatchObject({ ticketId: second });
  });

  it('agents see their queues, tickets without a queue and their own; managers see all', async () => {
    const inSales = await newTicket();
    await owner.helpdesk.tickets.transfer({ id: inSales, queueId: salesQueueId });
    const inSupport = await newTicket();
    await owner.helpdesk.tickets.transfer({ id: inSupport, queueId: supportQueueId });
    const noQueue = await newTicket();

    const agentIds = (await agentCaller.helpdesk.tickets.list({ limit: 100 })).items.map((item) => item.id);
    expect(agentIds).toEqual(expect.arrayContaining([inSales, noQueue]));
    expect(agentIds).not.toContain(inSupport);
    await expectTrpcError(agentCaller.helpdesk.tickets.get({ id: inSupport }), 'NOT_FOUND');
    await expectTrpcError(agentCaller.helpdesk.messages.list({ ticketId: inSupport }), 'NOT_FOUND');
    await expectTrpcError(agentCaller.helpdesk.tickets.accept({ id: inSupport }), 'NOT_FOUND');

    const manager = await callerFor(services, await addUser(services, tenant, 'manager'));
    const managerIds = (await manager.helpdesk.tickets.list({ limit: 100 })).items.map((item) => item.id);
    expect(managerIds).toEqual(expect.arrayContaining([inSales, inSupport, noQueue]));
    const counts = await manager.helpdesk.tickets.counts();
    const agentCounts = await agentCaller.helpdesk.tickets.counts();
    expect(counts.pending + counts.open + counts.closed).toBeGreaterThan(agentCounts.pending + agentCounts.open + agentCounts.closed);
    const inSalesCounts = await manager.helpdesk.tickets.counts({ queueId: salesQueueId });
    const inSalesListed = (await manager.helpdesk.tickets.list({ queueId: salesQueueId, limit: 100 })).items;
    expect(inSalesCounts.pending + inSalesCounts.open + inSalesCounts.closed).toBe(inSalesListed.length);
    expect(inSalesListed.map((item) => item.id)).toContain(inSales);
  });

  it('lists the inbox newest first with keyset pages that neither repeat nor skip, and filters', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i += 1) created.push(await newTicket({ contactName: `Paginação ${i}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await owner.helpdesk.tickets.list({ search: 'Paginação', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());

    const byNumber = await owner.helpdesk.tickets.get({ id: created[0]! });
    expect((await owner.helpdesk.tickets.list({ search: `#${byNumber.number}` })).items.map((item) => item.id)).toEqual([created[0]]);
    expect((await owner.helpdesk.tickets.list({ queueId: salesQueueId })).items.every((item) => item.queueId === salesQueueId)).toBe(true);
    expect((await owner.helpdesk.tickets.list({ status: 'closed' })).items.every((item) => item.status === 'closed')).toBe(true);
  });

  it('pages through tickets whose last activity is the same instant (one webhook batch), skipping none', async () => {
    const batch = await withTenant(services.db, tenant.tenantId, async (trx) => {
      const channel = await findChannel(trx, channelId);
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const inbound = {
          externalId: `same-instant-${i}`,
          from: nextPhone(),
          contactName: `Mesmo Instante ${i}`,
          kind: 'text' as const,
          body: 'oi',
          sentAt: new Date(),
        };
        ids.push((await ingestInboundMessage(trx, channel, inbound, queueOutboundMessage)).ticketId);
      }
      return ids;
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await owner.helpdesk.tickets.list({ search: 'Mesmo Instante', limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([...batch].sort());
  });

  it('a reply accepts a pending ticket; a note does not; messages page backwards', async () => {
    const id = await newTicket();
    const note = await agentCaller.helpdesk.messages.send({ ticketId: id, body: 'Cliente VIP', isNote: true });
    expect(note).toMatchObject({ isNote: true, direction: 'outbound' });
    expect((await agentCaller.helpdesk.tickets.get({ id })).status).toBe('pending');
    const reply = await agentCaller.helpdesk.messages.send({ ticketId: id, body: 'Olá, {{como posso ajudar}}?' });
    expect(reply).toMatchObject({ status: 'pending', direction: 'outbound', isNote: false, source: 'dashboard' });
    const ticket = await agentCaller.helpdesk.tickets.get({ id });
    expect(ticket).toMatchObject({
      status: 'open',
      assigneeId: agent.userId,
      unreadCount: 0,
      lastMessagePreview: 'Olá, {{como posso ajudar}}?',
    });

    for (let i = 0; i < 55; i += 1)
      await receiveMessage(services, tenant.tenantId, channelId, { from: ticket.contact.phone, body: `m${i}` });
    const first = await agentCaller.helpdesk.messages.list({ ticketId: id });
    expect(first.items).toHaveLength(50);
    expect(first.items[0]!.body).toBe('m54');
    const second = await agentCaller.helpdesk.messages.list({ ticketId: id, cursor: first.nextCursor! });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((message) => message.id)).toHaveLength(58);
    expect((await agentCaller.helpdesk.tickets.markRead({ id })).unreadCount).toBe(0);
  });

  it('sends the out-of-hours message once when a contact opens a ticket while closed', async () => {
    await owner.helpdesk.settings.update({ businessHours: { intervals: [] }, outOfHoursMessage: 'Estamos fechados; respondemos amanhã.' });
    const alwaysOpen = await newTicket();
    expect(
      (await owner.helpdesk.messages.list({ ticketId: alwaysOpen })).items.filter((message) => message.direction === 'outbound'),
    ).toEqual([]);

    const closedAllWeek = { intervals: [{ weekday: 0, start: '00:00', end: '00:01' }] };
    await owner.helpdesk.settings.update({ businessHours: closedAllWeek });
    const from = nextPhone();
    const id = (await receiveMessage(services, tenant.tenantId, channelId, { from })).ticketId;
    await receiveMessage(services, tenant.tenantId, channelId, { from });
    const outbound = (await owner.helpdesk.messages.list({ ticketId: id })).items.filter((message) => message.direction === 'outbound');
    expect(outbound).toMatchObject([{ body: 'Estamos fechados; respondemos amanhã.', source: 'system', status: 'pending' }]);
    await owner.helpdesk.settings.update({ businessHours: null, outOfHoursMessage: null });
  });

  it('lists the active users for transfers and filters, with their queues, to agents too', async () => {
    const agents = await agentCaller.helpdesk.agents.list();
    expect(agents).toEqual(expect.arrayContaining([{ id: agent.userId, name: 'Ana Agente', queueIds: [salesQueueId] }]));
    expect(agents.map((user) => user.id)).toContain(tenant.ownerId);
  });

  it('queues: unique names, members must be active users of the tenant, deleting keeps tickets', async () => {
    await expectTrpcError(owner.helpdesk.queues.create({ name: 'Vendas' }), 'CONFLICT', 'QUEUE_NAME_TAKEN');
    await expectTrpcError(
      owner.helpdesk.queues.create({ name: 'Fantasma', memberIds: [crypto.randomUUID()] }),
      'BAD_REQUEST',
      'UNKNOWN_MEMBER',
    );
    const temp = await owner.helpdesk.queues.create({
      name: 'Temporária',
      businessHours: { intervals: [{ weekday: 1, start: '08:00', end: '12:00' }] },
    });
    const id = await newTicket();
    await owner.helpdesk.tickets.transfer({ id, queueId: temp.id });
    await owner.helpdesk.queues.delete({ id: temp.id });
    expect((await owner.helpdesk.tickets.get({ id })).queueId).toBeNull();
    await expectTrpcError(agentCaller.helpdesk.queues.create({ name: 'Minha' }), 'FORBIDDEN', 'PERMISSION_DENIED');
  });

  it('refuses bad input with BAD_REQUEST before touching anything', async () => {
    const id = await newTicket();
    const bad: Array<() => Promise<unknown>> = [
      () => owner.helpdesk.tickets.get({ id: 'not-a-uuid' }),
      () => owner.helpdesk.tickets.list({ cursor: 'garbage' }),
      () => owner.helpdesk.tickets.list({ status: 'archived' as never }),
      () => owner.helpdesk.tickets.list({ limit: 10_000 }),
      () => owner.helpdesk.tickets.transfer({ id }),
      () => owner.helpdesk.tickets.close({ id, reason: 'x'.repeat(501) }),
      () => owner.helpdesk.messages.send({ ticketId: id, body: '' }),
      () => owner.helpdesk.messages.send({ ticketId: id, body: 'x'.repeat(4097) }),
      () => owner.helpdesk.messages.send({ ticketId: id, body: 'arquivo', mediaUrl: 'https://cdn.example/virus.exe' }),
      () => owner.helpdesk.messages.send({ ticketId: id, body: 'oi', unknown: 1 } as never),
      () => owner.helpdesk.channels.create({ type: 'n8n', name: 'X', outboundUrl: 'ftp://example.com' }),
      () => owner.helpdesk.channels.create({ type: 'telegram', name: 'X' } as never),
      () => owner.helpdesk.queues.create({ name: 'Horário', businessHours: { intervals: [{ weekday: 1, start: '18:00', end: '08:00' }] } }),
      () => owner.helpdesk.settings.update({ reopenWindowMinutes: -1 }),
      () => owner.helpdesk.contacts.update({ id: crypto.randomUUID(), phone: '12' }),
    ];
    const before = await owner.helpdesk.tickets.get({ id });
    for (const call of bad) {
      const failure = await trpcError(call());
      expect(failure.code === 'BAD_REQUEST' || failure.code === 'NOT_FOUND', `${failure.code} ${failure.message}`).toBe(true);
    }
    expect(await owner.helpdesk.tickets.get({ id })).toEqual(before);
  });

  it('is refused when the helpdesk module is off', async () => {
    const plain = await seedTenant(services);
    const plainOwner = await ownerCaller(services, plain);
    await expectTrpcError(plainOwner.helpdesk.tickets.list({}), 'FORBIDDEN', 'MODULE_DISABLED');
    await expectTrpcError(
      plainOwner.helpdesk.channels.create({ type: 'n8n', name: 'X', outboundUrl: 'http://x.test' }),
      'FORBIDDEN',
      'MODULE_DISABLED',
    );
  });
});
