import { sql } from 'kysely';
import type { z } from 'zod';
import type { InventoryAssetStatus, InventoryLocation, InventoryLocationType } from '../../../db/schema';
import { sqlStateOf, UNIQUE_VIOLATION } from '../../../db/savepoint';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { loadInventorySettings } from '../settings';
import { missing } from './errors';
import type { createLocationInput, updateLocationInput } from './schemas';

/**
 * Whether `userId` manages `locationId`: the location or one of its ancestors names the user as
 * manager. The ancestors are the ids in the location's path ('/<root>/…/<own>/').
 */
export async function managesLocation(trx: TenantTransaction, userId: string, locationId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('inventory_locations as location')
    .innerJoin('inventory_locations as ancestor', (join) =>
      join.on(sql<boolean>`location.path like ancestor.path || '%'`).onRef('ancestor.tenant_id', '=', 'location.tenant_id'),
    )
    .select('ancestor.id')
    .where('location.id', '=', locationId)
    .where('ancestor.manager_id', '=', userId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** unit → building → floor → room: a child's type is always deeper than its parent's. */
export const LOCATION_DEPTH: Record<InventoryLocationType, number> = { unit: 0, building: 1, floor: 2, room: 3 };
export const LOCATION_TYPE_LABELS: Record<InventoryLocationType, string> = {
  unit: 'unidade',
  building: 'prédio',
  floor: 'andar',
  room: 'sala',
};

export interface LocationView {
  id: string;
  parentId: string | null;
  type: InventoryLocationType;
  name: string;
  code: string;
  /** 0 for a top-level location. */
  depth: number;
  latitude: number | null;
  longitude: number | null;
  managerId: string | null;
  managerName: string | null;
  /** Assets placed directly here. */
  assetCount: number;
  /** Assets here and anywhere below. */
  subtreeAssetCount: number;
  childCount: number;
}

export const locationNotFound = (field?: string) => missing('Localização não encontrada', field);

export async function findLocation(trx: TenantTransaction, locationId: string, field?: string): Promise<InventoryLocation> {
  const location = await trx.selectFrom('inventory_locations').selectAll().where('id', '=', locationId).executeTakeFirst();
  if (!location) throw locationNotFound(field);
  return location;
}

/** The ids in a location's path, top-level first (the location's own id last). */
export const pathIds = (path: string) => path.split('/').filter(Boolean);

/** The location and those above it, top-level first. */
export async function locationLineage(
  trx: TenantTransaction,
  location: Pick<InventoryLocation, 'path'>,
): Promise<Pick<InventoryLocation, 'id' | 'name' | 'code' | 'type'>[]> {
  const ids = pathIds(location.path);
  const rows = await trx.selectFrom('inventory_locations').select(['id', 'name', 'code', 'type']).where('id', 'in', ids).execute();
  return ids.flatMap((id) => rows.filter((row) => row.id === id));
}

/** The subtree's location ids, as a subquery: every path that starts with the root's. */
export const subtreeLocationIds = (trx: TenantTransaction, rootPath: string) =>
  trx.selectFrom('inventory_locations').select('id').where('tenant_id', '=', tenantOf(trx)).where('path', 'like', `${rootPath}%`);

const numeric = (value: string | null) => (value === null ? null : Number(value));

/** Every location of the tenant, drawn depth-first (siblings by name); with counts, how many assets each holds and its subtree holds (else zeros). */
export async function listLocations(trx: TenantTransaction, options: { withCounts: boolean }): Promise<LocationView[]> {
  const rows = await trx
    .selectFrom('inventory_locations as location')
    .leftJoin('users', 'users.id', 'location.manager_id')
    .selectAll('location')
    .select('users.name as manager_name')
    .where('location.tenant_id', '=', tenantOf(trx))
    .execute();
  const counts = options.withCounts
    ? await trx
        .selectFrom('inventory_assets')
        .select(['location_id', (eb) => eb.fn.countAll<string>().as('count')])
        .where('tenant_id', '=', tenantOf(trx))
        .where('location_id', 'is not', null)
        .groupBy('location_id')
        .execute()
    : [];
  const direct = new Map(counts.map((row) => [row.location_id!, Number(row.count)]));
  const subtree = new Map<string, number>();
  const children = new Map<string, number>();
  for (const row of rows) {
    for (const ancestorId of pathIds(row.path)) subtree.set(ancestorId, (subtree.get(ancestorId) ?? 0) + (direct.get(row.id) ?? 0));
    if (row.parent_id) children.set(row.parent_id, (children.get(row.parent_id) ?? 0) + 1);
  }
  const names = new Map(rows.map((row) => [row.id, row.name]));
  const sortKey = (path: string) =>
    pathIds(path)
      .map((id) => names.get(id) ?? '')
      .join('\u0000');
  return rows
    .sort((a, b) => sortKey(a.path).localeCompare(sortKey(b.path), 'pt-BR'))
    .map((row) => ({
      id: row.id,
      parentId: row.parent_id,
      type: row.type,
      name: row.name,
      code: row.code,
      depth: pathIds(row.path).length - 1,
      latitude: numeric(row.latitude),
      longitude: numeric(row.longitude),
      managerId: row.manager_id,
      managerName: row.manager_name,
      assetCount: direct.get(row.id) ?? 0,
      subtreeAssetCount: subtree.get(row.id) ?? 0,
      childCount: children.get(row.id) ?? 0,
    }));
}

export interface LocationCounts {
  locationId: string;
  name: string;
  total: number;
  /** Sum of the purchase values, in cents (assets without a value count as zero). */
  totalValueCents: number;
  byStatus: { status: InventoryAssetStatus; count: number }[];
  byCategory: { categoryId: string | null; name: string; count: number; valueCents: number }[];
}

/** How many assets a location's subtree holds, by status and by category, and what they are worth. */
export async function locationCounts(trx: TenantTransaction, locationId: string): Promise<LocationCounts> {
  const location = await findLocation(trx, locationId);
  const rows = await trx
    .selectFrom('inventory_assets')
    .select(['status', 'category_id'])
    .select((eb) => [
      eb.fn.countAll<string>().as('count'),
      eb.fn.coalesce(eb.fn.sum<string | null>('purchase_value_cents'), sql<string>`0`).as('value'),
    ])
    .where('tenant_id', '=', tenantOf(trx))
    .where('location_id', 'in', subtreeLocationIds(trx, location.path))
    .groupBy(['status', 'category_id'])
    .execute();
  const categoryIds = [...new Set(rows.flatMap((row) => (row.category_id ? [row.category_id] : [])))];
  const categories = categoryIds.length
    ? await trx.selectFrom('inventory_categories').select(['id', 'name']).where('id', 'in', categoryIds).execute()
    : [];
  const categoryNames = new Map(categories.map((category) => [category.id, category.name]));
  const byStatus = new Map<InventoryAssetStatus, number>();
  const byCategory = new Map<string | null, { count: number; valueCents: number }>();
  for (const row of rows) {
    byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + Number(row.count));
    const category = byCategory.get(row.category_id) ?? { count: 0, valueCents: 0 };
    byCategory.set(row.category_id, { count: category.count + Number(row.count), valueCents: category.valueCents + Number(row.value) });
  }
  return {
    locationId: location.id,
    name: location.name,
    total: rows.reduce((sum, row) => sum + Number(row.count), 0),
    // Whole cents below 2^53 (about 90 trillion reais): exact as a JSON number.
    totalValueCents: rows.reduce((sum, row) => sum + Number(row.value), 0),
    byStatus: [...byStatus].map(([status, count]) => ({ status, count })).sort((a, b) => b.count - a.count),
    byCategory: [...byCategory]
      .map(([categoryId, totals]) => ({
        categoryId,
        name: categoryId ? (categoryNames.get(categoryId) ?? '') : 'Sem categoria',
        ...totals,
      }))
      .sort((a, b) => b.count - a.count),
  };
}

function assertDeeper(parentType: InventoryLocationType, childType: InventoryLocationType, field: 'type' | 'parentId'): void {
  if (LOCATION_DEPTH[childType] <= LOCATION_DEPTH[parentType]) {
    throw new DomainError(
      'BAD_REQUEST',
      'LOCATION_TYPE_ORDER',
      `Dentro de ${LOCATION_TYPE_LABELS[parentType]} só cabe o que vem depois (unidade → prédio → andar → sala), não ${LOCATION_TYPE_LABELS[childType]}`,
      { field },
    );
  }
}

async function assertManager(trx: TenantTransaction, managerId: string | null | undefined): Promise<void> {
  if (!managerId) return;
  const user = await trx
    .selectFrom('users')
    .select('id')
    .where('id', '=', managerId)
    .where('tenant_id', '=', tenantOf(trx))
    .executeTakeFirst();
  if (!user) throw missing('Responsável não encontrado', 'managerId');
}

/** Moves of a tenant's locations, one at a time: two moves at once could otherwise close a loop between them. */
async function lockLocationTree(trx: TenantTransaction): Promise<void> {
  await loadInventorySettings(trx);
  await trx.selectFrom('inventory_settings').select('tenant_id').where('tenant_id', '=', tenantOf(trx)).forUpdate().execute();
}

async function uniqueCode<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (sqlStateOf(error) === UNIQUE_VIOLATION)
      throw new DomainError('CONFLICT', 'LOCATION_CODE_TAKEN', 'Já existe uma localização com este código', { field: 'code' });
    throw error;
  }
}

