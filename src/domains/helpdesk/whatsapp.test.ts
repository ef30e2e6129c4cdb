import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import { callerFor, login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, storedEvents, trpcError, type Caller } from '../../../test/support/identity';
import { WHATSAPP_OUTBOUND_KIND } from './channels/whatsapp-outbound';
import {
  contact,
  inboundWebhook,
  messages,
  messagesChange,
  OTHER_PHONE_NUMBER_ID,
  PHONE_NUMBER_ID,
  status,
  TIMESTAMP,
  wamid,
  webhook,
} from './channels/whatsapp-cloud.fixtures';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** A stand-in host for the Graph API: msw answers it, and nothing could reach Meta by mistake. */
const GRAPH_BASE_URL = 'https://graph.whatsapp.test';
const GRAPH = `${GRAPH_BASE_URL}/v21.0`;
const ACCESS_TOKEN = 'EAAGm0PX4ZCpsBAKZAbalcaoTestAccessToken0123456789';
const APP_SECRET = 'b5f1e3d9c7a2468ea0f1c2d3e4f5a6b7';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FAST_RETRIES = {
  DELIVERIES_RETRY_BASE_MS: '1',
  DELIVERIES_RETRY_CAP_MS: '2',
  DELIVERIES_MAX_ATTEMPTS: '5',
  DELIVERIES_POLL_INTERVAL_MS: '50',
};

/** What Meta's Graph API received: one entry per POST /<phone_number_id>/messages. */
interface GraphSend {
  phoneNumberId: string;
  authorization: string | null;
  body: { to: string; type: string; text?: { body: string; preview_url: boolean }; context?: { message_id: string } } & Record<
    string,
    unknown
  >;
  wamid: string | null;
}

const graphSends: GraphSend[] = [];
let sendCounter = 0;

const phoneNumberInfo = () =>
  HttpResponse.json({ display_phone_number: '+55 11 3000-1000', verified_name: 'Clínica Bem Estar', quality_rating: 'GREEN', id: '1' });
const graphError = (httpStatus: number, error: Record<string, unknown>) =>
  HttpResponse.json({ error: { fbtrace_id: 'AbCdEfGhIjKlMnOp', ...error } }, { status: httpStatus });
const invalidToken = () =>
  graphError(401, { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 });

/** Meta's Graph API, as msw plays it; `answer` decides each send's reply (an accepted message by default). */
let answer: (send: Omit<GraphSend, 'wamid'>) => Response | 'accept' = () => 'accept';

const server = setupServer(
  http.get(`${GRAPH}/:phoneNumberId`, () => phoneNumberInfo()),
  http.post(`${GRAPH}/:phoneNumberId/messages`, async ({ request, params }) => {
    const send = {
      phoneNumberId: String(params.phoneNumberId),
      authorization: request.headers.get('authorization'),
      body: (await request.json()) as GraphSend['body'],
    };
    const reply = answer(send);
    if (reply !== 'accept') {
      graphSends.push({ ...send, wamid: null });
      return reply;
    }
    const id = wamid(`SENT${String((sendCounter += 1)).padStart(4, '0')}`);
    graphSends.push({ ...send, wamid: id });
    return HttpResponse.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: send.body.to, wa_id: send.body.to }],
      messages: [{ id }],
    });
  }),
);

