import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantAt, nextClientPhone, seedSalon, upcoming } from '../support/agenda';
import { TEST_PASSWORD } from '../support/app';
import type { Caller } from '../support/identity';
import { documentStillMarked, logIn, markDocument, newPage, openSection, screenshot } from './support/browser';
import { openSignedInDashboard, type SignedInDashboard } from './support/dashboard';

/** The company's zone, an hour behind the browser's (São Paulo): what the calendar shows must follow the company. */
const ZONE = 'America/Manaus';
const TUESDAY = upcoming(2, ZONE);
const RECEPTIONIST = { name: 'Eva Recepção', email: 'eva@salao.test' };

/** How the calendar names a free time: "Novo agendamento: terça-feira, 10/03 às 10:00 com Carol Souza". */
function freeTimeName(date: string, time: string, professional: string): string {
  const day = new Intl.DateTimeFormat('pt-BR', { weekday: 'long', day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
  return `Novo agendamento: ${day} às ${time} com ${professional}`;
}

/** Drags like a hand: both ends on screen, press near the block's top edge, move in steps, release over the target. */
async function drag(page: Page, block: Locator, target: Locator, targetY?: number): Promise<void> {
  const [source, destination] = [await block.boundingBox(), await target.boundingBox()];
  if (!source || !destination) throw new Error('drag: the block or its target is not rendered');
  const middle = (source.y + destination.y + destination.height) / 2;
  await page.evaluate(
    (by) => (globalThis as unknown as { scrollBy(x: number, y: number): void }).scrollBy(0, by),
    middle - page.viewportSize()!.height / 2,
  );
  const [from, to] = [(await block.boundingBox())!, (await target.boundingBox())!];
  await page.mouse.move(from.x + 12, from.y + 4);
  await page.mouse.down();
  await page.mouse.move(from.x + 12, from.y + 14, { steps: 2 });
  await page.mouse.move(to.x + 12, to.y + (targetY ?? to.height / 2), { steps: 8 });
  await page.mouse.up();
}

const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('dashboard: agenda calendar, drag to reschedule, and authorizations live for the whole team', () => {
  let dashboard: SignedInDashboard;
  let page: Page;
  let owner: Caller;
  let salon: Awaited<ReturnType<typeof seedSalon>>;
  let beatriz: { id: string };

  beforeAll(async () => {
    dashboard = await openSignedInDashboard({ modules: ['agenda'] });
    page = dashboard.page;
    owner = await dashboard.ownerCaller();
    await owner.tenant.update({ timezone: ZONE });
    salon = await seedSalon(owner);
    beatriz = await owner.agenda.clients.create({ name: 'Beatriz Costa', phone: nextClientPhone() });
    await owner.users.create({ ...RECEPTIONIST, password: TEST_PASSWORD, role: 'agent' });
    await page.reload(); // the shell reads the company's new zone
    await page.getByTestId('current-user').waitFor();
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  const calendarOf = (on: Page) => on.getByRole('region', { name: 'Calendário' });
  const blockOf = (clientName: string, on: Page = page) => calendarOf(on).getByTestId('appointment-block').filter({ hasText: clientName });
  const freeTime = (time: string) =>
    calendarOf(page).getByRole('button', { name: freeTimeName(TUESDAY, time, 'Carol Souza'), exact: true });
  const appointmentsOnTuesday = () =>
    owner.agenda.appointments.list({ from: instantAt(TUESDAY, '00:00', ZONE), to: instantAt(dayAfter(TUESDAY), '00:00', ZONE) });
  const startOf = async (clientName: string) =>
    (await appointmentsOnTuesday()).find((appointment) => appointment.clientName === clientName)?.startsAt.toISOString();

  async function showCarolsTuesday(on: Page): Promise<void> {
    await openSection(on, 'Agenda');
    const controls = on.getByRole('region', { name: 'Controles da agenda' });
    await controls.getByLabel('Profissional').selectOption({ label: 'Carol Souza' });
    await controls.getByLabel('Data').fill(TUESDAY);
    await calendarOf(on).locator(`[data-testid="calendar-column"][data-date="${TUESDAY}"]`).waitFor();
  }

  it('books an appointment from a free time of the calendar, on the company’s clocks, and shows its block', async () => {
    await showCarolsTuesday(page);
    // Mon–Sat 09:00–18:00: the hours axis runs over Carol's working hours only.
    expect(
      await calendarOf(page)
        .getByRole('button', { name: freeTimeName(TUESDAY, '08:45', 'Carol Souza') })
        .count(),
    ).toBe(0);
    await freeTime('10:00').click();

    const dialog = page.getByTestId('new-appointment-dialog');
    expect(await dialog.getByLabel('Profissional').inputValue()).toBe(salon.carol.id);
    expect(await dialog.getByLabel('Data').inputValue()).toBe(TUESDAY);
    expect(await dialog.getByLabel('Horário').inputValue()).toBe('10:00');
    await dialog.getByLabel('Buscar cliente').fill('Ana');
    await dialog.getByLabel('Cliente', { exact: true }).selectOption({ label: `Ana Paula · ${salon.ana.phone}` });
    await dialog.getByLabel('Serviço').selectOption({ label: 'Corte de cabelo (30 min)' });
    await dialog.getByRole('button', { name: 'Agendar' }).click();
    await dialog.waitFor({ state: 'detached' });

    const block = blockOf('Ana Paula');
    await block.waitFor();
    expect(await block.getAttribute('data-start')).toBe('10:00');
    expect(await block.textContent()).toContain('Corte de cabelo');
    expect(await block.textContent()).toContain('10:00–10:30');
    // 10:00 in Manaus, though the browser is in São Paulo (11:00 there).
    expect(await startOf('Ana Paula')).toBe(instantAt(TUESDAY, '10:00', ZONE));
    await screenshot(page, 'agenda-booked');
  });

  it('refuses a drag onto an occupied time visibly (the block goes back), and a drag onto a free time moves it', async () => {
    await owner.agenda.appointments.create({
      clientId: beatriz.id,
      serviceId: salon.corte.id,
      professionalId: salon.carol.id,
      startsAt: `${TUESDAY}T14:00`,
    });
    const occupied = blockOf('Beatriz Costa');
    await occupied.waitFor(); // booked by someone else: on the calendar live
    await markDocument(page);

    const ana = blockOf('Ana Paula');
    const tuesday = calendarOf(page).locator(`[data-testid="calendar-column"][data-date="${TUESDAY}"]`);
    /** Where the block sits in its day's column. */
    const placeOfAna = async () => {
      const [block, column] = [await ana.boundingBox(), await tuesday.boundingBox()];
      return { top: block!.y - column!.y, left: block!.x - column!.x, height: block!.height };
    };
    const before = await placeOfAna();
    await drag(page, ana, occupied, 4);
    const refusal = page.getByRole('alert').filter({ hasText: 'Horário ocupado' });
    await refusal.waitFor();
    const alternatives = refusal.getByRole('list', { name: 'Horários livres mais próximos' }).getByRole('button');
    expect(await alternatives.count()).toBeGreaterThan(0);
    expect(await alternatives.first().textContent()).toContain('com Carol Souza');
    expect(await ana.getAttribute('data-start')).toBe('10:00');
    expect(await ana.getAttribute('aria-busy')).toBeNull();
    expect(await placeOfAna()).toEqual(before);
    expect(await startOf('Ana Paula')).toBe(instantAt(TUESDAY, '10:00', ZONE));
    await screenshot(page, 'agenda-drag-refused');

    await drag(page, ana, freeTime('16:00'));
    // The block shows at its new place at once, busy while the server decides; then the server has it there.
    await calendarOf(page)
      .locator('[data-testid="appointment-block"][data-start="16:00"]:not([aria-busy])')
      .filter({ hasText: 'Ana Paula' })
      .waitFor();
    await refusal.waitFor({ state: 'detached' });
    await expect.poll(() => startOf('Ana Paula'), { timeout: 5_000 }).toBe(instantAt(TUESDAY, '16:00', ZONE));
    expect(await blockOf('Ana Paula').count()).toBe(1);
    expect(await documentStillMarked(page)).toBe(true);
    await screenshot(page, 'agenda-drag-moved');
  });

  it('shows a proposed booking live to two users at once; approved by one, it leaves the other’s pending tab and shows on the calendar', async () => {
    const { context, page: receptionist } = await newPage(dashboard.browser, dashboard.running.url);
    try {
      await logIn(receptionist, dashboard.tenant, { email: RECEPTIONIST.email, password: TEST_PASSWORD });
      const pages = [page, receptionist];
      const requestIn = (on: Page): Locator =>
        on.getByRole('table', { name: 'Autorizações' }).getByRole('row').filter({ hasText: 'Ana Paula' });
      for (const each of pages) {
        await openSection(each, 'Autorizações pendentes');
        await each.getByRole('table', { name: 'Autorizações' }).getByText('Nenhuma autorização pendente').waitFor();
        await each.locator('[data-testid="connection-status"][data-status="live"]').first().waitFor();
        await markDocument(each);
      }

      // As the agents do: a booking proposed for approval, at 15 % off.
      await owner.agenda.authRequests.propose({
        clientId: salon.ana.id,
        serviceId: salon.manicure.id,
        professionalId: salon.carol.id,
        startsAt: `${TUESDAY}T11:00`,
        offer: { type: 'discount_percent', value: 15 },
      });
      for (const each of pages) {
        const row = requestIn(each);
        await row.waitFor();
        const text = await row.textContent();
        for (const expected of ['Manicure', 'Carol Souza', '15% de desconto', 'Manual', '11:00', salon.ana.phone])
          expect(text).toContain(expected);
      }
      await screenshot(receptionist, 'agenda-auth-request-pending');

      await requestIn(receptionist).getByRole('button', { name: 'Aprovar' }).click();
      await requestIn(page).waitFor({ state: 'detached' });
      await requestIn(receptionist).waitFor({ state: 'detached' });
      for (const each of pages) expect(await documentStillMarked(each)).toBe(true);

      await page.getByRole('tab', { name: 'Aprovadas' }).click();
      await requestIn(page).getByText('Aprovada').waitFor();
      await showCarolsTuesday(page);
      const booked = blockOf('Ana Paula').filter({ hasText: 'Manicure' });
      await booked.waitFor();
      expect(await booked.getAttribute('data-start')).toBe('11:00');
      const appointment = (await appointmentsOnTuesday()).find((each) => each.serviceName === 'Manicure');
      expect(appointment).toMatchObject({
        clientName: 'Ana Paula',
        professionalName: 'Carol Souza',
        status: 'confirmed',
        priceCents: 3825,
      });
      expect(appointment?.startsAt.toISOString()).toBe(instantAt(TUESDAY, '11:00', ZONE));
      await screenshot(page, 'agenda-approved-on-calendar');
    } finally {
      await context.close();
    }
  });

  it('creates a service priced in reais, and a time off typed on the company’s clocks', async () => {
    await openSection(page, 'Serviços');
    const form = page.getByRole('form', { name: 'Novo serviço' });
    await form.getByLabel('Nome', { exact: true }).fill('Escova');
    await form.getByLabel('Duração (min)').fill('40');
    await form.getByLabel('Preço (R$)').fill('45,9O');
    await form.getByRole('button', { name: 'Criar serviço' }).click();
    await form.getByTestId('field-error').filter({ hasText: 'Informe o preço em reais' }).waitFor();
    await form.getByLabel('Preço (R$)').fill('1.045,90');
    await form.getByRole('button', { name: 'Criar serviço' }).click();
    const row = page.getByRole('table', { name: 'Serviços' }).getByRole('row').filter({ hasText: 'Escova' });
    await row.getByText('R$ 1.045,90').waitFor();
    expect((await owner.agenda.services.list()).find((service) => service.name === 'Escova')).toMatchObject({
      durationMin: 40,
      priceCents: 104_590,
      active: true,
    });

    await openSection(page, 'Profissionais');
    await page.getByRole('button', { name: 'Datas especiais e folgas de Bruno Lima' }).click();
    const exceptions = page.getByTestId('schedule-exceptions');
    const timeOff = exceptions.getByRole('form', { name: 'Nova folga' });
    await timeOff.getByLabel('Início').fill(`${TUESDAY}T13:00`);
    await timeOff.getByLabel('Fim').fill(`${TUESDAY}T18:00`);
    await timeOff.getByLabel('Motivo').fill('Curso');
    await timeOff.getByRole('button', { name: 'Adicionar folga' }).click();
    await exceptions.getByRole('list', { name: 'Folgas' }).getByText('Curso', { exact: false }).waitFor();
    const [away] = (await owner.agenda.professionals.exceptions({ id: salon.bruno.id })).timeOff;
    expect(away?.startsAt.toISOString()).toBe(instantAt(TUESDAY, '13:00', ZONE));
    expect(away?.endsAt.toISOString()).toBe(instantAt(TUESDAY, '18:00', ZONE));
    await screenshot(page, 'agenda-professionals');
  });

  it('shows everyone side by side in the day view; a block opens its details, to mark it done or cancel it with a reason', async () => {
    await showCarolsTuesday(page);
    const controls = page.getByRole('region', { name: 'Controles da agenda' });
    await controls.getByRole('button', { name: 'Dia', exact: true }).click();
    await controls.getByLabel('Profissional').selectOption({ label: 'Todos, lado a lado' });
    expect(await calendarOf(page).getByTestId('calendar-column-heading').allTextContents()).toEqual(['Bruno Lima', 'Carol Souza']);
    await calendarOf(page)
      .locator(`[data-testid="calendar-column"][data-professional-id="${salon.carol.id}"]`)
      .getByTestId('appointment-block')
      .filter({ hasText: 'Beatriz Costa' })
      .waitFor();
    // Bruno's afternoon off, and everyone's lunch, show as outside working time.
    const outside = (time: string, professional: string) =>
      calendarOf(page).getByRole('button', { name: `${freeTimeName(TUESDAY, time, professional)} (fora do horário)`, exact: true });
    await outside('14:00', 'Bruno Lima').waitFor();
    expect(await outside('12:30', 'Carol Souza').count()).toBe(1);
    expect(await outside('14:00', 'Carol Souza').count()).toBe(0);
    expect(
      await calendarOf(page)
        .getByRole('button', { name: freeTimeName(TUESDAY, '10:00', 'Bruno Lima'), exact: true })
        .count(),
    ).toBe(1);
    await screenshot(page, 'agenda-day-side-by-side');

    await blockOf('Beatriz Costa').click();
    const details = page.getByTestId('appointment-dialog');
    await details.getByText('Confirmado').waitFor();
    await details.getByRole('button', { name: 'Concluído' }).click();
    await details.waitFor({ state: 'detached' });
    await calendarOf(page)
      .locator('[data-testid="appointment-block"][data-status="completed"]')
      .filter({ hasText: 'Beatriz Costa' })
      .waitFor();

    await blockOf('Ana Paula').filter({ hasText: 'Corte de cabelo' }).click();
    await details.getByRole('button', { name: 'Cancelar agendamento' }).click();
    const cancel = page.getByTestId('cancel-appointment-dialog');
    await cancel.getByLabel('Motivo (opcional)').fill('Cliente viajou');
    await cancel.getByRole('button', { name: 'Confirmar cancelamento' }).click();
    await cancel.waitFor({ state: 'detached' });
    // Cancelled ones are hidden unless asked for, and then shown faded.
    await blockOf('Ana Paula').filter({ hasText: 'Corte de cabelo' }).waitFor({ state: 'detached' });
    await controls.getByLabel('Mostrar cancelados').check();
    await calendarOf(page).locator('[data-testid="appointment-block"][data-status="cancelled"]').filter({ hasText: 'Ana Paula' }).waitFor();
    const statuses = Object.fromEntries(
      (await appointmentsOnTuesday()).map((appointment) => [`${appointment.clientName} · ${appointment.serviceName}`, appointment.status]),
    );
    expect(statuses).toEqual({
      'Beatriz Costa · Corte de cabelo': 'completed',
      'Ana Paula · Corte de cabelo': 'cancelled',
      'Ana Paula · Manicure': 'confirmed',
    });
  });

  it('names the inbound secret in use by its hint, and shows a new one once, in a dialog', async () => {
    await openSection(page, 'Configurações');
    const hint = page.getByTestId('agenda-inbound-secret-hint');
    const before = (await owner.agenda.settings.get()).inboundSecretHint;
    expect(await hint.textContent()).toBe(before);
    expect(await page.getByTestId('agenda-inbound-secret').count()).toBe(0);
    expect(new URL(await page.getByTestId('agenda-webhook-messageReceived').inputValue()).pathname).toBe(
      '/api/v1/webhooks/n8n/message-received',
    );

    await page.getByRole('button', { name: 'Gerar novo segredo' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Gerar segredo' }).click();
    const dialog = page.getByTestId('agenda-secret-dialog');
    await dialog.waitFor();
    const shown = await dialog.getByTestId('agenda-inbound-secret').inputValue();
    expect(shown).toMatch(/^whsec_/);
    const after = (await owner.agenda.settings.get()).inboundSecretHint;
    expect(after).not.toBe(before);
    expect(after).toBe(`…${shown.slice(-4)}`);
    await dialog.getByRole('button', { name: 'Já copiei, fechar' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('agenda-inbound-secret-hint').filter({ hasText: after }).waitFor();
    // Once closed, the page never shows the secret again.
    expect(await page.getByTestId('agenda-inbound-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(shown);
  });
});
