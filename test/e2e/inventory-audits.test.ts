import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetState, seedAsset, seedAuditWorld, type SeededAsset } from '../support/inventory-audits';
import { openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

describe('dashboard: Inventários físicos (flow 4)', () => {
  let dashboard: SignedInDashboard;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['inventory'] });
    page = dashboard.page;
  });
  afterAll(() => dashboard?.close());

  it('runs an audit in which one asset is missing and one is unexpected, then corrects them, and downloads the report', async () => {
    const { db } = dashboard.running.services;
    const { tenantId } = dashboard.tenant;
    const world = await seedAuditWorld(db, tenantId);
    const onShelf: SeededAsset[] = [];
    for (const name of ['Notebook Dell', 'Monitor LG']) onShelf.push(await seedAsset(db, tenantId, { name, locationId: world.roomA.id }));
    const missing = await seedAsset(db, tenantId, { name: 'Projetor Epson', locationId: world.roomA.id });
    const stray = await seedAsset(db, tenantId, { name: 'Cadeira do anexo', locationId: world.annex.id });

    await openSection(page, 'Inventários físicos');
    const form = page.getByRole('form', { name: 'Novo inventário' });
    await form.getByLabel('Nome do inventário').fill('Inventário do prédio');
    await form.getByLabel('Local (com os sublocais)').selectOption(world.building.id);
    await form.getByRole('button', { name: 'Criar inventário' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inventário do prédio' }).waitFor();
    await page.getByText('Prédio Sede e sublocais').waitFor();

    await page.getByRole('button', { name: 'Iniciar contagem' }).click();
    const count = (figure: string) => page.getByTestId(`audit-count-${figure}`);
    await expect.poll(() => count('expected').textContent(), { timeout: 10_000 }).toBe('3');
    await expect.poll(() => count('pending').textContent()).toBe('3');

    // Scanning in room 101: two labels on the shelf, one that belongs to the annex; the projector is nowhere.
    const scanBox = page.getByRole('region', { name: 'Leitura de etiquetas' });
    await scanBox.getByLabel('Onde estou').selectOption(world.roomA.id);
    const readings = scanBox.getByRole('list', { name: 'Últimas leituras' });
    for (const asset of [...onShelf, stray]) {
      await scanBox.getByLabel('Etiqueta ou código lido').fill(asset.tag);
      await scanBox.getByRole('button', { name: 'Registrar' }).click();
      await readings.getByText(asset.tag).waitFor();
    }
    await readings.getByText('Inesperado').waitFor();
    await scanBox.getByLabel('Etiqueta ou código lido').fill('PAT-999999');
    await scanBox.getByRole('button', { name: 'Registrar' }).click();
    await readings.getByText('Etiqueta não encontrada').waitFor();
    await expect.poll(() => count('found').textContent(), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => count('unexpected').textContent()).toBe('1');
    await expect.poll(() => count('pending').textContent()).toBe('1');

    // Someone else scans at the same time: their reading arrives by the live stream.
    const owner = await dashboard.ownerCaller();
    const audit = (await owner.inventory.audits.list()).items[0]!;
    await owner.inventory.audits.scan({ auditId: audit.id, code: onShelf[0]!.tag, locationId: world.roomA.id });
    await screenshot(page, 'inventory-audit-scanning');

    await page.getByRole('button', { name: 'Encerrar inventário' }).click();
    await page.getByRole('dialog', { name: 'Encerrar o inventário?' }).getByRole('button', { name: 'Encerrar' }).click();
    await expect.poll(() => count('missing').textContent(), { timeout: 10_000 }).toBe('1');
    // Closing changed no asset: corrections are explicit.
    expect((await assetState(db, tenantId, missing.id)).status).toBe('available');
    expect((await assetState(db, tenantId, stray.id)).location_id).toBe(world.annex.id);

    const items = page.getByRole('table', { name: 'Itens: Faltando' });
    await items.getByRole('button', { name: `Marcar como extraviado: ${missing.tag}` }).click();
    await items.getByText('Marcado como extraviado').waitFor();
    await page.getByRole('group', { name: 'Lista' }).getByRole('button', { name: 'Inesperado (1)' }).click();
    const unexpected = page.getByRole('table', { name: 'Itens: Inesperado' });
    await unexpected.getByRole('button', { name: `Mover para cá: ${stray.tag}` }).click();
    await unexpected.getByText('Movido para cá').waitFor();
    await expect.poll(() => count('resolved').textContent(), { timeout: 10_000 }).toBe('2');
    expect((await assetState(db, tenantId, missing.id)).status).toBe('lost');
    expect((await assetState(db, tenantId, stray.id)).location_id).toBe(world.roomA.id);
    await screenshot(page, 'inventory-audit-corrected');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Relatório CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('inventario-inventario-do-predio.csv');
    for (const status of ['FOUND', 'MISSING', 'UNEXPECTED']) expect(csv).toContain(status);
    expect(csv.trim().split('\r\n')).toHaveLength(1 + 4);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Relatório PDF' }).click()]);
    expect(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});