describe('helpdesk: WhatsApp Cloud channels end to end', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let channel: { id: string; webhookSecret: string };
  let customerCounter = 0;
  let inboundCounter = 0;

  const webhookUrl = (channelId = channel.id) => `${app.url}/api/v1/webhooks/whatsapp/channels/${channelId}`;
  const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const postWebhook = (payload: unknown, options: { channelId?: string; signature?: string | null } = {}) => {
    const body = JSON.stringify(payload);
    const signature = options.signature === undefined ? sign(body) : options.signature;
    return fetch(webhookUrl(options.channelId), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
      body,
    });
  };
  const nextCustomer = () => `55119${String(70000000 + (customerCounter += 1)).padStart(8, '0')}`;
  const textMessage = (body: string) => ({ ...messages.text, id: wamid(`IN${process.pid}X${(inboundCounter += 1)}`), text: { body } });
  const messageCount = () =>
    withTenant(app.services.db, tenant.tenantId, async (trx) =>
      Number(
        (
          await trx
            .selectFrom('helpdesk_messages')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
  const storedMessage = (id: string) =>
    withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('helpdesk_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
  const deliveriesOf = (messageId: string) =>
    withTenant(app.services.db, tenant.tenantId, async (trx) => {
      const rows = await trx.selectFrom('deliveries').selectAll().where('kind', '=', WHATSAPP_OUTBOUND_KIND).execute();
      return rows.filter((row) => (row.payload as { messageId: string }).messageId === messageId);
    });
  const attemptsOf = (deliveryId: string) =>
    withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute(),
    );

  /** A customer writes in through the channel's webhook; the owner answers the ticket that opens. */
  const openTicket = async (
    from = nextCustomer(),
    target: { channelId: string; phoneNumberId: string } = { channelId: channel.id, phoneNumberId: PHONE_NUMBER_ID },
  ) => {
    const change = messagesChange({
      phoneNumberId: target.phoneNumberId,
      contacts: [contact(from, 'Cliente Teste')],
      messages: [{ from, timestamp: TIMESTAMP, ...textMessage('Oi, tudo bem?') }],
    });
    const response = await postWebhook(webhook([change]), { channelId: target.channelId });
    expect(response.status).toBe(200);
    const {
      messages: [ingested],
    } = (await response.json()) as { messages: Array<{ ticketId: string }> };
    return { ticketId: ingested!.ticketId, from };
  };

  const createWhatsappChannel = async (caller: Caller, phoneNumberId: string) =>
    caller.helpdesk.channels.create({
      type: 'whatsapp_cloud',
      name: `WhatsApp ${phoneNumberId}`,
      phoneNumberId,
      accessToken: ACCESS_TOKEN,
      appSecret: APP_SECRET,
    });

  beforeAll(async () => {
    // Only the Graph API is a third party: calls to the app itself pass through, anything else is an error.
    server.listen({
      onUnhandledRequest: (request, print) => {
        if (!LOCAL_HOSTS.has(new URL(request.url).hostname)) print.error();
      },
    });
    app = await startTestApp({ ...FAST_RETRIES, WHATSAPP_GRAPH_BASE_URL: GRAPH_BASE_URL });
    tenant = await seedTenant(app.services, { modules: ['helpdesk'] });
    owner = await ownerCaller(app.services, tenant);
    channel = await createWhatsappChannel(owner, PHONE_NUMBER_ID);
  });
  afterEach(() => {
    server.resetHandlers();
    answer = () => 'accept';
    graphSends.length = 0;
  });
  afterAll(async () => {
    await app.stop();
    server.close();
  });

  describe('webhook subscription (GET)', () => {
    const verify = (token: string) =>
      fetch(
        `${webhookUrl()}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' })}`,
      );

    it('answers the challenge as plain text to the channel\u2019s verify token', async () => {
      const response = await verify(channel.webhookSecret);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('1158201444');
    });

    it('refuses a wrong verify token with 403', async () => {
      const response = await verify('whsec_not-the-token');
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('1158201444');
    });
  });

  describe('inbound (POST)', () => {
    it('a signed Meta payload opens a ticket with the message and the contact\u2019s name', async () => {
      const from = nextCustomer();
      const payload = inboundWebhook(textMessage('Olá! Vocês abrem no sábado?'), from, 'Maria Souza');
      const response = await postWebhook(payload);
      expect(response.status).toBe(200);
      const result = (await response.json()) as {
        messages: Array<{ messageId: string; ticketId: string; duplicate: boolean }>;
        statuses: number;
      };
      expect(result.messages).toHaveLength(1);
      expect(result.messages[0]!.duplicate).toBe(false);
      const ticket = await owner.helpdesk.tickets.get({ id: result.messages[0]!.ticketId });
      expect(ticket).toMatchObject({
        status: 'pending',
        unreadCount: 1,
        lastMessagePreview: 'Olá! Vocês abrem no sábado?',
        contact: { name: 'Maria Souza', phone: `+${from}` },
      });
      const listed = await owner.helpdesk.messages.list({ ticketId: ticket.id });
      expect(listed.items).toMatchObject([
        { id: result.messages[0]!.messageId, direction: 'inbound', kind: 'text', body: 'Olá! Vocês abrem no sábado?', status: 'received' },
      ]);
    });

    it('refuses a wrong or missing X-Hub-Signature-256 with 401 and stores nothing', async () => {
      const payload = inboundWebhook(textMessage('forjada'), nextCustomer());
      const before = await messageCount();
      for (const signature of [sign(JSON.stringify(payload), 'not-the-app-secret'), sign('{}'), 'sha256=zz', null]) {
        const response = await postWebhook(payload, { signature });
        expect(response.status).toBe(401);
        expect(((await response.json()) as { error: string }).error).toBe('ERR_WEBHOOK_UNAUTHORIZED');
      }
      expect(await messageCount()).toBe(before);
    });

    it('stores a webhook Meta delivers twice once', async () => {
      const payload = inboundWebhook(textMessage('Repetida'), nextCustomer());
      const before = await messageCount();
      const first = (await (await postWebhook(payload)).json()) as { messages: Array<{ messageId: string; duplicate: boolean }> };
      const again = await Promise.all([postWebhook(payload), postWebhook(payload)]);
      expect(again.map((response) => response.status)).toEqual([200, 200]);
      for (const response of again) {
        expect(((await response.json()) as typeof first).messages).toEqual([{ ...first.messages[0], duplicate: true }]);
      }
      expect(await messageCount()).toBe(before + 1);
    });
  });

  describe('outbound through the Graph API', () => {
    it('an agent reply goes to Meta with the right body and bearer token; the wamid is kept and the message is sent', async () => {
      const { ticketId, from } = await openTicket();
      const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Abrimos sim, das 9h às 13h.' });
      expect(reply.status).toBe('pending');
      await app.services.deliveries.flush();

      expect(graphSends).toHaveLength(1);
      const [sent] = graphSends;
      expect(sent!.phoneNumberId).toBe(PHONE_NUMBER_ID);
      expect(sent!.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(sent!.body).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: from,
        type: 'text',
        text: { body: 'Abrimos sim, das 9h às 13h.', preview_url: false },
      });
      const stored = await storedMessage(reply.id);
      expect(stored).toMatchObject({ status: 'sent', external_id: sent!.wamid });
      expect(stored.sent_at).toBeInstanceOf(Date);

      // The queue holds ids only, and no try recorded the token.
      const [delivery] = await deliveriesOf(reply.id);
      expect(delivery).toMatchObject({ status: 'delivered', ordering_key: ticketId, payload: { messageId: reply.id, ticketId } });
      const attempts = await attemptsOf(delivery!.id);
      expect(attempts).toMatchObject([{ status_code: 200, error: null, target_url: `${GRAPH}/${PHONE_NUMBER_ID}/messages` }]);
      expect(JSON.stringify([delivery, attempts])).not.toContain(ACCESS_TOKEN);
    });

    it('an attached image goes to Meta as a signed link that serves the file, never the plain one', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]);
      const { accessToken } = await login(app.url, tenant);
      const uploaded = await fetch(`${app.url}/api/v1/helpdesk/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'image/png', 'x-file-name': 'cupom.png' },
        body: png,
      });
      const { url } = (await uploaded.json()) as { url: string };
      const { ticketId } = await openTicket();
      await owner.helpdesk.messages.send({ ticketId, body: 'Seu cupom', mediaUrl: url });
      await app.services.deliveries.flush();
      const link = (graphSends[0]!.body.image as { link: string }).link;
      expect(link.startsWith(`${url}?expires=`)).toBe(true);
      const fetched = await fetch(link.replace(app.services.config.publicUrl, app.url));
      expect(Buffer.from(await fetched.arrayBuffer())).toEqual(png);
      expect((await fetch(url.replace(app.services.config.publicUrl, app.url))).status).toBe(403);
    });

    it('quotes the customer\u2019s message by its wamid', async () => {
      const { ticketId } = await openTicket();
      const [inbound] = (await owner.helpdesk.messages.list({ ticketId })).items;
      await owner.helpdesk.messages.send({ ticketId, body: 'Respondendo a isto', quotedMessageId: inbound!.id });
      await app.services.deliveries.flush();
      expect(graphSends[0]!.body.context).toEqual({ message_id: (await storedMessage(inbound!.id)).external_id });
    });

    it('statuses in Meta\u2019s webhook move the reply on: sent → delivered → read, a late one ignored', async () => {
      const { ticketId } = await openTicket();
      const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Confirmado!' });
      await app.services.deliveries.flush();
      const id = graphSends[0]!.wamid!;

      const report = async (...values: Array<Parameters<typeof status>[1]>) => {
        const response = await postWebhook(webhook([messagesChange({ statuses: values.map((value) => status(id, value)) })]));
        expect(response.status).toBe(200);
        expect(((await response.json()) as { statuses: number }).statuses).toBe(values.length);
        return (await storedMessage(reply.id)).status;
      };
      expect(await report('sent')).toBe('sent'); // already sent when Meta took it
      expect(await report('delivered')).toBe('delivered');
      expect(await report('read', 'delivered')).toBe('read'); // out of order in one batch: the late 'delivered' is ignored
      expect(await report('delivered', 'sent')).toBe('read');

      const changes = (await storedEvents(app.services, tenant.tenantId, 'message.status_changed')).filter(
        (event) => (event.data as { messageId: string }).messageId === reply.id,
      );
      expect(changes.map((event) => (event.data as { status: string }).status)).toEqual(['sent', 'delivered', 'read']);
    });

    it('a failed status from Meta fails the reply with Meta\u2019s reason', async () => {
      const { ticketId } = await openTicket();
      const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Vai falhar no aparelho' });
      await app.services.deliveries.flush();
      const failed = status(graphSends[0]!.wamid!, 'failed', {
        errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' }],
      });
      expect((await postWebhook(webhook([messagesChange({ statuses: [failed] })]))).status).toBe(200);
      expect(await storedMessage(reply.id)).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('131047') });
    });

    it('Graph failing twice with 500 then taking it: each reply is sent once, in order per ticket', async () => {
      const { ticketId } = await openTicket();
      let failures = 2;
      answer = () =>
        failures-- > 0 ? graphError(500, { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1 }) : 'accept';
      const replies = [];
      for (const body of ['primeira', 'segunda', 'terceira']) replies.push(await owner.helpdesk.messages.send({ ticketId, body }));
      await app.services.deliveries.flush();

      expect(graphSends.map((send) => [send.body.text?.body, send.wamid === null ? 'refused' : 'taken'])).toEqual([
        ['primeira', 'refused'],
        ['primeira', 'refused'],
        ['primeira', 'taken'],
        ['segunda', 'taken'],
        ['terceira', 'taken'],
      ]);
      const taken = graphSends.filter((send) => send.wamid !== null);
      for (const [index, reply] of replies.entries()) {
        expect(await storedMessage(reply.id)).toMatchObject({ status: 'sent', external_id: taken[index]!.wamid });
      }
      const [first] = await deliveriesOf(replies[0]!.id);
      expect((await attemptsOf(first!.id)).map((attempt) => attempt.status_code)).toEqual([500, 500, 200]);
    });

    it('an invalid token (190) is dead at once: the reply fails and the channel is in error, with the reason, for the dashboard', async () => {
      const other = await createWhatsappChannel(owner, OTHER_PHONE_NUMBER_ID);
      const { ticketId } = await openTicket(nextCustomer(), { channelId: other.id, phoneNumberId: OTHER_PHONE_NUMBER_ID });
      answer = () => invalidToken();
      const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Token vencido' });
      await app.services.deliveries.flush();

      expect(graphSends).toHaveLength(1);
      const [delivery] = await deliveriesOf(reply.id);
      expect(delivery).toMatchObject({ status: 'dead', attempts: 1, last_status_code: 401 });
      expect(await storedMessage(reply.id)).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('código 190') });
      const channelNow = await owner.helpdesk.channels.get({ id: other.id });
      expect(channelNow).toMatchObject({ status: 'error', statusReason: expect.stringContaining('código 190') });
      expect(channelNow.statusReason).not.toContain(ACCESS_TOKEN);
      const alerts = (await storedEvents(app.services, tenant.tenantId, 'channel.status_changed')).filter(
        (event) => (event.data as { channelId: string }).channelId === other.id,
      );
      expect(alerts.at(-1)?.data).toMatchObject({ channelId: other.id, status: 'error', reason: expect.stringContaining('código 190') });
      expect((await owner.helpdesk.channels.statusHistory({ id: other.id }))[0]).toMatchObject({ status: 'error' });

      // Once Meta takes messages again, a reply puts the channel back to connected.
      answer = () => 'accept';
      await owner.helpdesk.messages.send({ ticketId, body: 'Token renovado' });
      await app.services.deliveries.flush();
      expect((await owner.helpdesk.channels.get({ id: other.id })).status).toBe('connected');
    });

    it('a recipient who is not on WhatsApp (131026) fails that reply at once and leaves the channel connected', async () => {
      const { ticketId } = await openTicket();
      answer = () =>
        graphError(400, {
          message: 'Message undeliverable',
          type: 'OAuthException',
          code: 131026,
          error_data: { details: 'Message Undeliverable.' },
        });
      const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Ninguém do outro lado' });
      await app.services.deliveries.flush();

      expect(graphSends).toHaveLength(1);
      expect((await deliveriesOf(reply.id))[0]).toMatchObject({ status: 'dead', attempts: 1 });
      expect(await storedMessage(reply.id)).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('131026') });
      expect((await owner.helpdesk.channels.get({ id: channel.id })).status).toBe('connected');
    });
  });

  describe('connection status', () => {
    it('checkConnection asks Meta and sets the channel connected, or in error with the reason', async () => {
      server.use(http.get(`${GRAPH}/:phoneNumberId`, () => invalidToken()));
      const failing = await owner.helpdesk.channels.checkConnection({ id: channel.id });
      expect(failing.check).toEqual({ ok: false, reason: expect.stringContaining('código 190') });
      expect(failing.channel).toMatchObject({
        id: channel.id,
        status: 'error',
        statusReason: expect.stringContaining('Error validating access token'),
      });
      expect((await owner.helpdesk.channels.get({ id: channel.id })).status).toBe('error');
      const alerts = (await storedEvents(app.services, tenant.tenantId, 'channel.status_changed')).filter(
        (event) => (event.data as { channelId: string }).channelId === channel.id,
      );
      expect(alerts.at(-1)?.data).toMatchObject({ status: 'error' });

      server.resetHandlers();
      const working = await owner.helpdesk.channels.checkConnection({ id: channel.id });
      expect(working).toMatchObject({
        check: { ok: true, displayPhoneNumber: '+55 11 3000-1000', verifiedName: 'Clínica Bem Estar', qualityRating: 'GREEN' },
        channel: { status: 'connected', statusReason: null },
      });
      expect((await owner.helpdesk.channels.statusHistory({ id: channel.id })).slice(0, 2).map((entry) => entry.status)).toEqual([
        'connected',
        'error',
      ]);
    });

    it('a new WhatsApp channel is checked at once; a failing check does not fail its creation', async () => {
      const created = await createWhatsappChannel(owner, '100000000000001');
      expect(created).toMatchObject({ type: 'whatsapp_cloud', status: 'connected', webhookSecret: expect.stringMatching(/^whsec_/) });

      server.use(http.get(`${GRAPH}/:phoneNumberId`, () => HttpResponse.error()));
      const unreachable = await createWhatsappChannel(owner, '100000000000002');
      expect(unreachable).toMatchObject({
        type: 'whatsapp_cloud',
        status: 'error',
        statusReason: expect.stringContaining('Falha de rede'),
      });
      expect(unreachable.webhookSecret).toMatch(/^whsec_/);
      expect((await owner.helpdesk.channels.list()).map((listed) => listed.id)).toContain(unreachable.id);
    });

    it('an n8n channel is answered with its current status, without a check', async () => {
      const n8n = await owner.helpdesk.channels.create({ type: 'n8n', name: 'n8n', outboundUrl: 'http://127.0.0.1:9/n8n' });
      expect(await owner.helpdesk.channels.checkConnection({ id: n8n.id })).toMatchObject({
        check: null,
        channel: { id: n8n.id, status: 'connected' },
      });
    });

    it('needs helpdesk.channels.write, and another tenant\u2019s channel is not found', async () => {
      const agent = await callerFor(app.services, await addUser(app.services, tenant, 'agent'));
      await expectTrpcError(agent.helpdesk.channels.checkConnection({ id: channel.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
      const other = await seedTenant(app.services, { modules: ['helpdesk'] });
      const otherOwner = await ownerCaller(app.services, other);
      const foreign = await trpcError(otherOwner.helpdesk.channels.checkConnection({ id: channel.id }));
      const unknown = await trpcError(otherOwner.helpdesk.channels.checkConnection({ id: crypto.randomUUID() }));
      expect(foreign).toEqual({ ...unknown, code: 'NOT_FOUND' });
    });
  });
  it('fetches the media a contact sends from the Graph API and links it from the message', async () => {
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
    const mediaId = messages.image.image.id;
    server.use(
      http.get(`${GRAPH}/${mediaId}`, ({ request }) =>
        request.headers.get('authorization') === `Bearer ${ACCESS_TOKEN}`
          ? HttpResponse.json({
              url: `${GRAPH_BASE_URL}/files/${mediaId}`,
              mime_type: 'image/jpeg',
              sha256: 'x',
              file_size: photo.length,
              id: mediaId,
            })
          : invalidToken(),
      ),
      http.get(`${GRAPH_BASE_URL}/files/${mediaId}`, () => new HttpResponse(photo, { headers: { 'content-type': 'image/jpeg' } })),
    );
    const from = nextCustomer();
    const image = { ...messages.image, id: wamid(`IMG${process.pid}`) };
    const response = await postWebhook(
      webhook([messagesChange({ contacts: [contact(from, 'Cliente Foto')], messages: [{ from, timestamp: TIMESTAMP, ...image }] })]),
    );
    const {
      messages: [ingested],
    } = (await response.json()) as { messages: Array<{ messageId: string; ticketId: string }> };
    await app.services.deliveries.flush();
    const stored = await storedMessage(ingested!.messageId);
    expect(stored).toMatchObject({
      kind: 'image',
      body: 'Foto do comprovante',
      media_mime_type: 'image/jpeg',
      media_size_bytes: photo.length,
    });
    const storedId = /\/api\/v1\/media\/([0-9a-f-]{36})\//.exec(stored.media_url!)![1]!;
    const { accessToken } = await login(app.url, tenant);
    const served = await fetch(`${app.url}/api/v1/helpdesk/media/${storedId}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(Buffer.from(await served.arrayBuffer())).toEqual(photo);
  });
});
