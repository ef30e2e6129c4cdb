import type { Kysely } from 'kysely';
import type { DB, InventoryAssetStatus, InventoryLocationType } from '../../src/db/schema';
import { withTenant } from '../../src/db/tenant-scope';
import { insertAsset } from '../../src/domains/inventory/assets/assets';
import { systemAudit } from '../../src/platform/audit/audit-log';

/*
 * Places, categories, assets and suppliers for the audit and maintenance tests, written straight
 * into the tables (the assets' own procedures are another part's): a location's path is its
 * parent's plus its id, as the location tree keeps it.
 */

const setup = systemAudit('test setup');
let codeCounter = 0;

export async function seedPlace(
  db: Kysely<DB>,
  tenantId: string,
  input: { name: string; type?: InventoryLocationType; parentId?: string | null; code?: string },
): Promise<{ id: string; name: string; code: string; path: string }> {
  codeCounter += 1;
  const id = crypto.randomUUID();
  return withTenant(db, tenantId, async (trx) => {
    const parent = input.parentId
      ? await trx.selectFrom('inventory_locations').select('path').where('id', '=', input.parentId).executeTakeFirstOrThrow()
      : undefined;
    return trx
      .insertInto('inventory_locations')
      .values({
        id,
        tenant_id: tenantId,
        parent_id: input.parentId ?? null,
        type: input.type ?? (input.parentId ? 'room' : 'unit'),
        name: input.name,
        code: input.code ?? `L${codeCounter}-${process.pid}`,
        path: `${parent?.path ?? '/'}${id}/`,
      })
      .returning(['id', 'name', 'code', 'path'])
      .executeTakeFirstOrThrow();
  });
}

export async function seedCategory(db: Kysely<DB>, tenantId: string, name: string, parentId: string | null = null): Promise<string> {
  const row = await withTenant(db, tenantId, (trx) =>
    trx
      .insertInto('inventory_categories')
      .values({ tenant_id: tenantId, name, parent_id: parentId })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return row.id;
}

export interface SeededAsset {
  id: string;
  tag: string;
  name: string;
}

export async function seedAsset(
  db: Kysely<DB>,
  tenantId: string,
  input: { name: string; locationId?: string | null; categoryId?: string | null; status?: InventoryAssetStatus },
): Promise<SeededAsset> {
  const asset = await withTenant(db, tenantId, (trx) =>
    insertAsset(trx, setup, {
      name: input.name,
      locationId: input.locationId ?? null,
      categoryId: input.categoryId ?? null,
      ...(input.status ? { status: input.status } : {}),
    }),
  );
  return { id: asset.id, tag: asset.tag, name: asset.name };
}

let supplierCounter = 0;

export async function seedSupplier(db: Kysely<DB>, tenantId: string, name = 'Assistência Técnica Ltda'): Promise<string> {
  supplierCounter += 1;
  const taxId = String(10_000_000_000_000 + process.pid * 1000 + supplierCounter).slice(-14);
  const row = await withTenant(db, tenantId, (trx) =>
    trx.insertInto('inventory_suppliers').values({ tenant_id: tenantId, name, tax_id: taxId }).returning('id').executeTakeFirstOrThrow(),
  );
  return row.id;
}

/** The asset's current status and location, as the tables hold them. */
export function assetState(db: Kysely<DB>, tenantId: string, assetId: string) {
  return withTenant(db, tenantId, (trx) =>
    trx.selectFrom('inventory_assets').select(['status', 'location_id']).where('id', '=', assetId).executeTakeFirstOrThrow(),
  );
}

/** A building with two rooms, and a room of another building: enough places for an audit scoped to the building. */
export async function seedAuditWorld(db: Kysely<DB>, tenantId: string) {
  const building = await seedPlace(db, tenantId, { name: 'Prédio Sede', type: 'building' });
  const roomA = await seedPlace(db, tenantId, { name: 'Sala 101', parentId: building.id });
  const roomB = await seedPlace(db, tenantId, { name: 'Sala 102', parentId: building.id });
  const annex = await seedPlace(db, tenantId, { name: 'Anexo', type: 'building' });
  const computers = await seedCategory(db, tenantId, 'Computadores');
  const notebooks = await seedCategory(db, tenantId, 'Notebooks', computers);
  const furniture = await seedCategory(db, tenantId, 'Mobiliário');
  return { building, roomA, roomB, annex, categories: { computers, notebooks, furniture } };
}

/** The text a label's QR carries: the asset page's address. */
export const qrTextOf = (publicUrl: string, assetId: string) => `${publicUrl}/inventario/ativos/${assetId}`;
