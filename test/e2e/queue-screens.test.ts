import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/bootstrap';
import { callerFor, seedTenant, startTestApp } from '../support/app';
import { launchBrowser, newPage, screenshot } from './support/browser';

type Owner = Awaited<ReturnType<typeof callerFor>>;

/** Enrolls the page as a new device of the kind, bound to the unit, through the gate's form. */
async function enroll(page: Page, owner: Owner, path: string, device: { kind: string; name: string; scope: string; unitId: string }) {
  const created = await owner.devices.create({ kind: device.kind, name: device.name, scopes: [device.scope], resource: device.unitId });
  await page.goto(`${path}?code=${created.enrollmentCode}`);
  await page.getByRole('button', { name: 'Cadastrar' }).click();
  return created.id;
}

describe('queue screens: totem, painel and the public ticket page', () => {
  let running: RunningApp & { url: string };
  let browser: Browser;
  let owner: Owner;
  let unitId: string;
  let deskId: string;
  let priorityName: string;
  let kiosk: Page;
  let kioskId: string;
  let normalTicket: { code: string; publicCode: string };

  beforeAll(async () => {
    running = await startTestApp();
    const tenant = await seedTenant(running.services, { modules: ['queue'] });
    owner = await callerFor(running.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
    unitId = (await owner.queue.units.create({ name: 'Unidade Teste', timeZone: 'America/Sao_Paulo' })).id;
    await owner.queue.services.create({ unitId, name: 'Atendimento geral', prefix: 'A' });
    // Open only one hour on another weekday: closed now, whatever the time the test runs.
    const weekdayThere = new Date(new Date().toLocaleString('en-US', { timeZone: 'America/Sao_Paulo' })).getDay();
    await owner.queue.services.create({
      unitId,
      name: 'Pagamentos',
      prefix: 'P',
      openingHours: { intervals: [{ weekday: (weekdayThere + 2) % 7, start: '08:00', end: '09:00' }] },
    });
    deskId = (await owner.queue.desks.create({ unitId, name: 'Guichê três', number: 3 })).id;
    const priorities = await owner.queue.priorities.list();
    priorityName =
      priorities[0]?.name ??
      (await owner.queue.priorities.create({ name: 'Idoso 60+', description: 'Pessoa com 60 anos ou mais', weight: 10 })).name;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('issues a priority and a normal ticket on the totem, printing each', async () => {
    ({ page: kiosk } = await newPage(browser, running.url));
    // Headless printing does nothing visible: count the calls instead.
    await kiosk.addInitScript(() => {
      const counted = globalThis as unknown as { __printed: number; print: () => void };
      counted.__printed = 0;
      counted.print = () => {
        counted.__printed += 1;
      };
    });
    kioskId = await enroll(kiosk, owner, '/totem', { kind: 'queue.kiosk', name: 'Totem', scope: 'queue.tickets.issue', unitId });
    await kiosk.getByRole('heading', { name: 'Unidade Teste' }).waitFor();
    const closed = kiosk.getByRole('button', { name: /Pagamentos/ });
    expect(await closed.isDisabled()).toBe(true);
    expect(await closed.textContent()).toMatch(/Pagamentos: fechado agora\. Abre .+ às 08:00\./);

    const issueTicket = async (choice: string) => {
      await kiosk.getByRole('button', { name: /Atendimento geral/ }).click();
      const issued = kiosk.waitForResponse((response) => response.url().includes('queue.kiosk.issue'));
      await kiosk.getByRole('button', { name: new RegExp(`^${choice}`) }).click();
      const body = await (await issued).text();
      const ticket = kiosk.getByTestId('kiosk-ticket');
      await ticket.getByRole('img', { name: /QR code/ }).waitFor();
      return { body, text: (await ticket.textContent()) ?? '', code: (await kiosk.getByTestId('ticket-code').textContent())!.trim() };
    };

    const priority = await issueTicket(priorityName);
    expect(priority.code).toBe('A-001');
    expect(priority.text).toContain(priorityName);
    expect(priority.text).toContain('Você é o próximo');
    await kiosk.waitForFunction(() => (globalThis as unknown as { __printed: number }).__printed === 1);
    await screenshot(kiosk, 'queue-kiosk-ticket');
    // On paper: only the ticket, as wide as the 80 mm roll (96 px per inch).
    await kiosk.emulateMedia({ media: 'print' });
    expect(await kiosk.getByText('Retire sua senha').isVisible()).toBe(false);
    expect(Math.round((await kiosk.getByTestId('kiosk-ticket').boundingBox())!.width)).toBe(Math.round((80 / 25.4) * 96));
    await kiosk.emulateMedia({ media: 'screen' });
    // A tap goes back to the start.
    await kiosk.getByText('Toque na tela para voltar ao início').click();

    const normal = await issueTicket('Normal');
    expect(normal.code).toBe('A-002');
    expect(normal.text).toContain('Você é o 2º da fila');
    await kiosk.waitForFunction(() => (globalThis as unknown as { __printed: number }).__printed === 2);
    const publicCode = /"publicCode":"([\w-]{22})"/.exec(normal.body)?.[1];
    expect(publicCode).toBeDefined();
    normalTicket = { code: normal.code, publicCode: publicCode! };
    // Back on its own after a few seconds.
    await kiosk.getByRole('heading', { name: 'Unidade Teste' }).waitFor({ timeout: 12_000 });
  });

  it('announces each call on the painel, and the public page follows the ticket down the line', async () => {
    const { page: phone } = await newPage(browser, running.url);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`/senha/${normalTicket.publicCode}`);
    await phone.getByTestId('public-code').getByText(normalTicket.code).waitFor();
    await phone.getByText('Você é o 2º da fila').waitFor();
    expect(await phone.getByTestId('public-status').textContent()).toBe('Aguardando');

    const { page: tv } = await newPage(browser, running.url);
    await tv.addInitScript(() => {
      const spied = globalThis as unknown as { __spoken: string[] };
      spied.__spoken = [];
      Object.defineProperty(globalThis, 'speechSynthesis', {
        configurable: true,
        value: {
          speak: (utterance: { text: string; lang: string }) => spied.__spoken.push(`${utterance.lang}|${utterance.text}`),
          cancel() {},
        },
      });
    });
    await enroll(tv, owner, '/painel', { kind: 'queue.display', name: 'TV', scope: 'queue.display.read', unitId });
    await tv.getByText('Aguardando chamadas').waitFor();
    await tv.locator('[data-testid="connection"][data-live="true"]').waitFor();
    await tv.getByRole('button', { name: 'Toque para ativar o som' }).waitFor();

    const spoken = () => tv.evaluate(() => (globalThis as unknown as { __spoken: string[] }).__spoken);
    expect((await owner.queue.panel.callNext({ deskId }))?.code).toBe('A-001');
    await tv.getByTestId('current-code').getByText('A-001').waitFor();
    expect(await tv.getByTestId('current-desk').textContent()).toBe('Guichê 3');
    await tv.waitForFunction(() => (globalThis as unknown as { __spoken: string[] }).__spoken.length === 1);
    expect(await spoken()).toEqual(['pt-BR|Senha A zero zero um, guichê três.']);
    await phone.getByText('Você é o próximo').waitFor();

    expect((await owner.queue.panel.callNext({ deskId }))?.code).toBe('A-002');
    await tv.getByTestId('current-code').getByText('A-002').waitFor();
    await tv.getByTestId('recent-calls').getByText('A-001').waitFor();
    await tv.waitForFunction(() => (globalThis as unknown as { __spoken: string[] }).__spoken.length === 2);
    expect((await spoken())[1]).toBe('pt-BR|Senha A zero zero dois, guichê três.');
    await phone.getByTestId('public-status').getByText('Chamada — dirija-se ao Guichê 3').waitFor();
    await screenshot(tv, 'queue-display');
    await screenshot(phone, 'queue-public-ticket');

    // A reload shows the same screen from the state frame, without speaking old calls again.
    await tv.reload();
    await tv.getByTestId('current-code').getByText('A-002').waitFor();
    await tv.locator('[data-testid="connection"][data-live="true"]').waitFor();
    expect(await spoken()).toEqual([]);

    await phone.goto('/senha/AAAAAAAAAAAAAAAAAAAAAA');
    await phone.getByRole('heading', { name: 'Senha não encontrada' }).waitFor();
  });

  it('tells the totem it is disconnected once revoked', async () => {
    await owner.devices.revoke({ id: kioskId });
    await kiosk.getByRole('heading', { name: 'Dispositivo desconectado' }).waitFor();
  });
});
