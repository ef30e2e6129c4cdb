import { expect } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import { login } from '../../../test/support/app';
import { defineCrossTenantSuite } from '../../../test/support/cross-tenant';
import { receiveMessage } from '../../../test/support/helpdesk';
import { expectTrpcError, rawRequest, type RawResponse } from '../../../test/support/identity';
import { freePort } from '../../../test/support/network';
import { keepMedia, mediaLinkResource } from './media';

interface HelpdeskFixture {
  helpdesk: {
    channelId: string;
    webhookSecret: string;
    ticketId: string;
    messageId: string;
    contactId: string;
    queueId: string;
    apiId: string;
    apiToken: string;
    quickReplyId: string;
    media: { id: string; url: string; fileName: string };
  };
}

/** A REST call of B's that names A's things is refused, in the REST error shape. */
function expectRefused(response: RawResponse): void {
  expect([401, 403, 404]).toContain(response.status);
  expect(response.json).toMatchObject({ error: expect.stringMatching(/^ERR_/), message: expect.any(String) });
}

/** The helpdesk: every id of A reads as unknown to B, and B's lists hold only B's. */
export const crossTenantSuite = defineCrossTenantSuite<HelpdeskFixture>({
  name: 'helpdesk',
  tenantAgnostic: {
    'helpdesk.quickReplies.variables': 'the variable names, declared in code',
    'GET /v1/api/openapi.json': 'the OpenAPI document of the external API, the same for everyone',
  },
  async prepare(services, { tenant, owner, user }) {
    const outboundUrl = `http://127.0.0.1:${await freePort()}/hook`;
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: `Canal ${tenant.slug}`, outboundUrl });
    const received = await receiveMessage(services, tenant.tenantId, channel.id, {
      from: '5511955554444',
      contactName: `Contato ${tenant.slug}`,
    });
    const contactId = (await owner.helpdesk.tickets.get({ id: received.ticketId })).contact.id;
    const queueId = (await owner.helpdesk.queues.create({ name: `Fila ${tenant.slug}`, memberIds: [user.userId] })).id;
    const { apiId, token: apiToken } = await owner.helpdesk.apiConfigs.create({ name: 'ERP', channelId: channel.id });
    const quickReplyId = (await owner.helpdesk.quickReplies.create({ shortcut: 'ola', text: 'Olá {{contact.name}}' })).id;
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const media = await withTenant(services.db, tenant.tenantId, (trx) =>
      keepMedia(trx, services.config.publicUrl, { content: png, mimeType: 'image/png', fileName: `${tenant.slug}.png` }),
    );
    return {
      helpdesk: {
        channelId: channel.id,
        webhookSecret: channel.webhookSecret,
        ticketId: received.ticketId,
        messageId: received.messageId,
        contactId,
        queueId,
        apiId,
        apiToken,
        quickReplyId,
        media: { id: media.id, url: media.url, fileName: media.fileName },
      },
    };
  },
  snapshot: async (trx) => ({
    settings: await trx.selectFrom('helpdesk_settings').selectAll().execute(),
    channels: await trx.selectFrom('helpdesk_channels').selectAll().orderBy('id').execute(),
    contacts: await trx.selectFrom('helpdesk_contacts').selectAll().orderBy('id').execute(),
    queues: await trx.selectFrom('helpdesk_queues').selectAll().orderBy('id').execute(),
    members: await trx.selectFrom('helpdesk_queue_members').selectAll().orderBy('user_id').execute(),
    tickets: await trx.selectFrom('helpdesk_tickets').selectAll().orderBy('id').execute(),
    messages: await trx.selectFrom('helpdesk_messages').selectAll().orderBy('id').execute(),
    apiConfigs: await trx.selectFrom('helpdesk_api_configs').selectAll().orderBy('id').execute(),
    quickReplies: await trx.selectFrom('helpdesk_quick_replies').selectAll().orderBy('id').execute(),
  }),
  procedures: (world) => {
    const { a, b, expectUnknownToB } = world;
    const aUserIds = () => [a.tenant.ownerId, a.user.userId];
    const ticket = () => [a.helpdesk.ticketId];
    const expectOnlyB = <T>(items: T[], idOf: (item: T) => string, mine: string, theirs: string) => {
      const ids = items.map(idOf);
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
    };
    return {
      'helpdesk.channels.create': async () => {
        const created = await b.owner.helpdesk.channels.create({ type: 'n8n', name: 'Outro', outboundUrl: 'http://127.0.0.1:9/x' });
        expectOnlyB(await b.owner.helpdesk.channels.list(), (channel) => channel.id, created.id, a.helpdesk.channelId);
      },
      'helpdesk.channels.list': async () =>
        expectOnlyB(await b.owner.helpdesk.channels.list(), (channel) => channel.id, b.helpdesk.channelId, a.helpdesk.channelId),
      'helpdesk.channels.get': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.get({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.update({ id, name: 'Sequestrado', outboundUrl: 'http://evil.test/' }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.rotateSecret': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.rotateSecret({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.disconnect': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.disconnect({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.connect': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.connect({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.delete': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.delete({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.statusHistory': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.statusHistory({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.channels.checkConnection': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.channels.checkConnection({ id }),
          () => [a.helpdesk.channelId],
        ),
      'helpdesk.tickets.list': async () => {
        expectOnlyB(
          (await b.owner.helpdesk.tickets.list({ limit: 100 })).items,
          (item) => item.id,
          b.helpdesk.ticketId,
          a.helpdesk.ticketId,
        );
        expect((await b.owner.helpdesk.tickets.list({ queueId: a.helpdesk.queueId })).items).toEqual([]);
        expect((await b.owner.helpdesk.tickets.list({ search: `Contato ${a.tenant.slug}` })).items).toEqual([]);
      },
      'helpdesk.agents.list': async () => {
        const ids = (await b.owner.helpdesk.agents.list()).map((user) => user.id);
        expect(ids).toContain(b.tenant.ownerId);
        for (const id of aUserIds()) expect(ids).not.toContain(id);
      },
      'helpdesk.tickets.counts': async () => {
        const counts = await b.owner.helpdesk.tickets.counts();
        const own = (await b.owner.helpdesk.tickets.list({ limit: 100 })).items.length;
        expect(counts.pending + counts.open + counts.closed).toBe(own);
      },
      'helpdesk.tickets.get': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.get({ id }), ticket),
      'helpdesk.tickets.markRead': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.markRead({ id }), ticket),
      'helpdesk.tickets.accept': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.accept({ id }), ticket),
      'helpdesk.tickets.transfer': async () => {
        await expectUnknownToB((id) => b.owner.helpdesk.tickets.transfer({ id, queueId: b.helpdesk.queueId }), ticket);
        await expectUnknownToB(
          (queueId) => b.owner.helpdesk.tickets.transfer({ id: b.helpdesk.ticketId, queueId }),
          () => [a.helpdesk.queueId],
        );
        await expectUnknownToB(
          (userId) => b.owner.helpdesk.tickets.transfer({ id: b.helpdesk.ticketId, userId }),
          () => [a.user.userId],
        );
      },
      'helpdesk.tickets.close': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.close({ id }), ticket),
      'helpdesk.tickets.reopen': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.reopen({ id }), ticket),
      'helpdesk.tickets.setTags': () => expectUnknownToB((id) => b.owner.helpdesk.tickets.setTags({ id, tags: ['intruso'] }), ticket),
      'helpdesk.contacts.merge': async () => {
        await expectUnknownToB(
          (sourceId) => b.owner.helpdesk.contacts.merge({ sourceId, targetId: b.helpdesk.contactId }),
          () => [a.helpdesk.contactId],
        );
        await expectUnknownToB(
          (targetId) => b.owner.helpdesk.contacts.merge({ sourceId: b.helpdesk.contactId, targetId }),
          () => [a.helpdesk.contactId],
        );
      },
      'helpdesk.quickReplies.list': async () => {
        const replies = await b.owner.helpdesk.quickReplies.list();
        expect(replies.map((reply) => reply.id)).toEqual([b.helpdesk.quickReplyId]);
      },
      'helpdesk.quickReplies.create': async () => {
        await expect(b.owner.helpdesk.quickReplies.create({ shortcut: 'exclusivo-b', text: 'B' })).resolves.toMatchObject({
          shortcut: 'exclusivo-b',
        });
      },
      'helpdesk.quickReplies.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.quickReplies.update({ id, text: 'sequestrado' }),
          () => [a.helpdesk.quickReplyId],
        ),
      'helpdesk.quickReplies.delete': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.quickReplies.delete({ id }),
          () => [a.helpdesk.quickReplyId],
        ),
      'helpdesk.quickReplies.render': async () => {
        await expectUnknownToB(
          (id) => b.owner.helpdesk.quickReplies.render({ id, ticketId: b.helpdesk.ticketId }),
          () => [a.helpdesk.quickReplyId],
        );
        await expectUnknownToB((ticketId) => b.owner.helpdesk.quickReplies.render({ id: b.helpdesk.quickReplyId, ticketId }), ticket);
      },
      'helpdesk.messages.list': () => expectUnknownToB((ticketId) => b.owner.helpdesk.messages.list({ ticketId }), ticket),
      'helpdesk.messages.send': async () => {
        await expectUnknownToB((ticketId) => b.owner.helpdesk.messages.send({ ticketId, body: 'intruso' }), ticket);
        await expectTrpcError(
          b.owner.helpdesk.messages.send({ ticketId: b.helpdesk.ticketId, body: 'citação', quotedMessageId: a.helpdesk.messageId }),
          'NOT_FOUND',
        );
      },
      'helpdesk.contacts.list': async () => {
        expectOnlyB((await b.owner.helpdesk.contacts.list({})).items, (contact) => contact.id, b.helpdesk.contactId, a.helpdesk.contactId);
        // The search runs outside row-level security (for its indexes): it must still stay in B.
        expect((await b.owner.helpdesk.contacts.list({ search: `Contato ${a.tenant.slug}` })).items).toEqual([]);
        expect((await b.owner.helpdesk.contacts.list({ search: '955554444' })).items.map((contact) => contact.id)).toEqual([
          b.helpdesk.contactId,
        ]);
      },
      'helpdesk.contacts.get': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.contacts.get({ id }),
          () => [a.helpdesk.contactId],
        ),
      'helpdesk.contacts.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.contacts.update({ id, name: 'Sequestrado' }),
          () => [a.helpdesk.contactId],
        ),
      'helpdesk.queues.list': async () =>
        expectOnlyB(await b.owner.helpdesk.queues.list(), (queue) => queue.id, b.helpdesk.queueId, a.helpdesk.queueId),
      'helpdesk.queues.create': async () => {
        await expect(b.owner.helpdesk.queues.create({ name: `Fila ${a.tenant.slug}` })).resolves.toMatchObject({
          name: `Fila ${a.tenant.slug}`,
        });
        await expectTrpcError(
          b.owner.helpdesk.queues.create({ name: 'Com membro de A', memberIds: [a.user.userId] }),
          'BAD_REQUEST',
          'UNKNOWN_MEMBER',
        );
      },
      'helpdesk.queues.update': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.queues.update({ id, name: 'Sequestrada' }),
          () => [a.helpdesk.queueId],
        ),
      'helpdesk.queues.delete': () =>
        expectUnknownToB(
          (id) => b.owner.helpdesk.queues.delete({ id }),
          () => [a.helpdesk.queueId],
        ),
      'helpdesk.settings.get': async () =>
        expect(await b.owner.helpdesk.settings.get()).toMatchObject({ reopenWindowMinutes: expect.any(Number) }),
      'helpdesk.settings.update': async () =>
        expect(await b.owner.helpdesk.settings.update({ reopenWindowMinutes: 5 })).toMatchObject({ reopenWindowMinutes: 5 }),
      'helpdesk.apiConfigs.create': async () => {
        await expectUnknownToB(
          (channelId) => b.owner.helpdesk.apiConfigs.create({ name: 'X', channelId }),
          () => [a.helpdesk.channelId],
        );
      },
      'helpdesk.apiConfigs.list': async () => {
        const configs = await b.owner.helpdesk.apiConfigs.list();
        expectOnlyB(configs, (config) => config.apiId, b.helpdesk.apiId, a.helpdesk.apiId);
        expect(configs.find((config) => config.apiId === b.helpdesk.apiId)?.sendUrl).toMatch(
          new RegExp(`/v1/api/external/${b.helpdesk.apiId}$`),
        );
      },
      'helpdesk.apiConfigs.update': () =>
        expectUnknownToB(
          (apiId) => b.owner.helpdesk.apiConfigs.update({ apiId, callbackUrl: 'http://evil.test/' }),
          () => [a.helpdesk.apiId],
        ),
      'helpdesk.apiConfigs.revoke': () =>
        expectUnknownToB(
          (apiId) => b.owner.helpdesk.apiConfigs.revoke({ apiId }),
          () => [a.helpdesk.apiId],
        ),
      'helpdesk.apiConfigs.calls': () =>
        expectUnknownToB(
          (apiId) => b.owner.helpdesk.apiConfigs.calls({ apiId }),
          () => [a.helpdesk.apiId],
        ),
    };
  },
  endpoints: (world) => {
    const { a, b } = world;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      rawRequest(`${world.app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    return {
      'POST /api/v1/webhooks/n8n/channels/:channelId/messages': async () => {
        const message = { messageId: 'wamid.cross-tenant', from: '5511944443333', body: 'Oi', timestamp: Date.now() };
        expectRefused(
          await post(`/api/v1/webhooks/n8n/channels/${a.helpdesk.channelId}/messages`, message, {
            'x-webhook-secret': b.helpdesk.webhookSecret,
          }),
        );
      },
      'POST /api/v1/webhooks/n8n/channels/:channelId/statuses': async () => {
        const status = { messageId: a.helpdesk.messageId, status: 'read', timestamp: Date.now() };
        expectRefused(
          await post(`/api/v1/webhooks/n8n/channels/${a.helpdesk.channelId}/statuses`, status, {
            'x-webhook-secret': b.helpdesk.webhookSecret,
          }),
        );
        expectRefused(
          await post(`/api/v1/webhooks/n8n/channels/${b.helpdesk.channelId}/statuses`, status, {
            'x-webhook-secret': b.helpdesk.webhookSecret,
          }),
        );
      },
      'GET /api/v1/webhooks/whatsapp/channels/:channelId': async () => {
        const query = `hub.mode=subscribe&hub.verify_token=${encodeURIComponent(b.helpdesk.webhookSecret)}&hub.challenge=42`;
        const response = await rawRequest(`${world.app.url}/api/v1/webhooks/whatsapp/channels/${a.helpdesk.channelId}?${query}`);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.text).not.toBe('42');
      },
      'POST /api/v1/webhooks/whatsapp/channels/:channelId': async () => {
        const response = await post(
          `/api/v1/webhooks/whatsapp/channels/${a.helpdesk.channelId}`,
          { object: 'whatsapp_business_account', entry: [] },
          {
            'x-hub-signature-256': 'sha256=00',
          },
        );
        expect(response.status).toBeGreaterThanOrEqual(400);
      },
      'POST /api/v1/helpdesk/media': async () => {
        const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
        const { accessToken } = await login(world.app.url, b.tenant);
        const uploaded = await rawRequest(`${world.app.url}/api/v1/helpdesk/media`, {
          method: 'POST',
          token: accessToken,
          headers: { 'content-type': 'image/png', 'x-file-name': 'b.png' },
          body: png,
        });
        expect(uploaded.status).toBe(201);
      },
      'GET /api/v1/helpdesk/media/:id': async () => {
        const { accessToken } = await login(world.app.url, b.tenant);
        const read = (id: string) => rawRequest(`${world.app.url}/api/v1/helpdesk/media/${id}`, { token: accessToken });
        const theirs = await read(a.helpdesk.media.id);
        expect(theirs.status).toBe(404);
        expectRefused(theirs);
        expect((await read(b.helpdesk.media.id)).status).toBe(200);
      },
      'GET /api/v1/media/:id/:fileName': async () => {
        const { id, fileName } = a.helpdesk.media;
        const path = `/api/v1/media/${id}/${fileName}`;
        // A's file by its plain link, or under a signature B made for its own file, is refused.
        expectRefused(await rawRequest(`${world.app.url}${path}`, {}));
        const bSigned = new URL(
          world.app.services.links.sign(b.helpdesk.media.url, mediaLinkResource(b.helpdesk.media.id, b.helpdesk.media.fileName)),
        );
        expectRefused(await rawRequest(`${world.app.url}${path}${bSigned.search}`, {}));
        expect((await rawRequest(`${world.app.url}${bSigned.pathname}${bSigned.search}`, {})).status).toBe(200);
      },
      'POST /v1/api/external/:apiId': async () => {
        const send = { number: '5511933332222', body: 'de B' };
        expectRefused(await post(`/v1/api/external/${a.helpdesk.apiId}`, send, { authorization: `Bearer ${b.helpdesk.apiToken}` }));
      },
      'GET /v1/api/external/:apiId/messages/:messageId': async () => {
        const read = (apiId: string) =>
          rawRequest(`${world.app.url}/v1/api/external/${apiId}/messages/${a.helpdesk.messageId}`, { token: b.helpdesk.apiToken });
        expectRefused(await read(a.helpdesk.apiId));
        expectRefused(await read(b.helpdesk.apiId));
      },
    };
  },
});
