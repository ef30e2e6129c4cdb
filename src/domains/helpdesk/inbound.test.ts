import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withTenant } from '../../db/tenant-scope';
import { seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { ownerCaller, storedEvents, type Caller } from '../../../test/support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('helpdesk inbound: n8n webhooks', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let channel: { id: string; webhookSecret: string; webhookUrls: Record<string, string> };
  let counter = 0;

  const nextId = () => `wamid-${process.pid}-${(counter += 1)}`;
  const inbound = (overrides: Record<string, unknown> = {}) => ({
    messageId: nextId(),
    from: '5511999990001',
    name: 'Maria',
    body: 'Olá!',
    timestamp: 1764500000,
    ...overrides,
  });
  const post = (url: string, body: unknown, headers: Record<string, string> = { 'x-webhook-secret': channel.webhookSecret }) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const postMessage = (body: unknown, headers?: Record<string, string>) => post(channel.webhookUrls.messages!, body, headers);
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

  beforeAll(async () => {
    app = await startTestApp({ PUBLIC_URL: 'http://placeholder' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk'] });
    owner = await ownerCaller(app.services, tenant);
    const created = await owner.helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp loja', outboundUrl: 'http://127.0.0.1:9/n8n' });
    const base = `${app.url}/api/v1/webhooks/n8n/channels/${created.id}`;
    channel = {
      id: created.id,
      webhookSecret: created.webhookSecret,
      webhookUrls: { messages: `${base}/messages`, statuses: `${base}/statuses` },
    };
  });
  afterAll(() => app.stop());

  it('opens a pending ticket for a new contact, with the message and its events', async () => {
    const payload = inbound({ from: '+55 (11) 99999-1234', name: 'Joana' });
    const response = await postMessage(payload);
    expect(response.status).toBe(200);
    const result = (await response.json()) as { messageId: string; ticketId: string; duplicate: boolean };
    expect(result.duplicate).toBe(false);
    const ticket = await owner.helpdesk.tickets.get({ id: result.ticketId });
    expect(ticket).toMatchObject({
      status: 'pending',
      unreadCount: 1,
      lastMessagePreview: 'Olá!',
      contact: { name: 'Joana', phone: '+5511999991234' },
    });
    expect(ticket.history.map((entry) => entry.action)).toEqual(['created']);
    const messages = await owner.helpdesk.messages.list({ ticketId: result.ticketId });
    expect(messages.items).toMatchObject([{ id: result.messageId, direction: 'inbound', body: 'Olá!', status: 'received', kind: 'text' }]);
    const types = (await storedEvents(app.services, tenant.tenantId)).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['ticket.created', 'message.created']));
    expect((await owner.helpdesk.channels.get({ id: channel.id })).status).toBe('connected');
  });

  it('stores a retried or concurrent duplicate once and answers it like the first', async () => {
    const payload = inbound({ from: '5511999990002' });
    const before = await messageCount();
    const answers = await Promise.all(Array.from({ length: 8 }, () => postMessage(payload)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{ messageId: string; duplicate: boolean }>;
    expect(new Set(bodies.map((body) => body.messageId)).size).toBe(1);
    expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
    expect(await messageCount()).toBe(before + 1);
  });

  it('messages arriving together are stored together, in order, each answered on its own: a bad call among them fails alone', async () => {
    const from = '5511999990777';
    const payloads = Array.from({ length: 12 }, (_, n) => inbound({ from, body: `linha ${n}` }));
    const before = await messageCount();
    const answers = await Promise.all([
      ...payloads.map((payload) => postMessage(payload)),
      postMessage(inbound({ from }), { 'x-webhook-secret': 'whsec_wrong' }),
      postMessage({ ...inbound({ from }), timestamp: 'ontem' }),
      postMessage(inbound({ from: '123' })),
      postMessage(payloads[3]),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([...Array(12).fill(200), 401, 400, 400, 200]);
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{
      messageId: string;
      ticketId: string;
      duplicate: boolean;
      error?: string;
    }>;
    expect(bodies.slice(12, 15).map((body) => body.error)).toEqual(['ERR_WEBHOOK_UNAUTHORIZED', 'ERR_VALIDATION', 'ERR_INVALID_NUMBER']);
    expect(bodies[15]).toEqual({ ...bodies[3], duplicate: true });
    expect(bodies.slice(0, 12).every((body) => !body.duplicate)).toBe(true);
    expect(await messageCount()).toBe(before + 12);
    const ticketIds = new Set(bodies.slice(0, 12).map((body) => body.ticketId));
    expect(ticketIds.size).toBe(1);
    const [ticketId] = [...ticketIds];
    const ticket = await owner.helpdesk.tickets.get({ id: ticketId! });
    expect(ticket.unreadCount).toBe(12);
    // Each message has its own time, so the conversation keeps the order they were stored in, and the preview is the last one's.
    const stored = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx
        .selectFrom('helpdesk_messages')
        .select(['body', sql<string>`created_at::text`.as('at')])
        .where('ticket_id', '=', ticketId!)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );
    expect(new Set(stored.map((row) => row.at)).size).toBe(12);
    expect(ticket.lastMessagePreview).toBe(stored.at(-1)!.body);
  });

  it('concurrent first messages from one contact open one ticket, with gap-free numbers', async () => {
    const from = '5511999990003';
    const answers = await Promise.all(Array.from({ length: 6 }, () => postMessage(inbound({ from }))));
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{ ticketId: string }>;
    expect(new Set(bodies.map((body) => body.ticketId)).size).toBe(1);
    const ticket = await owner.helpdesk.tickets.get({ id: bodies[0]!.ticketId });
    expect(ticket.unreadCount).toBe(6);
    const numbers = (await owner.helpdesk.tickets.list({ limit: 100 })).items.map((item) => item.number).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  });

  it('one person written with and without the Brazilian ninth digit is one contact', async () => {
    const first = (await (await postMessage(inbound({ from: '5511988887777' }))).json()) as { ticketId: string };
    const second = (await (await postMessage(inbound({ from: '551188887777' }))).json()) as { ticketId: string };
    expect(second.ticketId).toBe(first.ticketId);
  });

  it('reopens the last closed ticket within the reopen window, else opens a new one', async () => {
    const from = '5511999990004';
    const first = (await (await postMessage(inbound({ from }))).json()) as { ticketId: string };
    await owner.helpdesk.tickets.close({ id: first.ticketId, reason: 'Resolvido' });
    const again = (await (await postMessage(inbound({ from, body: 'Mais uma dúvida' }))).json()) as { ticketId: string };
    expect(again.ticketId).toBe(first.ticketId);
    const reopened = await owner.helpdesk.tickets.get({ id: first.ticketId });
    expect(reopened.status).toBe('pending');
    expect(reopened.history.map((entry) => [entry.action, entry.actor.type])).toEqual([
      ['created', 'contact'],
      ['close', 'user'],
      ['reopen', 'contact'],
    ]);

    await owner.helpdesk.settings.update({ reopenWindowMinutes: 0 });
    await owner.helpdesk.tickets.close({ id: first.ticketId });
    const fresh = (await (await postMessage(inbound({ from, body: 'Outro assunto' }))).json()) as { ticketId: string };
    expect(fresh.ticketId).not.toBe(first.ticketId);
    expect((await owner.helpdesk.tickets.get({ id: first.ticketId })).status).toBe('closed');
    await owner.helpdesk.settings.update({ reopenWindowMinutes: 1440 });
  });

  it('accepts an HMAC signature of the raw body instead of the secret header', async () => {
    const body = JSON.stringify(inbound({ from: '5511999990005' }));
    const signature = `sha256=${createHmac('sha256', channel.webhookSecret).update(body).digest('hex')}`;
    expect((await postMessage(body, { 'x-webhook-signature': signature })).status).toBe(200);
    const tampered = body.replace('Olá', 'Olé');
    expect((await postMessage(tampered, { 'x-webhook-signature': signature })).status).toBe(401);
  });

  describe('refuses bad calls with a REST error and stores nothing', () => {
    const cases: Array<[string, () => Promise<Response>, number, string]> = [
      ['no secret', () => postMessage(inbound(), {}), 401, 'ERR_WEBHOOK_UNAUTHORIZED'],
      ['a wrong secret', () => postMessage(inbound(), { 'x-webhook-secret': 'whsec_wrong' }), 401, 'ERR_WEBHOOK_UNAUTHORIZED'],
      ['a malformed signature', () => postMessage(inbound(), { 'x-webhook-signature': 'sha1=abc' }), 401, 'ERR_WEBHOOK_UNAUTHORIZED'],
      [
        'an unknown channel',
        () => post(`${app.url}/api/v1/webhooks/n8n/channels/${crypto.randomUUID()}/messages`, inbound()),
        404,
        'ERR_CHANNEL_NOT_FOUND',
      ],
      [
        'a channel id that is no uuid',
        () => post(`${app.url}/api/v1/webhooks/n8n/channels/1%27%20or%201=1/messages`, inbound()),
        404,
        'ERR_CHANNEL_NOT_FOUND',
      ],
      ['malformed JSON', () => postMessage('{"messageId": '), 400, 'ERR_MALFORMED_JSON'],
      ['a missing field', () => postMessage({ from: '5511999990006', body: 'x', timestamp: 1 }), 400, 'ERR_VALIDATION'],
      ['an unknown field', () => postMessage(inbound({ admin: true })), 400, 'ERR_VALIDATION'],
      ['a wrong type', () => postMessage(inbound({ timestamp: 'yesterday' })), 400, 'ERR_VALIDATION'],
      ['no body and no media', () => postMessage(inbound({ body: '   ' })), 400, 'ERR_VALIDATION'],
      ['a NUL character', () => postMessage(inbound({ body: 'a\u0000b' })), 400, 'ERR_VALIDATION'],
      ['a phone that does not normalise', () => postMessage(inbound({ from: '12' })), 400, 'ERR_INVALID_NUMBER'],
      [
        'a media type that is not one',
        () => postMessage(inbound({ mediaUrl: 'https://cdn.example/x.bin', mediaType: 'exe' })),
        400,
        'ERR_VALIDATION',
      ],
      ['a huge body', () => postMessage(inbound({ body: 'x'.repeat(1_100_000) })), 413, 'ERR_PAYLOAD_TOO_LARGE'],
    ];
    it.each(cases)('%s', async (_name, call, status, error) => {
      const before = await messageCount();
      const response = await call();
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: string; message: string; details: unknown };
      expect(body.error).toBe(error);
      expect(typeof body.message).toBe('string');
      expect(body).toHaveProperty('details');
      expect(await messageCount()).toBe(before);
    });
  });

  it('refuses a tenant whose helpdesk module is off', async () => {
    await owner.tenant.update({ modules: [] });
    try {
      const response = await postMessage(inbound());
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toBe('ERR_MODULE_DISABLED');
    } finally {
      await owner.tenant.update({ modules: ['helpdesk'] });
    }
  });

  it('does not let one tenant post into another tenant\u2019s channel with its own secret', async () => {
    const other = await seedTenant(app.services, { modules: ['helpdesk'] });
    const otherOwner = await ownerCaller(app.services, other);
    const otherChannel = await otherOwner.helpdesk.channels.create({ type: 'n8n', name: 'B', outboundUrl: 'http://127.0.0.1:9/b' });
    const before = await messageCount();
    expect((await postMessage(inbound(), { 'x-webhook-secret': otherChannel.webhookSecret })).status).toBe(401);
    expect(await messageCount()).toBe(before);
  });
});
