import { sql } from 'kysely';
import type { InventoryAssetStatus } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { categoryCatalogue } from './categories';
import { findLocation, pathIds, subtreeLocationIds } from './locations';

export interface InventorySummary {
  /** The subtree the figures cover; null for the whole tenant. */
  location: { id: string; name: string } | null;
  totals: {
    assets: number;
    valueCents: number;
    onLoan: number;
    overdueLoans: number;
    inMaintenance: number;
    /** Open maintenance orders past their SLA. */
    slaBreaches: number;
  };
  byStatus: { status: InventoryAssetStatus; count: number }[];
  /** By top-level category (a subcategory's assets count for the category at its top). */
  byCategory: { categoryId: string | null; name: string; count: number }[];
  /** By the places one level below the chosen one (or the top-level places), each with its whole subtree. */
  byLocation: { locationId: string | null; name: string; count: number }[];
}

/**
 * `dashboard.summary`: the KPIs and the distributions by status, category and place, for the
 * whole tenant or one location subtree. Loans and maintenance orders are read, never changed.
 */
export async function inventorySummary(trx: TenantTransaction, locationId?: string): Promise<InventorySummary> {
  const root = locationId ? await findLocation(trx, locationId) : undefined;
  const inScope = trx
    .selectFrom('inventory_assets')
    .where('tenant_id', '=', tenantOf(trx))
    .$if(root !== undefined, (query) => query.where('location_id', 'in', subtreeLocationIds(trx, root!.path)));
  const groups = await inScope
    .select(['status', 'category_id', 'location_id'])
    .select((eb) => [
      eb.fn.countAll<string>().as('count'),
      eb.fn.coalesce(eb.fn.sum<string | null>('purchase_value_cents'), sql<string>`0`).as('value'),
    ])
    .groupBy(['status', 'category_id', 'location_id'])
    .execute();
  const inScopeAssetIds = inScope.select('id');
  const overdue = await trx
    .selectFrom('inventory_loans')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', '=', 'active')
    .where('due_date', '<', new Date())
    .$if(root !== undefined, (query) => query.where('asset_id', 'in', inScopeAssetIds))
    .executeTakeFirstOrThrow();
  const breaches = await trx
    .selectFrom('inventory_maintenance_orders')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', 'not in', ['done', 'cancelled'])
    .where((eb) => eb.or([eb('sla_breached_at', 'is not', null), eb('resolve_by', '<', new Date())]))
    .$if(root !== undefined, (query) => query.where('asset_id', 'in', inScopeAssetIds))
    .executeTakeFirstOrThrow();

  const add = <Key>(map: Map<Key, number>, key: Key, count: number) => map.set(key, (map.get(key) ?? 0) + count);
  const statusCounts = new Map<InventoryAssetStatus, number>();
  const categoryCounts = new Map<string | null, number>();
  const locationCounts = new Map<string | null, number>();
  const catalogue = await categoryCatalogue(trx);
  const places = await trx
    .selectFrom('inventory_locations')
    .select(['id', 'name', 'path'])
    .where('tenant_id', '=', tenantOf(trx))
    .execute();
  const placeById = new Map(places.map((place) => [place.id, place]));
  const depth = root ? pathIds(root.path).length : 0;
  let total = 0;
  let valueCents = 0;
  for (const group of groups) {
    const count = Number(group.count);
    total += count;
    valueCents += Number(group.value);
    add(statusCounts, group.status, count);
    add(categoryCounts, group.category_id ? (catalogue.get(group.category_id)?.lineage[0]?.id ?? null) : null, count);
    const place = group.location_id ? placeById.get(group.location_id) : undefined;
    // The place one level below the chosen one on the way down to the asset's own place; assets right at the chosen place count as its own.
    add(locationCounts, place ? (pathIds(place.path)[depth] ?? root?.id ?? null) : null, count);
  }
  const sorted = <T extends { count: number }>(rows: T[]) => rows.sort((a, b) => b.count - a.count);
  return {
    location: root ? { id: root.id, name: root.name } : null,
    totals: {
      assets: total,
      // Whole cents below 2^53 (about 90 trillion reais): exact as a JSON number.
      valueCents,
      onLoan: statusCounts.get('on_loan') ?? 0,
      overdueLoans: Number(overdue.count),
      inMaintenance: statusCounts.get('in_maintenance') ?? 0,
      slaBreaches: Number(breaches.count),
    },
    byStatus: sorted([...statusCounts].map(([status, count]) => ({ status, count }))),
    byCategory: sorted(
      [...categoryCounts].map(([categoryId, count]) => ({
        categoryId,
        name: categoryId ? (catalogue.get(categoryId)?.category.name ?? '') : 'Sem categoria',
        count,
      })),
    ),
    byLocation: sorted(
      [...locationCounts].map(([id, count]) => ({
        locationId: id,
        name: id === null ? 'Sem localização' : id === root?.id ? `${root.name} (aqui mesmo)` : (placeById.get(id)?.name ?? ''),
        count,
      })),
    ),
  };
}
