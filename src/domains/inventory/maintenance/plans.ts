import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { DB, InventoryMaintenanceSchedule, InventoryPriority, InventorySchedulePeriod } from '../../../db/schema';
import { tenantOf, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, systemAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { tenantToday } from '../tenant-clock';
import { checkSupplier, findContract } from './contracts';
import { createOrder } from './orders';
import { contractInForce } from './sla-clock';

export interface PlanView {
  id: string;
  asset: { id: string; tag: string; name: string };
  title: string;
  description: string;
  priority: InventoryPriority;
  period: InventorySchedulePeriod;
  intervalDays: number | null;
  /** The next due date; for a plan by date, its one date. */
  nextRun: string | null;
  lastRun: string | null;
  supplier: { id: string; name: string } | null;
  contract: { id: string; name: string } | null;
  active: boolean;
  createdAt: string;
}

function selectPlans(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_maintenance_schedules as plan')
    .innerJoin('inventory_assets as asset', 'asset.id', 'plan.asset_id')
    .leftJoin('inventory_suppliers as supplier', 'supplier.id', 'plan.supplier_id')
    .leftJoin('inventory_maintenance_contracts as contract', 'contract.id', 'plan.contract_id')
    .selectAll('plan')
    .select(['asset.tag as asset_tag', 'asset.name as asset_name', 'supplier.name as supplier_name', 'contract.name as contract_name']);
}

type PlanRow = Awaited<ReturnType<ReturnType<typeof selectPlans>['execute']>>[number];

const toPlanView = (row: PlanRow): PlanView => ({
  id: row.id,
  asset: { id: row.asset_id, tag: row.asset_tag, name: row.asset_name },
  title: row.title,
  description: row.description,
  priority: row.priority,
  period: row.period,
  intervalDays: row.interval_days,
  nextRun: row.next_run,
  lastRun: row.last_run,
  supplier: row.supplier_id && row.supplier_name !== null ? { id: row.supplier_id, name: row.supplier_name } : null,
  contract: row.contract_id && row.contract_name !== null ? { id: row.contract_id, name: row.contract_name } : null,
  active: row.active,
  createdAt: row.created_at.toISOString(),
});

export async function getPlan(trx: TenantTransaction, planId: string): Promise<PlanView> {
  const row = await selectPlans(trx).where('plan.id', '=', planId).executeTakeFirst();
  if (!row) throw notFound('Plano de manutenção');
  return toPlanView(row);
}

export async function listPlans(
  trx: TenantTransaction,
  input: { assetId?: string | undefined; active?: boolean | undefined },
): Promise<PlanView[]> {
  let query = selectPlans(trx);
  if (input.assetId) query = query.where('plan.asset_id', '=', input.assetId);
  if (input.active !== undefined) query = query.where('plan.active', '=', input.active);
  const rows = await query.orderBy('plan.active', 'desc').orderBy('plan.next_run').orderBy('plan.id').limit(500).execute();
  return rows.map(toPlanView);
}

interface PlanFields {
  title: string;
  description?: string | undefined;
  priority: InventoryPriority;
  period: InventorySchedulePeriod;
  intervalDays?: number | null | undefined;
  nextRun: string;
  supplierId?: string | null | undefined;
  contractId?: string | null | undefined;
}

/** The plan's supplier and contract are the tenant's, and agree (a contract's supplier is its plan's). */
async function checkReferences(trx: TenantTransaction, supplierId: string | null, contractId: string | null): Promise<void> {
  if (supplierId) await checkSupplier(trx, supplierId);
  if (!contractId) return;
  const contract = await findContract(trx, contractId);
  if (supplierId && contract.supplier_id !== supplierId)
    throw new DomainError('BAD_REQUEST', 'SUPPLIER_MISMATCH', 'O contrato é de outro fornecedor', { field: 'contractId' });
}

const auditedFields = (plan: InventoryMaintenanceSchedule) => ({
  title: plan.title,
  priority: plan.priority,
  period: plan.period,
  intervalDays: plan.interval_days,
  nextRun: plan.next_run,
  supplierId: plan.supplier_id,
  contractId: plan.contract_id,
  active: plan.active,
});

export async function createPlan(trx: TenantTransaction, audit: AuditContext, input: PlanFields & { assetId: string }): Promise<PlanView> {
  const asset = await trx.selectFrom('inventory_assets').select('id').where('id', '=', input.assetId).executeTakeFirst();
  if (!asset) throw notFound('Ativo');
  await checkReferences(trx, input.supplierId ?? null, input.contractId ?? null);
  const plan = await trx
    .insertInto('inventory_maintenance_schedules')
    .values({
      tenant_id: tenantOf(trx),
      asset_id: asset.id,
      title: input.title,
      description: input.description ?? '',
      priority: input.priority,
      period: input.period,
      interval_days: input.period === 'interval' ? (input.intervalDays ?? null) : null,
      next_run: input.nextRun,
      supplier_id: input.supplierId ?? null,
      contract_id: input.contractId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.maintenance.plan_created',
    entity: 'inventory_maintenance_schedules',
    entityId: plan.id,
    after: { assetId: plan.asset_id, ...auditedFields(plan) },
  });
  return getPlan(trx, plan.id);
}

export async function updatePlan(
  trx: TenantTransaction,
  audit: AuditContext,
  input: Partial<PlanFields> & { id: string; active?: boolean | undefined },
): Promise<PlanView> {
  const before = await trx
    .selectFrom('inventory_maintenance_schedules')
    .selectAll()
    .where('id', '=', input.id)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw notFound('Plano de manutenção');
  const period = input.period ?? before.period;
  const intervalDays = period === 'date' ? null : input.intervalDays === undefined ? before.interval_days : input.intervalDays;
  if (period === 'interval' && intervalDays === null)
    throw new DomainError('BAD_REQUEST', 'INVALID_PERIOD', 'Informe o intervalo em dias de um plano por intervalo', {
      field: 'intervalDays',
    });
  const supplierId = input.supplierId === undefined ? before.supplier_id : input.supplierId;
  const contractId = input.contractId === undefined ? before.contract_id : input.contractId;
  await checkReferences(trx, supplierId, contractId);
  const after = await trx
    .updateTable('inventory_maintenance_schedules')
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.nextRun !== undefined ? { next_run: input.nextRun } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      period,
      interval_days: intervalDays,
      supplier_id: supplierId,
      contract_id: contractId,
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.maintenance.plan_updated',
    entity: 'inventory_maintenance_schedules',
    entityId: after.id,
    before: auditedFields(before),
    after: auditedFields(after),
  });
  return getPlan(trx, after.id);
}

