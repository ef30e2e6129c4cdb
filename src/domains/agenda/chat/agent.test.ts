import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '../../../db/tenant-scope';
import { nextClientPhone, SAO_PAULO } from '../../../../test/support/agenda';
import { seedTenant, startTestApp, type TestTenant } from '../../../../test/support/app';
import { ownerCaller, rawRequest, storedEvents, type Caller } from '../../../../test/support/identity';
import { TestReceiver } from '../../../../test/support/receiver';
import { nextPhone, receiveMessage } from '../../../../test/support/helpdesk';
import type { AgendaNotificationPayload } from '../notifications';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const LLM_BASE_URL = 'http://llm.test/v1';
/** Every day 08:00–20:00, so "amanhã às 10h" is always a working time. */
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));

const tomorrow = () => DateTime.now().setZone(SAO_PAULO).plus({ days: 1 }).toISODate()!;
const localInstant = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone: SAO_PAULO }).toJSDate();

/** The LLM stand-in: each test says what the model answers (msw: only third-party HTTP is mocked). */
let llmAnswer: () => Response | Promise<Response> = () => HttpResponse.json({}, { status: 500 });
const llm = setupServer(http.post(`${LLM_BASE_URL}/chat/completions`, () => llmAnswer()));
const chatCompletion = (content: string) =>
  HttpResponse.json({
    id: 'x',
    model: 'gpt-test',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    usage: { prompt_tokens: 120, completion_tokens: 30 },
  });

interface Salon {
  tenant: TestTenant;
  owner: Caller;
  secret: string;
  corteId: string;
  carolId: string;
}

async function openSalon(app: RunningTestApp, n8nUrl: string): Promise<Salon> {
  const tenant = await seedTenant(app.services, { modules: ['agenda'] });
  const owner = await ownerCaller(app.services, tenant);
  const corte = await owner.agenda.services.create({ name: 'Corte de cabelo', durationMin: 30, priceCents: 6000 });
  const carol = await owner.agenda.professionals.create({ name: 'Carol Souza', serviceIds: [corte.id], hours: EVERY_DAY });
  await owner.agenda.settings.update({ n8nOutboundUrl: `${n8nUrl}/agenda` });
  const { inboundSecret } = await owner.agenda.settings.rotateSecret();
  return { tenant, owner, secret: inboundSecret, corteId: corte.id, carolId: carol.id };
}

