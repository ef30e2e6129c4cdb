import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/app';
import { TestReceiver } from '../support/receiver';
import { logIn, newPage, openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';
import { conversationOf, N8nStandIn, postToChannelWebhook } from './support/helpdesk';

/** A 1×1 PNG: what an agent attaches. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JOANA = { phone: '5511976543210', e164: '+5511976543210', name: 'Joana Silva' };
/** The same person, writing from her other number. */
const JOANA_AGAIN = { phone: '5511965432109', name: 'Joana S.' };
const CLOUD = { phoneNumberId: '109876543210', displayPhoneNumber: '+55 11 3000-1000', verifiedName: 'Loja Centro' };
const AGENT = { name: 'Ana Atendente', email: 'ana@atendimento.test' };

describe('dashboard: helpdesk tools (quick replies, attachments, contact merge, channel connection, agents)', () => {
  let dashboard: SignedInDashboard;
  let page: Page;
  const n8n = new N8nStandIn();
  /** Stands in for Meta's Graph API: answers the number check as told. */
  const graph = new TestReceiver();
  let graphAnswers: 'ok' | 'invalid token' = 'ok';
  let outboundUrl: string;
  let channel: { id: string; secret: string; messagesPath: string };
  let inboundCounter = 0;

  beforeAll(async () => {
    outboundUrl = await n8n.start();
    graph.reply = () =>
      graphAnswers === 'ok'
        ? {
            status: 200,
            json: {
              id: CLOUD.phoneNumberId,
              display_phone_number: CLOUD.displayPhoneNumber,
              verified_name: CLOUD.verifiedName,
              quality_rating: 'GREEN',
            },
          }
        : {
            status: 401,
            json: { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } },
          };
    const config = { DELIVERIES_POLL_INTERVAL_MS: '100', WHATSAPP_GRAPH_BASE_URL: await graph.start() };
    dashboard = await openSignedInDashboard({ config, modules: ['helpdesk'] });
    page = dashboard.page;
    const created = await (await dashboard.ownerCaller()).helpdesk.channels.create({ type: 'n8n', name: 'WhatsApp Loja', outboundUrl });
    channel = { id: created.id, secret: created.webhookSecret, messagesPath: new URL(created.webhookUrls.messages!).pathname };
  });

  afterAll(async () => {
    await dashboard?.close();
    await n8n.close();
    await graph.close();
  });

  const conversation = () => conversationOf(page);
  const replyBox = () => conversation().getByRole('form', { name: 'Responder' });
  const ownerCaller = () => dashboard.ownerCaller();
  const channelRow = (name: string) => page.getByRole('table', { name: 'Canais' }).getByRole('row').filter({ hasText: name });
  const statusOf = (name: string, status: string) => channelRow(name).locator(`[data-testid="channel-status"][data-status="${status}"]`);
  const toast = (tone: 'success' | 'error', text: string | RegExp) => page.getByTestId(`toast-${tone}`).filter({ hasText: text });

  async function contactWrites(contact: { phone: string; name: string }, body: string): Promise<void> {
    inboundCounter += 1;
    const response = await postToChannelWebhook(dashboard.running.url, channel.secret, channel.messagesPath, {
      messageId: `wamid.tools-${inboundCounter}`,
      from: contact.phone,
      name: contact.name,
      body,
    });
    expect(response.status).toBe(200);
  }

  /** Opens a contact's ticket from the inbox tab it is in. */
  async function openTicketOf(contactName: string, tab: 'Pendentes' | 'Em atendimento'): Promise<void> {
    await openSection(page, 'Atendimento');
    await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
    await page.getByTestId('ticket-item').filter({ hasText: contactName }).click();
    await conversation().getByRole('heading', { name: contactName }).waitFor();
  }

  async function sendReply(): Promise<void> {
    await replyBox().getByRole('button', { name: 'Enviar', exact: true }).click();
  }

  it('creates a WhatsApp Cloud channel, shows its webhook URL and verify token once, and checks the number', async () => {
    await openSection(page, 'Canais');
    const form = page.getByRole('form', { name: 'Novo canal' });
    await form.getByRole('radio', { name: /^WhatsApp Cloud API/ }).check();
    await form.getByLabel('Nome', { exact: true }).fill('WhatsApp Centro');
    await form.getByLabel('ID do número (phone number ID)').fill(CLOUD.phoneNumberId);
    await form.getByLabel('Token de acesso').fill('EAAG-test-access-token-0123456789');
    await form.getByLabel('Chave secreta do app (app secret)').fill('app-secret-0123456789abcdef');
    await form.getByRole('button', { name: 'Criar canal' }).click();

    const dialog = page.getByTestId('channel-secret-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Copie o token de verificação agora');
    const verifyToken = await dialog.getByLabel('Token de verificação').inputValue();
    const webhookPath = new URL(await dialog.getByTestId('webhook-url-webhook').inputValue()).pathname;
    expect(webhookPath).toMatch(/^\/api\/v1\/webhooks\/whatsapp\/channels\/[0-9a-f-]{36}$/);
    await screenshot(page, 'helpdesk-cloud-channel-created');
    await dialog.getByRole('button', { name: /fechar/ }).click();
    expect(await page.content()).not.toContain(verifyToken);

    // What Meta does when the callback URL is saved: the verify token shown is the one that works.
    const challenge = await fetch(
      `${dashboard.running.url}${webhookPath}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=4242`,
    );
    expect(await challenge.text()).toBe('4242');

    // The number was checked against the Graph API at creation.
    await statusOf('WhatsApp Centro', 'connected').waitFor();
    expect(await channelRow('WhatsApp Centro').textContent()).toContain(CLOUD.phoneNumberId);

    graphAnswers = 'invalid token';
    await channelRow('WhatsApp Centro').getByRole('button', { name: 'Verificar conexão' }).click();
    await toast('error', 'Invalid OAuth access token').waitFor();
    await statusOf('WhatsApp Centro', 'error').waitFor();

    graphAnswers = 'ok';
    await channelRow('WhatsApp Centro').getByRole('button', { name: 'Verificar conexão' }).click();
    await toast('success', `Conexão de WhatsApp Centro verificada: ${CLOUD.verifiedName} (${CLOUD.displayPhoneNumber})`).waitFor();
    await statusOf('WhatsApp Centro', 'connected').waitFor();
  });

  it("edits an n8n channel's name and outbound URL", async () => {
    await channelRow('WhatsApp Loja').getByRole('button', { name: 'Editar WhatsApp Loja' }).click();
    const dialog = page.getByTestId('edit-channel-dialog');
    await dialog.getByLabel('URL de saída (n8n)').fill('não é url');
    await dialog.getByRole('button', { name: 'Salvar canal' }).click();
    await dialog.getByTestId('field-error').waitFor();
    const newOutboundUrl = outboundUrl.replace(/\/webhook\/balcao$/, '/webhook/loja-matriz');
    await dialog.getByLabel('Nome', { exact: true }).fill('WhatsApp Loja Matriz');
    await dialog.getByLabel('URL de saída (n8n)').fill(newOutboundUrl);
    await dialog.getByRole('button', { name: 'Salvar canal' }).click();
    await dialog.waitFor({ state: 'detached' });
    await channelRow('WhatsApp Loja Matriz').getByText(newOutboundUrl).waitFor();
    expect(await (await ownerCaller()).helpdesk.channels.get({ id: channel.id })).toMatchObject({
      name: 'WhatsApp Loja Matriz',
      outboundUrl: newOutboundUrl,
    });
  });

  it('manages quick replies and shows the variables they may use', async () => {
    await openSection(page, 'Respostas rápidas');
    await page.getByTestId('quick-reply-variables').getByText('{{contact.firstName}}').waitFor();
    const form = page.getByRole('form', { name: 'Nova resposta rápida' });
    await form.getByLabel('Atalho').fill('saudacao');
    await form.getByLabel('Texto').fill('Olá,');
    await form.getByRole('button', { name: 'Inserir {{contact.firstName}}' }).click();
    expect(await form.getByLabel('Texto').inputValue()).toBe('Olá, {{contact.firstName}}');
    await form.getByLabel('Texto').fill('Olá, {{contact.firstName}}! Aqui é {{agent.firstName}}.');
    await form.getByRole('button', { name: 'Criar resposta' }).click();
    const table = page.getByRole('table', { name: 'Respostas rápidas' });
    await table.getByRole('row').filter({ hasText: '/saudacao' }).waitFor();

    // The shortcut is unique: the server's refusal shows on the form.
    await form.getByLabel('Atalho').fill('saudacao');
    await form.getByLabel('Texto').fill('Outra saudação');
    await form.getByRole('button', { name: 'Criar resposta' }).click();
    await form.getByRole('alert').filter({ hasText: 'O atalho /saudacao já existe' }).waitFor();

    await form.getByLabel('Atalho').fill('tchau');
    await form.getByLabel('Texto').fill('Até logo!');
    await form.getByRole('button', { name: 'Criar resposta' }).click();
    await table.getByRole('row').filter({ hasText: '/tchau' }).waitFor();
    await table.getByRole('button', { name: 'Editar /tchau' }).click();
    const edit = page.getByRole('form', { name: 'Editar /tchau' });
    await edit.getByLabel('Texto').fill('Até logo, {{contact.name}}!');
    await edit.getByRole('button', { name: 'Salvar resposta' }).click();
    await table.getByRole('row').filter({ hasText: 'Até logo, {{contact.name}}!' }).waitFor();
    await screenshot(page, 'helpdesk-quick-replies');

    await table.getByRole('row').filter({ hasText: '/tchau' }).getByRole('button', { name: 'Excluir' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Excluir' }).click();
    await table.getByRole('row').filter({ hasText: '/tchau' }).waitFor({ state: 'detached' });
    expect((await (await ownerCaller()).helpdesk.quickReplies.list()).map((reply) => reply.shortcut)).toEqual(['saudacao']);
  });

  it('fills the reply with a quick reply picked after typing /, for the agent to edit and send', async () => {
    await contactWrites(JOANA, 'Oi, quero trocar um produto');
    await openTicketOf(JOANA.name, 'Pendentes');
    const message = replyBox().getByLabel('Mensagem');
    await message.fill('/xyz');
    await replyBox().getByText('Nenhuma resposta rápida com /xyz').waitFor();
    await message.fill('/sau');
    const picker = replyBox().getByRole('listbox', { name: 'Respostas rápidas' });
    await picker.getByRole('option', { name: /^\/saudacao/ }).waitFor();
    await screenshot(page, 'helpdesk-quick-reply-picker');
    await message.press('Enter');
    // The picker closes once the box holds the filled-in text.
    await replyBox().getByTestId('quick-reply-picker').waitFor({ state: 'detached' });
    // Filled in by the server for this ticket: the contact's first name and the agent's.
    expect(await message.inputValue()).toBe('Olá, Joana! Aqui é Owner.');

    await message.fill('Olá, Joana! Aqui é Owner. Qual é o número do pedido?');
    await sendReply();
    await conversation().getByTestId('message').filter({ hasText: 'Qual é o número do pedido?' }).waitFor();
    expect((await n8n.deliveryOf('Olá, Joana! Aqui é Owner. Qual é o número do pedido?')).payload.to).toBe(JOANA.e164);
  });

  it('uploads a PNG through the file picker and sends it: n8n gets the link, which serves the same bytes', async () => {
    await replyBox().getByLabel('Anexar arquivo').setInputFiles({ name: 'foto do pedido.png', mimeType: 'image/png', buffer: PNG });
    const attachment = replyBox().getByTestId('attachment');
    await attachment.getByText('foto-do-pedido.png').waitFor();
    await replyBox().getByLabel('Mensagem').fill('Segue a foto');
    await sendReply();
    await attachment.waitFor({ state: 'detached' });

    const { payload } = await n8n.deliveryOf('Segue a foto');
    // n8n gets a signed link that expires; the plain path serves nothing.
    expect(payload.mediaUrl).toMatch(/\/api\/v1\/media\/[0-9a-f-]{36}\/foto-do-pedido\.png\?expires=\d+&signature=[\w-]+$/);
    const link = new URL(payload.mediaUrl!);
    const served = await fetch(`${dashboard.running.url}${link.pathname}${link.search}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${dashboard.running.url}${link.pathname}`)).status).toBe(403);

    // The dashboard shows it from the bytes it read with the session.
    const sent = conversation().getByTestId('message').filter({ hasText: 'Segue a foto' });
    const picture = sent.getByRole('img', { name: 'foto-do-pedido.png' });
    await picture.waitFor();
    expect(await picture.getAttribute('src')).toMatch(/^blob:/);
    await expect
      .poll(() => picture.evaluate((element) => (element as unknown as { complete: boolean; naturalWidth: number }).naturalWidth))
      .toBe(1);
    await screenshot(page, 'helpdesk-attachment-sent');
  });

  it("shows the server's message for a file it refuses, and sends nothing", async () => {
    const picker = replyBox().getByLabel('Anexar arquivo');
    await picker.setInputFiles({
      name: 'pagina.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await replyBox().getByRole('alert').filter({ hasText: 'Tipo de arquivo não permitido: text/html' }).waitFor();
    // A page named .png is still not a picture.
    await picker.setInputFiles({ name: 'falsa.png', mimeType: 'image/png', buffer: Buffer.from('<html>não sou png</html>') });
    await replyBox().getByRole('alert').filter({ hasText: 'O conteúdo não é um arquivo image/png' }).waitFor();
    expect(await replyBox().getByTestId('attachment').count()).toBe(0);
  });

  it('refuses replies through a disconnected channel with the server message, and sends again once it is connected', async () => {
    await openSection(page, 'Canais');
    await channelRow('WhatsApp Loja Matriz').getByRole('button', { name: 'Desconectar' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Desconectar' }).click();
    await statusOf('WhatsApp Loja Matriz', 'disconnected').waitFor();
    await channelRow('WhatsApp Loja Matriz').getByRole('button', { name: 'Conectar' }).waitFor();

    await openTicketOf(JOANA.name, 'Em atendimento');
    await page.getByTestId('channel-alerts').getByRole('alert').filter({ hasText: 'WhatsApp Loja Matriz' }).waitFor();
    const reply = 'Vou verificar a troca';
    await replyBox().getByLabel('Mensagem').fill(reply);
    await sendReply();
    await replyBox().getByRole('alert').filter({ hasText: 'O canal WhatsApp Loja Matriz está desconectado' }).waitFor();
    expect(await replyBox().getByLabel('Mensagem').inputValue()).toBe(reply);
    await screenshot(page, 'helpdesk-channel-disconnected');

    await openSection(page, 'Canais');
    await channelRow('WhatsApp Loja Matriz').getByRole('button', { name: 'Conectar' }).click();
    await toast('success', 'Canal WhatsApp Loja Matriz conectado').waitFor();
    await statusOf('WhatsApp Loja Matriz', 'connected').waitFor();

    await openTicketOf(JOANA.name, 'Em atendimento');
    await replyBox().getByLabel('Mensagem').fill(reply);
    await sendReply();
    await conversation().getByTestId('message').filter({ hasText: reply }).waitFor();
    expect((await n8n.deliveryOf(reply)).payload.to).toBe(JOANA.e164);
  });

  it('counts each tab with the inbox filters, and offers the tags of the listed tickets', async () => {
    const caller = await ownerCaller();
    const joanaTicket = (await caller.helpdesk.tickets.list({ status: 'open', search: JOANA.name })).items[0]!;
    await caller.helpdesk.tickets.setTags({ id: joanaTicket.id, tags: ['troca', 'vip'] });
    await contactWrites({ phone: '5511954321098', name: 'Pedro Souza' }, 'Bom dia');
    await openSection(page, 'Atendimento');
    await page.getByRole('tab', { name: /^Pendentes/ }).click();
    await page.getByTestId('ticket-item').filter({ hasText: 'Pedro Souza' }).waitFor();
    const unfiltered = await caller.helpdesk.tickets.counts({});
    expect(unfiltered).toMatchObject({ pending: 1, open: 1 });
    await page.getByTestId('ticket-count-pending').filter({ hasText: /^1$/ }).waitFor();

    // The tags of the tickets listed are offered in the tag field.
    await page.getByRole('tab', { name: /^Em atendimento/ }).click();
    await page.getByTestId('ticket-item').filter({ hasText: JOANA.name }).waitFor();
    const suggestions = page.getByTestId('tag-suggestions').locator('option');
    await suggestions.nth(1).waitFor({ state: 'attached' });
    expect(await Promise.all((await suggestions.all()).map((option) => option.getAttribute('value')))).toEqual(['troca', 'vip']);

    await page.getByRole('search', { name: 'Filtros do atendimento' }).getByLabel('Etiqueta').fill('vip');
    await page.getByTestId('ticket-count-pending').filter({ hasText: /^0$/ }).waitFor();
    await page.getByTestId('ticket-count-open').filter({ hasText: /^1$/ }).waitFor();
    expect(await caller.helpdesk.tickets.counts({ tag: 'vip' })).toMatchObject({ pending: 0, open: 1 });

    await page.getByRole('button', { name: 'Limpar filtros' }).click();
    await page.getByTestId('ticket-count-pending').filter({ hasText: /^1$/ }).waitFor();
  });

  it('lists agents from helpdesk.agents.list: the owner transfers to an agent, who sees who wrote what without reading the user directory', async () => {
    const caller = await ownerCaller();
    await caller.users.create({ name: AGENT.name, email: AGENT.email, password: TEST_PASSWORD, role: 'agent' });
    await openTicketOf(JOANA.name, 'Em atendimento');
    await conversation().getByRole('button', { name: 'Transferir', exact: true }).click();
    const transfer = page.getByTestId('transfer-dialog');
    await transfer.getByLabel('Atendente').selectOption({ label: AGENT.name });
    await transfer.getByRole('button', { name: 'Transferir', exact: true }).click();
    await transfer.waitFor({ state: 'detached' });
    await conversation().getByTestId('ticket-assignee').filter({ hasText: AGENT.name }).waitFor();

    // The agent filter of the inbox lists her too.
    const filters = page.getByRole('search', { name: 'Filtros do atendimento' });
    await filters.getByLabel('Atendente').selectOption({ label: AGENT.name });
    await page.getByTestId('ticket-count-open').filter({ hasText: /^1$/ }).waitFor();
    await page.getByRole('button', { name: 'Limpar filtros' }).click();

    const { context, page: agentPage } = await newPage(dashboard.browser, dashboard.running.url);
    try {
      await logIn(agentPage, dashboard.tenant, { email: AGENT.email, password: TEST_PASSWORD });
      await openSection(agentPage, 'Atendimento');
      await agentPage.getByRole('tab', { name: /^Em atendimento/ }).click();
      await agentPage.getByTestId('ticket-item').filter({ hasText: JOANA.name }).click();
      const agentConversation = conversationOf(agentPage);
      await agentConversation.getByTestId('message').filter({ hasText: 'Segue a foto' }).getByText('Owner', { exact: true }).waitFor();
      await agentConversation.getByText(/^Histórico do ticket/).click();
      await agentConversation
        .getByTestId('history-entry')
        .filter({ hasText: 'por Owner' })
        .filter({ hasText: `para ${AGENT.name}` })
        .waitFor();
      await screenshot(agentPage, 'helpdesk-agent-view');
    } finally {
      await context.close();
    }
  });

  it('merges two contacts after a confirmation that says which one stays; while both have an active ticket the server says why not', async () => {
    await contactWrites(JOANA_AGAIN, 'Sou eu de novo, pelo outro número');
    await openSection(page, 'Contatos');
    const table = page.getByRole('table', { name: 'Contatos' });
    await table.getByRole('row').filter({ hasText: JOANA_AGAIN.name }).waitFor();
    await table.getByRole('button', { name: `Mesclar ${JOANA.name}` }).click();

    const dialog = page.getByTestId('merge-contacts-dialog');
    await dialog.getByLabel('Buscar o outro contato').fill('Joana');
    await dialog.getByRole('button', { name: `Escolher ${JOANA_AGAIN.name}` }).click();
    await dialog.getByRole('radio', { name: new RegExp(`^${JOANA.name}`) }).waitFor();
    expect(await dialog.getByRole('radio', { name: new RegExp(`^${JOANA.name}`) }).isChecked()).toBe(true);
    expect(await dialog.getByTestId('merge-summary').textContent()).toMatch(
      new RegExp(`^Fica ${JOANA.name} \\(\\${JOANA.e164}\\)\\. ${JOANA_AGAIN.name} .* deixa de aparecer`),
    );
    await screenshot(page, 'helpdesk-merge-confirm');

    // Both have a ticket open in the same channel: the server refuses, and the dialog says why.
    await dialog.getByRole('button', { name: 'Mesclar contatos' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /Os dois contatos têm tickets ativos no mesmo canal \(#\d+ e #\d+\); encerre um deles antes/ })
      .waitFor();

    const caller = await ownerCaller();
    const other = (await caller.helpdesk.tickets.list({ status: 'pending', search: JOANA_AGAIN.name })).items[0]!;
    await caller.helpdesk.tickets.close({ id: other.id, reason: 'Mesma cliente' });
    await dialog.getByRole('button', { name: 'Mesclar contatos' }).click();
    await dialog.waitFor({ state: 'detached' });
    await toast('success', `Contatos mesclados: fica ${JOANA.name}`).waitFor();
    await table.getByRole('row').filter({ hasText: JOANA_AGAIN.name }).waitFor({ state: 'detached' });
    await table.getByRole('row').filter({ hasText: JOANA.name }).waitFor();
    expect((await caller.helpdesk.contacts.list({ search: 'Joana' })).items.map((contact) => contact.name)).toEqual([JOANA.name]);
  });
});
