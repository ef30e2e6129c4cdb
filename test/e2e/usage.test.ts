import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiUpstream, type OpenAiUpstream } from '../support/openai-upstream';
import { documentStillMarked, markDocument, openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

/** 60 one-token words: with the message overhead and max_tokens, each request holds under 10 % of the 1 000-token limit. */
const PROMPT = Array.from({ length: 60 }, () => 'hello').join(' ');
const MONTHLY_LIMIT = 1000;
const tokens = (value: number) => new Intl.NumberFormat('pt-BR').format(value);

describe('dashboard: Uso de IA', () => {
  let dashboard: SignedInDashboard;
  let page: Page;
  let upstream: OpenAiUpstream;

  beforeAll(async () => {
    upstream = await startOpenAiUpstream();
    dashboard = await openSignedInDashboard({ modules: ['usage'] });
    page = dashboard.page;
  });
  afterAll(async () => {
    await dashboard?.close();
    await upstream?.close();
  });

  const owner = () => dashboard.ownerCaller();

  /** The user once every request so far has settled (nothing held), so the next one sees the real balance. */
  async function settledUser(userId: string) {
    const caller = await owner();
    let user = await caller.usage.users.get({ id: userId });
    await expect
      .poll(
        async () => {
          user = await caller.usage.users.get({ id: userId });
          return user.reservedTokens;
        },
        { timeout: 10_000 },
      )
      .toBe(0);
    return user;
  }

  async function ask(client: OpenAI) {
    return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], max_tokens: 20 });
  }

  it('meters a user live: the bar moves, the 80 % alert comes once, a grant lifts the block, the analyses show the day', async () => {
    // The upstream, through the settings page.
    await openSection(page, 'Configuração da IA');
    const settingsForm = page.getByRole('form', { name: 'Configurações do uso de IA' });
    await settingsForm.getByLabel('URL do upstream').fill(upstream.url);
    await settingsForm.getByLabel('Tempo limite (ms)').fill('5000');
    await settingsForm.getByLabel('Novas tentativas').fill('1');
    await settingsForm.getByLabel('Pedidos por minuto (por chave)').fill('10000');
    await settingsForm.getByRole('button', { name: 'Salvar configurações' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Configurações do uso de IA salvas' }).waitFor();
    await screenshot(page, 'usage-settings');
    const saved = await (await owner()).usage.settings.get();
    expect(saved.litellmSettings).toMatchObject({ baseUrl: upstream.url, timeout: 5000, maxRetries: 1 });
    expect(await page.getByTestId('proxy-url').inputValue()).toBe(`${dashboard.running.url}/v1`);

    await openSection(page, 'Modelos');
    await page.getByRole('button', { name: 'Atualizar do upstream' }).click();
    await page.getByRole('table', { name: 'Modelos' }).getByText('gpt-4o-mini', { exact: true }).waitFor();

    // 1. A user with a 1 000-token month, and a key shown once on the user's page.
    await openSection(page, 'Usuários IA');
    const userForm = page.getByRole('form', { name: 'Novo usuário' });
    await userForm.getByLabel('E-mail', { exact: true }).fill('ana@exemplo.com');
    await userForm.getByLabel('Nome', { exact: true }).fill('Ana Souza');
    await userForm.getByLabel('Limite mensal (tokens)').fill(String(MONTHLY_LIMIT));
    await userForm.getByRole('button', { name: 'Criar usuário' }).click();
    const usersTable = page.getByRole('table', { name: 'Usuários IA' });
    await usersTable.getByRole('link', { name: 'Ana Souza' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ana Souza' }).waitFor();
    const [created] = (await (await owner()).usage.users.list({ search: 'ana@exemplo.com' })).items;
    expect(created).toMatchObject({ monthlyLimit: MONTHLY_LIMIT, allowance: MONTHLY_LIMIT, currentUsage: 0 });
    const userId = created!.id;

    await page.getByRole('form', { name: 'Nova chave' }).getByRole('button', { name: 'Criar chave' }).click();
    const keyDialog = page.getByTestId('key-created-dialog');
    const key = await keyDialog.getByTestId('created-key').inputValue();
    expect(key).toMatch(/^sk_/);
    await keyDialog.getByText('não será mostrada novamente').waitFor();
    await keyDialog.getByRole('button', { name: 'Já copiei, fechar' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Chaves do proxy' }).getByText('Ativa').count(), { timeout: 10_000 }).toBe(1);
    // Only once: nothing on the page holds the key any more.
    expect(await page.content()).not.toContain(key);
    await screenshot(page, 'usage-user');

    // 2–3. Requests through the official SDK while the users table stays open: the bar moves live.
    await page.getByRole('link', { name: '← Usuários IA' }).click();
    const bar = page.getByRole('progressbar', { name: 'Uso de Ana Souza' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('0');
    await markDocument(page);
    const client = new OpenAI({ baseURL: `${dashboard.running.url}/v1`, apiKey: key, maxRetries: 0 });
    const first = await ask(client);
    expect(first.choices[0]!.message.content).toBeTruthy();
    let user = await settledUser(userId);
    expect(user.currentUsage).toBeGreaterThan(0);
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 10_000 }).toBe(user.usagePercent);

    while (user.usagePercent < 80) {
      const before = user.usagePercent;
      await ask(client);
      user = await settledUser(userId);
      expect(user.usagePercent).toBeGreaterThan(before);
    }
    // Past 80 %: the bar follows (and turns amber) and the alert shows on the open page, without a reload.
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 10_000 }).toBe(user.usagePercent);
    expect(await bar.getAttribute('data-tone')).not.toBe('ok');
    await page.getByTestId('live-alerts').getByText('Uso de tokens em 80%').first().waitFor({ timeout: 10_000 });
    expect(await documentStillMarked(page)).toBe(true);
    await screenshot(page, 'usage-users-live');

    // 4. On until the proxy refuses: blocked (403) or over budget (429).
    let refusal: InstanceType<typeof OpenAI.APIError> | undefined;
    for (let attempt = 0; attempt < 20 && !refusal; attempt++) {
      try {
        await ask(client);
        user = await settledUser(userId);
      } catch (error) {
        if (!(error instanceof OpenAI.APIError)) throw error;
        refusal = error;
      }
    }
    expect(refusal).toBeDefined();
    expect([403, 429]).toContain(refusal!.status);
    expect(['budget_blocked', 'budget_exceeded']).toContain(refusal!.code);
    await expect(ask(client)).rejects.toMatchObject({ status: refusal!.status });

    // The 80 % alert came once, however many requests followed.
    await openSection(page, 'Alertas');
    await page.getByLabel('Tipo', { exact: true }).selectOption('usage_80');
    const alertsTable = page.getByRole('table', { name: 'Alertas de consumo' });
    await expect.poll(() => alertsTable.getByTestId('alert-row').count(), { timeout: 10_000 }).toBe(1);
    await alertsTable.getByRole('link', { name: 'Ana Souza' }).waitFor();
    await screenshot(page, 'usage-alerts');
    const eighty = await (await owner()).usage.alerts.list({ userId, type: 'usage_80' });
    expect(eighty.pagination.total).toBe(1);

    // A grant on the user's page lifts the block: the next request goes through.
    await alertsTable.getByRole('link', { name: 'Ana Souza' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ana Souza' }).waitFor();
    const grantForm = page.getByRole('form', { name: 'Conceder tokens' });
    await grantForm.getByLabel('Quantidade (tokens)').fill('1000');
    await grantForm.getByLabel('Motivo').fill('Projeto especial');
    await grantForm.getByRole('button', { name: 'Conceder tokens' }).click();
    await page.getByRole('table', { name: 'Tokens concedidos' }).getByText('Projeto especial').waitFor();
    const granted = await settledUser(userId);
    expect(granted.blockedForPeriod).toBe(false);
    expect(granted.allowance).toBeGreaterThan(MONTHLY_LIMIT);
    const afterGrant = await ask(client);
    expect(afterGrant.choices[0]!.message.content).toBeTruthy();
    user = await settledUser(userId);
    expect(user.currentUsage).toBeGreaterThan(granted.currentUsage);
    // The user's page follows too: its records list the requests.
    await expect
      .poll(() => page.getByRole('table', { name: 'Pedidos do usuário' }).getByRole('row').count(), { timeout: 10_000 })
      .toBeGreaterThan(2);
    expect((await (await owner()).usage.alerts.list({ userId, type: 'usage_80' })).pagination.total).toBe(1);
    await screenshot(page, 'usage-user-granted');

    // 5. Today's tokens on the analyses: the cards, the charts and the day's row.
    await openSection(page, 'Análises');
    await page.getByRole('group', { name: 'Período' }).getByRole('button', { name: 'Hoje' }).click();
    await expect.poll(() => page.getByTestId('metric-tokens').textContent(), { timeout: 10_000 }).toBe(tokens(user.currentUsage));
    expect(await page.getByTestId('usage-by-day-chart').locator('canvas').isVisible()).toBe(true);
    expect(await page.getByTestId('top-models-chart').locator('canvas').isVisible()).toBe(true);
    expect(await page.getByTestId('health-litellm').textContent()).toBe('Saudável');
    const { tenant } = await (await owner()).auth.me();
    const today = new Intl.DateTimeFormat('pt-BR', { timeZone: tenant.timezone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(
      new Date(),
    );
    const todayRow = page.getByRole('table', { name: 'Uso detalhado' }).getByRole('row').filter({ hasText: today });
    await expect.poll(() => todayRow.textContent(), { timeout: 10_000 }).toContain(tokens(user.currentUsage));
    await screenshot(page, 'usage-analytics');

    // Who granted what, in the module's log.
    await openSection(page, 'Logs');
    await page.getByLabel('Ação', { exact: true }).selectOption('usage.user.grant_tokens');
    await page.getByRole('form', { name: 'Filtros dos logs' }).getByRole('button', { name: 'Filtrar' }).click();
    const logs = page.getByRole('table', { name: 'Logs do uso de IA' });
    await logs.getByText('Projeto especial', { exact: false }).waitFor();
    expect(await logs.getByRole('row').count()).toBe(2);
    await screenshot(page, 'usage-logs');
  });
});
