import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, type Caller } from '../../../test/support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('helpdesk external API v1', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let config: { apiId: string; token: string; callbackSecret: string };
  let channelId: string;

  const send = (body: unknown, options: { apiId?: string; token?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${app.url}/v1/api/external/${options.apiId ?? config.apiId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token ?? config.token}`, ...options.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
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
    app = await startTestApp({ DELIVERIES_ENABLED: 'false' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk'] });
    owner = await ownerCaller(app.services, tenant);
    channelId = (await owner.helpdesk.channels.create({ type: 'n8n', name: 'ERP', outboundUrl: 'http://127.0.0.1:9/erp' })).id;
    config = await owner.helpdesk.apiConfigs.create({ name: 'ERP', channelId, callbackUrl: 'http://127.0.0.1:9/callback' });
  });
  afterAll(() => app.stop());

  it('answers 202 at once with the queued message, on a ticket that starts closed', async () => {
    const response = await send({ number: '5511977776666', body: 'Seu pedido saiu para entrega' });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { messageId: string; ticketId: string; status: string };
    expect(accepted).toEqual({ messageId: expect.any(String), ticketId: expect.any(String), status: 'pending' });
    const ticket = await owner.helpdesk.tickets.get({ id: accepted.ticketId });
    expect(ticket).toMatchObject({ status: 'closed', contact: { phone: '+5511977776666' } });
    const status = await fetch(`${app.url}/v1/api/external/${config.apiId}/messages/${accepted.messageId}`, {
      headers: { authorization: `Bearer ${config.token}` },
    });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ messageId: accepted.messageId, status: 'pending', externalKey: null });
    const queued = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('deliveries').select(['kind', 'payload', 'ordering_key']).where('ordering_key', '=', accepted.ticketId).execute(),
    );
    expect(queued).toMatchObject([
      {
        kind: 'helpdesk.n8n.outbound_message',
        payload: { messageId: accepted.messageId, to: '+5511977776666', body: 'Seu pedido saiu para entrega' },
      },
    ]);
  });

  it('a retry with the same Idempotency-Key or externalKey returns the first answer, never a second message', async () => {
    const before = await messageCount();
    const byHeader = await Promise.all(
      Array.from({ length: 5 }, () =>
        send({ number: '5511977770001', body: 'Boleto' }, { headers: { 'idempotency-key': `order-${process.pid}-1` } }),
      ),
    );
    const bodies = await Promise.all(byHeader.map((response) => response.json() as Promise<{ messageId: string }>));
    expect(byHeader.map((response) => response.status)).toEqual(Array(5).fill(202));
    expect(new Set(bodies.map((body) => body.messageId)).size).toBe(1);
    expect(byHeader.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);

    const first = (await (await send({ number: '5511977770002', body: 'Nota fiscal', externalKey: 'nf-123' })).json()) as {
      messageId: string;
    };
    const again = (await (await send({ number: '5511977770002', body: 'Nota fiscal', externalKey: 'nf-123' })).json()) as {
      messageId: string;
    };
    expect(again.messageId).toBe(first.messageId);
    expect(await messageCount()).toBe(before + 2);
  });

  it('sends arriving together are written together, each answered on its own: a bad one fails alone, a key sent twice is one message', async () => {
    const before = await messageCount();
    const key = `batch-${process.pid}`;
    const good = Array.from({ length: 10 }, (_, n) => send({ number: `+55 (21) 98888-${1000 + n}`, body: `Aviso ${n}` }));
    const [answers, invalidNumber, unknownField, keyed] = await Promise.all([
      Promise.all(good),
      send({ number: '123', body: 'x' }),
      send({ number: '5521988880000', body: 'x', admin: true }),
      Promise.all([1, 2].map(() => send({ number: '5521977770000', body: 'Pedido' }, { headers: { 'idempotency-key': key } }))),
    ]);
    expect(answers.map((response) => response.status)).toEqual(Array(10).fill(202));
    const accepted = (await Promise.all(answers.map((response) => response.json()))) as Array<{ messageId: string; ticketId: string }>;
    expect(new Set(accepted.map((answer) => answer.messageId)).size).toBe(10);
    expect(new Set(accepted.map((answer) => answer.ticketId)).size).toBe(10);
    expect([invalidNumber.status, ((await invalidNumber.json()) as { error: string }).error]).toEqual([400, 'ERR_INVALID_NUMBER']);
    expect([unknownField.status, ((await unknownField.json()) as { error: string }).error]).toEqual([400, 'ERR_VALIDATION']);
    expect(keyed.map((response) => response.status)).toEqual([202, 202]);
    const keyedBodies = (await Promise.all(keyed.map((response) => response.json()))) as Array<{ messageId: string }>;
    expect(keyedBodies[0]!.messageId).toBe(keyedBodies[1]!.messageId);
    expect(keyed.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    expect(await messageCount()).toBe(before + 11);
    // Every new ticket got its own number, none skipped.
    const numbers = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('helpdesk_tickets').select('number').orderBy('number').execute(),
    );
    expect(numbers.map((row) => row.number)).toEqual(numbers.map((_, index) => index + 1));
  });

  it('answers bad input with { error, message, details } and the right status, storing nothing', async () => {
    const cases: Array<[() => Promise<Response>, number, string]> = [
      [() => send({ number: '12', body: 'x' }), 400, 'ERR_INVALID_NUMBER'],
      [() => send({ number: '5511977770003' }), 400, 'ERR_VALIDATION'],
      [() => send({ number: '5511977770003', body: 'x', admin: true }), 400, 'ERR_VALIDATION'],
      [() => send({ number: 5511977770003, body: 'x' }), 400, 'ERR_VALIDATION'],
      [() => send({ number: '5511977770003', body: 'x', mediaUrl: 'https://cdn.example/a.exe' }), 400, 'ERR_MEDIA_TYPE_FORBIDDEN'],
      [() => send('{"number":'), 400, 'ERR_MALFORMED_JSON'],
      [() => send({ number: '5511977770003', body: 'x'.repeat(1_100_000) }), 413, 'ERR_PAYLOAD_TOO_LARGE'],
      [() => send({ number: '5511977770003', body: 'x' }, { token: 'bal_nothing_here' }), 401, 'ERR_API_TOKEN_INVALID'],
      [() => send({ number: '5511977770003', body: 'x' }, { apiId: crypto.randomUUID() }), 404, 'ERR_API_NOT_FOUND'],
      [() => send({ number: '5511977770003', body: 'x' }, { apiId: 'x%27;drop table users' }), 404, 'ERR_API_NOT_FOUND'],
    ];
    const before = await messageCount();
    for (const [call, status, error] of cases) {
      const response = await call();
      const body = (await response.json()) as { error: string; message: string; details: unknown };
      expect({ status: response.status, error: body.error }).toEqual({ status, error });
      expect(body.message.length).toBeGreaterThan(0);
      expect(body.details).toBeTypeOf('object');
    }
    expect(await messageCount()).toBe(before);
    const calls = await owner.helpdesk.apiConfigs.calls({ apiId: config.apiId });
    expect(calls.map((call) => call.error)).toEqual(
      expect.arrayContaining(['ERR_INVALID_NUMBER', 'ERR_VALIDATION', 'ERR_MEDIA_TYPE_FORBIDDEN']),
    );
  });

  it('a user session or another scope cannot use the external API; a revoked config answers 401 at once', async () => {
    const session = await fetch(`${app.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: tenant.slug, email: tenant.ownerEmail, password: tenant.password }),
    });
    const { result } = (await session.json()) as { result: { data: { accessToken: string } } };
    expect((await send({ number: '5511977770004', body: 'x' }, { token: result.data.accessToken })).status).toBe(401);
    const other = await owner.apiTokens.create({ name: 'Auditoria', scopes: ['audit.read'] });
    expect((await send({ number: '5511977770004', body: 'x' }, { token: other.token })).status).toBe(403);

    const doomed = await owner.helpdesk.apiConfigs.create({ name: 'Temporária', channelId });
    expect((await send({ number: '5511977770004', body: 'x' }, { apiId: doomed.apiId, token: doomed.token })).status).toBe(202);
    await owner.helpdesk.apiConfigs.revoke({ apiId: doomed.apiId });
    const refused = await send({ number: '5511977770004', body: 'x' }, { apiId: doomed.apiId, token: doomed.token });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('ERR_API_TOKEN_INVALID');
  });

  it("tenant B's token cannot use A's apiId nor read A's messages", async () => {
    const other = await seedTenant(app.services, { modules: ['helpdesk'] });
    const otherOwner = await ownerCaller(app.services, other);
    const otherChannel = await otherOwner.helpdesk.channels.create({ type: 'n8n', name: 'B', outboundUrl: 'http://127.0.0.1:9/b' });
    const otherConfig = await otherOwner.helpdesk.apiConfigs.create({ name: 'B', channelId: otherChannel.id });
    const mine = (await (await send({ number: '5511977770005', body: 'de A' })).json()) as { messageId: string };
    const before = await messageCount();
    const crossSend = await send({ number: '5511977770005', body: 'x' }, { token: otherConfig.token });
    expect(crossSend.status).toBe(404);
    const crossRead = await fetch(`${app.url}/v1/api/external/${otherConfig.apiId}/messages/${mine.messageId}`, {
      headers: { authorization: `Bearer ${otherConfig.token}` },
    });
    expect(crossRead.status).toBe(404);
    expect(await messageCount()).toBe(before);
    await expectTrpcError(otherOwner.helpdesk.apiConfigs.calls({ apiId: config.apiId }), 'NOT_FOUND');
    await expectTrpcError(otherOwner.helpdesk.apiConfigs.revoke({ apiId: config.apiId }), 'NOT_FOUND');
  });

  it('an apiId reads only the messages sent through it, not those of another apiId on the same channel', async () => {
    const sibling = await owner.helpdesk.apiConfigs.create({ name: 'CRM', channelId });
    const mine = (await (await send({ number: '5511977770006', body: 'do ERP' })).json()) as { messageId: string };
    const read = (apiId: string, token: string) =>
      fetch(`${app.url}/v1/api/external/${apiId}/messages/${mine.messageId}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await read(config.apiId, config.token)).status).toBe(200);
    const crossRead = await read(sibling.apiId, sibling.token);
    expect(crossRead.status).toBe(404);
    expect(((await crossRead.json()) as { error: string }).error).toBe('ERR_MESSAGE_NOT_FOUND');
  });

  it('agents cannot create API configs (the scope is beyond them)', async () => {
    const agent = await callerFor(app.services, await addUser(app.services, tenant, 'agent'));
    await expectTrpcError(agent.helpdesk.apiConfigs.create({ name: 'X', channelId }), 'FORBIDDEN', 'PERMISSION_DENIED');
  });

  it('publishes an OpenAPI 3.1 document generated from the schemas', async () => {
    const response = await fetch(`${app.url}/v1/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(['/external/{apiId}', '/external/{apiId}/messages/{messageId}']);
    expect(Object.keys(document.components.schemas.SendMessage!.properties!)).toEqual(['number', 'body', 'mediaUrl', 'externalKey']);
    expect(document.components.schemas.SendMessage!.required).toEqual(['number']);
    const validator = new Validator();
    const verdict = await validator.validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(verdict.errors ?? []).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});
