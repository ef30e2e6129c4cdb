import { sql } from 'kysely';
import type { z } from 'zod';
import type { InventoryCategory, InventoryCustomField } from '../../../db/schema';
import { sqlStateOf, UNIQUE_VIOLATION } from '../../../db/savepoint';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { loadInventorySettings } from '../settings';
import { missing } from './errors';
import type { createCategoryInput, updateCategoryInput } from './schemas';

export interface CategoryView {
  id: string;
  name: string;
  parentId: string | null;
  /** 0 for a top-level category. */
  depth: number;
  /** Names from the top-level category down to this one. */
  path: string[];
  customFields: InventoryCustomField[];
  /** Fields its assets also carry, from the categories above it. */
  inheritedFields: InventoryCustomField[];
  /** Assets filed directly under it. */
  assetCount: number;
  childCount: number;
}

export const categoryNotFound = (field?: string) => missing('Categoria não encontrada', field);

/** The category, or NOT_FOUND (another tenant's id is as unknown as a random one). */
export async function findCategory(trx: TenantTransaction, categoryId: string): Promise<InventoryCategory> {
  const category = await trx.selectFrom('inventory_categories').selectAll().where('id', '=', categoryId).executeTakeFirst();
  if (!category) throw categoryNotFound();
  return category;
}

