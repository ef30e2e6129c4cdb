import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

interface IssuedTicket {
  ticketId: string;
  code: string;
}

describe('dashboard: Fila', () => {
  let dashboard: SignedInDashboard;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['queue'] });
    page = dashboard.page;
  });
  afterAll(() => dashboard?.close());

  /** A kiosk of the unit, enrolled as the device would be: its token issues tickets over REST. */
  async function enrollKiosk(unitId: string): Promise<string> {
    const owner = await dashboard.ownerCaller();
    const created = await owner.devices.create({
      kind: 'queue.kiosk',
      name: 'Totem da entrada',
      scopes: ['queue.tickets.issue'],
      resource: unitId,
    });
    const enrolled = await fetch(created.enrollUrl.replace(/^https?:\/\/[^/]+/, dashboard.running.url), { method: 'POST' });
    expect(enrolled.status).toBe(201);
    return ((await enrolled.json()) as { token: string }).token;
  }

  async function issue(token: string, body: { serviceId: string; priority?: string }): Promise<IssuedTicket> {
    const response = await fetch(`${dashboard.running.url}/api/v1/queue/kiosk/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as IssuedTicket;
  }

  it('sets up a unit, calls the priority ticket first on the panel, and the statistics follow live', async () => {
    await openSection(page, 'Configuração da fila');
    const unitForm = page.getByRole('form', { name: 'Nova unidade' });
    await unitForm.getByLabel('Nome da unidade').fill('Unidade Teste');
    await unitForm.getByLabel('Fuso horário').fill('America/Sao_Paulo');
    await unitForm.getByRole('button', { name: 'Criar unidade' }).click();
    await page.getByRole('table', { name: 'Unidades' }).getByText('Unidade Teste').waitFor();

    const serviceForm = page.getByRole('form', { name: 'Novo serviço' });
    await serviceForm.getByLabel('Nome do serviço').fill('Atendimento geral');
    await serviceForm.getByLabel('Prefixo').fill('A');
    await serviceForm.getByRole('button', { name: 'Criar serviço' }).click();
    await page.getByRole('table', { name: 'Serviços da unidade' }).getByText('Atendimento geral').waitFor();
    // A prefix taken in the unit: the server's conflict shows beside the form.
    await serviceForm.getByLabel('Nome do serviço').fill('Outro');
    await serviceForm.getByLabel('Prefixo').fill('A');
    await serviceForm.getByRole('button', { name: 'Criar serviço' }).click();
    await serviceForm.getByTestId('field-error').first().waitFor();

    const deskForm = page.getByRole('form', { name: 'Novo guichê' });
    await deskForm.getByLabel('Nome do guichê').fill('Guichê 1');
    await deskForm.getByLabel('Número').fill('1');
    await deskForm.getByRole('button', { name: 'Criar guichê' }).click();
    await page.getByRole('table', { name: 'Guichês' }).getByText('Guichê 1').waitFor();
    await screenshot(page, 'queue-setup');

    const owner = await dashboard.ownerCaller();
    const [unit] = await owner.queue.units.list();
    const [service] = await owner.queue.services.list({ unitId: unit!.id });
    let [priority] = await owner.queue.priorities.list();
    priority ??= await owner.queue.priorities.create({ name: 'Idoso 60+', weight: 10 });
    const token = await enrollKiosk(unit!.id);

    await openSection(page, 'Painel do operador');
    const preview = page.getByTestId('next-tickets');
    await preview.getByText('Ninguém aguardando').waitFor();
    const normal = await issue(token, { serviceId: service!.id });
    const urgent = await issue(token, { serviceId: service!.id, priority: priority.id });
    await preview.getByText(normal.code).waitFor({ timeout: 10_000 });
    await preview.getByText(urgent.code).waitFor({ timeout: 10_000 });

    await page.getByRole('button', { name: 'Chamar próxima' }).click();
    const atDesk = page.getByTestId('at-desk');
    await atDesk.getByTestId('desk-ticket-code').filter({ hasText: urgent.code }).waitFor();
    await atDesk.getByRole('button', { name: 'Iniciar' }).click();
    await atDesk.getByRole('button', { name: 'Concluir' }).click();
    await atDesk.getByText('Nenhuma senha no guichê').waitFor();
    await screenshot(page, 'queue-panel');

    await openSection(page, 'Estatísticas');
    const completed = page.getByTestId('stat-completed');
    await expect.poll(() => completed.textContent(), { timeout: 10_000 }).toBe('1');

    // Another desk's work arrives by the live stream, without a reload.
    const [desk] = await owner.queue.desks.list({ unitId: unit!.id });
    const called = await owner.queue.panel.callNext({ deskId: desk!.id });
    expect(called?.code).toBe(normal.code);
    await owner.queue.panel.start({ ticketId: normal.ticketId });
    await owner.queue.panel.complete({ ticketId: normal.ticketId });
    await expect.poll(() => completed.textContent(), { timeout: 10_000 }).toBe('2');
    await screenshot(page, 'queue-stats');
  });
});