describe('agenda chat agent: n8n message-received → reply, intent and a pending authorization', () => {
  let app: RunningTestApp;
  let llmApp: RunningTestApp;
  let salon: Salon;
  const n8n = new TestReceiver<AgendaNotificationPayload>();

  const post = (body: unknown, headers: Record<string, string> = { 'x-webhook-secret': salon.secret }, target: RunningTestApp = app) =>
    rawRequest(`${target.url}/api/v1/webhooks/n8n/message-received`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const message = (text: string, phone: string, extra: Record<string, unknown> = {}) => ({
    tenant_id: salon.tenant.tenantId,
    client_name: 'João',
    phone,
    message: text,
    channel: 'whatsapp',
    timestamp: new Date().toISOString(),
    ...extra,
  });
  /** The agent answers after the 202: wait for its ai_response about this client. */
  async function aiResponseFor(target: RunningTestApp, tenantId: string, clientId: string) {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const events = await storedEvents(target.services, tenantId, 'ai_response');
      const found = events
        .map(
          (event) =>
            event.data as { client_id: string; intent: string; booking_created: boolean; message: string; conversation_id: string },
        )
        .filter((data) => data.client_id === clientId);
      if (found.length > 0) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no ai_response');
  }
  /** The client with this phone, once the message that creates it has been stored. */
  async function clientIdOf(target: RunningTestApp, tenantId: string, phone: string): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const client = await withTenant(target.services.db, tenantId, (trx) =>
        trx.selectFrom('agenda_clients').select('id').where('phone', '=', phone).executeTakeFirst(),
      );
      if (client) return client.id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no client with phone ${phone}`);
  }

  beforeAll(async () => {
    llm.listen({ onUnhandledRequest: 'bypass' });
    const n8nUrl = await n8n.start();
    app = await startTestApp({ DELIVERIES_POLL_INTERVAL_MS: '50' });
    salon = await openSalon(app, n8nUrl);
    llmApp = await startTestApp({ LLM_PROVIDER: 'openai_compatible', LLM_BASE_URL, LLM_MODEL: 'gpt-test', LLM_TIMEOUT_MS: '500' });
  });
  beforeEach(() => n8n.reset());
  afterEach(() => {
    llmAnswer = () => HttpResponse.json({}, { status: 500 });
  });
  afterAll(async () => {
    llm.close();
    await app.stop();
    await llmApp.stop();
    await n8n.close();
  });

  it('"quero agendar um corte amanhã às 10h": 202 at once, then a pending authorization, the reply to the client, and ai_response', async () => {
    const phone = nextClientPhone();
    const answered = await post(message('quero agendar um corte amanhã às 10h', phone));
    expect(answered.status).toBe(202);
    expect(answered.json).toMatchObject({ status: 'accepted', duplicate: false });
    const clientId = await clientIdOf(app, salon.tenant.tenantId, phone);
    const [response] = await aiResponseFor(app, salon.tenant.tenantId, clientId);
    expect(response).toMatchObject({ intent: 'booking', booking_created: true });
    const [request] = (await salon.owner.agenda.authRequests.list({ status: 'pending' })).filter((item) => item.clientId === clientId);
    expect(request).toMatchObject({
      createdByAgent: 'chat',
      serviceId: salon.corteId,
      professionalId: salon.carolId,
      startsAt: localInstant(tomorrow(), '10:00').toISOString(),
    });
    await app.services.deliveries.flush();
    expect(n8n.requests.map((sent) => sent.payload)).toEqual([
      expect.objectContaining({ kind: 'chat_reply', phone, clientId, message: response!.message }),
    ]);
    const [conversation] = (await salon.owner.agenda.chat.conversations({})).filter((item) => item.clientId === clientId);
    expect((await salon.owner.agenda.chat.messages({ conversationId: conversation!.id })).map((item) => item.role)).toEqual([
      'client',
      'agent',
    ]);
  });

  it('a duplicated webhook stores one message and answers once', async () => {
    const phone = nextClientPhone();
    const body = message('Oi, bom dia!', phone);
    const [first, second] = await Promise.all([post(body), post(body)]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect([(first.json as { duplicate: boolean }).duplicate, (second.json as { duplicate: boolean }).duplicate].sort()).toEqual([
      false,
      true,
    ]);
    expect((first.json as { message_id: string }).message_id).toBe((second.json as { message_id: string }).message_id);
    const clientId = await clientIdOf(app, salon.tenant.tenantId, phone);
    expect(await aiResponseFor(app, salon.tenant.tenantId, clientId)).toEqual([
      expect.objectContaining({ intent: 'hello', booking_created: false }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await aiResponseFor(app, salon.tenant.tenantId, clientId)).toHaveLength(1);
  });

  it('accepts an HMAC signature of the body instead of the secret', async () => {
    const phone = nextClientPhone();
    const raw = JSON.stringify(message('quanto custa o corte?', phone));
    const signature = `sha256=${createHmac('sha256', salon.secret).update(raw).digest('hex')}`;
    const answered = await rawRequest(`${app.url}/api/v1/webhooks/n8n/message-received`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-signature': signature },
      body: raw,
    });
    expect(answered.status).toBe(202);
    const [response] = await aiResponseFor(app, salon.tenant.tenantId, await clientIdOf(app, salon.tenant.tenantId, phone));
    expect(response).toMatchObject({ intent: 'inquiry' });
    expect(response!.message).toContain('R$ 60,00');
  });

  it('refuses a wrong secret, an unknown tenant or client, and bad payloads, storing nothing', async () => {
    const phone = nextClientPhone();
    const countMessages = () =>
      withTenant(
        app.services.db,
        salon.tenant.tenantId,
        async (trx) => (await trx.selectFrom('agenda_chat_messages').select('id').execute()).length,
      );
    const before = await countMessages();
    expect((await post(message('oi', phone), { 'x-webhook-secret': 'whsec_wrong' })).status).toBe(401);
    expect((await post(message('oi', phone), {})).json).toMatchObject({ error: 'ERR_WEBHOOK_UNAUTHORIZED' });
    expect((await post(message('oi', phone, { tenant_id: crypto.randomUUID() }))).json).toMatchObject({ error: 'ERR_TENANT_NOT_FOUND' });
    const unknownClient = await post(message('oi', phone, { client_id: crypto.randomUUID() }));
    expect(unknownClient.status).toBe(404);
    expect(unknownClient.json).toMatchObject({ error: 'ERR_CLIENT_NOT_FOUND' });
    expect((await post(message('oi', 'não é telefone'))).json).toMatchObject({ error: 'ERR_INVALID_PHONE' });
    const invalid = await post({ tenant_id: salon.tenant.tenantId, phone, message: '', timestamp: 'ontem' });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ error: 'ERR_VALIDATION', details: expect.any(Object) });
    expect((await post({ phone, message: 'oi' })).status).toBe(400);
    const malformed = await rawRequest(`${app.url}/api/v1/webhooks/n8n/message-received`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': salon.secret },
      body: '{"tenant_id":',
    });
    expect(malformed.json).toMatchObject({ error: 'ERR_MALFORMED_JSON' });
    expect(await countMessages()).toBe(before);
    expect((await post(message('oi de novo', phone))).status).toBe(202);
  });

  it('a slot that is taken gets alternatives, not a proposal', async () => {
    const client = await salon.owner.agenda.clients.create({ name: 'Marta', phone: nextClientPhone() });
    await salon.owner.agenda.appointments.create({
      clientId: client.id,
      serviceId: salon.corteId,
      professionalId: salon.carolId,
      startsAt: `${tomorrow()}T15:00`,
    });
    const phone = nextClientPhone();
    await post(message('tem horário amanhã às 15h pra cortar o cabelo?', phone));
    const [response] = await aiResponseFor(app, salon.tenant.tenantId, await clientIdOf(app, salon.tenant.tenantId, phone));
    expect(response).toMatchObject({ intent: 'booking', booking_created: false });
    expect(response!.message).toMatch(/14:30|15:30/);
  });

  it('PARAR opts the client out: a confirmation, then nothing more', async () => {
    const phone = nextClientPhone();
    await post(message('PARAR', phone));
    const clientId = await clientIdOf(app, salon.tenant.tenantId, phone);
    await aiResponseFor(app, salon.tenant.tenantId, clientId);
    expect((await salon.owner.agenda.clients.get({ id: clientId })).optedOut).toBe(true);
    await post(message('oi', phone));
    for (let attempt = 0; attempt < 40 && (await aiResponseFor(app, salon.tenant.tenantId, clientId)).length < 2; attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await app.services.deliveries.flush();
    expect(n8n.requests.filter((sent) => sent.payload.clientId === clientId).map((sent) => sent.payload.message)).toEqual([
      expect.stringContaining('não receberá'),
    ]);
  });

  it("with chat from the helpdesk on, a contact's WhatsApp message on a helpdesk channel gets the agent's answer on the same ticket", async () => {
    const both = await seedTenant(app.services, { modules: ['helpdesk', 'agenda'] });
    const bothOwner = await ownerCaller(app.services, both);
    const corte = await bothOwner.agenda.services.create({ name: 'Corte de cabelo', durationMin: 30, priceCents: 6000 });
    await bothOwner.agenda.professionals.create({ name: 'Carol Souza', serviceIds: [corte.id], hours: EVERY_DAY });
    const channel = await bothOwner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp', outboundUrl: 'http://127.0.0.1:9/n8n' });
    await bothOwner.helpdesk.channels.connect({ id: channel.id }).catch(() => undefined);
    const phone = nextPhone();
    // Off by default: the helpdesk keeps its messages to itself.
    await receiveMessage(app.services, both.tenantId, channel.id, { from: phone, body: 'Oi, tudo bem?' });
    await bothOwner.agenda.settings.update({ chatFromHelpdesk: true });
    const { ticketId } = await receiveMessage(app.services, both.tenantId, channel.id, {
      from: phone,
      body: 'quero cortar o cabelo amanhã às 10h',
    });
    const clientId = await clientIdOf(app, both.tenantId, `+${phone}`);
    const responses = await aiResponseFor(app, both.tenantId, clientId);
    expect(responses).toEqual([expect.objectContaining({ intent: 'booking', booking_created: true })]);
    const messages = (await bothOwner.helpdesk.messages.list({ ticketId })).items;
    expect(messages.filter((item) => item.direction === 'outbound').map((item) => item.body)).toEqual([responses[0]!.message]);
    expect((await bothOwner.agenda.authRequests.list({ status: 'pending' })).map((request) => request.clientId)).toEqual([clientId]);
  });

  describe('with an OpenAI-compatible model (msw stands in for it)', () => {
    let llmSalon: Salon;
    beforeAll(async () => {
      llmSalon = await openSalon(llmApp, 'http://127.0.0.1:9');
    });
    const llmPost = (text: string, phone: string) =>
      post(
        { tenant_id: llmSalon.tenant.tenantId, phone, message: text, timestamp: new Date().toISOString() },
        { 'x-webhook-secret': llmSalon.secret },
        llmApp,
      );
    const llmCalls = () =>
      withTenant(llmApp.services.db, llmSalon.tenant.tenantId, (trx) => trx.selectFrom('llm_calls').selectAll().orderBy('id').execute());

    it("uses the model's structured answer, and records the call", async () => {
      llmAnswer = () =>
        chatCompletion(
          JSON.stringify({
            intent: 'booking',
            optOut: false,
            booking: { serviceId: llmSalon.corteId, professionalId: llmSalon.carolId, date: tomorrow(), time: '11:00', period: null },
          }),
        );
      const phone = nextClientPhone();
      await llmPost('dá pra encaixar um corte amanhã umas onze?', phone);
      const [response] = await aiResponseFor(llmApp, llmSalon.tenant.tenantId, await clientIdOf(llmApp, llmSalon.tenant.tenantId, phone));
      expect(response).toMatchObject({ intent: 'booking', booking_created: true });
      expect((await llmCalls()).at(-1)).toMatchObject({
        purpose: 'agenda.chat',
        provider: 'openai_compatible',
        model: 'gpt-test',
        input_tokens: 120,
        output_tokens: 30,
        outcome: 'ok',
        fell_back: false,
      });
    });

    it('falls back to the offline provider when the model answers something that is not valid JSON, and logs it', async () => {
      llmAnswer = () => chatCompletion('claro! vou marcar pra você');
      const phone = nextClientPhone();
      await llmPost('quero cortar o cabelo amanhã às 16h', phone);
      const [response] = await aiResponseFor(llmApp, llmSalon.tenant.tenantId, await clientIdOf(llmApp, llmSalon.tenant.tenantId, phone));
      expect(response).toMatchObject({ intent: 'booking', booking_created: true });
      expect((await llmCalls()).at(-1)).toMatchObject({ outcome: 'invalid_output', fell_back: true });
    });

    it('falls back when the model is down or too slow', async () => {
      llmAnswer = async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return chatCompletion('{}');
      };
      const phone = nextClientPhone();
      await llmPost('oi', phone);
      const [response] = await aiResponseFor(llmApp, llmSalon.tenant.tenantId, await clientIdOf(llmApp, llmSalon.tenant.tenantId, phone));
      expect(response).toMatchObject({ intent: 'hello' });
      expect((await llmCalls()).at(-1)).toMatchObject({ outcome: 'timeout', fell_back: true });
    });

    it('a model that proposes a slot that is not free gets alternatives checked against the real calendar', async () => {
      const client = await llmSalon.owner.agenda.clients.create({ name: 'Rita', phone: nextClientPhone() });
      await llmSalon.owner.agenda.appointments.create({
        clientId: client.id,
        serviceId: llmSalon.corteId,
        professionalId: llmSalon.carolId,
        startsAt: `${tomorrow()}T17:00`,
      });
      llmAnswer = () =>
        chatCompletion(
          JSON.stringify({
            intent: 'booking',
            optOut: false,
            booking: { serviceId: llmSalon.corteId, professionalId: crypto.randomUUID(), date: tomorrow(), time: '17:00', period: null },
          }),
        );
      const phone = nextClientPhone();
      await llmPost('amanhã 17h', phone);
      const clientId = await clientIdOf(llmApp, llmSalon.tenant.tenantId, phone);
      const [response] = await aiResponseFor(llmApp, llmSalon.tenant.tenantId, clientId);
      expect(response).toMatchObject({ intent: 'booking', booking_created: false });
      expect((await llmSalon.owner.agenda.authRequests.list({})).filter((request) => request.clientId === clientId)).toEqual([]);
    });
  });
});
