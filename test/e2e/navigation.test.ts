import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/bootstrap';
import { seedSalon } from '../support/agenda';
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
    await seedSalon(owner);
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

  it('keeps the sidebar’s background down the whole of a long page, its links in view', async () => {
    const small = (await newPage(browser, running.url)).page;
    await small.setViewportSize({ width: 1280, height: 420 });
    await logIn(small, tenant);
    await openSection(small, 'Profissionais');
    await small.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const {
      sidebar,
      page: pageHeight,
      scrolled,
    } = (await small.evaluate(`({
      sidebar: document.querySelector('[data-testid="sidebar"]').getBoundingClientRect().height,
      page: document.documentElement.scrollHeight,
      scrolled: window.scrollY,
    })`)) as { sidebar: number; page: number; scrolled: number };
    expect(scrolled).toBeGreaterThan(0);
    expect(sidebar).toBeGreaterThanOrEqual(pageHeight - 1);
    // The sidebar stays in view: the current page's link is on screen at the bottom of the page.
    const current = small.getByRole('navigation', { name: 'Seções' }).locator('[aria-current="page"]');
    const box = await current.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(420);
    await screenshot(small, 'sidebar-long-page');
    await small.context().close();
  });

  it('labels the services of the professionals form in the normal font, the permission keys in the monospace one', async () => {
    await openSection(page, 'Profissionais');
    const services = page.getByTestId('professional-form').getByRole('group', { name: 'Serviços que faz' });
    const label = services.getByText('Manicure', { exact: true });
    type Styled = { ownerDocument: { defaultView: { getComputedStyle(element: unknown): { fontFamily: string } } } };
    const font = (locator: typeof label) =>
      locator.evaluate((element) => (element as unknown as Styled).ownerDocument.defaultView.getComputedStyle(element).fontFamily);
    const bodyFont = await font(page.locator('body'));
    expect(await font(label)).toBe(bodyFont);
    expect(await font(label)).not.toMatch(/mono/i);
    await openSection(page, 'Tokens de API');
    expect(await font(page.getByTestId('create-token-form').getByText('audit.read', { exact: true }))).toMatch(/mono/i);
  });

  it('opens the calendar on a Sunday on the coming week, and "Hoje" goes back to the week that ends today', async () => {
    const zone = 'America/Sao_Paulo';
    const now = DateTime.now().setZone(zone);
    const sunday = now.plus({ days: (7 - now.weekday) % 7 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const sundayPage = (await newPage(browser, running.url)).page;
    await sundayPage.clock.setFixedTime(sunday.toJSDate());
    await logIn(sundayPage, tenant);
    await openSection(sundayPage, 'Agenda');
    const columns = sundayPage.getByRole('region', { name: 'Calendário' }).locator('[data-testid="calendar-column"]');
    await columns.first().waitFor();
    const dates = async () => columns.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-date')));
    const week = (monday: DateTime) => Array.from({ length: 7 }, (_, index) => monday.plus({ days: index }).toISODate());
    expect(await dates()).toEqual(week(sunday.plus({ days: 1 })));
    await sundayPage.getByRole('button', { name: 'Hoje' }).click();
    await columns
      .first()
      .and(sundayPage.locator(`[data-date="${sunday.minus({ days: 6 }).toISODate()}"]`))
      .waitFor();
    expect(await dates()).toEqual(week(sunday.minus({ days: 6 })));
    await sundayPage.context().close();
  });
});
