import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetState, seedAsset, seedPlace, seedSupplier } from '../support/inventory-audits';
import { openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

describe('dashboard: Manutenção (flow 5)', () => {
  let dashboard: SignedInDashboard;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['inventory'] });
    page = dashboard.page;
  });
  afterAll(() => dashboard?.close());

  it('a maintenance plan creates an order through the plans job, and its SLA clock shows and runs', async () => {
    const { services } = dashboard.running;
    const { tenantId } = dashboard.tenant;
    const room = await seedPlace(services.db, tenantId, { name: 'Casa de máquinas' });
    const asset = await seedAsset(services.db, tenantId, { name: 'Gerador a diesel', locationId: room.id });
    await seedSupplier(services.db, tenantId, 'Energia Serviços Ltda');

    await openSection(page, 'Manutenção');
    const sections = page.getByRole('group', { name: 'Seções da manutenção' });

    // A contract with the supplier: its SLA per priority.
    await sections.getByRole('button', { name: 'Contratos' }).click();
    const contractForm = page.getByRole('form', { name: 'Novo contrato' });
    await contractForm.getByLabel('Fornecedor do contrato').selectOption({ label: 'Energia Serviços Ltda' });
    await contractForm.getByLabel('Nome do contrato').fill('Contrato de energia');
    await contractForm.getByLabel('Início da vigência').fill('2026-01-01');
    await contractForm.getByLabel('Resposta (Alta)').fill('2');
    await contractForm.getByLabel('Solução (Alta)').fill('1');
    await contractForm.getByRole('button', { name: 'Criar contrato' }).click();
    // The server's refusal shows in the form: resolving cannot take less than responding.
    await contractForm.getByText('O prazo de solução não pode ser menor que o de resposta').waitFor();
    await contractForm.getByLabel('Solução (Alta)').fill('12');
    await contractForm.getByRole('button', { name: 'Criar contrato' }).click();
    await page.getByRole('table', { name: 'Contratos de manutenção' }).getByText('Contrato de energia').waitFor();

    // A plan due today, under that contract.
    const today = DateTime.now().setZone('America/Sao_Paulo').toISODate()!;
    await sections.getByRole('button', { name: 'Planos' }).click();
    const planForm = page.getByRole('form', { name: 'Novo plano de manutenção' });
    await planForm.getByLabel('Buscar ativo').fill(asset.tag);
    await planForm.getByLabel('Ativo', { exact: true }).locator(`option[value="${asset.id}"]`).waitFor({ state: 'attached' });
    await planForm.getByLabel('Ativo', { exact: true }).selectOption(asset.id);
    await planForm.getByLabel('Título do plano').fill('Revisão mensal do gerador');
    await planForm.getByLabel('Prioridade das ordens').selectOption('high');
    await planForm.getByLabel('A cada (dias)').fill('30');
    await planForm.getByLabel('Próxima execução').fill(today);
    await planForm.getByLabel('Contrato das ordens (SLA)').selectOption({ label: 'Contrato de energia' });
    await planForm.getByRole('button', { name: 'Criar plano' }).click();
    const plans = page.getByRole('table', { name: 'Planos de manutenção' });
    await plans.getByText('Revisão mensal do gerador').waitFor();

    // The hourly job, run through the app's own scheduler (as a manual run), twice: one order.
    await sections.getByRole('button', { name: 'Ordens de serviço' }).click();
    const orders = page.getByRole('table', { name: 'Ordens de serviço' });
    await orders.getByText('Nenhuma ordem de serviço').waitFor();
    const job = services.scheduler.jobs.find((candidate) => candidate.name === 'inventory.maintenance_plans')!;
    const tenant = { id: tenantId, slug: dashboard.tenant.slug, timezone: 'America/Sao_Paulo' };
    const first = await services.scheduler.runSlot(job, tenant, new Date(), 'manual');
    expect(first).toMatchObject({ status: 'succeeded', stats: { created: 1 } });
    const again = await services.scheduler.runSlot(job, tenant, new Date(Date.now() + 1), 'manual');
    expect(again).toMatchObject({ status: 'succeeded', stats: { created: 0 } });

    // The order arrives by the live stream, with its SLA clock counting down.
    await orders.getByText('Revisão mensal do gerador').waitFor({ timeout: 10_000 });
    const clock = orders.getByTestId('sla-clock');
    await clock.getByText(/Resposta: 1 h 5\d min \d\d s restantes/).waitFor();
    await clock.getByText(/Solução: 11 h \d\d min \d\d s restantes/).waitFor();
    const before = await clock.textContent();
    await expect.poll(() => clock.textContent(), { timeout: 5_000 }).not.toBe(before);
    expect((await assetState(services.db, tenantId, asset.id)).status).toBe('in_maintenance');
    await screenshot(page, 'inventory-maintenance-orders');

    // Opened: the response stops the respond clock; done hands the asset back; then the rating.
    await orders.getByRole('button', { name: /^Abrir OS \d+$/ }).click();
    const detail = page.getByTestId('order-detail');
    await detail
      .getByTestId('sla-clock')
      .getByText(/Resposta: 1 h/)
      .waitFor();
    await detail.getByRole('button', { name: 'Iniciar atendimento' }).click();
    await detail.getByTestId('sla-clock').getByText('Resposta: cumprido').waitFor();
    await detail.getByRole('button', { name: 'Concluir' }).click();
    const complete = page.getByRole('dialog', { name: /^Concluir a OS/ });
    await complete.getByLabel('Custo (R$)').fill('350,00');
    await complete.getByRole('button', { name: 'Concluir' }).click();
    await detail.getByText('R$ 350,00').waitFor();
    await detail.getByTestId('sla-clock').getByText('Solução: cumprido').waitFor();
    expect((await assetState(services.db, tenantId, asset.id)).status).toBe('available');
    const rating = page.getByRole('form', { name: 'Avaliação do serviço' });
    await rating.getByLabel('Nota').selectOption('4');
    await rating.getByLabel('Comentário').fill('Atendimento rápido');
    await rating.getByRole('button', { name: 'Avaliar' }).click();
    await detail.getByText(/Avaliação: ★★★★ · Atendimento rápido/).waitFor();
    await screenshot(page, 'inventory-maintenance-order');
  });
});
