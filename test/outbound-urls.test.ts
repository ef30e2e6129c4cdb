import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTenant, startTestApp, type TestTenant } from './support/app';
import { ownerCaller, rawTrpc, RELAXED_LOGIN_LIMITS, trpcBody, type Caller } from './support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * The URLs a tenant sets are checked when saved, as production does: an internal address is a 400
 * URL_NOT_ALLOWED that names the field, and nothing is written.
 */
describe('saving outbound URLs with the address guard on', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let token = '';
  const call = (path: string, input: unknown) => rawTrpc(app.url, path, { input, token });
  async function expectRefused(path: string, input: unknown, field: string) {
    const response = await call(path, input);
    expect(response.status, response.text).toBe(400);
    const error = trpcBody(response).error!;
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'URL_NOT_ALLOWED', details: { field } });
    expect(error.message).toMatch(new RegExp(`^${field}: .+ é um endereço .+, que não é permitido \\(rede interna do servidor\\)$`));
  }
  async function expectSaved(path: string, input: unknown) {
    const response = await call(path, input);
    expect(response.status, response.text).toBe(200);
    return trpcBody<Record<string, unknown>>(response).result!.data;
  }

  beforeAll(async () => {
    app = await startTestApp({ ...RELAXED_LOGIN_LIMITS, OUTBOUND_BLOCK_PRIVATE: 'true', OUTBOUND_ALLOWED_HOSTS: '10.1.2.3' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk', 'agenda'] });
    owner = await ownerCaller(app.services, tenant);
    token = (await login(app.url, tenant)).accessToken;
  });
  afterAll(() => app.stop());

  it("an n8n channel's outboundUrl, on create and on update", async () => {
    await expectRefused(
      'helpdesk.channels.create',
      { type: 'n8n', name: 'Interno', outboundUrl: 'http://127.0.0.1:5678/webhook' },
      'outboundUrl',
    );
    await expectRefused(
      'helpdesk.channels.create',
      { type: 'n8n', name: 'Interno', outboundUrl: 'http://[::ffff:10.0.0.1]/' },
      'outboundUrl',
    );
    expect(await owner.helpdesk.channels.list()).toEqual([]);

    const channel = await expectSaved('helpdesk.channels.create', {
      type: 'n8n',
      name: 'Público',
      outboundUrl: 'https://93.184.215.14/webhook',
    });
    await expectRefused(
      'helpdesk.channels.update',
      { id: channel.id, outboundUrl: 'http://169.254.169.254/latest/meta-data/' },
      'outboundUrl',
    );
    expect((await owner.helpdesk.channels.get({ id: channel.id as string })).outboundUrl).toBe('https://93.184.215.14/webhook');
    // The operator's allow-list lets an internal n8n through.
    await expectSaved('helpdesk.channels.update', { id: channel.id, outboundUrl: 'http://10.1.2.3:5678/webhook' });
  });

  it("an external API config's callbackUrl, on create and on update", async () => {
    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'ERP', outboundUrl: 'https://93.184.215.14/erp' });
    await expectRefused(
      'helpdesk.apiConfigs.create',
      { name: 'ERP', channelId: channel.id, callbackUrl: 'http://[::1]:8080/cb' },
      'callbackUrl',
    );
    expect(await owner.helpdesk.apiConfigs.list()).toEqual([]);

    const config = await expectSaved('helpdesk.apiConfigs.create', {
      name: 'ERP',
      channelId: channel.id,
      callbackUrl: 'https://93.184.215.14/cb',
    });
    await expectRefused('helpdesk.apiConfigs.update', { apiId: config.apiId, callbackUrl: 'http://192.168.0.10/cb' }, 'callbackUrl');
    expect((await owner.helpdesk.apiConfigs.list())[0]!.callbackUrl).toBe('https://93.184.215.14/cb');
    // Clearing it needs no check.
    await expectSaved('helpdesk.apiConfigs.update', { apiId: config.apiId, callbackUrl: null });
  });

  it("the agenda's n8nOutboundUrl, a name that resolves to loopback included", async () => {
    await expectRefused('agenda.settings.update', { n8nOutboundUrl: 'http://localhost:5678/webhook/agenda' }, 'n8nOutboundUrl');
    await expectRefused('agenda.settings.update', { n8nOutboundUrl: 'http://0.0.0.0:5678/webhook/agenda' }, 'n8nOutboundUrl');
    expect((await owner.agenda.settings.get()).n8nOutboundUrl).toBeNull();
    await expectSaved('agenda.settings.update', { n8nOutboundUrl: 'https://93.184.215.14/webhook/agenda' });
    expect((await owner.agenda.settings.get()).n8nOutboundUrl).toBe('https://93.184.215.14/webhook/agenda');
  });
});
