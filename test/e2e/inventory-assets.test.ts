import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from '../support/inventory-assets';
import { openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

describe('dashboard: Inventário — ativos, localizações, etiquetas', () => {
  let dashboard: SignedInDashboard;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['inventory'] });
    page = dashboard.page;
  });
  afterAll(() => dashboard?.close());

  /** Clicks and answers the file the browser saved. */
  async function downloaded(button: Locator): Promise<Buffer> {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return readFileSync((await download.path())!);
  }

  it('flow 1: creates a location tree and assets, with the category’s fields and a photo', async () => {
    await openSection(page, 'Localizações');
    const placeForm = page.getByRole('form', { name: 'Nova localização' });
    await placeForm.getByLabel('Tipo de local').selectOption('unit');
    await placeForm.getByLabel('Nome da localização').fill('Sede Recife');
    await placeForm.getByLabel('Código').fill('REC');
    await placeForm.getByLabel('Latitude').fill('-8,0476');
    await placeForm.getByLabel('Longitude').fill('-34,877');
    await placeForm.getByRole('button', { name: 'Criar localização' }).click();
    const tree = page.getByRole('table', { name: 'Árvore de localizações' });
    await tree.getByText('Sede Recife').waitFor();

    const inside = async (parent: string, name: string, code: string) => {
      await page.getByRole('button', { name: `Adicionar dentro de ${parent}` }).click();
      await placeForm.getByLabel('Nome da localização').fill(name);
      await placeForm.getByLabel('Código').fill(code);
      await placeForm.getByRole('button', { name: 'Criar localização' }).click();
      await tree.getByText(name, { exact: true }).waitFor();
    };
    await inside('Sede Recife', 'Bloco A', 'REC-A');
    await inside('Bloco A', '1º andar', 'REC-A-1');
    await inside('1º andar', 'Sala 101', 'REC-A-101');
    // A code taken: the server's refusal shows beside the field.
    await placeForm.getByLabel('Nome da localização').fill('Sala repetida');
    await placeForm.getByLabel('Código').fill('REC-A-101');
    await placeForm.getByRole('button', { name: 'Criar localização' }).click();
    await expect.poll(() => placeForm.getByTestId('field-error').first().textContent()).toBe('Já existe uma localização com este código');
    await screenshot(page, 'inventory-locations');

    await openSection(page, 'Categorias');
    const categoryForm = page.getByRole('form', { name: 'Nova categoria' });
    await categoryForm.getByLabel('Nome da categoria').fill('Informática');
    await categoryForm.getByRole('button', { name: 'Adicionar campo' }).click();
    await categoryForm.getByLabel('Chave do campo 1').fill('marca');
    await categoryForm.getByLabel('Rótulo do campo 1').fill('Marca');
    await categoryForm.getByLabel('Obrigatório').check();
    await categoryForm.getByRole('button', { name: 'Criar categoria' }).click();
    await page.getByRole('table', { name: 'Árvore de categorias' }).getByText('Marca · texto').waitFor();

    const owner = await dashboard.ownerCaller();
    const room = (await owner.inventory.locations.list()).find((place) => place.code === 'REC-A-101')!;
    const category = (await owner.inventory.categories.list()).find((item) => item.name === 'Informática')!;
    await openSection(page, 'Ativos');
    const assetForm = page.getByRole('form', { name: 'Novo ativo' });
    await assetForm.getByLabel('Nome do ativo').fill('Notebook Dell Latitude');
    await assetForm.getByLabel('Categoria').selectOption(category.id);
    await assetForm.getByLabel('Localização').selectOption(room.id);
    await assetForm.getByLabel('Valor de compra (R$)').fill('6.899,90');
    await assetForm.getByLabel('Número de série').fill('SN-DELL-0001');
    await assetForm.getByRole('button', { name: 'Cadastrar ativo' }).click();
    // The category's required field, refused by the server beside it.
    await expect.poll(() => assetForm.getByTestId('field-error').first().textContent()).toBe('Marca: obrigatório');
    await assetForm.getByLabel('Marca').fill('Dell');
    await assetForm.getByRole('button', { name: 'Cadastrar ativo' }).click();
    const assets = page.getByRole('table', { name: 'Ativos' });
    await assets.getByRole('link', { name: 'Notebook Dell Latitude' }).waitFor();
    await assetForm.getByLabel('Nome do ativo').fill('Cadeira giratória');
    await assetForm.getByLabel('Localização').selectOption(room.id);
    await assetForm.getByRole('button', { name: 'Cadastrar ativo' }).click();
    await assets.getByRole('link', { name: 'Cadeira giratória' }).waitFor();

    await openSection(page, 'Localizações');
    await page.getByRole('button', { name: 'Contagens de Sede Recife' }).click();
    await expect.poll(() => page.getByTestId('location-total').textContent()).toBe('2');

    await openSection(page, 'Ativos');
    await assets.getByRole('link', { name: 'Notebook Dell Latitude' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notebook Dell Latitude' }).waitFor();
    await page.getByText('Sede Recife › Bloco A › 1º andar › Sala 101').waitFor();
    await page.getByText('R$ 6.899,90').waitFor();
    await page.getByRole('img', { name: /QR da etiqueta PAT-\d{6}/ }).waitFor();
    await page.getByLabel('Arquivo').setInputFiles({ name: 'frente.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Enviar anexo' }).click();
    await page.getByRole('list', { name: 'Anexos do ativo' }).getByRole('button', { name: 'frente.png' }).waitFor();
    const label = await downloaded(page.getByRole('button', { name: 'Baixar etiqueta' }));
    expect((await PDFDocument.load(label)).getPageCount()).toBe(1);
    await screenshot(page, 'inventory-asset');
  });

  it('flow 2: prints a label sheet for the selected assets', async () => {
    const owner = await dashboard.ownerCaller();
    for (let index = 1; index <= 24; index += 1)
      await owner.inventory.assets.create({ name: `Cadeira de reunião ${index}`, patrimonio: `PR-${index}` });
    await openSection(page, 'Ativos');
    const assets = page.getByRole('table', { name: 'Ativos' });
    await assets.getByRole('link', { name: 'Cadeira de reunião 24' }).waitFor();
    const boxes = assets.getByRole('checkbox', { name: /^Selecionar / });
    expect(await boxes.count()).toBe(26);
    for (const box of await boxes.all()) await box.check();
    const sheet = await downloaded(page.getByRole('button', { name: 'Imprimir etiquetas (26)' }));
    const pdf = await PDFDocument.load(sheet);
    expect(pdf.getTitle()).toBe('Etiquetas (26)');
    expect(pdf.getPageCount()).toBe(2); // 3 × 8 labels per A4 page
  });

  it('opens an asset by its typed tag, and says so when a tag is unknown', async () => {
    const owner = await dashboard.ownerCaller();
    const [notebook] = (await owner.inventory.assets.list({ q: 'Notebook Dell' })).items;
    await openSection(page, 'Escanear etiqueta');
    await page.getByLabel('Etiqueta').fill(notebook!.tag.toLowerCase());
    await page.getByRole('button', { name: 'Abrir ativo' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notebook Dell Latitude' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/inventario/ativos/${notebook!.id}`);

    await openSection(page, 'Escanear etiqueta');
    await page.getByLabel('Etiqueta').fill('PAT-999999');
    await page.getByRole('button', { name: 'Abrir ativo' }).click();
    await page.getByRole('alert').filter({ hasText: 'Etiqueta não encontrada' }).waitFor();
  });

  it('shows the bad rows of a CSV import with their lines, and the dashboard follows live', async () => {
    await openSection(page, 'Ativos');
    await page.getByRole('button', { name: 'Importar CSV' }).click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByLabel('Arquivo CSV').setInputFiles({
      name: 'ativos.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('nome,localizacao\nMesa nova,REC-A-101\nMesa perdida,NAO-EXISTE\n'),
    });
    await dialog.getByRole('button', { name: 'Conferir arquivo' }).click();
    const errors = dialog.getByRole('table', { name: 'Linhas com erro' });
    await errors.getByText('Localização NAO-EXISTE não encontrada (use o código)').waitFor();
    expect(await errors.getByRole('row').nth(1).getByRole('cell').first().textContent()).toBe('3');
    await dialog.getByRole('button', { name: 'Cancelar' }).click();

    await openSection(page, 'Visão do inventário');
    const total = page.getByTestId('kpi-assets');
    await expect.poll(() => total.textContent()).toBe('26');
    await page.getByRole('img', { name: 'Ativos por situação' }).waitFor();
    const owner = await dashboard.ownerCaller();
    await owner.inventory.assets.create({ name: 'Projetor novo' });
    await expect.poll(() => total.textContent(), { timeout: 10_000 }).toBe('27');
    await screenshot(page, 'inventory-dashboard');
  });
});