/** Every category of the tenant by id: trees are small, and walking them in memory answers ancestors and subtrees at once. */
async function categoryTree(trx: TenantTransaction): Promise<Map<string, InventoryCategory>> {
  const rows = await trx.selectFrom('inventory_categories').selectAll().where('tenant_id', '=', tenantOf(trx)).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** The category and those above it, top-level first. */
function lineage(tree: Map<string, InventoryCategory>, categoryId: string): InventoryCategory[] {
  const chain: InventoryCategory[] = [];
  const seen = new Set<string>();
  for (let current = tree.get(categoryId); current && !seen.has(current.id); current = tree.get(current.parent_id ?? '')) {
    seen.add(current.id);
    chain.unshift(current);
  }
  return chain;
}

/** The category and every one below it. */
function subtreeIds(tree: Map<string, InventoryCategory>, categoryId: string): Set<string> {
  const ids = new Set([categoryId]);
  for (let grew = true; grew;) {
    grew = false;
    for (const category of tree.values()) {
      if (category.parent_id && ids.has(category.parent_id) && !ids.has(category.id)) {
        ids.add(category.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** The ids of a category's subtree, for filters ("assets of Informática" includes Notebooks). */
export async function categorySubtreeIds(trx: TenantTransaction, categoryId: string): Promise<string[]> {
  const tree = await categoryTree(trx);
  if (!tree.has(categoryId)) throw categoryNotFound();
  return [...subtreeIds(tree, categoryId)];
}

/** The fields an asset of the category carries: those of the category and of every one above it, top-level first. */
export async function fieldsOfCategory(trx: TenantTransaction, categoryId: string | null): Promise<InventoryCustomField[]> {
  if (!categoryId) return [];
  return lineage(await categoryTree(trx), categoryId).flatMap((category) => category.custom_fields);
}

/** Each category with its lineage (top-level first) and full field list, for checking many assets (an import) against one read of the tree. */
export async function categoryCatalogue(
  trx: TenantTransaction,
): Promise<Map<string, { category: InventoryCategory; lineage: { id: string; name: string }[]; fields: InventoryCustomField[] }>> {
  const tree = await categoryTree(trx);
  return new Map(
    [...tree.values()].map((category) => {
      const chain = lineage(tree, category.id);
      return [
        category.id,
        { category, lineage: chain.map((item) => ({ id: item.id, name: item.name })), fields: chain.flatMap((item) => item.custom_fields) },
      ] as const;
    }),
  );
}

/** The tree, depth-first; with counts, how many assets each category holds directly (else zeros). */
export async function listCategories(trx: TenantTransaction, options: { withCounts: boolean }): Promise<CategoryView[]> {
  const tree = await categoryTree(trx);
  const counts = options.withCounts
    ? await trx
        .selectFrom('inventory_assets')
        .select(['category_id', (eb) => eb.fn.countAll<string>().as('count')])
        .where('tenant_id', '=', tenantOf(trx))
        .where('category_id', 'is not', null)
        .groupBy('category_id')
        .execute()
    : [];
  const assetCounts = new Map(counts.map((row) => [row.category_id!, Number(row.count)]));
  const childCounts = new Map<string, number>();
  for (const category of tree.values()) {
    if (category.parent_id) childCounts.set(category.parent_id, (childCounts.get(category.parent_id) ?? 0) + 1);
  }
  const views = [...tree.values()].map((category) => {
    const chain = lineage(tree, category.id);
    return {
      id: category.id,
      name: category.name,
      parentId: category.parent_id,
      depth: chain.length - 1,
      path: chain.map((item) => item.name),
      customFields: category.custom_fields,
      inheritedFields: chain.slice(0, -1).flatMap((item) => item.custom_fields),
      assetCount: assetCounts.get(category.id) ?? 0,
      childCount: childCounts.get(category.id) ?? 0,
    };
  });
  // Depth-first, siblings by name: the order the tree is drawn in.
  return views.sort((a, b) => a.path.join('\u0000').localeCompare(b.path.join('\u0000'), 'pt-BR'));
}

/**
 * Refuses a field key that the category's assets would carry twice: the key is already one of a
 * category above it, or of one below it (whose assets carry this category's fields too).
 */
function assertKeysUnique(tree: Map<string, InventoryCategory>, categoryId: string, parentId: string | null, own: InventoryCustomField[]) {
  const above = parentId ? lineage(tree, parentId).flatMap((category) => category.custom_fields) : [];
  const below = [...subtreeIds(tree, categoryId)].filter((id) => id !== categoryId).flatMap((id) => tree.get(id)?.custom_fields ?? []);
  const taken = new Set([...above, ...below].map((field) => field.key));
  const clash = own.find((field) => taken.has(field.key));
  if (clash) {
    throw new DomainError(
      'CONFLICT',
      'CUSTOM_FIELD_KEY_TAKEN',
      `A chave ${clash.key} já é de um campo de uma categoria acima ou abaixo desta`,
      { field: 'customFields', key: clash.key },
    );
  }
}

/** Tree changes of a tenant, one at a time: two moves at once could otherwise close a loop between them. */
async function lockCategoryTree(trx: TenantTransaction): Promise<void> {
  await loadInventorySettings(trx);
  await trx.selectFrom('inventory_settings').select('tenant_id').where('tenant_id', '=', tenantOf(trx)).forUpdate().execute();
}

const normalisedFields = (fields: InventoryCustomField[]) =>
  fields.map((field) => ({
    key: field.key,
    label: field.label,
    type: field.type,
    required: field.required,
    ...(field.type === 'select' ? { options: field.options ?? [] } : {}),
  }));

async function uniqueName<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (sqlStateOf(error) === UNIQUE_VIOLATION)
      throw new DomainError('CONFLICT', 'CATEGORY_NAME_TAKEN', 'Já existe uma categoria com este nome aqui', { field: 'name' });
    throw error;
  }
}

async function recordCategoryChange(
  trx: TenantTransaction,
  audit: AuditContext,
  action: 'created' | 'updated' | 'deleted',
  category: InventoryCategory,
  before?: InventoryCategory,
): Promise<void> {
  const summary = (row: InventoryCategory) => ({ name: row.name, parentId: row.parent_id, customFields: row.custom_fields });
  await recordAudit(trx, audit, {
    action: `inventory.category.${action}`,
    entity: 'inventory_categories',
    entityId: category.id,
    ...(before ? { before: summary(before) } : {}),
    ...(action === 'deleted' ? { before: summary(category) } : { after: summary(category) }),
  });
  await appendEvent(trx, 'inventory.category.changed', { categoryId: category.id });
}

export async function createCategory(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createCategoryInput>,
): Promise<InventoryCategory> {
  const fields = normalisedFields(input.customFields ?? []);
  if (input.parentId) {
    await lockCategoryTree(trx);
    const tree = await categoryTree(trx);
    if (!tree.has(input.parentId)) throw categoryNotFound('parentId');
    assertKeysUnique(tree, crypto.randomUUID(), input.parentId, fields);
  }
  const category = await uniqueName(
    trx
      .insertInto('inventory_categories')
      .values({ tenant_id: tenantOf(trx), name: input.name, parent_id: input.parentId ?? null, custom_fields: JSON.stringify(fields) })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  await recordCategoryChange(trx, audit, 'created', category);
  return category;
}

/** Renames, moves (never under itself or its own subtree) or changes the fields of a category. */
export async function updateCategory(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateCategoryInput>,
): Promise<InventoryCategory> {
  await lockCategoryTree(trx);
  const tree = await categoryTree(trx);
  const before = tree.get(input.id);
  if (!before) throw categoryNotFound();
  const parentId = input.parentId === undefined ? before.parent_id : input.parentId;
  if (parentId && parentId !== before.parent_id) {
    if (!tree.has(parentId)) throw categoryNotFound('parentId');
    if (subtreeIds(tree, before.id).has(parentId)) {
      throw new DomainError('CONFLICT', 'CATEGORY_CYCLE', 'Uma categoria não pode ficar dentro dela mesma nem de uma subcategoria sua', {
        field: 'parentId',
      });
    }
  }
  const fields = input.customFields ? normalisedFields(input.customFields) : before.custom_fields;
  assertKeysUnique(tree, before.id, parentId, fields);
  const after = await uniqueName(
    trx
      .updateTable('inventory_categories')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        parent_id: parentId,
        custom_fields: JSON.stringify(fields),
        updated_at: new Date(),
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  await recordCategoryChange(trx, audit, 'updated', after, before);
  return after;
}

/** Deletes an empty category; one that still holds something is a 409 saying what. */
export async function deleteCategory(trx: TenantTransaction, audit: AuditContext, categoryId: string): Promise<void> {
  const category = await findCategory(trx, categoryId);
  const count = async (table: string, column: string) =>
    Number(
      (await sql<{ count: string }>`select count(*) from ${sql.table(table)} where ${sql.ref(column)} = ${categoryId}`.execute(trx))
        .rows[0]!.count,
    );
  const holders = {
    subcategories: await count('inventory_categories', 'parent_id'),
    assets: await count('inventory_assets', 'category_id'),
    quoteItems: await count('inventory_quote_request_items', 'category_id'),
    purchaseItems: await count('inventory_purchase_order_items', 'asset_category_id'),
  };
  if (Object.values(holders).some((held) => held > 0)) {
    const parts = [
      holders.subcategories && `${holders.subcategories} subcategoria(s)`,
      holders.assets && `${holders.assets} ativo(s)`,
      holders.quoteItems && `${holders.quoteItems} item(ns) de orçamento`,
      holders.purchaseItems && `${holders.purchaseItems} item(ns) de pedido de compra`,
    ].filter(Boolean);
    throw new DomainError('CONFLICT', 'CATEGORY_NOT_EMPTY', `A categoria ${category.name} ainda tem ${parts.join(', ')}`, holders);
  }
  await trx.deleteFrom('inventory_categories').where('id', '=', category.id).execute();
  await recordCategoryChange(trx, audit, 'deleted', category);
}

export function toCategoryView(
  category: InventoryCategory,
): Omit<CategoryView, 'depth' | 'path' | 'inheritedFields' | 'assetCount' | 'childCount'> {
  return { id: category.id, name: category.name, parentId: category.parent_id, customFields: category.custom_fields };
}
