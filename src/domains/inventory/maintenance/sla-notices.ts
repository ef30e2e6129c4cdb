import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { withSystem } from '../../../db/system-scope';
import { withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { appendEvent } from '../../../platform/events/outbox';
import { raiseInventoryAlert } from '../alerts';
import { loadInventorySettings } from '../settings';
import { toOrderSummary } from './order-views';
import { ACTIVE_ORDER_STATUSES, SLA_DEADLINES, warnsAt, type SlaDeadline } from './sla-clock';

/** The SLA job's batch per run: the rest waits a minute. */
const NOTICE_BATCH = 500;

const DEADLINE_NAMES: Record<SlaDeadline, string> = { respond: 'resposta', resolve: 'solução' };

const NOTICE_COLUMNS = {
  respond: { warned: 'respond_warned_at', breached: 'respond_breached_at' },
  resolve: { warned: 'resolve_warned_at', breached: 'resolve_breached_at' },
} as const;

/**
 * Gives the order's due SLA notices, each once: at the warning percent of a deadline's window a
 * warning, past it a breach (a deadline first seen already past gets the breach only). Each is an
 * inventory alert (idempotent by its source key) and a live event, and is marked on the order,
 * which is locked meanwhile: two runs at once give it once.
 */
export async function giveSlaNotices(trx: TenantTransaction, orderId: string, now: Date): Promise<{ warned: number; breached: number }> {
  const given = { warned: 0, breached: 0 };
  const order = await trx.selectFrom('inventory_maintenance_orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
  if (!order || !(ACTIVE_ORDER_STATUSES as readonly string[]).includes(order.status)) return given;
  const settings = await loadInventorySettings(trx);
  const tenant = await trx.selectFrom('tenants').select('timezone').executeTakeFirstOrThrow();
  const at = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone: tenant.timezone });
  for (const deadline of SLA_DEADLINES) {
    const by = deadline === 'respond' ? order.respond_by : order.resolve_by;
    if (!by || (deadline === 'respond' && order.responded_at)) continue;
    const columns = NOTICE_COLUMNS[deadline];
    const breach = now > by && !order[columns.breached];
    const warning =
      !breach && !order[columns.warned] && !order[columns.breached] && now >= warnsAt(order.created_at, by, settings.sla_warning_percent);
    if (!breach && !warning) continue;
    const updated = await trx
      .updateTable('inventory_maintenance_orders')
      .set((eb) => ({
        [columns.warned]: eb.fn.coalesce(columns.warned, eb.val(now)),
        ...(breach ? { [columns.breached]: now, sla_breached_at: eb.fn.coalesce('sla_breached_at', eb.val(now)) } : {}),
        ...(warning ? { sla_warned_at: eb.fn.coalesce('sla_warned_at', eb.val(now)) } : {}),
      }))
      .where('id', '=', order.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const name = `OS ${order.number} (${order.title})`;
    const alertId = await raiseInventoryAlert(trx, {
      type: breach ? 'maintenance_sla_breached' : 'maintenance_sla_warning',
      severity: breach ? 'critical' : 'warning',
      message: breach
        ? `${name}: o prazo de ${DEADLINE_NAMES[deadline]} venceu em ${at.format(by)}`
        : `${name}: o prazo de ${DEADLINE_NAMES[deadline]} vence em ${at.format(by)}`,
      assetId: order.asset_id,
      sourceKey: `${breach ? 'sla-breach' : 'sla-warning'}:${order.id}:${deadline}`,
    });
    if (!alertId) continue;
    await appendEvent(trx, breach ? 'inventory.maintenance.sla_breached' : 'inventory.maintenance.sla_warning', {
      ...toOrderSummary(updated),
      deadline,
    });
    given[breach ? 'breached' : 'warned'] += 1;
  }
  return given;
}

/**
 * The SLA job's work at `now`: finds, across tenants, the running orders with a notice due (one
 * indexed read on the system path), then gives each its notices in its own tenant's transaction.
 */
export async function raiseSlaNotices(db: Kysely<DB>, now = new Date()): Promise<{ orders: number; warned: number; breached: number }> {
  const due = await withSystem(db, (trx) =>
    trx
      .selectFrom('inventory_maintenance_orders as o')
      .innerJoin('tenants as t', 't.id', 'o.tenant_id')
      .leftJoin('inventory_settings as s', 's.tenant_id', 'o.tenant_id')
      .select(['o.id', 'o.tenant_id'])
      .where(sql<boolean>`'inventory' = any(t.modules)`)
      .where('o.status', 'in', ACTIVE_ORDER_STATUSES)
      .where((eb) => eb.or([eb('o.respond_by', 'is not', null), eb('o.resolve_by', 'is not', null)]))
      .where(
        sql<boolean>`(
          (o.responded_at is null and o.respond_by is not null and (
            (o.respond_warned_at is null and ${now}::timestamptz >= o.created_at + (o.respond_by - o.created_at) * (coalesce(s.sla_warning_percent, 80) / 100.0))
            or (o.respond_breached_at is null and ${now}::timestamptz > o.respond_by)))
          or (o.resolve_by is not null and (
            (o.resolve_warned_at is null and ${now}::timestamptz >= o.created_at + (o.resolve_by - o.created_at) * (coalesce(s.sla_warning_percent, 80) / 100.0))
            or (o.resolve_breached_at is null and ${now}::timestamptz > o.resolve_by))))`,
      )
      .orderBy('o.created_at')
      .limit(NOTICE_BATCH)
      .execute(),
  );
  const totals = { orders: due.length, warned: 0, breached: 0 };
  for (const order of due) {
    const given = await withTenant(db, order.tenant_id, (trx) => giveSlaNotices(trx, order.id, now));
    totals.warned += given.warned;
    totals.breached += given.breached;
  }
  return totals;
}
