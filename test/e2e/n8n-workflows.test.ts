import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { N8nWorkflow } from '../../src/platform/n8n/workflow';
import { eventually } from '../support/network';
import { openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

const CHANNEL_NAME = 'WhatsApp Loja';

/** The n8n environment variable of a secret, as the server names it: BALCAO_<LABEL>_<first 8 hex of the id>. */
const envNameOf = (label: string, id: string) => `BALCAO_${label}_${id.replace(/-/g, '').slice(0, 8)}`.toUpperCase();

describe('dashboard: n8n workflows downloaded with what to create in n8n, and an outdated workflow flagged on its channel', () => {
  let dashboard: SignedInDashboard;
  let page: Page;
  let channel: { id: string; secret: string; messagesUrl: string };

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['helpdesk', 'agenda'] });
    page = dashboard.page;
  });
  afterAll(() => dashboard?.close());

  const channelRow = () => page.getByRole('table', { name: 'Canais' }).getByRole('row').filter({ hasText: CHANNEL_NAME });
  const workflowDialog = () => page.getByTestId('n8n-workflow-dialog');
  const refusedWarning = () => page.getByRole('alert').filter({ hasText: 'o n8n chamou este canal com um segredo antigo' });

  /** Clicks "Baixar" and answers the saved file's name and text. */
  async function download(button: Locator): Promise<{ fileName: string; text: string }> {
    const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return { fileName: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
  }

  /** The setup shown under a downloaded workflow: its credentials and its environment variables, as text. */
  async function setupOf(kind: string): Promise<{ credentials: string; environment: string }> {
    const setup = workflowDialog().getByTestId(`n8n-workflow-${kind}`).getByTestId('n8n-workflow-setup');
    await setup.waitFor();
    const environment = setup.getByRole('region', { name: 'Variáveis de ambiente do n8n' });
    return {
      credentials: (await setup.getByRole('region', { name: 'Credenciais a criar no n8n' }).textContent()) ?? '',
      environment: (await environment.count()) > 0 ? ((await environment.textContent()) ?? '') : '',
    };
  }

  async function closeWorkflowDialog(): Promise<void> {
    await workflowDialog().getByRole('button', { name: 'Fechar' }).click();
    await workflowDialog().waitFor({ state: 'detached' });
  }

  it("creates an n8n channel and downloads its outbound workflow: the channel's URLs, no secret, the credential and variable to create", async () => {
    await openSection(page, 'Canais');
    const form = page.getByRole('form', { name: 'Novo canal' });
    await form.getByLabel('Nome', { exact: true }).fill(CHANNEL_NAME);
    await form.getByLabel('URL de saída (n8n)').fill('https://n8n.loja.test/webhook/balcao');
    await form.getByRole('button', { name: 'Criar canal' }).click();

    const secretDialog = page.getByTestId('channel-secret-dialog');
    await secretDialog.waitFor();
    const messagesUrl = await secretDialog.getByTestId('webhook-url-messages').inputValue();
    const id = /\/api\/v1\/webhooks\/n8n\/channels\/([0-9a-f-]{36})\/messages$/.exec(messagesUrl)?.[1];
    expect(id).toBeDefined();
    channel = { id: id!, secret: await secretDialog.getByTestId('webhook-secret').inputValue(), messagesUrl };
    // Where the secret goes in n8n, said while it is shown.
    const destinations = (await secretDialog.getByTestId('n8n-secret-destinations').textContent()) ?? '';
    expect(destinations).toContain(`Balcão · canal ${CHANNEL_NAME}`);
    expect(destinations).toContain('X-Webhook-Secret');
    expect(destinations).toContain(envNameOf('CANAL', channel.id));
    await screenshot(page, 'n8n-channel-secret');
    await secretDialog.getByRole('button', { name: 'Já copiei, fechar' }).click();

    await channelRow()
      .getByRole('button', { name: `Baixar workflow do n8n de ${CHANNEL_NAME}` })
      .click();
    const offered = workflowDialog().getByRole('list', { name: 'Workflows do n8n' }).getByRole('listitem');
    await offered.first().waitFor();
    expect(await offered.count()).toBe(3);

    const file = await download(workflowDialog().getByRole('button', { name: 'Baixar Saída: respostas do Balcão → WhatsApp, com status' }));
    expect(file.fileName).toBe('balcao-whatsapp-loja-saida-whatsapp.json');
    const workflow = JSON.parse(file.text) as N8nWorkflow;
    expect(workflow.meta.balcao.kind).toBe('helpdesk-outbound');
    expect(file.text).toContain('\n  "nodes": ['); // pretty-printed, as n8n's own export
    expect(file.text).toMatch(new RegExp(`https?://[^"\\s]+/api/v1/webhooks/n8n/channels/${channel.id}/statuses`));
    expect(file.text).not.toContain(channel.secret);

    const setup = await setupOf('helpdesk-outbound');
    expect(setup.credentials).toContain(`Balcão · canal ${CHANNEL_NAME}`);
    expect(setup.credentials).toContain('Header Auth');
    expect(setup.credentials).toContain('X-Webhook-Secret');
    expect(setup.environment).toContain(envNameOf('CANAL', channel.id));
    await screenshot(page, 'n8n-channel-workflows');
    await closeWorkflowDialog();
  });

  it('after "Gerar novo segredo", a call with the old secret is refused and flags the channel until a genuine call; deleting the channel makes it 404', async () => {
    await channelRow().getByRole('button', { name: 'Gerar novo segredo' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Gerar segredo' }).click();
    const secretDialog = page.getByTestId('channel-secret-dialog');
    await secretDialog.waitFor();
    const newSecret = await secretDialog.getByTestId('webhook-secret').inputValue();
    expect(newSecret).not.toBe(channel.secret);
    expect(await secretDialog.getByTestId('n8n-secret-destinations').textContent()).toContain(envNameOf('CANAL', channel.id));
    await secretDialog.getByRole('button', { name: 'Já copiei, fechar' }).click();
    expect(await refusedWarning().count()).toBe(0);

    const post = (secret: string, messageId: string) =>
      fetch(channel.messagesUrl.replace(/^https?:\/\/[^/]+/, dashboard.running.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
        body: JSON.stringify({ messageId, from: '+5511999990001', body: 'oi', timestamp: Date.now() }),
      });
    expect((await post(channel.secret, 'x1')).status).toBe(401);

    const owner = await dashboard.ownerCaller();
    const refusedAt = (await eventually(
      async () => (await owner.helpdesk.channels.get({ id: channel.id })).webhookRefusedAt,
      (at) => at !== null,
    ))!;
    await page.reload();
    await refusedWarning().waitFor();
    const warning = (await refusedWarning().textContent()) ?? '';
    const shownAt = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'America/Sao_Paulo' }).format(
      refusedAt,
    );
    expect(warning).toContain(`última recusa em ${shownAt}`);
    expect(warning).toContain(`Balcão · canal ${CHANNEL_NAME}`);
    expect(warning).toContain(envNameOf('CANAL', channel.id));
    await screenshot(page, 'n8n-channel-old-secret');

    // The workflow updated: its next call is genuine, and the warning goes.
    expect((await post(newSecret, 'x2')).status).toBe(200);
    await eventually(
      async () => (await owner.helpdesk.channels.get({ id: channel.id })).webhookRefusedAt,
      (at) => at === null,
    );
    await page.reload();
    await page.getByRole('table', { name: 'Canais' }).getByText(CHANNEL_NAME).waitFor();
    expect(await refusedWarning().count()).toBe(0);

    // Deleted: the row goes, and a workflow still pointing at it gets a 404.
    await channelRow().getByRole('button', { name: 'Excluir' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Excluir canal' }).click();
    await channelRow().waitFor({ state: 'detached' });
    const afterDelete = await post(newSecret, 'x3');
    expect(afterDelete.status).toBe(404);
    expect(await afterDelete.json()).toMatchObject({ error: 'ERR_CHANNEL_NOT_FOUND' });
  });

  it("downloads the agenda's chat workflow from Configurações, and says where a new inbound secret goes", async () => {
    const tenantId = dashboard.tenant.tenantId;
    await openSection(page, 'Configurações');
    await page.getByRole('button', { name: 'Baixar workflow do n8n' }).click();
    const file = await download(workflowDialog().getByRole('button', { name: 'Baixar Agente de chat: WhatsApp → agenda' }));
    expect(file.fileName).toBe('balcao-agenda-whatsapp-entrada.json');
    const workflow = JSON.parse(file.text) as N8nWorkflow;
    expect(workflow.meta.balcao.kind).toBe('agenda-chat-inbound');
    expect(file.text).toMatch(/https?:\/\/[^"\s]+\/api\/v1\/webhooks\/n8n\/message-received/);
    expect(file.text).toContain(tenantId);
    const setup = await setupOf('agenda-chat-inbound');
    expect(setup.credentials).toContain('Balcão · agenda');
    expect(setup.environment).toBe('');
    // The outbound one is offered beside it (it checks Balcão's signature with an environment variable).
    await workflowDialog().getByRole('button', { name: 'Baixar Agente de chat: respostas da agenda → WhatsApp' }).waitFor();
    await closeWorkflowDialog();

    await page.getByRole('button', { name: 'Gerar novo segredo' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Gerar segredo' }).click();
    const secretDialog = page.getByTestId('agenda-secret-dialog');
    await secretDialog.waitFor();
    const destinations = (await secretDialog.getByTestId('n8n-secret-destinations').textContent()) ?? '';
    expect(destinations).toContain('Balcão · agenda');
    expect(destinations).toContain('X-Webhook-Secret');
    expect(destinations).toContain(envNameOf('AGENDA', tenantId));
    const secret = await secretDialog.getByTestId('agenda-inbound-secret').inputValue();
    await screenshot(page, 'n8n-agenda-secret');
    expect(file.text).not.toContain(secret);
    await secretDialog.getByRole('button', { name: 'Já copiei, fechar' }).click();
  });

  it('downloads the campaigns on n8n’s schedule from the campaigns page', async () => {
    await openSection(page, 'Campanhas');
    await page.getByRole('button', { name: 'Baixar workflow do n8n' }).click();
    expect(await workflowDialog().textContent()).toContain('campaign_id');
    const file = await download(
      workflowDialog().getByRole('button', { name: 'Baixar Campanhas Prazo Certo e Encher Agenda no horário do n8n' }),
    );
    expect(file.fileName).toBe('balcao-agenda-campanhas.json');
    const workflow = JSON.parse(file.text) as N8nWorkflow;
    expect(workflow.meta.balcao.kind).toBe('agenda-automations');
    expect(file.text).toMatch(/https?:\/\/[^"\s]+\/api\/v1\/automations\/prazo-certo\/execute/);
    expect(file.text).toMatch(/https?:\/\/[^"\s]+\/api\/v1\/automations\/encher-agenda\/execute/);
    expect((await setupOf('agenda-automations')).credentials).toContain('Balcão · agenda');
    await screenshot(page, 'n8n-campaign-workflow');
    await closeWorkflowDialog();
  });
});