/** The first date of the plan's sequence (due, due + N, due + 2N…) after `today`: missed periods are not made up one by one. */
export function nextRunAfter(due: string, intervalDays: number, today: string): string {
  const start = DateTime.fromISO(due, { zone: 'UTC' });
  const elapsed = DateTime.fromISO(today, { zone: 'UTC' }).diff(start, 'days').days;
  const periods = Math.floor(elapsed / intervalDays) + 1;
  return start.plus({ days: periods * intervalDays }).toISODate()!;
}

type PlanRun = 'created' | 'skipped';

/**
 * Makes the order of one due plan, once per (plan, due date): the plan is locked and read again,
 * so a second run at once waits, then finds it advanced; the unique (schedule_id, due_date) is the
 * backstop. Then the plan moves to its next date (by interval) or ends (by date). A contract out of
 * force on the day gives the order no deadlines rather than no order.
 */
async function runPlan(trx: TenantTransaction, planId: string, today: string, now: Date): Promise<PlanRun> {
  const plan = await trx.selectFrom('inventory_maintenance_schedules').selectAll().where('id', '=', planId).forUpdate().executeTakeFirst();
  if (!plan?.active || plan.next_run === null || plan.next_run > today) return 'skipped';
  const due = plan.next_run;
  const made = await trx
    .selectFrom('inventory_maintenance_orders')
    .select('id')
    .where('schedule_id', '=', plan.id)
    .where('due_date', '=', due)
    .executeTakeFirst();
  if (!made) {
    const contract = plan.contract_id ? await findContract(trx, plan.contract_id) : null;
    await createOrder(
      trx,
      systemAudit('Plano de manutenção'),
      {
        assetId: plan.asset_id,
        title: plan.title,
        description: plan.description,
        priority: plan.priority,
        supplierId: plan.supplier_id,
        contractId: contract && contractInForce(contract, today) ? contract.id : null,
        scheduleId: plan.id,
        dueDate: due,
      },
      now,
    );
  }
  await trx
    .updateTable('inventory_maintenance_schedules')
    .set({
      last_run: due,
      ...(plan.period === 'interval' ? { next_run: nextRunAfter(due, plan.interval_days!, today) } : { active: false }),
      updated_at: now,
    })
    .where('id', '=', plan.id)
    .execute();
  return made ? 'skipped' : 'created';
}

/**
 * The plans job's work for one tenant at `now`: every active plan due by today (in the tenant's
 * zone) gets its order, each in its own transaction. A plan whose order cannot be opened now (its
 * asset is out on loan) stays due and is tried again at the next run.
 */
export async function runDueMaintenancePlans(
  db: Kysely<DB>,
  tenantId: string,
  now = new Date(),
): Promise<{ due: number; created: number; deferred: number }> {
  const { today, due } = await withTenant(db, tenantId, async (trx) => {
    const tenant = await trx.selectFrom('tenants').select('modules').where('id', '=', tenantId).executeTakeFirstOrThrow();
    if (!tenant.modules.includes('inventory')) return { today: '', due: [] };
    const day = await tenantToday(trx, now);
    const plans = await trx
      .selectFrom('inventory_maintenance_schedules')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('active', '=', true)
      .where('next_run', '<=', day)
      .orderBy('next_run')
      .execute();
    return { today: day, due: plans.map((plan) => plan.id) };
  });
  const totals = { due: due.length, created: 0, deferred: 0 };
  for (const planId of due) {
    try {
      if ((await withTenant(db, tenantId, (trx) => runPlan(trx, planId, today, now))) === 'created') totals.created += 1;
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'CONFLICT') throw error;
      totals.deferred += 1;
    }
  }
  return totals;
}
