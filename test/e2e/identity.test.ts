import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/bootstrap';
import { callerFor, seedTenant, startTestApp, type TestTenant } from '../support/app';
import { documentStillMarked, launchBrowser, logIn, markDocument, newPage, openSection, screenshot } from './support/browser';

describe('dashboard: users, audit, live activity and API tokens', () => {
  let running: RunningApp & { url: string };
  let tenant: TestTenant;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    running = await startTestApp();
    tenant = await seedTenant(running.services, { modules: ['helpdesk'] });
    browser = await launchBrowser();
    ({ page } = await newPage(browser, running.url));
    await logIn(page, tenant);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  const ownerCaller = () => callerFor(running.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
  const usersTable = () => page.getByRole('table', { name: 'Usuários' });
  const rowOf = (table: ReturnType<Page['getByRole']>, text: string) => table.getByRole('row').filter({ hasText: text });

  it('shows the server validation errors beside the fields', async () => {
    await openSection(page, 'Usuários e papéis');
    const form = page.getByRole('form', { name: 'Novo usuário' });
    await form.getByRole('radio', { name: 'Definir senha' }).check();
    await form.getByLabel('Nome').fill('Sem Senha');
    await form.getByLabel('E-mail').fill('nao-e-email');
    await form.getByLabel('Senha inicial').fill('curta');
    await form.getByRole('button', { name: 'Criar usuário' }).click();
    await form.getByTestId('field-error').first().waitFor();
    const messages = await form.getByTestId('field-error').allTextContents();
    expect(messages).toEqual(expect.arrayContaining(['E-mail inválido', expect.stringContaining('A senha precisa de ao menos')]));
    await screenshot(page, 'users-validation');
  });

  it('creates a user and gives them another role', async () => {
    const form = page.getByRole('form', { name: 'Novo usuário' });
    await form.getByRole('radio', { name: 'Definir senha' }).check();
    await form.getByLabel('Nome').fill('Carla Atendente');
    await form.getByLabel('E-mail').fill('carla@exemplo.test');
    await form.getByLabel('Senha inicial').fill('senha-bem-segura-1');
    await form.getByLabel('Papel').selectOption({ label: 'Atendente' });
    await form.getByRole('button', { name: 'Criar usuário' }).click();
    await rowOf(usersTable(), 'carla@exemplo.test').waitFor();
    expect(await form.getByLabel('Nome').inputValue()).toBe('');

    await usersTable().getByLabel('Papel de Carla Atendente').selectOption({ label: 'Gerente' });
    await page.getByRole('status').filter({ hasText: 'Carla Atendente agora é Gerente' }).waitFor();
    const users = await (await ownerCaller()).users.list();
    expect(users.find((user) => user.email === 'carla@exemplo.test')).toMatchObject({ role: 'manager', active: true });
    await screenshot(page, 'users');
  });

  it('shows changes made elsewhere without a reload: users list, audit entry and activity item', async () => {
    await markDocument(page);
    const caller = await ownerCaller();
    await caller.users.create({ email: 'dora@exemplo.test', name: 'Dora Remota', password: 'outra-senha-segura', role: 'viewer' });
    await rowOf(usersTable(), 'dora@exemplo.test').waitFor();

    await openSection(page, 'Auditoria');
    const audit = page.getByRole('table', { name: 'Registro de auditoria' });
    await rowOf(audit, 'dora@exemplo.test').filter({ hasText: 'user.create' }).waitFor();
    await caller.users.update({
      id: (await caller.users.list()).find((user) => user.email === 'dora@exemplo.test')!.id,
      name: 'Dora Renomeada',
    });
    await rowOf(audit, 'Dora Renomeada').filter({ hasText: 'user.update' }).waitFor();
    await screenshot(page, 'audit');

    await openSection(page, 'Atividade');
    const feed = page.getByTestId('activity-feed');
    await feed.getByTestId('activity-item').filter({ hasText: 'Usuário criado' }).filter({ hasText: 'Dora Remota' }).waitFor();
    const items = feed.getByTestId('activity-item');
    const newestTypes = await Promise.all([0, 1].map((index) => items.nth(index).getAttribute('data-event-type')));
    expect(newestTypes).toEqual(['user.updated', 'user.created']); // newest first
    expect(await page.getByTestId('connection-status').first().getAttribute('data-status')).toBe('live');
    expect(await documentStillMarked(page)).toBe(true);
    await screenshot(page, 'activity');
  });

  it('filters the audit log and exports it as CSV', async () => {
    await openSection(page, 'Auditoria');
    const audit = page.getByRole('table', { name: 'Registro de auditoria' });
    await page.getByLabel('Ação').fill('auth.');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await rowOf(audit, 'auth.login').first().waitFor();
    await expect.poll(() => rowOf(audit, 'user.create').count()).toBe(0);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exportar CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^auditoria-.*\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8');
    expect(csv).toContain('auth.login');
    expect(csv).not.toContain('user.create');
    await page.getByRole('button', { name: 'Limpar' }).click();
    await rowOf(audit, 'user.create').first().waitFor();
  });

  it('creates an API token shown once, which works, then revokes it', async () => {
    await openSection(page, 'Tokens de API');
    const form = page.getByRole('form', { name: 'Novo token' });
    await form.getByLabel('Nome').fill('Integração ERP');
    await form.getByRole('checkbox', { name: /^audit\.export/ }).check();
    await form.getByRole('button', { name: 'Criar token' }).click();

    const dialog = page.getByTestId('token-created-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('não será mostrado novamente');
    const secret = await dialog.getByTestId('created-token').inputValue();
    expect(secret).toMatch(/^bal_/);
    await dialog.getByRole('button', { name: 'Copiar' }).waitFor();
    await screenshot(page, 'token-created');
    await dialog.getByRole('button', { name: /fechar/ }).click();

    const tokens = page.getByRole('table', { name: 'Tokens de API' });
    const row = rowOf(tokens, 'Integração ERP');
    await row.getByText('Ativo').waitFor();
    expect(await page.content()).not.toContain(secret);
    const allowed = await fetch(`${running.url}/api/v1/audit/export?format=json`, { headers: { authorization: `Bearer ${secret}` } });
    expect(allowed.status).toBe(200);

    await row.getByRole('button', { name: 'Revogar' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revogar' }).click();
    await row.getByText('Revogado').waitFor();
    const refused = await fetch(`${running.url}/api/v1/audit/export?format=json`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
    await screenshot(page, 'tokens');
  });

  it('a deactivated user is sent back to the login page at once', async () => {
    const caller = await ownerCaller();
    const created = await caller.users.create({
      email: 'eva@exemplo.test',
      name: 'Eva Agente',
      password: 'senha-da-eva-segura',
      role: 'agent',
    });
    const { page: evaPage } = await newPage(browser, running.url);
    await logIn(evaPage, tenant, { email: 'eva@exemplo.test', password: 'senha-da-eva-segura' });
    // An agent sees only the activity feed among the platform sections, and the helpdesk pages of their role.
    expect(await evaPage.getByRole('navigation', { name: 'Seções' }).getByRole('link').allTextContents()).toEqual([
      'Atividade',
      'Atendimento',
      'Contatos',
      'Respostas rápidas',
      'Canais',
    ]);
    await evaPage.locator('[data-testid="connection-status"][data-status="live"]').first().waitFor();

    await usersTable().isVisible(); // the owner's page stays where it is
    await caller.users.deactivate({ id: created.id });
    await evaPage.getByRole('button', { name: 'Entrar' }).waitFor();
    expect(await evaPage.getByRole('status').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('desativado')]));
    await evaPage.context().close();
  });
});
