import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAgendaDemoData } from '../../src/domains/agenda/demo-data';
import type { AgendaNotificationPayload } from '../../src/domains/agenda/notifications';
import { SAO_PAULO } from '../support/agenda';
import type { Caller } from '../support/identity';
import { TestReceiver } from '../support/receiver';
import { documentStillMarked, markDocument, openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));

/** Waits until the receiver standing in for n8n has got a notification of this kind. */
async function receivedOfKind(n8n: TestReceiver<AgendaNotificationPayload>, kind: string): Promise<AgendaNotificationPayload> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const found = n8n.requests.find((request) => request.payload.kind === kind);
    if (found) return found.payload;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`n8n got no ${kind}`);
}

describe('dashboard: a WhatsApp message becomes an AI reply and an authorization; the owner approves it into the calendar', () => {
  let dashboard: SignedInDashboard;
  let page: Page;
  let owner: Caller;
  let secret: string;
  const n8n = new TestReceiver<AgendaNotificationPayload>();
  const tomorrow = DateTime.now().setZone(SAO_PAULO).plus({ days: 1 }).toISODate()!;

  beforeAll(async () => {
    const n8nUrl = await n8n.start();
    dashboard = await openSignedInDashboard({ modules: ['agenda'], config: { DELIVERIES_POLL_INTERVAL_MS: '50' } });
    page = dashboard.page;
    owner = await dashboard.ownerCaller();
    const corte = await owner.agenda.services.create({ name: 'Corte de cabelo', durationMin: 30, priceCents: 6000 });
    await owner.agenda.professionals.create({ name: 'Carol Souza', serviceIds: [corte.id], hours: EVERY_DAY });
    await owner.agenda.settings.update({ n8nOutboundUrl: `${n8nUrl}/agenda` });
    secret = (await owner.agenda.settings.rotateSecret()).inboundSecret;
  });
  afterAll(async () => {
    await dashboard?.close();
    await n8n.close();
  });

  it('"quero agendar um corte amanhã às 10h" → reply and pending authorization live → approved → on the calendar, and the confirmation reaches n8n', async () => {
    await openSection(page, 'Autorizações pendentes');
    await markDocument(page);
    const posted = await fetch(`${dashboard.running.url}/api/v1/webhooks/n8n/message-received`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
      body: JSON.stringify({
        tenant_id: dashboard.tenant.tenantId,
        client_name: 'João Teste',
        phone: '+5511991234567',
        message: 'quero agendar um corte amanhã às 10h',
        channel: 'whatsapp',
        timestamp: new Date().toISOString(),
      }),
    });
    expect(posted.status).toBe(202);

    // The proposal appears without reloading the page.
    const row = page.getByTestId('auth-requests-table').getByRole('row').filter({ hasText: 'João Teste' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Chat');
    expect(await documentStillMarked(page)).toBe(true);

    // The conversation shows the client's message, the agent's reply and that it proposed a booking.
    await openSection(page, 'Conversas');
    const reply = page.getByLabel('Resposta do agente');
    await reply.waitFor();
    expect(await reply.textContent()).toContain('Autorização criada');
    expect(await page.getByLabel('Mensagem do cliente').textContent()).toContain('quero agendar um corte amanhã às 10h');
    const chatReply = await receivedOfKind(n8n, 'chat_reply');
    expect(chatReply).toMatchObject({ clientName: 'João Teste', phone: '+5511991234567' });
    await screenshot(page, 'agenda-chat');

    await openSection(page, 'Autorizações pendentes');
    await page.getByRole('button', { name: 'Aprovar a autorização de João Teste' }).click();
    await row.waitFor({ state: 'detached' });

    await openSection(page, 'Agenda');
    const controls = page.getByRole('region', { name: 'Controles da agenda' });
    await controls.getByLabel('Profissional').selectOption({ label: 'Carol Souza' });
    await controls.getByLabel('Data').fill(tomorrow);
    const block = page.getByRole('region', { name: 'Calendário' }).getByTestId('appointment-block').filter({ hasText: 'João Teste' });
    await block.waitFor();
    expect(await block.textContent()).toContain('10:00');

    const confirmation = await receivedOfKind(n8n, 'auth_request_approved');
    expect(confirmation.message).toContain('confirmado');
    expect(n8n.requests.filter((request) => request.payload.kind === 'auth_request_approved')).toHaveLength(1);
  });
});

describe('dashboard: Prazo Certo run from the dashboard on demo data', () => {
  let dashboard: SignedInDashboard;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['agenda'] });
    await seedAgendaDemoData(dashboard.running.services.db, { id: dashboard.tenant.tenantId }, dashboard.running.services.secrets);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  it('"Rodar agora" shows the run with its stats, and its proposals wait in the authorizations', async () => {
    const { page } = dashboard;
    await openSection(page, 'Campanhas');
    await page.getByRole('button', { name: 'Rodar Prazo Certo agora' }).click();
    const toast = page.getByRole('status').filter({ hasText: /Prazo Certo: \d+ cliente\(s\) encontrado\(s\), [1-9]\d* sugestão\(ões\)/ });
    await toast.waitFor();
    const run = page.getByTestId('campaign-runs-table').getByRole('row').filter({ hasText: 'Rodar agora' });
    await run.waitFor();
    const cells = await run.getByRole('cell').allTextContents();
    expect(cells).toEqual(expect.arrayContaining(['Prazo Certo', 'Rodar agora', 'Concluída']));
    const [found, created] = [Number(cells[4]), Number(cells[5])];
    expect(found).toBeGreaterThan(0);
    expect(created).toBeGreaterThan(0);
    await screenshot(page, 'agenda-campaigns');

    await openSection(page, 'Autorizações pendentes');
    const proposals = page.getByTestId('auth-requests-table').getByRole('row').filter({ hasText: 'Prazo Certo' });
    await proposals.first().waitFor();
    expect(await proposals.count()).toBe(created);
  });
});
