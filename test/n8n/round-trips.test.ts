import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant-scope';
import { notifyClient } from '../../src/domains/agenda/notifications';
import type { GeneratedWorkflow } from '../../src/platform/n8n/kinds';
import { signDeliveryBody } from '../../src/platform/deliveries/signature';
import { startN8n, type N8nCredential, type N8nExecution, type N8nWorkflow, type RunningN8n } from '../../scripts/n8n/runtime';
import { seedTenant, startTestApp, type TestTenant } from '../support/app';
import { ownerCaller, type Caller } from '../support/identity';
import { freePort } from '../support/network';
import { captureEditorScreenshots, ownerFetch } from './support/n8n-editor';
import { GraphStandIn } from './support/graph-stand-in';

/**
 * Balcão's generated workflows in a real n8n: imported, credentials created, activated, and every
 * round trip run against a running Balcão. n8n's WhatsApp nodes reach a local stand-in of Meta's
 * Graph API (a preload in the n8n process sends graph.facebook.com there).
 */

const APP_SECRET = 'meta-app-secret-for-the-stand-in';
const PHONE_NUMBER_ID = '105550001234';
const SEND_TOKEN = 'EAAG-stand-in-send-token';
const REDIRECT = fileURLToPath(new URL('./support/graph-redirect.cjs', import.meta.url));

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('the n8n kit in a real n8n', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let channel: { id: string; webhookSecret: string };
  let agendaSecret: string;
  let generated: Record<string, GeneratedWorkflow>;
  let n8n: RunningN8n;
  const graph = new GraphStandIn();

  beforeAll(async () => {
    const port = await freePort();
    app = await startTestApp({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DELIVERIES_POLL_INTERVAL_MS: '100' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk', 'agenda'] });
    owner = await ownerCaller(app.services, tenant);
    channel = await owner.helpdesk.channels.create({
      type: 'n8n',
      name: 'WhatsApp Loja',
      outboundUrl: 'http://127.0.0.1:9/until-n8n-runs',
    });
    agendaSecret = (await owner.agenda.settings.rotateSecret()).inboundSecret;

    generated = {};
    for (const { kind, perChannel } of await owner.n8n.kinds()) {
      generated[kind] = await owner.n8n.workflow({ kind, ...(perChannel ? { channelId: channel.id } : {}) });
    }
    const graphUrl = await graph.start();
    const environment: Record<string, string> = { GRAPH_STAND_IN_URL: graphUrl, NODE_OPTIONS: `--require ${REDIRECT}` };
    for (const workflow of Object.values(generated)) {
      for (const variable of workflow.environment) environment[variable.name] = valueOf(variable.name);
    }
    n8n = await startN8n({
      workflows: Object.values(generated).map((entry) => entry.workflow as unknown as N8nWorkflow),
      credentials: credentialsFor(Object.values(generated)),
      env: environment,
    });
    await owner.helpdesk.channels.update({ id: channel.id, outboundUrl: n8n.webhookUrl(`balcao/${channel.id}/saida`) });
    await owner.agenda.settings.update({ n8nOutboundUrl: n8n.webhookUrl(`balcao/agenda/${tenant.tenantId}/saida`) });
  });
  afterAll(async () => {
    await n8n?.stop();
    await graph.stop();
    await app?.stop();
  });

  /** What n8n's environment holds for each variable the workflows name. */
  function valueOf(variable: string): string {
    if (variable.startsWith('BALCAO_CANAL_')) return channel.webhookSecret;
    if (variable.startsWith('BALCAO_AGENDA_')) return agendaSecret;
    if (variable.startsWith('BALCAO_WHATSAPP_NUMERO_')) return PHONE_NUMBER_ID;
    throw new Error(`no value for ${variable}`);
  }

  /** The credentials the workflows name, filled in as a person following the page would. */
  function credentialsFor(workflows: GeneratedWorkflow[]): N8nCredential[] {
    const byKey = new Map<string, N8nCredential>();
    for (const workflow of workflows) {
      for (const node of workflow.workflow.nodes) {
        for (const [type, ref] of Object.entries(node.credentials ?? {})) {
          byKey.set(`${type}:${ref.id}`, { id: ref.id, name: ref.name, type, data: credentialData(type, ref.name) });
        }
      }
    }
    return [...byKey.values()];
  }

  function credentialData(type: string, name: string): Record<string, unknown> {
    if (type === 'httpHeaderAuth')
      return { name: 'X-Webhook-Secret', value: name.includes('agenda') ? agendaSecret : channel.webhookSecret };
    if (type === 'whatsAppApi') return { accessToken: SEND_TOKEN, businessAccountId: '9990001' };
    if (type === 'whatsAppTriggerApi') return { clientId: 'stand-in-app', clientSecret: APP_SECRET };
    throw new Error(`no data for credential type ${type}`);
  }

  const triggerUrl = (kind: string) => {
    const trigger = generated[kind]!.workflow.nodes.find((node) => node.type === 'n8n-nodes-base.whatsAppTrigger')!;
    return `${n8n.url}/webhook/${trigger.webhookId}/webhook`;
  };

  /** Meta's webhook call for one text message, signed with the app secret as Meta signs it. */
  async function postFromMeta(kind: string, message: { id: string; from: string; name: string; text: string }) {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '9990001',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '551140000000', phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name: message.name }, wa_id: message.from }],
                messages: [
                  {
                    from: message.from,
                    id: message.id,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: message.text },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
    return fetch(triggerUrl(kind), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
    });
  }

  /** The message Balcão stored under a provider's id. */
  function storedMessage(externalId: string) {
    return withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('helpdesk_messages').selectAll().where('external_id', '=', externalId).executeTakeFirst(),
    );
  }
  const countMessages = () =>
    withTenant(app.services.db, tenant.tenantId, async (trx) =>
      Number(
        (
          await trx
            .selectFrom('helpdesk_messages')
            .select((eb) => eb.fn.countAll().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      ),
    );

  /** A delivery to the outbound workflow signed as Balcão signs it (or with `signature` forged), its timestamp `skewSeconds` off now. */
  function deliver(body: object, options: { secret: string; skewSeconds?: number; signature?: string }) {
    const raw = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000) + (options.skewSeconds ?? 0);
    return fetch(n8n.webhookUrl(`balcao/${channel.id}/saida`), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-balcao-event-id': crypto.randomUUID(),
        'x-balcao-timestamp': String(timestamp),
        'x-balcao-signature': options.signature ?? signDeliveryBody(options.secret, timestamp, raw),
      },
      body: raw,
    });
  }

  // N8N_SCREENSHOTS=<folder> npm run test:n8n: the README's pictures of each workflow in n8n's editor.
  it.runIf(process.env.N8N_SCREENSHOTS)('draws every workflow in n8n’s editor', async () => {
    const workflows = Object.entries(generated).map(([kind, entry]) => ({ id: entry.workflow.id, file: kind }));
    expect(await captureEditorScreenshots(n8n, workflows, process.env.N8N_SCREENSHOTS!)).toHaveLength(workflows.length);
  });

  it('imports and activates every generated workflow', () => {
    expect(Object.keys(generated).sort()).toEqual([
      'agenda-automations',
      'agenda-chat-inbound',
      'agenda-chat-outbound',
      'helpdesk-inbound-webhook',
      'helpdesk-inbound-whatsapp',
      'helpdesk-outbound',
    ]);
    for (const entry of Object.values(generated)) expect(n8n.log()).toContain(`Activated workflow "${entry.workflow.name}"`);
  });

  it('a provider’s JSON payload into n8n is stored in Balcão as the contact’s message', async () => {
    const answer = await fetch(n8n.webhookUrl(`balcao/${channel.id}/entrada`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'prov-0001',
        phone: '+5511988887777',
        name: 'Ana Souza',
        text: 'Quero marcar um corte',
        timestamp: Date.now(),
      }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ messageId: expect.any(String), ticketId: expect.any(String), duplicate: false });
    expect(await storedMessage('prov-0001')).toMatchObject({ direction: 'inbound', body: 'Quero marcar um corte' });
  });

  it('a WhatsApp Cloud message through n8n’s WhatsApp Trigger is stored in Balcão', async () => {
    const answer = await postFromMeta('helpdesk-inbound-whatsapp', {
      id: 'wamid.IN0001',
      from: '5511977776666',
      name: 'Bruno',
      text: 'Oi, vocês abrem sábado?',
    });
    expect(answer.status).toBe(200);
    await expect.poll(() => storedMessage('wamid.IN0001'), { timeout: 20_000 }).toMatchObject({ body: 'Oi, vocês abrem sábado?' });
  });

  it('a malformed provider payload stops in n8n with a readable error, and nothing reaches Balcão', async () => {
    const before = await countMessages();
    const answer = await fetch(n8n.webhookUrl(`balcao/${channel.id}/entrada`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texto: 'sem remetente' }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'ERR_PAYLOAD' });
    const refusal = (all: N8nExecution[]) =>
      all.find(
        (run) => run.workflowName === generated['helpdesk-inbound-webhook']!.workflow.name && run.error?.node === 'Payload inválido',
      );
    const [failed] = [refusal(await n8n.waitForExecutions((all) => refusal(all) !== undefined))!];
    expect(failed.error!.message).toContain('precisa de messageId (ou id), from (ou phone) e body (ou text)');
    expect(await countMessages()).toBe(before);
  });

  it('a reply in Balcão goes out through n8n’s WhatsApp node, and the status call marks it sent with WhatsApp’s id', async () => {
    const inbound = (await storedMessage('prov-0001'))!;
    const reply = await owner.helpdesk.messages.send({ ticketId: inbound.ticket_id, body: 'Temos horário às 15h!' });
    await expect
      .poll(() => graph.sent.find((sent) => sent.text === 'Temos horário às 15h!'), { timeout: 30_000 })
      .toMatchObject({
        phoneNumberId: PHONE_NUMBER_ID,
        to: '5511988887777',
        authorization: `Bearer ${SEND_TOKEN}`,
      });
    const sent = graph.sent.find((entry) => entry.text === 'Temos horário às 15h!')!;
    await expect
      .poll(
        async () => {
          const stored = await withTenant(app.services.db, tenant.tenantId, (trx) =>
            trx.selectFrom('helpdesk_messages').select(['status', 'external_id']).where('id', '=', reply.id).executeTakeFirstOrThrow(),
          );
          return stored;
        },
        { timeout: 30_000 },
      )
      .toEqual({ status: 'sent', external_id: sent.answeredId });
  });

  it('refuses a forged or stale delivery with 401 and sends nothing', async () => {
    const sentBefore = graph.sent.length;
    const body = {
      eventId: crypto.randomUUID(),
      messageId: crypto.randomUUID(),
      ticketId: crypto.randomUUID(),
      to: '+5511900000000',
      body: 'forjada',
    };
    const forged = await deliver(body, { secret: 'not-the-channel-secret' });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'ERR_SIGNATURE' });
    expect((await deliver(body, { secret: channel.webhookSecret, signature: 'v1=00' })).status).toBe(401);
    expect((await deliver(body, { secret: channel.webhookSecret, skewSeconds: -600 })).status).toBe(401);
    expect(graph.sent.length).toBe(sentBefore);
  });

  it('a send WhatsApp refuses is reported to Balcão as failed, with the reason n8n gives', async () => {
    graph.failingRecipients.add('5511966665555');
    const answer = await fetch(n8n.webhookUrl(`balcao/${channel.id}/entrada`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'prov-0002', phone: '+5511966665555', text: 'Olá', timestamp: Date.now() }),
    });
    expect(answer.status).toBe(200);
    const inbound = (await storedMessage('prov-0002'))!;
    const reply = await owner.helpdesk.messages.send({ ticketId: inbound.ticket_id, body: 'Não vai chegar' });
    await expect
      .poll(
        () =>
          withTenant(app.services.db, tenant.tenantId, (trx) =>
            trx.selectFrom('helpdesk_messages').select(['status', 'failure_reason']).where('id', '=', reply.id).executeTakeFirstOrThrow(),
          ),
        { timeout: 30_000 },
      )
      .toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('WhatsApp recusou o envio: Bad request') });
  });

  it('the agenda: a WhatsApp message reaches the chat agent, and a message to a client goes out through n8n', async () => {
    const answer = await postFromMeta('agenda-chat-inbound', {
      id: 'wamid.AG0001',
      from: '5511955554444',
      name: 'Carla',
      text: 'Tem horário amanhã?',
    });
    expect(answer.status).toBe(200);
    await expect
      .poll(
        () =>
          withTenant(app.services.db, tenant.tenantId, (trx) =>
            trx.selectFrom('agenda_clients').select(['name', 'phone']).where('phone', '=', '+5511955554444').executeTakeFirst(),
          ),
        { timeout: 20_000 },
      )
      .toMatchObject({ name: 'Carla' });

    await withTenant(app.services.db, tenant.tenantId, async (trx) => {
      const client = await trx.selectFrom('agenda_clients').selectAll().where('phone', '=', '+5511955554444').executeTakeFirstOrThrow();
      await notifyClient(trx, { client, kind: 'chat_reply', message: 'Temos às 10h, Carla!', dedupeKey: `n8n-test-${client.id}` });
    });
    await expect
      .poll(() => graph.sent.find((sent) => sent.text === 'Temos às 10h, Carla!'), { timeout: 30_000 })
      .toMatchObject({
        to: '5511955554444',
        phoneNumberId: PHONE_NUMBER_ID,
      });
  });

  it('the campaigns workflow runs Prazo Certo with a campaign_id from its scheduled moment: the same moment run twice is one run in Balcão', async () => {
    const workflow = generated['agenda-automations']!.workflow;
    // Both runs inside one minute (the id is the scheduled minute).
    if (new Date().getSeconds() > 45) await new Promise((resolve) => setTimeout(resolve, (61 - new Date().getSeconds()) * 1000));
    for (let run = 0; run < 2; run += 1) {
      const started = await ownerFetch(n8n, `/rest/workflows/${workflow.id}/run`, {
        method: 'POST',
        body: JSON.stringify({ workflowData: workflow, triggerToStartFrom: { name: 'Todo dia às 9h' } }),
      });
      expect(started.status, await started.clone().text()).toBe(200);
      await n8n.waitForExecutions(
        (all) => all.filter((execution) => execution.workflowId === workflow.id && execution.status === 'success').length > run,
        30_000,
      );
    }
    const runs = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('agenda_campaign_runs').select(['type', 'trigger', 'slot_key', 'status']).where('type', '=', 'prazo_certo').execute(),
    );
    const executions = (await n8n.executions()).filter((execution) => execution.workflowId === workflow.id);
    expect(runs, JSON.stringify({ runs, executions })).toHaveLength(1);
    expect(runs[0], JSON.stringify({ runs, executions })).toMatchObject({
      trigger: 'n8n',
      status: 'completed',
      slot_key: expect.stringMatching(/n8n-prazo-certo-\d{8}T\d{4}$/),
    });
  });

  it('an outdated workflow (the channel’s secret was rotated) gets 401 in n8n, and the channel is flagged', async () => {
    await owner.helpdesk.channels.rotateSecret({ id: channel.id });
    await fetch(n8n.webhookUrl(`balcao/${channel.id}/entrada`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'prov-0003', phone: '+5511944443333', text: 'Depois da troca', timestamp: Date.now() }),
    });
    const executions = await n8n.waitForExecutions(
      (all) => all.some((run) => run.error?.node === 'Enviar ao Balcão' && run.error.httpCode === '401'),
      60_000,
    );
    const refused = executions.find((run) => run.error?.httpCode === '401')!;
    expect(`${refused.error!.message} ${refused.error!.description ?? ''}`).toContain('ERR_WEBHOOK_UNAUTHORIZED');
    expect(await storedMessage('prov-0003')).toBeUndefined();
    await expect.poll(async () => (await owner.helpdesk.channels.get({ id: channel.id })).webhookRefusedAt).toBeInstanceOf(Date);
  });

  it('a workflow whose channel was deleted fails with a clear 404 in n8n’s execution log', async () => {
    await owner.helpdesk.channels.delete({ id: channel.id });
    await fetch(n8n.webhookUrl(`balcao/${channel.id}/entrada`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'prov-0004', phone: '+5511933332222', text: 'Canal apagado', timestamp: Date.now() }),
    });
    const executions = await n8n.waitForExecutions(
      (all) => all.some((run) => run.error?.node === 'Enviar ao Balcão' && run.error.httpCode === '404'),
      60_000,
    );
    const failed = executions.find((run) => run.error?.httpCode === '404')!;
    expect(`${failed.error!.message} ${failed.error!.description ?? ''}`).toContain('ERR_CHANNEL_NOT_FOUND');
  });
});
