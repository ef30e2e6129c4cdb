import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { nextPhone, receiveMessage } from '../../../test/support/helpdesk';
import { expectTrpcError, ownerCaller, rawRequest, storedEvents, type Caller } from '../../../test/support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('helpdesk channels: an operator disconnects and connects again', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;

  beforeAll(async () => {
    app = await startTestApp({ DELIVERIES_ENABLED: 'false' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk'] });
    owner = await ownerCaller(app.services, tenant);
  });
  afterAll(() => app.stop());

  it('refuses replies and API messages while disconnected, keeps taking inbound messages, and records the history', async () => {
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'Loja', outboundUrl: 'http://127.0.0.1:9/x' });
    const config = await owner.helpdesk.apiConfigs.create({ name: 'ERP', channelId: channel.id });
    const from = nextPhone();
    const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channel.id, { from });

    expect(await owner.helpdesk.channels.disconnect({ id: channel.id })).toMatchObject({
      status: 'disconnected',
      paused: true,
      statusReason: 'Desconectado manualmente',
    });
    const refused = await expectTrpcError(owner.helpdesk.messages.send({ ticketId, body: 'oi' }), 'CONFLICT', 'CHANNEL_DISCONNECTED');
    expect(refused.details).toMatchObject({ channelId: channel.id });
    const apiCall = await fetch(`${app.url}/v1/api/external/${config.apiId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
      body: JSON.stringify({ number: from, body: 'Pedido enviado' }),
    });
    expect(apiCall.status).toBe(409);
    expect(((await apiCall.json()) as { error: string }).error).toBe('ERR_CHANNEL_DISCONNECTED');

    // A contact's message is never refused, and does not reconnect a channel an operator disconnected.
    await receiveMessage(app.services, tenant.tenantId, channel.id, { from });
    expect((await owner.helpdesk.channels.get({ id: channel.id })).status).toBe('disconnected');

    const connected = await owner.helpdesk.channels.connect({ id: channel.id });
    expect(connected.channel).toMatchObject({ status: 'connected', paused: false });
    await expect(owner.helpdesk.messages.send({ ticketId, body: 'voltamos' })).resolves.toMatchObject({ status: 'pending' });

    expect((await owner.helpdesk.channels.statusHistory({ id: channel.id })).map((entry) => [entry.status, entry.reason])).toEqual([
      ['connected', null],
      ['disconnected', 'Desconectado manualmente'],
      ['connected', 'Canal criado'],
    ]);
    const alerts = (await storedEvents(app.services, tenant.tenantId, 'channel.status_changed')).map(
      (event) => (event.data as { status: string }).status,
    );
    expect(alerts).toEqual(['disconnected', 'connected']);
  });

  it('keeps an automatic reply on a disconnected channel as not sent, without refusing the contact', async () => {
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'Filial', outboundUrl: 'http://127.0.0.1:9/y' });
    await owner.helpdesk.settings.update({
      businessHours: { intervals: [{ weekday: 0, start: '00:00', end: '00:01' }] },
      outOfHoursMessage: 'Fechados agora.',
    });
    await owner.helpdesk.channels.disconnect({ id: channel.id });
    const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channel.id, { from: nextPhone() });
    const outbound = (await owner.helpdesk.messages.list({ ticketId })).items.filter((message) => message.direction === 'outbound');
    expect(outbound).toMatchObject([{ body: 'Fechados agora.', status: 'failed', failureReason: 'Canal desconectado' }]);
    await owner.helpdesk.settings.update({ businessHours: null, outOfHoursMessage: null });
  });

  it('flags a channel called with its secret from before the last rotation (an outdated n8n workflow), until a genuine call', async () => {
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'Rotação', outboundUrl: 'http://127.0.0.1:9/x' });
    const post = (secret: string, messageId: string) =>
      rawRequest(`${app.url}/api/v1/webhooks/n8n/channels/${channel.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
        body: JSON.stringify({ messageId, from: nextPhone(), body: 'oi', timestamp: Date.now() }),
      });
    expect((await owner.helpdesk.channels.get({ id: channel.id })).webhookRefusedAt).toBeNull();
    const { webhookSecret } = await owner.helpdesk.channels.rotateSecret({ id: channel.id });

    // A stranger's wrong secret is refused and flags nothing: only the secret from before the rotation marks an outdated workflow.
    expect((await post('not-the-secret-of-anyone-0123456789', 'stranger-1')).status).toBe(401);
    expect((await owner.helpdesk.channels.get({ id: channel.id })).webhookRefusedAt).toBeNull();
    const refused = await post(channel.webhookSecret, 'old-secret-1');
    expect({ status: refused.status, json: refused.json }).toMatchObject({ status: 401, json: { error: 'ERR_WEBHOOK_UNAUTHORIZED' } });
    await expect.poll(async () => (await owner.helpdesk.channels.get({ id: channel.id })).webhookRefusedAt).toBeInstanceOf(Date);
    expect((await owner.helpdesk.channels.list()).find((listed) => listed.id === channel.id)?.webhookRefusedAt).toBeInstanceOf(Date);

    expect((await post(webhookSecret, 'new-secret-1')).status).toBe(200);
    await expect.poll(async () => (await owner.helpdesk.channels.get({ id: channel.id })).webhookRefusedAt).toBeNull();
  });

  it('deletes a channel: its webhooks answer 404, its tickets stay; refused while an external API config uses it', async () => {
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'Filial antiga', outboundUrl: 'http://127.0.0.1:9/x' });
    const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channel.id, { from: nextPhone() });
    const config = await owner.helpdesk.apiConfigs.create({ name: 'ERP antigo', channelId: channel.id });
    const inUse = await expectTrpcError(owner.helpdesk.channels.delete({ id: channel.id }), 'CONFLICT', 'CHANNEL_IN_USE');
    expect(inUse.details).toMatchObject({ apiConfigs: ['ERP antigo'] });

    await owner.helpdesk.apiConfigs.revoke({ apiId: config.apiId });
    expect(await owner.helpdesk.channels.delete({ id: channel.id })).toEqual({ id: channel.id });
    expect((await owner.helpdesk.channels.list()).map((listed) => listed.id)).not.toContain(channel.id);
    await expectTrpcError(owner.helpdesk.channels.get({ id: channel.id }), 'NOT_FOUND');
    await expectTrpcError(owner.helpdesk.channels.delete({ id: channel.id }), 'NOT_FOUND');
    expect((await owner.helpdesk.tickets.get({ id: ticketId })).id).toBe(ticketId);

    const webhook = await rawRequest(`${app.url}/api/v1/webhooks/n8n/channels/${channel.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': channel.webhookSecret },
      body: JSON.stringify({ messageId: 'after-delete', from: nextPhone(), body: 'oi', timestamp: Date.now() }),
    });
    expect({ status: webhook.status, json: webhook.json }).toMatchObject({ status: 404, json: { error: 'ERR_CHANNEL_NOT_FOUND' } });
  });
});
