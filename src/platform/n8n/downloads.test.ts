import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { addUser, expectTrpcError, ownerCaller, rawRequest, type Caller } from '../../../test/support/identity';
import type { N8nWorkflow } from './workflow';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const ALL_KINDS = [
  'helpdesk-inbound-whatsapp',
  'helpdesk-inbound-webhook',
  'helpdesk-outbound',
  'agenda-chat-inbound',
  'agenda-chat-outbound',
  'agenda-automations',
];

describe('n8n workflows: generated for the tenant, with its URLs and credential names, never a secret', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let channel: { id: string; webhookSecret: string };
  let agendaSecret: string;

  beforeAll(async () => {
    app = await startTestApp({ DELIVERIES_ENABLED: 'false', PUBLIC_URL: 'https://balcao.example.com' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk', 'agenda'] });
    owner = await ownerCaller(app.services, tenant);
    channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'Salão Centro', outboundUrl: 'http://127.0.0.1:9/x' });
    agendaSecret = (await owner.agenda.settings.rotateSecret()).inboundSecret;
  });
  afterAll(() => app.stop());

  const download = (kind: string) => owner.n8n.workflow({ kind, ...(kind.startsWith('helpdesk') ? { channelId: channel.id } : {}) });

  it('lists every kind to an owner and generates each one: n8n nodes only, every edge between real nodes, no secret', async () => {
    expect((await owner.n8n.kinds()).map((kind) => kind.kind)).toEqual(ALL_KINDS);
    for (const kind of ALL_KINDS) {
      const generated = await download(kind);
      const text = JSON.stringify(generated.workflow);
      expect(text, kind).not.toContain(channel.webhookSecret);
      expect(text, kind).not.toContain(agendaSecret);
      expect(generated.workflow.meta.balcao.kind).toBe(kind);
      expect(generated.fileName).toMatch(/^balcao-[a-z0-9-]+\.json$/);
      const names = new Set(generated.workflow.nodes.map((node) => node.name));
      expect(names.size, kind).toBe(generated.workflow.nodes.length);
      for (const node of generated.workflow.nodes) expect(node.type, `${kind}: ${node.name}`).toMatch(/^n8n-nodes-base\./);
      for (const [from, { main }] of Object.entries(generated.workflow.connections)) {
        expect(names.has(from)).toBe(true);
        for (const target of main.flat()) expect(names.has(target.node), `${kind}: ${from} → ${target.node}`).toBe(true);
      }
      // Every credential a node names is one the page tells the user to create.
      const named = generated.workflow.nodes.flatMap((node) =>
        Object.entries(node.credentials ?? {}).map(([type, ref]) => `${type}:${ref.name}`),
      );
      expect(new Set(named)).toEqual(new Set(generated.credentials.map((credential) => `${credential.type}:${credential.name}`)));
    }
  });

  it("points at the tenant's public URL and channel, and the same download twice is the same workflow (a re-import replaces it)", async () => {
    const inbound = await download('helpdesk-inbound-webhook');
    const post = inbound.workflow.nodes.find((node) => node.type === 'n8n-nodes-base.httpRequest')!;
    expect(post.parameters.url).toBe(`https://balcao.example.com/api/v1/webhooks/n8n/channels/${channel.id}/messages`);
    expect(post.credentials).toEqual({ httpHeaderAuth: { id: expect.any(String), name: 'Balcão · canal Salão Centro' } });
    expect(inbound.credentials[0]).toMatchObject({ type: 'httpHeaderAuth', fields: { Name: 'X-Webhook-Secret' } });

    const again = await download('helpdesk-inbound-webhook');
    const ids = (workflow: N8nWorkflow) => ({
      id: workflow.id,
      nodes: workflow.nodes.map((node) => [node.id, node.webhookId ?? null]),
    });
    expect(ids(again.workflow)).toEqual(ids(inbound.workflow));

    const outbound = await download('helpdesk-outbound');
    expect(outbound.environment.map((variable) => variable.name)).toEqual([
      `BALCAO_CANAL_${channel.id.replace(/-/g, '').slice(0, 8).toUpperCase()}`,
      `BALCAO_WHATSAPP_NUMERO_${channel.id.replace(/-/g, '').slice(0, 8).toUpperCase()}`,
    ]);
    const statusCall = outbound.workflow.nodes.find((node) => node.name === 'Informar envio')!;
    expect(statusCall.parameters.url).toBe(`https://balcao.example.com/api/v1/webhooks/n8n/channels/${channel.id}/statuses`);

    const automations = await download('agenda-automations');
    expect(
      automations.workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.httpRequest').map((node) => node.parameters.url),
    ).toEqual([
      'https://balcao.example.com/api/v1/automations/prazo-certo/execute',
      'https://balcao.example.com/api/v1/automations/encher-agenda/execute',
    ]);
  });

  it('refuses an unknown kind (404), a missing or malformed channel (400), an unknown channel (404) and a channel of another type (400)', async () => {
    await expectTrpcError(owner.n8n.workflow({ kind: 'nope' }), 'NOT_FOUND', 'WORKFLOW_KIND_NOT_FOUND');
    await expectTrpcError(owner.n8n.workflow({ kind: 'helpdesk-outbound' }), 'BAD_REQUEST', 'CHANNEL_REQUIRED');
    await expectTrpcError(owner.n8n.workflow({ kind: 'helpdesk-outbound', channelId: 'x' }), 'BAD_REQUEST');
    await expectTrpcError(owner.n8n.workflow({ kind: 'Helpdesk Outbound!' }), 'BAD_REQUEST');
    await expectTrpcError(
      owner.n8n.workflow({ kind: 'helpdesk-outbound', channelId: crypto.randomUUID() }),
      'NOT_FOUND',
      'CHANNEL_NOT_FOUND',
    );
    const cloud = await owner.helpdesk.channels.create({
      type: 'whatsapp_cloud',
      name: 'Meta direto',
      phoneNumberId: '1234567890',
      accessToken: 'EAAG-token-0123456789abcdef',
      appSecret: 'app-secret-0123456789',
    });
    await expectTrpcError(owner.n8n.workflow({ kind: 'helpdesk-outbound', channelId: cloud.id }), 'BAD_REQUEST', 'CHANNEL_NOT_N8N');
  });

  it('gives a user only the kinds their role allows, and refuses the rest with 403', async () => {
    const agent = await callerFor(app.services, await addUser(app.services, tenant, 'agent'));
    expect(await agent.n8n.kinds()).toEqual([]);
    await expectTrpcError(agent.n8n.workflow({ kind: 'helpdesk-outbound', channelId: channel.id }), 'FORBIDDEN', 'PERMISSION_DENIED');
    const helpdeskOnly = await seedTenant(app.services, { modules: ['helpdesk'] });
    const otherOwner = await ownerCaller(app.services, helpdeskOnly);
    expect((await otherOwner.n8n.kinds()).map((kind) => kind.module)).toEqual(['helpdesk', 'helpdesk', 'helpdesk']);
    await expectTrpcError(otherOwner.n8n.workflow({ kind: 'agenda-automations' }), 'FORBIDDEN', 'MODULE_DISABLED');
  });

  describe('GET /api/v1/n8n/workflows/:kind', () => {
    const url = (kind: string, query = '') => `${app.url}/api/v1/n8n/workflows/${kind}${query}`;

    it('gives an API token with the kind’s permission as a scope the same file, as an attachment', async () => {
      const { token } = await owner.apiTokens.create({ name: 'n8n', scopes: ['helpdesk.channels.write'] });
      const answer = await rawRequest(url('helpdesk-outbound', `?channelId=${channel.id}`), { token });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toBe('attachment; filename="balcao-salao-centro-saida-whatsapp.json"');
      const viaTrpc = await download('helpdesk-outbound');
      const { meta: _fileMeta, ...file } = answer.json as N8nWorkflow;
      const { meta: _trpcMeta, ...expected } = viaTrpc.workflow;
      expect(file).toEqual(expected);
    });

    it('answers bad calls with {error, message, details}: no token 401, a token without the scope 403, unknown kind 404, bad channel 400', async () => {
      const { token } = await owner.apiTokens.create({ name: 'Sem escopo', scopes: ['audit.read'] });
      expect((await rawRequest(url('helpdesk-outbound', `?channelId=${channel.id}`))).status).toBe(401);
      const forbidden = await rawRequest(url('helpdesk-outbound', `?channelId=${channel.id}`), { token });
      expect({ status: forbidden.status, json: forbidden.json }).toMatchObject({
        status: 403,
        json: { error: 'ERR_PERMISSION_DENIED', details: { permission: 'helpdesk.channels.write' } },
      });
      const { token: scoped } = await owner.apiTokens.create({
        name: 'n8n 2',
        scopes: ['helpdesk.channels.write', 'agenda.settings.write'],
      });
      const unknown = await rawRequest(url('nao-existe'), { token: scoped });
      expect({ status: unknown.status, json: unknown.json }).toMatchObject({ status: 404, json: { error: 'ERR_WORKFLOW_KIND_NOT_FOUND' } });
      const badChannel = await rawRequest(url('helpdesk-outbound', '?channelId=abc'), { token: scoped });
      expect({ status: badChannel.status, json: badChannel.json }).toMatchObject({ status: 400, json: { error: 'ERR_VALIDATION' } });
      const noChannel = await rawRequest(url('helpdesk-outbound'), { token: scoped });
      expect({ status: noChannel.status, json: noChannel.json }).toMatchObject({ status: 400, json: { error: 'ERR_CHANNEL_REQUIRED' } });
      expect((await rawRequest(url('agenda-chat-inbound'), { token: scoped })).status).toBe(200);
    });
  });
});
