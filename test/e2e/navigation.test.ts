import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/bootstrap';
import { callerFor, seedTenant, startTestApp, TEST_PASSWORD, type TestTenant } from '../support/app';
import { documentStillMarked, launchBrowser, logIn, markDocument, newPage, openSection, screenshot } from './support/browser';

const VIEWER = { email: 'vera@exemplo.test', name: 'Vera Leitora' };

describe('dashboard navigation', () => {
  let running: RunningApp & { url: string };
  let tenant: TestTenant;
  let helpdeskOnly: TestTenant;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    running = await startTestApp();
    tenant = await seedTenant(running.services, { modules: ['helpdesk', 'agenda'] });
    helpdeskOnly = await seedTenant(running.services, { modules: ['helpdesk'] });
    const owner = await callerFor(running.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
    await owner.users.create({ ...VIEWER, password: TEST_PASSWORD, role: 'viewer' });
    browser = await launchBrowser();
    page = (await newPage(browser, running.url)).page;
    await logIn(page, tenant);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  const pathOf = (url: string) => {
    const { pathname, search } = new URL(url);
    return `${pathname}${search}`;
  };

  it('opens module pages at their nested paths, through the sidebar without a reload and by address', async () => {
    await markDocument(page);
    await openSection(page, 'Filas');
    expect(pathOf(page.url())).toBe('/atendimento/filas');
    const nav = page.getByRole('navigation', { name: 'Seções' });
    expect(await nav.locator('[aria-current="page"]').allTextContents()).toEqual(['Filas']);
    await openSection(page, 'Clientes');
    expect(pathOf(page.url())).toBe('/agenda/clientes');
    expect(await documentStillMarked(page)).toBe(true);

    await page.goto('/agenda/configuracoes');
    await page.getByRole('heading', { level: 1, name: 'Configurações' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Clientes' }).waitFor();
    expect(pathOf(page.url())).toBe('/agenda/clientes');
  });

  it('redirects the former paths to the nested ones, keeping the query string', async () => {
    await page.goto('/clientes?busca=ana&pagina=2');
    await page.getByRole('heading', { level: 1, name: 'Clientes' }).waitFor();
    expect(pathOf(page.url())).toBe('/agenda/clientes?busca=ana&pagina=2');
    await page.goto('/configuracoes-agenda?aba=integracao');
    await page.getByRole('heading', { level: 1, name: 'Configurações' }).waitFor();
    expect(pathOf(page.url())).toBe('/agenda/configuracoes?aba=integracao');
    await page.goto('/contatos');
    await page.getByRole('heading', { level: 1, name: 'Contatos' }).waitFor();
    expect(pathOf(page.url())).toBe('/atendimento/contatos');
    // The redirect replaces the former address in the history.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Configurações' }).waitFor();
    expect(pathOf(page.url())).toBe('/agenda/configuracoes?aba=integracao');
  });

  it('answers an unknown path with a not-found page inside the shell, with a way home', async () => {
    await page.goto('/agenda/nao-existe');
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('not-found').textContent()).toContain('Página não encontrada');
    expect(await page.getByTestId('current-user').count()).toBe(1);
    await screenshot(page, 'not-found');
    await page.getByRole('link', { name: 'Ir para o início' }).click();
    await page.getByRole('heading', { level: 1, name: 'Usuários e papéis' }).waitFor();
    expect(pathOf(page.url())).toBe('/usuarios');
  });

  it('keeps a page from whoever may not open it: by permission, and by module', async () => {
    const viewer = (await newPage(browser, running.url)).page;
    await logIn(viewer, tenant, { email: VIEWER.email, password: TEST_PASSWORD });
    await viewer.goto('/atendimento/contatos');
    await viewer.getByRole('heading', { level: 1, name: 'Contatos' }).waitFor();
    // Queues are configuration: helpdesk.queues.write.
    await viewer.goto('/atendimento/filas');
    await viewer.getByTestId('not-found').waitFor();
    expect(await viewer.getByRole('heading', { level: 1, name: 'Filas' }).count()).toBe(0);
    expect(await viewer.getByRole('navigation', { name: 'Seções' }).getByRole('link', { name: 'Filas' }).count()).toBe(0);
    await viewer.context().close();

    const other = (await newPage(browser, running.url)).page;
    await logIn(other, helpdeskOnly);
    await other.goto('/agenda/clientes');
    await other.getByTestId('not-found').waitFor();
    expect(await other.getByRole('heading', { level: 1, name: 'Clientes' }).count()).toBe(0);
    await other.goto('/atendimento/filas');
    await other.getByRole('heading', { level: 1, name: 'Filas' }).waitFor();
    await other.context().close();
  });

  it('after signing in at a deep address, shows that page', async () => {
    const fresh = (await newPage(browser, running.url)).page;
    await fresh.goto('/agenda/servicos?x=1');
    await fresh.getByRole('button', { name: 'Entrar' }).waitFor();
    await fresh.getByLabel('Empresa', { exact: true }).fill(tenant.slug);
    await fresh.getByLabel('E-mail', { exact: true }).fill(tenant.ownerEmail);
    await fresh.getByLabel('Senha', { exact: true }).fill(tenant.password);
    await fresh.getByRole('button', { name: 'Entrar' }).click();
    await fresh.getByRole('heading', { level: 1, name: 'Serviços' }).waitFor();
    expect(pathOf(fresh.url())).toBe('/agenda/servicos?x=1');
    await fresh.context().close();
  });
});
