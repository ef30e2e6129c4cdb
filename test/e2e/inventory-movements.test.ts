import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant-scope';
import { approvedLoan, furnishLendingWorld, inDays, type LendingWorld } from '../support/inventory-movements';
import { logIn, newPage, openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

/** Draws a signature-like zigzag across the canvas with the mouse, as a finger would. */
async function drawSignature(page: Page): Promise<void> {
  const box = (await page.getByTestId('signature-pad').boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 20, y);
  await page.mouse.down();
  for (let step = 1; step <= 12; step += 1)
    await page.mouse.move(box.x + 20 + step * ((box.width - 40) / 12), y + (step % 2 === 0 ? -30 : 30), { steps: 4 });
  await page.mouse.up();
}

describe('dashboard: Movimentações (loans with approval and a responsibility term)', () => {
  let dashboard: SignedInDashboard;
  let world: LendingWorld;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['inventory'] });
    page = dashboard.page;
    world = await furnishLendingWorld(dashboard.running.services, dashboard.tenant);
  });
  afterAll(() => dashboard?.close());

  const termOf = (movementId: string) =>
    withTenant(dashboard.running.services.db, dashboard.tenant.tenantId, (trx) =>
      trx
        .selectFrom('inventory_loan_terms')
        .innerJoin('inventory_loans', 'inventory_loans.id', 'inventory_loan_terms.loan_id')
        .selectAll('inventory_loan_terms')
        .where('inventory_loans.movement_id', '=', movementId)
        .where('inventory_loan_terms.status', '<>', 'void')
        .executeTakeFirstOrThrow(),
    );

  it('flow 3: a loan is requested, approved by the manager of its place, signed on the pad, handed over and returned', async () => {
    const asset = await world.newAsset('Notebook Dell');

    // The owner asks for the loan.
    await openSection(page, 'Movimentações');
    const form = page.getByRole('form', { name: 'Nova movimentação' });
    await form.getByLabel('Buscar ativo').fill(asset.tag);
    await form.getByLabel('Ativo', { exact: true }).selectOption({ label: `${asset.tag} · Notebook Dell` });
    await form.getByLabel('Tipo', { exact: true }).selectOption({ label: 'Empréstimo a terceiro' });
    await form.getByLabel('Nome do tomador').fill('Carla Souza');
    // Without a document the server says so beside the field.
    await form.getByLabel('Devolver até').fill(inDays(5).slice(0, 10));
    await form.getByRole('button', { name: 'Pedir movimentação' }).click();
    await form.getByTestId('field-error').filter({ hasText: 'documento' }).waitFor();
    await form.getByLabel('Documento (CPF, CNPJ ou RG)').fill('123.456.789-09');
    await form.getByLabel('Motivo').fill('Visita a cliente');
    await form.getByRole('button', { name: 'Pedir movimentação' }).click();
    await page.getByRole('heading', { level: 1, name: `Empréstimo a terceiro · ${asset.tag}` }).waitFor();
    await expect.poll(() => page.getByTestId('movement-status').textContent()).toBe('Pedida');
    const movementId = page.url().split('/').at(-1)!;

    // The building's manager (the asset is in its room) approves, in a browser of their own.
    const managerSide = await newPage(dashboard.browser, dashboard.running.url);
    const manager = managerSide.page;
    await logIn(manager, dashboard.tenant, world.manager.user);
    await openSection(manager, 'Movimentações');
    const row = manager.getByRole('table', { name: 'Movimentações', exact: true }).getByRole('row').filter({ hasText: asset.tag });
    await row.getByRole('button', { name: 'Aprovar' }).click();
    const approve = manager.getByRole('dialog', { name: 'Aprovar movimentação' });
    await approve.getByLabel('Observação (opcional)').fill('Levar com a capa');
    await approve.getByRole('button', { name: 'Aprovar' }).click();
    await approve.waitFor({ state: 'detached' });
    // The owner's page follows live: approved, the term waiting.
    await expect.poll(() => page.getByTestId('movement-status').textContent(), { timeout: 10_000 }).toBe('Aprovada');
    await expect.poll(() => page.getByTestId('term-status').textContent(), { timeout: 10_000 }).toBe('Aguardando aceite');

    await row.getByRole('link', { name: asset.tag }).click();
    await manager.getByTestId('term-panel').waitFor();
    await expect.poll(() => manager.getByTestId('awaiting-term').count()).toBe(1);
    await manager.getByRole('button', { name: 'Assinar na tela' }).click();
    const signature = manager.getByRole('dialog', { name: 'Assinar na tela' });
    // An empty pad is refused before anything is sent.
    await signature.getByRole('button', { name: 'Confirmar assinatura' }).click();
    await signature.getByTestId('field-error').filter({ hasText: 'Desenhe a assinatura' }).waitFor();
    await drawSignature(manager);
    await screenshot(manager, 'inventory-term-signature');
    await signature.getByRole('button', { name: 'Confirmar assinatura' }).click();
    await signature.waitFor({ state: 'detached' });
    await expect.poll(() => manager.getByTestId('term-status').textContent()).toBe('Aceito');
    await expect.poll(() => manager.getByTestId('term-acceptance').textContent()).toContain('assinado na tela por Carla Souza');

    // The signed PDF downloads, and its bytes are the stored ones.
    const [download] = await Promise.all([manager.waitForEvent('download'), manager.getByRole('button', { name: 'Baixar PDF' }).click()]);
    expect(download.suggestedFilename()).toBe(`termo-${asset.tag}-assinado.pdf`);
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const stored = await termOf(movementId);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored.pdf_sha256);
    expect(stored).toMatchObject({ status: 'accepted', acceptance_method: 'signature_pad', signer_name: 'Carla Souza' });

    // Handed over, then back.
    await manager.getByRole('button', { name: 'Executar' }).click();
    await manager.getByRole('dialog', { name: 'Entregar o ativo emprestado' }).getByRole('button', { name: 'Executar' }).click();
    await expect.poll(() => manager.getByTestId('movement-status').textContent()).toBe('Executada');
    await manager.getByRole('button', { name: 'Registrar devolução' }).click();
    const giveBack = manager.getByRole('dialog', { name: 'Registrar devolução' });
    await giveBack.getByLabel('Estado na devolução').fill('Sem avarias');
    await giveBack.getByRole('button', { name: 'Registrar devolução' }).click();
    await expect.poll(() => manager.getByTestId('movement-status').textContent()).toBe('Devolvida');
    const trail = manager.getByRole('table', { name: 'Trilha da movimentação' });
    for (const step of ['Pedido', 'Aprovação', 'Termo aceito', 'Execução', 'Devolução'])
      await trail.getByRole('cell', { name: step, exact: true }).waitFor();
    await trail.getByRole('cell', { name: 'Sem avarias' }).waitFor();
    await screenshot(manager, 'inventory-movement-returned');
    await expect.poll(() => page.getByTestId('movement-status').textContent(), { timeout: 10_000 }).toBe('Devolvida');
    await managerSide.context.close();

    const asStored = await withTenant(dashboard.running.services.db, dashboard.tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_assets').select('status').where('id', '=', asset.id).executeTakeFirstOrThrow(),
    );
    expect(asStored.status).toBe('available');
  }, 150_000); // the longest flow: two people, a dialog per step

  it('the borrower accepts the term by link, without logging in', async () => {
    const asset = await world.newAsset('Câmera Sony');
    const { movement, termId } = await approvedLoan(world, asset.id);
    const link = await world.manager.caller.inventory.terms.createAcceptanceLink({ termId });
    const borrowerSide = await newPage(dashboard.browser, dashboard.running.url);
    const borrower = borrowerSide.page;

    await borrower.goto(`/termo/${'Z'.repeat(43)}`);
    await expect.poll(() => borrower.getByTestId('term-unavailable').textContent()).toContain('Link de aceite não encontrado');

    await borrower.goto(new URL(link.url).pathname);
    const term = borrower.getByRole('article', { name: 'Termo de responsabilidade' });
    await term.getByText(asset.tag, { exact: true }).waitFor();
    await term.getByText('Carla Souza', { exact: true }).waitFor();
    const acceptance = borrower.getByRole('form', { name: 'Aceite do termo' });
    await acceptance.getByLabel('Seu nome completo').fill('Carla Souza Lima');
    await acceptance.getByRole('button', { name: 'Aceitar termo' }).click();
    await acceptance.getByTestId('field-error').filter({ hasText: 'Marque que leu' }).waitFor();
    await acceptance.getByLabel('Li o termo e aceito as responsabilidades').check();
    await acceptance.getByRole('button', { name: 'Aceitar termo' }).click();
    await expect.poll(() => borrower.getByTestId('term-accepted').textContent()).toContain('Termo aceito por Carla Souza Lima');
    await screenshot(borrower, 'inventory-term-link-accepted');
    await borrowerSide.context.close();

    const stored = await termOf(movement.id);
    expect(stored).toMatchObject({ status: 'accepted', acceptance_method: 'link', signer_name: 'Carla Souza Lima' });
    expect(stored.accepted_ip).toMatch(/127\.0\.0\.1|::1/);
    expect(Date.now() - stored.accepted_at!.getTime()).toBeLessThan(60_000);

    // The dashboard shows it accepted, and the loan can go out.
    await page.goto(`/inventario/movimentacoes/${movement.id}`);
    await expect.poll(() => page.getByTestId('term-acceptance').textContent()).toContain('aceito pelo link por Carla Souza Lima');
  });
});