const auditedFields = (location: InventoryLocation) => ({
  parentId: location.parent_id,
  type: location.type,
  name: location.name,
  code: location.code,
  latitude: location.latitude,
  longitude: location.longitude,
  managerId: location.manager_id,
});

async function recordLocationChange(
  trx: TenantTransaction,
  audit: AuditContext,
  action: 'created' | 'updated' | 'deleted',
  location: InventoryLocation,
  before?: InventoryLocation,
): Promise<void> {
  await recordAudit(trx, audit, {
    action: `inventory.location.${action}`,
    entity: 'inventory_locations',
    entityId: location.id,
    ...(before ? { before: auditedFields(before) } : {}),
    ...(action === 'deleted' ? { before: auditedFields(location) } : { after: auditedFields(location) }),
  });
  await appendEvent(trx, 'inventory.location.changed', { locationId: location.id });
}

export async function createLocation(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createLocationInput>,
): Promise<InventoryLocation> {
  const parent = input.parentId ? await findLocation(trx, input.parentId, 'parentId') : null;
  if (parent) assertDeeper(parent.type, input.type, 'type');
  await assertManager(trx, input.managerId);
  // The id is made here so the row's path (which ends with it) is written in the same insert.
  const id = crypto.randomUUID();
  const location = await uniqueCode(
    trx
      .insertInto('inventory_locations')
      .values({
        id,
        tenant_id: tenantOf(trx),
        parent_id: parent?.id ?? null,
        type: input.type,
        name: input.name,
        code: input.code,
        path: `${parent?.path ?? '/'}${id}/`,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        manager_id: input.managerId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  await recordLocationChange(trx, audit, 'created', location);
  return location;
}

/**
 * Changes a location. A move (new parent) rewrites the paths of its whole subtree in one
 * statement, and never goes under the location itself or anything below it; the type stays
 * deeper than the parent's and shallower than every child's.
 */
export async function updateLocation(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateLocationInput>,
): Promise<InventoryLocation> {
  const moving = input.parentId !== undefined;
  if (moving) await lockLocationTree(trx);
  const before = await findLocation(trx, input.id);
  const parentId = moving ? input.parentId! : before.parent_id;
  const parent = parentId ? await findLocation(trx, parentId, 'parentId') : null;
  if (parent && parent.path.startsWith(before.path)) {
    throw new DomainError('CONFLICT', 'LOCATION_CYCLE', 'Uma localização não pode ficar dentro dela mesma nem de algo abaixo dela', {
      field: 'parentId',
    });
  }
  const type = input.type ?? before.type;
  if (parent) assertDeeper(parent.type, type, input.type ? 'type' : 'parentId');
  const shallowestChild = await trx
    .selectFrom('inventory_locations')
    .select('type')
    .where('parent_id', '=', before.id)
    .execute()
    .then((children) => children.sort((a, b) => LOCATION_DEPTH[a.type] - LOCATION_DEPTH[b.type])[0]);
  if (shallowestChild) assertDeeper(type, shallowestChild.type, 'type');
  await assertManager(trx, input.managerId);
  const path = `${parent?.path ?? '/'}${before.id}/`;
  if (path !== before.path) {
    await trx
      .updateTable('inventory_locations')
      .set({ path: sql<string>`${path} || substr(path, ${before.path.length + 1})`, updated_at: new Date() })
      .where('tenant_id', '=', tenantOf(trx))
      .where('path', 'like', `${before.path}%`)
      .execute();
  }
  const after = await uniqueCode(
    trx
      .updateTable('inventory_locations')
      .set({
        parent_id: parent?.id ?? null,
        type,
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.code !== undefined ? { code: input.code } : {}),
        ...(input.latitude !== undefined ? { latitude: input.latitude, longitude: input.longitude ?? null } : {}),
        ...(input.managerId !== undefined ? { manager_id: input.managerId } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  await recordLocationChange(trx, audit, 'updated', after, before);
  return after;
}

/** Deletes an empty location; one that still holds places or assets is a 409 saying how many. */
export async function deleteLocation(trx: TenantTransaction, audit: AuditContext, locationId: string): Promise<void> {
  const location = await trx.selectFrom('inventory_locations').selectAll().where('id', '=', locationId).forUpdate().executeTakeFirst();
  if (!location) throw locationNotFound();
  const count = async (table: 'inventory_locations' | 'inventory_assets', column: 'parent_id' | 'location_id') =>
    Number(
      (await sql<{ count: string }>`select count(*) from ${sql.table(table)} where ${sql.ref(column)} = ${location.id}`.execute(trx))
        .rows[0]!.count,
    );
  const holders = { sublocations: await count('inventory_locations', 'parent_id'), assets: await count('inventory_assets', 'location_id') };
  if (holders.sublocations > 0 || holders.assets > 0) {
    const parts = [
      holders.sublocations && `${holders.sublocations} localização(ões) dentro`,
      holders.assets && `${holders.assets} ativo(s)`,
    ];
    throw new DomainError('CONFLICT', 'LOCATION_NOT_EMPTY', `${location.name} ainda tem ${parts.filter(Boolean).join(' e ')}`, holders);
  }
  await trx.deleteFrom('inventory_locations').where('id', '=', location.id).execute();
  await recordLocationChange(trx, audit, 'deleted', location);
}

export function toLocationView(location: InventoryLocation) {
  return {
    id: location.id,
    parentId: location.parent_id,
    type: location.type,
    name: location.name,
    code: location.code,
    depth: pathIds(location.path).length - 1,
    latitude: numeric(location.latitude),
    longitude: numeric(location.longitude),
    managerId: location.manager_id,
  };
}
