import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_HEADERS, verifyDeliverySignature } from '../../src/platform/deliveries/signature';
import { documentStillMarked, markDocument, openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';
import { conversationOf, N8nStandIn, postToChannelWebhook } from './support/helpdesk';

const CONTACT = { phone: '5511987654321', e164: '+5511987654321', name: 'Maria Cliente' };

describe('dashboard: helpdesk channels, inbox and conversation with a real n8n stand-in', () => {
  let dashboard: SignedInDashboard;
  let page: Page;
  const n8n = new N8nStandIn();
  let outboundUrl: string;
  let channel: { secret: string; messagesPath: string; statusesPath: string };
  let ticketId: string;
  let inboundCounter = 0;

  beforeAll(async () => {
    outboundUrl = await n8n.start();
    // A failed delivery is retried once, quickly, then given up: the channel-error path runs in seconds.
    const config = {
      DELIVERIES_POLL_INTERVAL_MS: '100',
      DELIVERIES_MAX_ATTEMPTS: '2',
      DELIVERIES_RETRY_BASE_MS: '50',
      DELIVERIES_RETRY_CAP_MS: '100',
    };
    dashboard = await openSignedInDashboard({ config, modules: ['helpdesk'] });
    page = dashboard.page;
  });

  afterAll(async () => {
    await dashboard?.close();
    await n8n.close();
  });

  const conversation = () => conversationOf(page);
  const ticketStatus = (status: string) => conversation().locator(`[data-testid="ticket-status"][data-status="${status}"]`);
  const tickOf = (message: Locator, status: string) => message.locator(`[data-testid="delivery-status"][data-status="${status}"]`);
  const attributeOfEach = async (elements: Locator, name: string) =>
    Promise.all((await elements.all()).map((element) => element.getAttribute(name)));
  const ownerCaller = () => dashboard.ownerCaller();
  const postToWebhook = (path: string, body: Record<string, unknown>) =>
    postToChannelWebhook(dashboard.running.url, channel.secret, path, body);
  const deliveryOf = (body: string) => n8n.deliveryOf(body);

  async function contactWrites(body: string): Promise<void> {
    inboundCounter += 1;
    const response = await postToWebhook(channel.messagesPath, {
      messageId: `wamid.in-${inboundCounter}`,
      from: CONTACT.phone,
      name: CONTACT.name,
      body,
    });
    expect(response.status).toBe(200);
  }

  it('creates an n8n channel and shows its secret and webhook URLs once', async () => {
    await openSection(page, 'Canais');
    const form = page.getByRole('form', { name: 'Novo canal' });
    expect(await form.getByRole('radio', { name: /^n8n/ }).isChecked()).toBe(true);
    await form.getByLabel('Nome', { exact: true }).fill('WhatsApp Loja');
    await form.getByLabel('URL de saída (n8n)').fill(outboundUrl);
    await form.getByRole('button', { name: 'Criar canal' }).click();

    const dialog = page.getByTestId('channel-secret-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('não será mostrado novamente');
    const secret = await dialog.getByTestId('webhook-secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    // The URLs carry the app's PUBLIC_URL (not this test's port): n8n posts to their paths here.
    const messagesPath = new URL(await dialog.getByTestId('webhook-url-messages').inputValue()).pathname;
    const statusesPath = new URL(await dialog.getByTestId('webhook-url-statuses').inputValue()).pathname;
    expect(messagesPath).toMatch(/^\/api\/v1\/webhooks\/n8n\/channels\/[0-9a-f-]{36}\/messages$/);
    expect(statusesPath).toBe(messagesPath.replace(/messages$/, 'statuses'));
    channel = { secret, messagesPath, statusesPath };
    await screenshot(page, 'helpdesk-channel-created');
    await dialog.getByRole('button', { name: /fechar/ }).click();

    const row = page.getByRole('table', { name: 'Canais' }).getByRole('row').filter({ hasText: 'WhatsApp Loja' });
    await row.locator('[data-testid="channel-status"][data-status="connected"]').waitFor();
    expect(await row.textContent()).toContain(outboundUrl);
    expect(await page.content()).not.toContain(secret);
  });

  it('creates a queue to transfer tickets to', async () => {
    await openSection(page, 'Filas');
    const form = page.getByRole('form', { name: 'Nova fila' });
    await form.getByLabel('Nome', { exact: true }).fill('Financeiro');
    await form.getByRole('button', { name: 'Criar fila' }).click();
    await page.getByRole('table', { name: 'Filas' }).getByRole('row').filter({ hasText: 'Financeiro' }).waitFor();
    await screenshot(page, 'helpdesk-queues');
  });

  it('shows an inbound message in the inbox live, with unread badge and preview, and marks it read when opened', async () => {
    await openSection(page, 'Atendimento');
    await page.getByTestId('ticket-count-pending').filter({ hasText: /^0$/ }).waitFor();
    await markDocument(page);

    await contactWrites('Olá, meu pedido não chegou');
    const item = page.getByTestId('ticket-item').filter({ hasText: CONTACT.name });
    await item.waitFor();
    expect(await item.getByTestId('ticket-preview').textContent()).toBe('Olá, meu pedido não chegou');
    expect(await item.getByTestId('unread-badge').textContent()).toBe('1');
    await page.getByTestId('ticket-count-pending').filter({ hasText: /^1$/ }).waitFor();

    await contactWrites('É o pedido 4521');
    await item.getByTestId('unread-badge').filter({ hasText: /^2$/ }).waitFor();
    await item.getByTestId('ticket-preview').filter({ hasText: 'É o pedido 4521' }).waitFor();
    await screenshot(page, 'helpdesk-inbox');

    await item.click();
    await conversation().getByTestId('message').filter({ hasText: 'Olá, meu pedido não chegou' }).waitFor();
    await conversation().getByTestId('message').filter({ hasText: 'É o pedido 4521' }).waitFor();
    await item.getByTestId('unread-badge').waitFor({ state: 'detached' });
    ticketId = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(ticketId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await (await ownerCaller()).helpdesk.tickets.get({ id: ticketId })).unreadCount).toBe(0);
    expect(await documentStillMarked(page)).toBe(true);
  });

  it('accepts and replies; n8n receives the signed contract payload, and the tick follows sent and delivered live', async () => {
    await conversation().getByRole('button', { name: 'Aceitar', exact: true }).click();
    await ticketStatus('open').waitFor();
    expect(await conversation().getByTestId('ticket-assignee').textContent()).toBe('Owner');
    await page.getByTestId('ticket-count-open').filter({ hasText: /^1$/ }).waitFor();

    const reply = 'Oi, Maria! Vou verificar agora.';
    await conversation().getByLabel('Mensagem').fill(reply);
    await conversation().getByRole('button', { name: 'Enviar', exact: true }).click();
    const sent = conversation().getByTestId('message').filter({ hasText: reply });
    await sent.waitFor();
    expect(await conversation().getByLabel('Mensagem').inputValue()).toBe('');

    const call = await deliveryOf(reply);
    expect(call.payload).toEqual({
      eventId: expect.any(String),
      messageId: await sent.getAttribute('data-message-id'),
      ticketId,
      to: CONTACT.e164,
      body: reply,
    });
    expect(call.headers[DELIVERY_HEADERS.eventId]).toBe(call.payload.eventId);
    const signature = {
      secret: channel.secret,
      timestamp: String(call.headers[DELIVERY_HEADERS.timestamp]),
      body: call.body,
      toleranceSeconds: 300,
    };
    expect(verifyDeliverySignature({ ...signature, signature: String(call.headers[DELIVERY_HEADERS.signature]) })).toBe(true);

    // n8n answered { externalId }: the message is sent; then WhatsApp reports it delivered, by that id.
    await tickOf(sent, 'sent').waitFor();
    const status = await postToWebhook(channel.statusesPath, { messageId: call.externalId, status: 'delivered' });
    expect(status.status).toBe(200);
    await tickOf(sent, 'delivered').waitFor();
    expect(await sent.getByRole('img', { name: 'Entregue' }).count()).toBe(1);
    expect(await documentStillMarked(page)).toBe(true);
    await screenshot(page, 'helpdesk-conversation');
  });

  it('transfers the ticket to a queue, then closes it with a reason, all recorded in its history', async () => {
    await conversation().getByRole('button', { name: 'Transferir', exact: true }).click();
    const transfer = page.getByTestId('transfer-dialog');
    await transfer.getByLabel('Fila de destino').selectOption({ label: 'Financeiro' });
    await transfer.getByRole('button', { name: 'Transferir', exact: true }).click();
    await transfer.waitFor({ state: 'detached' });
    await conversation().getByTestId('ticket-queue').filter({ hasText: 'Financeiro' }).waitFor();
    // To a queue only: back to pending there, for its members to accept.
    await ticketStatus('pending').waitFor();
    expect(await conversation().getByTestId('ticket-assignee').textContent()).toBe('ninguém');

    await conversation().getByRole('button', { name: 'Encerrar', exact: true }).click();
    const close = page.getByTestId('close-dialog');
    await close.getByLabel('Motivo (opcional)').fill('Pedido reenviado');
    await close.getByRole('button', { name: 'Encerrar ticket' }).click();
    await ticketStatus('closed').waitFor();
    await conversation().getByText('Este ticket está encerrado').waitFor();
    await page.getByTestId('ticket-count-closed').filter({ hasText: /^1$/ }).waitFor();
    await page.getByTestId('ticket-count-pending').filter({ hasText: /^0$/ }).waitFor();

    await conversation()
      .getByText(/^Histórico do ticket/)
      .click();
    const actions = await attributeOfEach(conversation().getByTestId('history-entry'), 'data-action');
    expect(actions).toEqual(['created', 'accept', 'transfer', 'close']);
    expect(await conversation().getByTestId('history-entry').last().textContent()).toContain('Motivo: Pedido reenviado');
    const ticket = await (await ownerCaller()).helpdesk.tickets.get({ id: ticketId });
    expect(ticket).toMatchObject({ status: 'closed', queueName: 'Financeiro', assigneeId: null, closeReason: 'Pedido reenviado' });
    await screenshot(page, 'helpdesk-closed');
  });

  it('shows the server refusal when reopening a ticket whose contact already has another one open', async () => {
    // With no reopen window, the contact's next message opens a new ticket instead of reopening this one.
    await openSection(page, 'Filas');
    const settings = page.getByRole('form', { name: 'Configurações do atendimento' });
    await settings.getByLabel('Janela de reabertura (minutos)').fill('0');
    // Media retention: out of range is refused beside the field; blank keeps files for good.
    await settings.getByLabel('Guardar arquivos por (dias)').fill('0');
    await settings.getByRole('button', { name: 'Salvar configurações' }).click();
    await settings.getByText('Guarde os arquivos por pelo menos 1 dia').waitFor();
    await settings.getByLabel('Guardar arquivos por (dias)').fill('90');
    await settings.getByRole('button', { name: 'Salvar configurações' }).click();
    await page.getByRole('status').filter({ hasText: 'Configurações do atendimento salvas' }).waitFor();
    expect(await (await ownerCaller()).helpdesk.settings.get()).toMatchObject({ reopenWindowMinutes: 0, mediaRetentionDays: 90 });

    await openSection(page, 'Atendimento');
    await contactWrites('Agora é outro assunto');
    await page.getByTestId('ticket-item').filter({ hasText: 'Agora é outro assunto' }).waitFor();
    await page.getByRole('tab', { name: /^Encerrados/ }).click();
    await page.getByTestId('ticket-item').filter({ hasText: CONTACT.name }).click();
    await ticketStatus('closed').waitFor();
    await conversation().getByRole('button', { name: 'Reabrir', exact: true }).click();
    await conversation()
      .getByRole('alert')
      .filter({ hasText: /O contato já tem o ticket #2 em aberto/ })
      .waitFor();
    expect(await ticketStatus('closed').count()).toBe(1);
  });

  it('a failing n8n fails the reply with its reason and puts the channel in error, shown live until it recovers', async () => {
    await page.getByRole('tab', { name: /^Pendentes/ }).click();
    await page.getByTestId('ticket-item').filter({ hasText: 'Agora é outro assunto' }).click();
    await conversation().getByTestId('message').filter({ hasText: 'Agora é outro assunto' }).waitFor();
    n8n.failsWith = 500;
    const reply = 'Esta resposta não vai chegar';
    await conversation().getByLabel('Mensagem').fill(reply);
    await conversation().getByRole('button', { name: 'Enviar', exact: true }).click();
    const failed = conversation().getByTestId('message').filter({ hasText: reply });
    await tickOf(failed, 'failed').waitFor();
    expect(await failed.getByTestId('failure-reason').textContent()).toContain('HTTP 500');
    const alert = page.getByTestId('channel-alerts').getByRole('alert').filter({ hasText: 'WhatsApp Loja' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('com erro');
    await screenshot(page, 'helpdesk-channel-error');

    // The next message that comes in through the channel shows it works again.
    n8n.failsWith = null;
    await contactWrites('Ainda estou aqui');
    await alert.waitFor({ state: 'detached' });

    await openSection(page, 'Canais');
    await page.getByRole('button', { name: 'Histórico de WhatsApp Loja' }).click();
    const history = page.getByTestId('channel-history-dialog');
    await history.getByText(/Entrega ao n8n falhou: HTTP 500/).waitFor();
    // Newest first: recovered, failed, and connected since its creation.
    const statuses = await attributeOfEach(history.getByTestId('channel-status'), 'data-status');
    expect(statuses).toEqual(['connected', 'error', 'connected']);
    await history.getByText('Canal criado').waitFor();
    await history.getByRole('button', { name: 'Fechar' }).click();
  });

  it('finds the contact and edits it, with the server validation beside the field', async () => {
    await openSection(page, 'Contatos');
    await page.getByLabel('Buscar contato').fill('Maria');
    await page.getByRole('button', { name: 'Buscar' }).click();
    const row = page.getByRole('table', { name: 'Contatos' }).getByRole('row').filter({ hasText: CONTACT.name });
    await row.getByText(CONTACT.e164).waitFor();
    await row.getByRole('button', { name: `Editar ${CONTACT.name}` }).click();

    const dialog = page.getByTestId('contact-dialog');
    await dialog.getByLabel('E-mail').fill('nao-e-email');
    await dialog.getByLabel('Etiquetas').fill('vip, atacado, vip');
    await dialog.getByRole('button', { name: 'Salvar contato' }).click();
    await dialog.getByTestId('field-error').filter({ hasText: 'E-mail inválido' }).waitFor();
    await dialog.getByLabel('E-mail').fill('maria@exemplo.test');
    await dialog.getByRole('button', { name: 'Salvar contato' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('atacado').waitFor();
    await screenshot(page, 'helpdesk-contacts');
    const [contact] = (await (await ownerCaller()).helpdesk.contacts.list({ search: 'Maria' })).items;
    expect(contact).toMatchObject({ email: 'maria@exemplo.test', tags: ['vip', 'atacado'] });
  });

  it('creates an external API integration shown once, which sends through the channel; its calls are listed until it is revoked', async () => {
    await openSection(page, 'API externa');
    const form = page.getByRole('form', { name: 'Nova integração' });
    await form.getByLabel('Nome', { exact: true }).fill('ERP da loja');
    await form.getByLabel('Canal', { exact: true }).selectOption({ label: 'WhatsApp Loja' });
    await form.getByRole('button', { name: 'Criar integração' }).click();
    const dialog = page.getByTestId('api-config-created-dialog');
    await dialog.waitFor();
    const token = await dialog.getByTestId('api-token').inputValue();
    expect(token).toMatch(/^bal_/);
    expect(await dialog.getByTestId('api-callback-secret').inputValue()).toMatch(/^whsec_/);
    // The server's address (its PUBLIC_URL), not one made up from the page's origin.
    const sendUrl = await dialog.getByTestId('api-send-url').inputValue();
    expect(sendUrl).toMatch(new RegExp(`^${dashboard.running.services.config.publicUrl}/v1/api/external/[0-9a-f-]{36}$`));
    const sendPath = new URL(sendUrl).pathname;
    await dialog.getByRole('button', { name: /fechar/ }).click();
    expect(await page.content()).not.toContain(token);

    const send = () =>
      fetch(`${dashboard.running.url}${sendPath}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ number: '5511912345678', body: 'Seu pedido saiu para entrega' }),
      });
    expect((await send()).status).toBe(202);
    expect((await deliveryOf('Seu pedido saiu para entrega')).payload.to).toBe('+5511912345678');

    const row = page.getByRole('table', { name: 'Integrações' }).getByRole('row').filter({ hasText: 'ERP da loja' });
    expect(await row.getByTestId('api-config-send-url').textContent()).toBe(sendUrl);
    await row.getByRole('button', { name: 'Chamadas de ERP da loja' }).click();
    const calls = page.getByTestId('api-calls-dialog');
    await calls
      .getByTestId('api-call')
      .filter({ hasText: `POST ${sendPath}` })
      .filter({ hasText: '202' })
      .waitFor();
    await screenshot(page, 'helpdesk-api-calls');
    await calls.getByRole('button', { name: 'Fechar' }).click();

    await row.getByRole('button', { name: 'Revogar' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revogar' }).click();
    await row.getByText('Revogada').waitFor();
    expect((await send()).status).toBe(401);
  });

  it('loads older messages as the conversation is scrolled up', async () => {
    const from = '5511955554444';
    for (let n = 1; n <= 55; n += 1) {
      const response = await postToWebhook(channel.messagesPath, {
        messageId: `wamid.long-${n}`,
        from,
        name: 'Carlos Prolixo',
        body: `Mensagem ${n} de 55`,
      });
      expect(response.status).toBe(200);
    }
    await openSection(page, 'Atendimento');
    await page.getByTestId('ticket-item').filter({ hasText: 'Carlos Prolixo' }).click();
    const history = page.getByTestId('message-history');
    await history.getByTestId('message').filter({ hasText: 'Mensagem 55 de 55' }).waitFor();
    // The newest page holds 50: the first five come only when the reader scrolls up to them.
    expect(await history.getByTestId('message').count()).toBe(50);
    expect(await history.getByText('Mensagem 1 de 55', { exact: true }).count()).toBe(0);
    await history.hover();
    await page.mouse.wheel(0, -100_000);
    await history.getByText('Mensagem 1 de 55', { exact: true }).waitFor();
    expect(await history.getByTestId('message').count()).toBe(55);
    expect(await history.getByRole('button', { name: 'Carregar mensagens anteriores' }).count()).toBe(0);
  });
});
