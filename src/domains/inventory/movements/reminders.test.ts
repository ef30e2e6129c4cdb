import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../../test/support/app';
import { createSiblingServices, storedEvents } from '../../../../test/support/identity';
import { loanOut, seedLendingWorld, type LendingWorld } from '../../../../test/support/inventory-movements';
import { withTenant } from '../../../db/tenant-scope';
import type { Services } from '../../../services';
import { loanReminderJob } from './jobs';
import { remindLoans } from './reminders';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;
const DAY_MS = 86_400_000;

describe('inventory loans: reminders before the due date and an overdue alert after it, once each', () => {
  let app: RunningTestApp;
  let sibling: Services;
  let world: LendingWorld;

  beforeAll(async () => {
    app = await startTestApp();
    sibling = await createSiblingServices(app.services);
    world = await seedLendingWorld(app.services);
  });
  afterAll(async () => {
    await sibling.close();
    await app.stop();
  });

  const loanRow = (movementId: string) =>
    withTenant(app.services.db, world.tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_loans').selectAll().where('movement_id', '=', movementId).executeTakeFirstOrThrow(),
    );
  const eventsFor = async (type: string, movementId: string) =>
    (await storedEvents(app.services, world.tenant.tenantId, type)).filter(
      (event) => (event.data as { movementId: string }).movementId === movementId,
    );
  const alertsFor = (loanId: string) =>
    withTenant(app.services.db, world.tenant.tenantId, (trx) =>
      trx.selectFrom('inventory_alerts').selectAll().where('source_key', '=', `loan-overdue:${loanId}`).execute(),
    );

  it('reminds a loan due within the lead days once, and alerts it once when late, however many instances run the job at once', async () => {
    const soon = await loanOut(world, (await world.newAsset('Vence amanhã')).id, 1);
    const later = await loanOut(world, (await world.newAsset('Vence mês que vem')).id, 30);

    // Two instances run the job's pass at the same moment, then again: one reminder, for the loan due tomorrow only.
    await Promise.all([remindLoans(app.services.db), remindLoans(sibling.db)]);
    await remindLoans(app.services.db);
    const reminders = await eventsFor('inventory.movement.loan_due_soon', soon.movement.id);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.data).toMatchObject({ assetTag: soon.movement.asset.tag, dueDate: soon.movement.loan!.dueDate });
    expect((await loanRow(soon.movement.id)).reminder_sent_at).not.toBeNull();
    expect(await eventsFor('inventory.movement.loan_due_soon', later.movement.id)).toHaveLength(0);
    expect((await loanRow(later.movement.id)).reminder_sent_at).toBeNull();

    // Two days on, the first loan is late: one alert and one event, whoever runs it and how often.
    const twoDaysOn = new Date(Date.now() + 2 * DAY_MS);
    await Promise.all([remindLoans(app.services.db, twoDaysOn), remindLoans(sibling.db, twoDaysOn)]);
    await remindLoans(app.services.db, new Date(twoDaysOn.getTime() + 60_000));
    const loan = await loanRow(soon.movement.id);
    expect(loan.overdue_alerted_at).not.toBeNull();
    const alerts = await alertsFor(loan.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'loan_overdue', severity: 'warning', asset_id: soon.movement.asset.id });
    expect(alerts[0]!.message).toContain('Empréstimo atrasado');
    expect(await eventsFor('inventory.movement.loan_overdue', soon.movement.id)).toHaveLength(1);
    expect(
      (await storedEvents(app.services, world.tenant.tenantId, 'inventory.alert.raised')).filter(
        (event) => (event.data as { alertId: string }).alertId === alerts[0]!.id,
      ),
    ).toHaveLength(1);

    // 29 days on, the later loan gets its reminder, and no alert: it is not late.
    await remindLoans(app.services.db, new Date(Date.now() + 29 * DAY_MS));
    expect(await eventsFor('inventory.movement.loan_due_soon', later.movement.id)).toHaveLength(1);
    expect(await alertsFor((await loanRow(later.movement.id)).id)).toHaveLength(0);
  });

  it('leaves loans back home alone', async () => {
    const { movement } = await loanOut(world, (await world.newAsset('Devolvido a tempo')).id, 1);
    await world.manager.caller.inventory.movements.return({ id: movement.id });
    await remindLoans(app.services.db, new Date(Date.now() + 3 * DAY_MS));
    expect(await eventsFor('inventory.movement.loan_due_soon', movement.id)).toHaveLength(0);
    expect(await eventsFor('inventory.movement.loan_overdue', movement.id)).toHaveLength(0);
  });

  it('runs as a global job every five minutes', async () => {
    const job = loanReminderJob();
    expect(job).toMatchObject({ name: 'inventory.loan_reminders', scope: 'global', schedule: '*/5 * * * *' });
    expect(await job.run({ db: app.services.db, tenant: undefined, slot: new Date(), logger: app.services.logger })).toMatchObject({
      reminded: expect.any(Number),
      overdue: expect.any(Number),
    });
  });
});
