import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import { DELIVERY_HEADERS, verifyDeliverySignature } from '../../platform/deliveries/signature';
import { seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { nextPhone, receiveMessage } from '../../../test/support/helpdesk';
import { ownerCaller, storedEvents, type Caller } from '../../../test/support/identity';
import { createTestDatabase } from '../../../test/support/database';
import { TestReceiver } from '../../../test/support/receiver';
import type { N8nOutboundPayload } from './channels/n8n';
import type { ApiStatusCallback } from './api-callbacks';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Tries come fast in tests; the schedule's shape is the worker's own test. */
const FAST_RETRIES = {
  DELIVERIES_RETRY_BASE_MS: '1',
  DELIVERIES_RETRY_CAP_MS: '2',
  DELIVERIES_MAX_ATTEMPTS: '5',
  DELIVERIES_POLL_INTERVAL_MS: '50',
};

describe('helpdesk outbound: replies through n8n, acks, and API status callbacks', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let channel: { id: string; webhookSecret: string };
  const n8n = new TestReceiver<N8nOutboundPayload>();
  const callbacks = new TestReceiver<ApiStatusCallback>();
  let callbackUrl = '';

  const postStatus = (messageId: string, status: string) =>
    fetch(`${app.url}/api/v1/webhooks/n8n/channels/${channel.id}/statuses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': channel.webhookSecret },
      body: JSON.stringify({ messageId, status, timestamp: Math.floor(Date.now() / 1000) }),
    });
  const openTicket = async () => {
    const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channel.id, { from: nextPhone() });
    await owner.helpdesk.tickets.accept({ id: ticketId });
    return ticketId;
  };
  const messageById = async (ticketId: string, id: string) =>
    (await owner.helpdesk.messages.list({ ticketId })).items.find((message) => message.id === id)!;

  beforeAll(async () => {
    const url = await n8n.start();
    callbackUrl = await callbacks.start();
    app = await startTestApp(FAST_RETRIES);
    tenant = await seedTenant(app.services, { modules: ['helpdesk'] });
    owner = await ownerCaller(app.services, tenant);
    channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp', outboundUrl: `${url}/outbound` });
  });
  afterAll(async () => {
    await app.stop();
    await n8n.close();
    await callbacks.close();
  });
  beforeEach(() => {
    n8n.reset();
    callbacks.reset();
  });

  it('posts a reply to n8n with the contract payload, signed; { externalId } marks it sent; acks move it on, idempotent and in any order', async () => {
    const ticketId = await openTicket();
    n8n.reply = (request) => ({ status: 200, json: { externalId: `wamid.${request.payload.messageId}` } });
    const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Seu pedido está pronto' });
    await app.services.deliveries.flush();

    expect(n8n.requests).toHaveLength(1);
    const [request] = n8n.requests;
    const ticket = await owner.helpdesk.tickets.get({ id: ticketId });
    expect(request!.payload).toEqual({
      eventId: request!.headers[DELIVERY_HEADERS.eventId],
      messageId: reply.id,
      ticketId,
      to: ticket.contact.phone,
      body: 'Seu pedido está pronto',
    });
    const signed = {
      secret: channel.webhookSecret,
      timestamp: String(request!.headers[DELIVERY_HEADERS.timestamp]),
      body: request!.body,
      signature: String(request!.headers[DELIVERY_HEADERS.signature]),
      toleranceSeconds: 300,
    };
    expect(verifyDeliverySignature(signed)).toBe(true);
    expect(verifyDeliverySignature({ ...signed, secret: 'whsec_other' })).toBe(false);
    expect(await messageById(ticketId, reply.id)).toMatchObject({ status: 'sent' });

    for (const [ref, status] of [
      [`wamid.${reply.id}`, 'read'],
      [reply.id, 'delivered'],
      [`wamid.${reply.id}`, 'read'],
      [reply.id, 'sent'],
    ] as const) {
      expect((await postStatus(ref, status)).status).toBe(200);
    }
    expect(await messageById(ticketId, reply.id)).toMatchObject({ status: 'read' });
    const changes = (await storedEvents(app.services, tenant.tenantId, 'message.status_changed')).filter(
      (event) => (event.data as { messageId: string }).messageId === reply.id,
    );
    expect(changes.map((event) => (event.data as { status: string }).status)).toEqual(['sent', 'read']);

    const unknown = await postStatus(crypto.randomUUID(), 'delivered');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('ERR_MESSAGE_NOT_FOUND');
  });

  it('a status report may bring the provider’s id: it links the message, and later reports may name it by that id', async () => {
    const ticketId = await openTicket();
    n8n.reply = () => ({ status: 200, json: {} });
    const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Confirmado' });
    await app.services.deliveries.flush();
    const report = (body: object) =>
      fetch(`${app.url}/api/v1/webhooks/n8n/channels/${channel.id}/statuses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': channel.webhookSecret },
        body: JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), ...body }),
      });
    expect((await report({ messageId: reply.id, status: 'sent', externalId: 'wamid.LINKED1' })).status).toBe(200);
    expect((await report({ messageId: 'wamid.LINKED1', status: 'delivered' })).status).toBe(200);
    expect(await messageById(ticketId, reply.id)).toMatchObject({ status: 'delivered' });
    const bad = await report({ messageId: reply.id, status: 'read', externalId: '' });
    expect({ status: bad.status, error: ((await bad.json()) as { error: string }).error }).toEqual({
      status: 400,
      error: 'ERR_VALIDATION',
    });
  });

  it('while n8n is down, replies wait and then arrive once each, in order per ticket', async () => {
    const ticketId = await openTicket();
    let outage = 3; // n8n answers 503 three times, then recovers
    n8n.reply = () => (outage-- > 0 ? { status: 503 } : { status: 200, json: {} });
    const sent = [];
    for (const body of ['um', 'dois', 'três']) sent.push(await owner.helpdesk.messages.send({ ticketId, body }));
    await app.services.deliveries.flush();
    expect(n8n.requests.map((request) => request.payload.body)).toEqual(['um', 'um', 'um', 'um', 'dois', 'três']);
    expect(new Set(n8n.requests.slice(0, 4).map((request) => request.headers[DELIVERY_HEADERS.eventId])).size).toBe(1);
    for (const message of sent) expect((await messageById(ticketId, message.id)).status).toBe('sent');
  });

  it('a reply n8n never takes fails, with the reason, and puts the channel in error for the dashboard', async () => {
    const ticketId = await openTicket();
    n8n.reply = () => ({ status: 500 });
    const reply = await owner.helpdesk.messages.send({ ticketId, body: 'vai falhar' });
    await app.services.deliveries.flush();
    expect(n8n.requests).toHaveLength(5);
    expect(await messageById(ticketId, reply.id)).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('HTTP 500') });
    expect(await owner.helpdesk.channels.get({ id: channel.id })).toMatchObject({
      status: 'error',
      statusReason: expect.stringContaining('HTTP 500'),
    });
    const alerts = await storedEvents(app.services, tenant.tenantId, 'channel.status_changed');
    expect(alerts.at(-1)?.data).toMatchObject({ channelId: channel.id, status: 'error' });

    n8n.reply = () => ({ status: 200, json: {} });
    await owner.helpdesk.messages.send({ ticketId, body: 'voltou' });
    await app.services.deliveries.flush();
    expect((await owner.helpdesk.channels.get({ id: channel.id })).status).toBe('connected');
  });

  it('tells an API client of its message status changes at its callback URL, signed with its callback secret', async () => {
    n8n.reply = (request) => ({ status: 200, json: { externalId: `ext-${request.payload.messageId}` } });
    const config = await owner.helpdesk.apiConfigs.create({ name: 'ERP', channelId: channel.id, callbackUrl: `${callbackUrl}/status` });
    const response = await fetch(`${app.url}/v1/api/external/${config.apiId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
      body: JSON.stringify({ number: nextPhone(), body: 'Pedido faturado', externalKey: 'pedido-42' }),
    });
    const { messageId } = (await response.json()) as { messageId: string };
    await app.services.deliveries.flush();
    await postStatus(`ext-${messageId}`, 'delivered');
    await app.services.deliveries.flush();
    expect(callbacks.requests.map((request) => request.payload.status)).toEqual(['sent', 'delivered']);
    for (const request of callbacks.requests) {
      expect(request.payload).toMatchObject({
        apiId: config.apiId,
        messageId,
        externalKey: 'pedido-42',
        eventId: request.headers[DELIVERY_HEADERS.eventId],
      });
      expect(
        verifyDeliverySignature({
          secret: config.callbackSecret,
          timestamp: String(request.headers[DELIVERY_HEADERS.timestamp]),
          body: request.body,
          signature: String(request.headers[DELIVERY_HEADERS.signature]),
          toleranceSeconds: 300,
        }),
      ).toBe(true);
    }
  });
});

describe('helpdesk outbound across a restart', () => {
  it('a reply queued by an instance that stops before sending is sent by the next one, once', async () => {
    const n8n = new TestReceiver<N8nOutboundPayload>();
    const url = await n8n.start();
    const database = await createTestDatabase();
    const keepOpen = { ...database, close: async () => undefined };
    const first = await startTestApp({ ...FAST_RETRIES, DELIVERIES_ENABLED: 'false' }, { database: keepOpen });
    const tenant = await seedTenant(first.services, { modules: ['helpdesk'] });
    const owner = await ownerCaller(first.services, tenant);
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp', outboundUrl: `${url}/outbound` });
    const { ticketId } = await receiveMessage(first.services, tenant.tenantId, channel.id, { from: nextPhone() });
    const reply = await owner.helpdesk.messages.send({ ticketId, body: 'antes de reiniciar' });
    await first.stop();
    expect(n8n.requests).toEqual([]);

    const second = await startTestApp(FAST_RETRIES, { database });
    try {
      await second.services.deliveries.flush();
      expect(n8n.requests.map((request) => request.payload.messageId)).toEqual([reply.id]);
      const stored = await withTenant(second.services.db, tenant.tenantId, (trx) =>
        trx.selectFrom('helpdesk_messages').select('status').where('id', '=', reply.id).executeTakeFirstOrThrow(),
      );
      expect(stored.status).toBe('sent');
    } finally {
      await second.stop();
      await n8n.close();
    }
  });
});
