import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { DB, InventoryLoan } from '../../../db/schema';
import { withSystem } from '../../../db/system-scope';
import { tenantOf, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, systemAudit } from '../../../platform/audit/audit-log';
import { appendEvent } from '../../../platform/events/outbox';
import { raiseInventoryAlert } from '../alerts';
import { loadInventorySettings } from '../settings';
import { toMovementSummary } from './movement-records';

const DAY_MS = 86_400_000;
/** The largest reminder lead a tenant may set (inventory_settings.loan_reminder_days). */
const MAX_REMINDER_DAYS = 60;

/** Tenants with a loan out that may need a word now: due within the longest lead, or already late. */
async function tenantsWithLoansDue(db: Kysely<DB>, now: Date): Promise<string[]> {
  const rows = await withSystem(db, (trx) =>
    trx
      .selectFrom('inventory_loans')
      .select('tenant_id')
      .distinct()
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('reminder_sent_at', 'is', null),
            eb('due_date', '>', now),
            eb('due_date', '<=', new Date(now.getTime() + MAX_REMINDER_DAYS * DAY_MS)),
          ]),
          eb.and([eb('overdue_alerted_at', 'is', null), eb('due_date', '<=', now)]),
        ]),
      )
      .execute(),
  );
  return rows.map((row) => row.tenant_id);
}

async function summaryOf(trx: TenantTransaction, loan: InventoryLoan) {
  const movement = await trx.selectFrom('inventory_movements').selectAll().where('id', '=', loan.movement_id).executeTakeFirstOrThrow();
  const asset = await trx.selectFrom('inventory_assets').select(['tag', 'name']).where('id', '=', loan.asset_id).executeTakeFirstOrThrow();
  return { summary: toMovementSummary(movement, asset.tag), asset };
}

/**
 * One tenant's pass: a reminder for each loan out that falls due within the tenant's lead, and an
 * alert for each one past due. Each is marked in the same conditional update that picks it, so a
 * loan is reminded and alerted once, however many instances run the job at the same time.
 */
async function remindTenant(trx: TenantTransaction, now: Date): Promise<{ reminded: number; overdue: number }> {
  const settings = await loadInventorySettings(trx);
  const audit = systemAudit('lembretes de empréstimo');
  const dueSoon = await trx
    .updateTable('inventory_loans')
    .set({ reminder_sent_at: now })
    .where('status', '=', 'active')
    .where('reminder_sent_at', 'is', null)
    .where('due_date', '>', now)
    .where('due_date', '<=', new Date(now.getTime() + settings.loan_reminder_days * DAY_MS))
    .returningAll()
    .execute();
  for (const loan of dueSoon) {
    const { summary } = await summaryOf(trx, loan);
    await appendEvent(trx, 'inventory.movement.loan_due_soon', { ...summary, dueDate: loan.due_date.toISOString() });
    await recordAudit(trx, audit, {
      action: 'inventory.loan.reminded',
      entity: 'inventory_loans',
      entityId: loan.id,
      details: { dueDate: loan.due_date.toISOString() },
    });
  }
  const overdue = await trx
    .updateTable('inventory_loans')
    .set({ overdue_alerted_at: now })
    .where('status', '=', 'active')
    .where('overdue_alerted_at', 'is', null)
    .where('due_date', '<=', now)
    .returningAll()
    .execute();
  if (overdue.length > 0) {
    const { timezone } = await trx.selectFrom('tenants').select('timezone').where('id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
    for (const loan of overdue) {
      const { summary, asset } = await summaryOf(trx, loan);
      const due = DateTime.fromJSDate(loan.due_date, { zone: timezone }).toFormat('dd/MM/yyyy HH:mm');
      await raiseInventoryAlert(trx, {
        type: 'loan_overdue',
        severity: 'warning',
        message: `Empréstimo atrasado: ${asset.tag} · ${asset.name}, com ${loan.borrower_name}, deveria ter voltado em ${due}`,
        assetId: loan.asset_id,
        sourceKey: `loan-overdue:${loan.id}`,
      });
      await appendEvent(trx, 'inventory.movement.loan_overdue', { ...summary, dueDate: loan.due_date.toISOString() });
      await recordAudit(trx, audit, {
        action: 'inventory.loan.overdue',
        entity: 'inventory_loans',
        entityId: loan.id,
        details: { dueDate: loan.due_date.toISOString() },
      });
    }
  }
  return { reminded: dueSoon.length, overdue: overdue.length };
}

/** Every tenant's reminders and overdue alerts for loans out. */
export async function remindLoans(db: Kysely<DB>, now = new Date()): Promise<{ tenants: number; reminded: number; overdue: number }> {
  const tenants = await tenantsWithLoansDue(db, now);
  let reminded = 0;
  let overdue = 0;
  for (const tenantId of tenants) {
    const pass = await withTenant(db, tenantId, (trx) => remindTenant(trx, now));
    reminded += pass.reminded;
    overdue += pass.overdue;
  }
  return { tenants: tenants.length, reminded, overdue };
}
