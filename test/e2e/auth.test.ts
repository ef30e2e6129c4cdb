import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/bootstrap';
import { seedTenant, startTestApp, type TestTenant } from '../support/app';
import { fillLogin, launchBrowser, logIn, newPage, screenshot } from './support/browser';

describe('dashboard sign-in', () => {
  let running: RunningApp & { url: string };
  let tenant: TestTenant;
  let browser: Browser;

  beforeAll(async () => {
    running = await startTestApp();
    tenant = await seedTenant(running.services, { modules: ['helpdesk', 'agenda'] });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function freshPage(): Promise<Page> {
    return (await newPage(browser, running.url)).page;
  }

  it('shows the server message when the login fails', async () => {
    const page = await freshPage();
    await page.goto('/');
    await fillLogin(page, { tenant: tenant.slug, email: tenant.ownerEmail, password: 'wrong password' });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('E-mail, senha ou empresa inválidos');
    expect(await page.getByLabel('Senha').inputValue()).toBe('');
    await screenshot(page, 'login-error');
    await page.context().close();
  });

  it('logs in, shows the shell, and a reload keeps the session through the refresh cookie', async () => {
    const page = await freshPage();
    await logIn(page, tenant);
    expect(await page.getByTestId('tenant-name').textContent()).toBe(`Tenant ${tenant.slug}`);
    const user = await page.getByTestId('current-user').textContent();
    expect(user).toContain('Owner');
    expect(user).toContain('Proprietário');
    // The owner sees every platform section, then the pages of the modules the tenant has on.
    const nav = page.getByRole('navigation', { name: 'Seções' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Usuários e papéis',
      'Tokens de API',
      'Dispositivos',
      'Auditoria',
      'Execuções de tarefas',
      'Atividade',
      'Atendimento',
      'Contatos',
      'Respostas rápidas',
      'Filas',
      'Canais',
      'API externa',
      'Agenda',
      'Autorizações pendentes',
      'Clientes',
      'Serviços',
      'Profissionais',
      'Campanhas',
      'Conversas',
      'Configurações',
    ]);
    expect(new URL(page.url()).pathname).toBe('/usuarios');
    // The refresh token is an httpOnly cookie scoped to /trpc; the page's scripts cannot read it.
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'balcao_rt')).toMatchObject({ httpOnly: true, path: '/trpc', sameSite: 'Strict' });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).not.toContain(
      'balcao_rt',
    );

    await page.reload();
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByRole('button', { name: 'Entrar' }).count()).toBe(0);
    await page.context().close();
  });

  it('logs out, back to the login page with the last tenant remembered, and in again', async () => {
    const page = await freshPage();
    await logIn(page, tenant);
    await page.getByRole('button', { name: 'Sair' }).click();
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    expect(await page.getByLabel('Empresa').inputValue()).toBe(tenant.slug);
    // The cookie is gone: a reload stays on the login page.
    await page.reload();
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    expect(await page.getByTestId('current-user').count()).toBe(0);

    await page.getByLabel('E-mail').fill(tenant.ownerEmail);
    await page.getByLabel('Senha').fill(tenant.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByTestId('current-user').waitFor();
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    await page.context().close();
  });
});
