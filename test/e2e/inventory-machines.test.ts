import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor } from '../support/app';
import { addUser } from '../support/identity';
import { agentPost, randomCnpj, seedPurchasingPlaces } from '../support/inventory-purchasing';
import { documentStillMarked, markDocument, openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

describe('dashboard: Inventário — máquinas, ocorrências e compras', () => {
  let dashboard: SignedInDashboard;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['inventory'] });
    page = dashboard.page;
  });
  afterAll(() => dashboard?.close());

  const post = (path: string, body: unknown, token?: string) =>
    agentPost(dashboard.running.url, path, body, token ? { token, header: 'agent' } : {});

  it('flow 6: an agent made in Dispositivos registers, and its heartbeat turns the machine online live; its alert and ticket show in Ocorrências', async () => {
    await openSection(page, 'Dispositivos');
    await page.getByRole('button', { name: 'Novo dispositivo' }).click();
    const form = page.getByRole('form', { name: 'Novo dispositivo' });
    await form.getByLabel('Tipo').selectOption('inventory.agent');
    await form.getByLabel('Nome').fill('Agente da recepção');
    await form.getByRole('checkbox', { name: /^inventory\.machines\.report/ }).check();
    await page.getByRole('button', { name: 'Gerar código' }).click();
    const codeDialog = page.getByTestId('enrollment-code-dialog');
    const code = (await codeDialog.getByTestId('enrollment-code').textContent())!.trim();
    await codeDialog.getByRole('button', { name: /fechar/ }).click();

    await openSection(page, 'Máquinas');
    const machines = page.getByRole('table', { name: 'Máquinas com agente' });
    await machines.getByText('Nenhuma máquina registrada').waitFor();
    await markDocument(page);

    const registered = await post('/machines/register', {
      enrollmentCode: code,
      hardwareId: 'BIOS-7F3A-0001',
      hostname: 'recepcao-01',
      facts: { cpuModel: 'Intel i5' },
    });
    expect(registered.status).toBe(201);
    const { token } = registered.json as { token: string; assetId: string };
    const row = machines.getByRole('row').filter({ hasText: 'recepcao-01' });
    // Registered and silent so far: offline, until its first heartbeat.
    await row.getByTestId('machine-status').getByText('Offline').waitFor();

    const beat = await post(
      '/machines/status',
      { sequence: 1, os: 'Debian 13', ip: '192.168.0.21', cpuPercent: 7, memoryPercent: 41 },
      token,
    );
    expect(beat.json).toEqual({ accepted: true, duplicate: false, sequence: 1 });
    await row.getByTestId('machine-status').getByText('Online').waitFor({ timeout: 10_000 });
    await row.getByText('Debian 13').waitFor();
    expect(await documentStillMarked(page)).toBe(true);
    await row.getByRole('link', { name: /recepcao-01/ }).waitFor();
    await row.getByRole('button', { name: 'Detalhes de recepcao-01' }).click();
    await page.getByTestId('machine-detail').getByText('Intel i5').waitFor();
    await screenshot(page, 'inventory-machines');

    await openSection(page, 'Ocorrências');
    await page.getByRole('table', { name: 'Alertas do inventário' }).getByText('Nenhum alerta pendente').waitFor();
    await markDocument(page);
    expect((await post('/alerts/send', { type: 'disk_full', severity: 'critical', message: 'Disco C: 97%' }, token)).status).toBe(201);
    expect((await post('/tickets/create', { title: 'Impressora sem toner', externalId: 'tk-1' }, token)).status).toBe(201);
    const alerts = page.getByRole('table', { name: 'Alertas do inventário' });
    await alerts.getByText('Disco C: 97%').waitFor({ timeout: 10_000 });
    const tickets = page.getByRole('table', { name: 'Chamados de máquinas' });
    await tickets.getByTestId('inventory-ticket').getByText('Impressora sem toner').waitFor({ timeout: 10_000 });
    expect(await documentStillMarked(page)).toBe(true);

    await alerts.getByRole('button', { name: 'Reconhecer Disco C: 97%' }).click();
    await alerts.getByText('Nenhum alerta pendente').waitFor();
    await tickets.getByLabel('Situação do chamado Impressora sem toner').selectOption('in_progress');
    await page.getByTestId('toast-success').filter({ hasText: 'Impressora sem toner' }).waitFor();
    const owner = await dashboard.ownerCaller();
    expect((await owner.inventory.tickets.list())[0]).toMatchObject({ title: 'Impressora sem toner', status: 'in_progress' });
    await screenshot(page, 'inventory-occurrences');
  });

  it('a quote compared side by side becomes a purchase order, approved by someone else and received as assets', async () => {
    const { tenant, running } = dashboard;
    const places = await seedPurchasingPlaces(running.services, tenant.tenantId, 'Monitores');

    await openSection(page, 'Fornecedores');
    const supplierForm = page.getByRole('form', { name: 'Novo fornecedor' });
    const cnpj = supplierForm.getByLabel('CNPJ');
    await supplierForm.getByLabel('Nome do fornecedor').fill('Alfa Monitores');
    await cnpj.fill('12abc34501de36');
    expect(await cnpj.inputValue()).toBe('12.ABC.345/01DE-36');
    await supplierForm.getByRole('button', { name: 'Cadastrar fornecedor' }).click();
    await supplierForm
      .getByTestId('field-error')
      .getByText(/CNPJ inválido/)
      .waitFor();
    await cnpj.fill('12ABC34501DE35');
    await supplierForm.getByRole('button', { name: 'Cadastrar fornecedor' }).click();
    const suppliers = page.getByRole('table', { name: 'Fornecedores cadastrados' });
    await suppliers.getByText('12.ABC.345/01DE-35').waitFor();
    const second = randomCnpj({ numeric: true });
    await supplierForm.getByLabel('Nome do fornecedor').fill('Beta Tecnologia');
    await cnpj.fill(second);
    await supplierForm.getByRole('button', { name: 'Cadastrar fornecedor' }).click();
    await suppliers.getByText('Beta Tecnologia').waitFor();
    // The same CNPJ again: the server's conflict beside the field.
    await supplierForm.getByLabel('Nome do fornecedor').fill('Alfa de novo');
    await cnpj.fill('12.ABC.345/01DE-35');
    await supplierForm.getByRole('button', { name: 'Cadastrar fornecedor' }).click();
    await supplierForm.getByTestId('field-error').getByText('Já existe um fornecedor com este CNPJ').waitFor();

    await openSection(page, 'Orçamentos');
    const quoteForm = page.getByRole('form', { name: 'Novo orçamento' });
    await quoteForm.getByLabel('Título do orçamento').fill('Monitores do financeiro');
    await quoteForm.getByLabel('Descrição do item 1').fill('Monitor 24"');
    await quoteForm.getByLabel('Quantidade do item 1').fill('2');
    await quoteForm.getByLabel('Categoria do item 1').selectOption(places.category.id);
    await quoteForm.getByRole('button', { name: 'Adicionar item' }).click();
    await quoteForm.getByLabel('Descrição do item 2').fill('Suporte articulado');
    await quoteForm.getByLabel('Quantidade do item 2').fill('1');
    await quoteForm.getByRole('button', { name: 'Abrir orçamento' }).click();
    const detail = page.getByTestId('quote-detail');
    await detail.getByText('Nenhum orçamento de fornecedor ainda').waitFor();

    const budgetForm = page.getByRole('form', { name: 'Registrar orçamento de fornecedor' });
    const supplierIds = new Map((await (await dashboard.ownerCaller()).inventory.suppliers.list()).map((row) => [row.name, row.id]));
    const addBudget = async (supplier: string, monitor: string, stand: string, days: string) => {
      await budgetForm.getByLabel('Fornecedor do orçamento').selectOption(supplierIds.get(supplier)!);
      await budgetForm.getByLabel('Preço unitário do item 1').fill(monitor);
      await budgetForm.getByLabel('Preço unitário do item 2').fill(stand);
      await budgetForm.getByLabel('Prazo de entrega (dias)').fill(days);
      await budgetForm.getByRole('button', { name: 'Adicionar orçamento' }).click();
      await page.getByTestId('quote-comparison').getByRole('columnheader', { name: supplier }).waitFor();
    };
    await addBudget('Alfa Monitores', '899,90', '150', '7');
    await addBudget('Beta Tecnologia', '849,00', '189,90', '12');
    const comparison = page.getByTestId('quote-comparison');
    const monitorRow = comparison.getByRole('row').filter({ hasText: 'Monitor 24"' });
    expect((await monitorRow.locator('[data-lowest]').textContent())!.replace(/\s/g, ' ')).toContain('849,00');
    const standRow = comparison.getByRole('row').filter({ hasText: 'Suporte articulado' });
    expect(await standRow.locator('[data-lowest]').textContent()).toContain('150,00');
    // Totals: Alfa 1.949,80, Beta 1.887,90 — Beta is the lowest.
    expect(await comparison.locator('[data-testid="budget-total"][data-lowest]').textContent()).toContain('1.887,90');
    await screenshot(page, 'inventory-quote-comparison');

    await comparison.getByRole('button', { name: 'Escolher Beta Tecnologia' }).click();
    await detail.getByTestId('quote-purchase-order').getByText('Pedido de compra nº 1').waitFor();
    await comparison.getByText('Escolhido', { exact: true }).waitFor();

    await openSection(page, 'Compras');
    const orders = page.getByRole('table', { name: 'Pedidos de compra' });
    const orderRow = orders.getByRole('row').filter({ hasText: 'nº 1' });
    await orderRow.getByText('Aguardando aprovação').waitFor();
    // The owner chose it, so the owner cannot approve it: a manager does, and the page follows live.
    expect(await orderRow.getByRole('button', { name: 'Aprovar pedido 1' }).count()).toBe(0);
    const manager = await callerFor(running.services, await addUser(running.services, tenant, 'manager', 'Gerente Rita'));
    const [order] = await manager.inventory.purchaseOrders.list();
    await manager.inventory.purchaseOrders.approve({ id: order!.id, note: 'Ok' });
    await orderRow.getByText('Aprovado').waitFor({ timeout: 10_000 });

    await orderRow.getByRole('button', { name: 'Receber pedido 1' }).click();
    const receive = page.getByRole('dialog', { name: 'Receber o pedido nº 1' });
    await receive.getByRole('button', { name: 'Receber e cadastrar ativos' }).click();
    await receive.getByTestId('field-error').getByText('Escolha a localização de recebimento').waitFor();
    await receive.getByLabel('Localização de recebimento').selectOption(places.location.id);
    await receive.getByRole('button', { name: 'Receber e cadastrar ativos' }).click();
    await page.getByTestId('toast-success').filter({ hasText: '3 ativo(s) cadastrado(s)' }).waitFor();
    await orderRow.getByText('Recebido').waitFor();
    await orderRow.getByRole('button', { name: 'Ver pedido 1' }).click();
    const received = page.getByTestId('received-assets');
    await expect.poll(() => received.getByRole('link').count()).toBe(3);
    await received
      .getByRole('link', { name: /Monitor 24"/ })
      .first()
      .waitFor();
    await screenshot(page, 'inventory-purchase-received');
  });
});
