import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/bootstrap';
import { callerFor, httpClient, seedTenant, startTestApp, type TestTenant } from '../support/app';
import { documentStillMarked, launchBrowser, logIn, markDocument, newPage, openSection, screenshot } from './support/browser';

const TOKEN = /^inv_[A-Za-z0-9_-]{32}$/;

describe('dashboard: user invitations', () => {
  let running: RunningApp & { url: string };
  let tenant: TestTenant;
  let browser: Browser;
  let owner: Page;
  let link: string;

  beforeAll(async () => {
    running = await startTestApp();
    tenant = await seedTenant(running.services);
    browser = await launchBrowser();
    ({ page: owner } = await newPage(browser, running.url));
    await logIn(owner, tenant);
    await openSection(owner, 'Usuários e papéis');
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  const ownerCaller = () => callerFor(running.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
  const rowOf = (email: string) => owner.getByRole('table', { name: 'Usuários' }).getByRole('row').filter({ hasText: email });

  /** Opens the link in a new, logged-out browser context and fills the password form. */
  async function openInvitation(password: string, confirmation = password): Promise<Page> {
    const { page } = await newPage(browser, running.url);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Aceitar convite' }).waitFor();
    await page.getByLabel('Nova senha').fill(password);
    await page.getByLabel('Repita a senha').fill(confirmation);
    await page.getByRole('button', { name: 'Definir senha e entrar' }).click();
    return page;
  }

  it('invites a user and shows the link once, with its expiry; the user shows as pending', async () => {
    const form = owner.getByRole('form', { name: 'Novo usuário' });
    expect(await form.getByRole('radio', { name: 'Convite por link' }).isChecked()).toBe(true);
    expect(await form.getByLabel('Senha inicial').count()).toBe(0);
    await form.getByLabel('Nome').fill('Bruna Convidada');
    await form.getByLabel('E-mail').fill('bruna@exemplo.test');
    await form.getByLabel('Papel').selectOption({ label: 'Atendente' });
    await form.getByRole('button', { name: 'Convidar' }).click();

    const dialog = owner.getByTestId('invitation-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('não será mostrado novamente');
    expect(await dialog.getByTestId('invitation-expiry').textContent()).toMatch(/^Válido até \d{2}\/\d{2}\/\d{4}/);
    link = await dialog.getByTestId('invitation-link').inputValue();
    const url = new URL(link);
    expect(url.origin).toBe(new URL(running.url).origin);
    expect(url.pathname).toBe('/convite');
    expect(url.hash.slice(1)).toMatch(TOKEN);
    await dialog.getByRole('button', { name: 'Copiar' }).waitFor();
    await screenshot(owner, 'invitation-dialog');
    await dialog.getByRole('button', { name: /fechar/ }).click();

    await rowOf('bruna@exemplo.test').getByText('Convite pendente').waitFor();
    await screenshot(owner, 'users-invited');
    expect(await form.getByLabel('Nome').inputValue()).toBe('');
    expect(await owner.content()).not.toContain(url.hash.slice(1));
    const users = await (await ownerCaller()).users.list();
    expect(users.find((user) => user.email === 'bruna@exemplo.test')).toMatchObject({
      role: 'agent',
      invitationPending: true,
      active: true,
    });
  });

  it('opened where someone is signed in, the link asks them to sign out first instead of replacing their session', async () => {
    const tab = await owner.context().newPage();
    await tab.goto(link);
    await tab.getByRole('button', { name: 'Sair e continuar' }).waitFor();
    expect(new URL(tab.url()).hash).toBe('');
    await tab.getByRole('button', { name: 'Voltar ao painel' }).click();
    await tab.getByTestId('current-user').filter({ hasText: 'Owner' }).waitFor();
    await tab.close();
  });

  it('the invited person sets a password from the link, logged out, and lands in the dashboard; the owner sees it live', async () => {
    await markDocument(owner);
    const mismatch = await openInvitation('senha-da-bruna-1', 'outra-senha-qualquer');
    // The token has left the address bar (and history) as soon as the page read it.
    expect(new URL(mismatch.url()).hash).toBe('');
    expect(new URL(mismatch.url()).pathname).toBe('/convite');
    await mismatch.getByTestId('field-error').waitFor();
    expect(await mismatch.getByTestId('field-error').allTextContents()).toEqual(['As senhas não coincidem']);
    await screenshot(mismatch, 'invitation-accept');

    await mismatch.getByLabel('Nova senha').fill('senha-da-bruna-1');
    await mismatch.getByLabel('Repita a senha').fill('senha-da-bruna-1');
    await mismatch.getByRole('button', { name: 'Definir senha e entrar' }).click();
    const header = mismatch.getByTestId('current-user');
    await header.waitFor();
    expect(await header.textContent()).toContain('Bruna Convidada');
    expect(await header.textContent()).toContain('Atendente');
    expect(new URL(mismatch.url()).pathname).not.toBe('/convite');
    // A real session: the refresh cookie keeps it across a reload.
    await mismatch.reload();
    await mismatch.getByTestId('current-user').filter({ hasText: 'Bruna Convidada' }).waitFor();
    await mismatch.context().close();

    // Accepting emits user.updated, so the owner's list drops the badge without a reload.
    await rowOf('bruna@exemplo.test').getByText('Convite pendente').waitFor({ state: 'detached' });
    expect(await rowOf('bruna@exemplo.test').getByText('Ativo').count()).toBe(1);
    expect(await documentStillMarked(owner)).toBe(true);
  });

  it('a used link, or one without a token, shows the invalid-invitation message and leads to the login page', async () => {
    const used = await openInvitation('mais-uma-senha-boa');
    const message = used.getByTestId('invalid-invitation');
    await message.waitFor();
    expect(await message.textContent()).toContain('inválido, já foi usado ou expirou');
    await screenshot(used, 'invitation-invalid');
    await used.getByRole('link', { name: 'entre pela página de login' }).click();
    await used.getByRole('button', { name: 'Entrar' }).waitFor();
    expect(new URL(used.url()).pathname).toBe('/');

    await used.goto('/convite');
    await used.getByTestId('invalid-invitation').waitFor();
    await used.context().close();
  });

  it('a pending user gets a new link; the previous one stops working', async () => {
    const first = await (await ownerCaller()).users.invite({ email: 'caio@exemplo.test', name: 'Caio Pendente', role: 'viewer' });
    const row = rowOf('caio@exemplo.test');
    await row.getByText('Convite pendente').waitFor(); // live, from user.created
    await row.getByRole('button', { name: 'Gerar novo convite' }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Gerar convite' }).click();

    const dialog = owner.getByTestId('invitation-dialog');
    await dialog.waitFor();
    const token = new URL(await dialog.getByTestId('invitation-link').inputValue()).hash.slice(1);
    expect(token).toMatch(TOKEN);
    expect(token).not.toBe(first.invitation.token);
    await dialog.getByRole('button', { name: /fechar/ }).click();
    expect(await rowOf('bruna@exemplo.test').getByRole('button', { name: 'Gerar novo convite' }).count()).toBe(0);

    const anonymous = httpClient(running.url);
    await expect(anonymous.auth.acceptInvite.mutate({ token: first.invitation.token, password: 'senha-do-caio-1' })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED', reason: 'INVALID_INVITATION' },
    });
    const session = await anonymous.auth.acceptInvite.mutate({ token, password: 'senha-do-caio-1' });
    expect(session.user).toMatchObject({ email: 'caio@exemplo.test', name: 'Caio Pendente' });
    await row.getByText('Convite pendente').waitFor({ state: 'detached' });
  });
});
