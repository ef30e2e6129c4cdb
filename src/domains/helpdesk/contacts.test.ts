import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, seedTenant, type TestTenant } from '../../../test/support/app';
import { nextPhone, receiveMessage } from '../../../test/support/helpdesk';
import { expectTrpcError, ownerCaller, storedEvents, type Caller } from '../../../test/support/identity';
import type { Services } from '../../platform/services';
import { renderQuickReply } from './quick-replies';

describe('helpdesk contacts, tags and quick replies', () => {
  let services: Services;
  let tenant: TestTenant;
  let owner: Caller;
  let channelId: string;
  let otherChannelId: string;

  beforeAll(async () => {
    services = await createTestServices();
    tenant = await seedTenant(services, { modules: ['helpdesk'] });
    owner = await ownerCaller(services, tenant);
    channelId = (await owner.helpdesk.channels.create({ type: 'n8n', name: 'Loja', outboundUrl: 'http://127.0.0.1:9/a' })).id;
    otherChannelId = (await owner.helpdesk.channels.create({ type: 'n8n', name: 'Matriz', outboundUrl: 'http://127.0.0.1:9/b' })).id;
  });
  afterAll(() => services.close());

  it('searches contacts by name or phone and edits them, keeping phones unique', async () => {
    const phone = nextPhone();
    const { ticketId } = await receiveMessage(services, tenant.tenantId, channelId, { from: phone, contactName: 'Zélia Buscada' });
    const contactId = (await owner.helpdesk.tickets.get({ id: ticketId })).contact.id;
    expect((await owner.helpdesk.contacts.list({ search: 'zélia' })).items.map((contact) => contact.id)).toEqual([contactId]);
    expect((await owner.helpdesk.contacts.list({ search: phone.slice(-6) })).items.map((contact) => contact.id)).toEqual([contactId]);
    const updated = await owner.helpdesk.contacts.update({
      id: contactId,
      email: 'zelia@example.com',
      tags: ['vip'],
      customFields: { cpf: '123' },
    });
    expect(updated).toMatchObject({ email: 'zelia@example.com', tags: ['vip'], customFields: { cpf: '123' } });

    const other = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone() });
    const otherContactId = (await owner.helpdesk.tickets.get({ id: other.ticketId })).contact.id;
    await expectTrpcError(owner.helpdesk.contacts.update({ id: otherContactId, phone }), 'CONFLICT', 'PHONE_TAKEN');
  });

  it('merges two contacts: tickets and messages move, tags join, the phone is freed', async () => {
    const sourcePhone = nextPhone();
    const source = await receiveMessage(services, tenant.tenantId, otherChannelId, { from: sourcePhone, contactName: 'Duplicado' });
    const target = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone(), contactName: 'Original' });
    const sourceId = (await owner.helpdesk.tickets.get({ id: source.ticketId })).contact.id;
    const targetId = (await owner.helpdesk.tickets.get({ id: target.ticketId })).contact.id;
    await owner.helpdesk.contacts.update({ id: sourceId, tags: ['atacado'] });
    await owner.helpdesk.contacts.update({ id: targetId, tags: ['vip'] });

    const merged = await owner.helpdesk.contacts.merge({ sourceId, targetId });
    expect(merged.tags.sort()).toEqual(['atacado', 'vip']);
    expect((await owner.helpdesk.tickets.get({ id: source.ticketId })).contact.id).toBe(targetId);
    expect((await owner.helpdesk.contacts.list({ search: 'Duplicado' })).items).toEqual([]);
    // The merged contact's phone is free again: a new message from it makes a new contact.
    const again = await receiveMessage(services, tenant.tenantId, channelId, { from: sourcePhone });
    expect((await owner.helpdesk.tickets.get({ id: again.ticketId })).contact.id).not.toBe(sourceId);
    await expectTrpcError(owner.helpdesk.contacts.merge({ sourceId, targetId }), 'CONFLICT', 'CONTACT_ALREADY_MERGED');
    await expectTrpcError(owner.helpdesk.contacts.merge({ sourceId: targetId, targetId }), 'BAD_REQUEST', 'MERGE_SAME_CONTACT');
  });

  it('refuses to merge contacts that both have an active ticket on one channel', async () => {
    const a = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone() });
    const b = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone() });
    const sourceId = (await owner.helpdesk.tickets.get({ id: a.ticketId })).contact.id;
    const targetId = (await owner.helpdesk.tickets.get({ id: b.ticketId })).contact.id;
    await expectTrpcError(owner.helpdesk.contacts.merge({ sourceId, targetId }), 'CONFLICT', 'ACTIVE_TICKETS_CONFLICT');
    await owner.helpdesk.tickets.close({ id: a.ticketId });
    await expect(owner.helpdesk.contacts.merge({ sourceId, targetId })).resolves.toMatchObject({ id: targetId });
  });

  it('tags a ticket and filters the inbox by tag', async () => {
    const { ticketId } = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone() });
    const tagged = await owner.helpdesk.tickets.setTags({ id: ticketId, tags: ['orçamento', 'urgente', 'urgente'] });
    expect(tagged.tags).toEqual(['orçamento', 'urgente']);
    expect((await owner.helpdesk.tickets.list({ tag: 'urgente' })).items.map((item) => item.id)).toEqual([ticketId]);
    expect(tagged.history.at(-1)).toMatchObject({ action: 'tags' });
  });

  it('quick replies: unique shortcuts, variables filled for the ticket, unknown ones left as written', async () => {
    const reply = await owner.helpdesk.quickReplies.create({
      shortcut: 'ola',
      text: 'Olá {{contact.firstName}}, aqui é {{agent.name}} (ticket #{{ticket.number}}). {{desconhecida}}',
    });
    await expectTrpcError(owner.helpdesk.quickReplies.create({ shortcut: 'ola', text: 'outra' }), 'CONFLICT', 'SHORTCUT_TAKEN');
    await expectTrpcError(owner.helpdesk.quickReplies.create({ shortcut: 'Com Espaço', text: 'x' }), 'BAD_REQUEST');
    const { ticketId } = await receiveMessage(services, tenant.tenantId, channelId, { from: nextPhone(), contactName: 'Maria Clara' });
    const ticket = await owner.helpdesk.tickets.get({ id: ticketId });
    const rendered = await owner.helpdesk.quickReplies.render({ id: reply.id, ticketId });
    expect(rendered.text).toBe(`Olá Maria, aqui é Owner (ticket #${ticket.number}). {{desconhecida}}`);
    expect((await owner.helpdesk.quickReplies.list()).map((item) => item.shortcut)).toContain('ola');
    await owner.helpdesk.quickReplies.update({ id: reply.id, text: 'Oi {{ contact.name }}' });
    expect((await owner.helpdesk.quickReplies.render({ id: reply.id, ticketId })).text).toBe('Oi Maria Clara');
    await owner.helpdesk.quickReplies.delete({ id: reply.id });
    await expectTrpcError(owner.helpdesk.quickReplies.render({ id: reply.id, ticketId }), 'NOT_FOUND');
    // Each change is announced, so every agent's picker refreshes.
    const announced = (await storedEvents(services, tenant.tenantId, 'quick_reply.changed')).map((event) => event.data);
    expect(announced).toEqual([
      { quickReplyId: reply.id, shortcut: 'ola', change: 'created' },
      { quickReplyId: reply.id, shortcut: 'ola', change: 'updated' },
      { quickReplyId: reply.id, shortcut: 'ola', change: 'deleted' },
    ]);
    expect(
      renderQuickReply('{{contact.phone}}', {
        contact: { name: 'A', phone: '+5511999990000' },
        agent: { name: 'B' },
        ticket: { number: 1 },
      }),
    ).toBe('+5511999990000');
  });
});
