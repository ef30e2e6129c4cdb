import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';
import { TEST_KIOSK } from '../support/devices';

describe('dashboard: Dispositivos', () => {
  let dashboard: SignedInDashboard;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openSignedInDashboard();
    dashboard.running.services.devices.kinds.register(TEST_KIOSK);
    page = dashboard.page;
  });
  afterAll(() => dashboard?.close());

  const rowOf = (text: string) => page.getByRole('table', { name: 'Dispositivos' }).getByRole('row').filter({ hasText: text });

  it('creates a device and shows its one-time code, expiry and a QR code of the enroll URL; enrolled, it is listed; revoked, it is refused', async () => {
    await openSection(page, 'Dispositivos');
    await page.getByRole('table', { name: 'Dispositivos' }).waitFor();
    await page.getByRole('button', { name: 'Novo dispositivo' }).click();
    const form = page.getByRole('form', { name: 'Novo dispositivo' });
    await form.getByLabel('Tipo').selectOption('test-kiosk');
    await form.getByLabel('Nome').fill('Totem recepção');
    await form.getByRole('checkbox', { name: /^tickets\.issue/ }).check();
    // The kind binds its devices to a resource: without one the server says so beside the form.
    await page.getByRole('button', { name: 'Gerar código' }).click();
    await page
      .getByTestId('create-device-dialog')
      .getByText(/Informe a unidade/)
      .waitFor();
    await form.getByLabel(/Recurso/).fill('unidade-centro');
    await page.getByRole('button', { name: 'Gerar código' }).click();

    const dialog = page.getByTestId('enrollment-code-dialog');
    await dialog.waitFor();
    const code = (await dialog.getByTestId('enrollment-code').textContent())!.trim();
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(await dialog.getByTestId('enrollment-expiry').textContent()).toContain('15 minutos');
    const qr = dialog.getByTestId('enrollment-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const enrollUrl = await dialog.getByTestId('enrollment-url').inputValue();
    expect(enrollUrl).toMatch(new RegExp(`/api/v1/devices/enroll\\?code=${code}$`));
    await screenshot(page, 'device-code');
    await dialog.getByRole('button', { name: /fechar/ }).click();
    await rowOf('Totem recepção').getByText('Aguardando cadastro').waitFor();

    // The device scans the QR: it posts to the enroll URL and gets its token.
    const enrolled = await fetch(enrollUrl.replace(/^https?:\/\/[^/]+/, dashboard.running.url), {
      method: 'POST',
      headers: { 'user-agent': 'TotemApp/2.1' },
    });
    expect(enrolled.status).toBe(201);
    const { token } = (await enrolled.json()) as { token: string };
    const me = await fetch(`${dashboard.running.url}/api/v1/devices/me`, {
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'TotemApp/2.1' },
    });
    expect(me.status).toBe(200);

    // The list follows the live event of the enrollment (its own poll is far slower).
    const row = rowOf('Totem recepção');
    await row.getByText('Ativo').waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('TotemApp/2.1');
    expect(await row.textContent()).toContain('unidade-centro');
    expect(await page.content()).not.toContain(token);
    await screenshot(page, 'devices');

    await row.getByRole('button', { name: 'Revogar' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revogar' }).click();
    await row.getByText('Revogado').waitFor();
    const refused = await fetch(`${dashboard.running.url}/api/v1/devices/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);

    const owner = await dashboard.ownerCaller();
    const actions = (await owner.audit.list({ entity: 'device' })).items.map((item) => item.action);
    expect(actions).toEqual(expect.arrayContaining(['devices.create', 'devices.enroll', 'devices.revoke']));
  });
});
