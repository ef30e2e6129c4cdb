import type { InventorySettings } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';

/** The tenant's inventory settings; the row is made with its defaults the first time anyone reads it. */
export async function loadInventorySettings(trx: TenantTransaction): Promise<InventorySettings> {
  const existing = await trx.selectFrom('inventory_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).executeTakeFirst();
  if (existing) return existing;
  await trx
    .insertInto('inventory_settings')
    .values({ tenant_id: tenantOf(trx) })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  return trx.selectFrom('inventory_settings').selectAll().where('tenant_id', '=', tenantOf(trx)).executeTakeFirstOrThrow();
}

type Counter = 'last_tag_number' | 'last_order_number' | 'last_purchase_number';

/**
 * The tenant's next number of a kind (asset tag, maintenance order, purchase order), bumped in the
 * caller's transaction: the row lock orders concurrent creators, so no number is shared or skipped.
 */
export async function nextInventoryNumber(
  trx: TenantTransaction,
  counter: Counter,
): Promise<{ number: number; settings: InventorySettings }> {
  await loadInventorySettings(trx);
  const settings = await trx
    .updateTable('inventory_settings')
    .set((eb) => ({ [counter]: eb(counter, '+', 1) }))
    .where('tenant_id', '=', tenantOf(trx))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { number: settings[counter], settings };
}
