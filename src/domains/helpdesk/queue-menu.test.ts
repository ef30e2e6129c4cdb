import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { nextPhone, receiveMessage } from '../../../test/support/helpdesk';
import { ownerCaller, type Caller } from '../../../test/support/identity';
import type { Services } from '../../platform/services';
import { queueMenuText } from './queue-menu';

describe('helpdesk queue menu', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  let channelId: string;

  const outboundBodies = async (ticketId: string) =>
    (await owner.helpdesk.messages.list({ ticketId })).items
      .filter((message) => message.direction === 'outbound')
      .reverse()
      .map((message) => message.body);

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['helpdesk'] });
    owner = await ownerCaller(services, tenant);
    channelId = (await owner.helpdesk.channels.create({ type: 'n8n', name: 'Loja', outboundUrl: 'http://127.0.0.1:9/x' })).id;
  });
  afterAll(() => services.close());

  it('does nothing while the menu is off', async () => {
    await owner.helpdesk.queues.create({ name: 'Vendas', greeting: 'Bem-vindo a Vendas!' });
    const { ticketId } = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone() });
    expect(await outboundBodies(ticketId)).toEqual([]);
  });

  it('with one queue, a new ticket goes straight to it with its greeting', async () => {
    await owner.helpdesk.settings.update({ queueMenu: true });
    const { ticketId } = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone() });
    const ticket = await owner.helpdesk.tickets.get({ id: ticketId });
    expect(ticket).toMatchObject({ queueName: 'Vendas', status: 'pending' });
    expect(ticket.history.map((entry) => [entry.action, entry.actor.type])).toEqual([
      ['created', 'contact'],
      ['transfer', 'system'],
    ]);
    expect(await outboundBodies(ticketId)).toEqual(['Bem-vindo a Vendas!']);
  });

  it('with several queues, the contact chooses by number; a wrong answer gets the menu again, not once a line', async () => {
    await owner.helpdesk.queues.create({ name: 'Suporte', greeting: 'Suporte aqui, conte o problema.', position: 1 });
    const from = nextPhone();
    const { ticketId } = await receiveMessage(services, tenant.tenantId, channelId, { from, body: 'Oi' });
    const menu = queueMenuText([{ name: 'Vendas' }, { name: 'Suporte' }]);
    expect(await outboundBodies(ticketId)).toEqual([menu]);
    await receiveMessage(services, tenant.tenantId, channelId, { from, body: 'quero ajuda' });
    await receiveMessage(services, tenant.tenantId, channelId, { from, body: '9' });
    expect(await outboundBodies(ticketId)).toEqual([menu]);
    await receiveMessage(services, tenant.tenantId, channelId, { from, body: ' 2 ' });
    expect((await owner.helpdesk.tickets.get({ id: ticketId })).queueName).toBe('Suporte');
    expect(await outboundBodies(ticketId)).toEqual([menu, 'Suporte aqui, conte o problema.']);
    await receiveMessage(services, tenant.tenantId, channelId, { from, body: '1' });
    expect((await owner.helpdesk.tickets.get({ id: ticketId })).queueName).toBe('Suporte');
  });
});
