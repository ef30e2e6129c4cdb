import { sql, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB, InventoryAsset } from '../../../db/schema';
import { isUuid, tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { containing } from '../../../db/like-patterns';
import { decodeKeysetCursor, encodeKeysetCursor, exactTimestamp } from '../../../platform/keyset-cursor';
import { selectAssetViews, toAssetView, type AssetView } from './asset-views';
import { categorySubtreeIds } from './categories';
import { missing } from './errors';
import { findLocation, subtreeLocationIds } from './locations';
import type { ListAssetsInput } from './schemas';

type AssetScope = ExpressionBuilder<DB & { asset: DB['inventory_assets'] }, 'asset'>;

export interface AssetPage {
  items: AssetView[];
  /** For the next page of the same search; null on the last page. */
  nextCursor: string | null;
  /** How many of the items (at the top of the first page) matched the tag, serial or patrimônio exactly. */
  exactMatches: number;
}

interface Filters {
  categoryIds: string[] | undefined;
  locationPath: string | undefined;
  statuses: string[] | undefined;
}

/** What every part of a search filters on: a category subtree, a location subtree, statuses (the tenant comes from the transaction). */
async function filtersOf(trx: TenantTransaction, input: ListAssetsInput): Promise<Filters> {
  return {
    categoryIds: input.categoryId ? await categorySubtreeIds(trx, input.categoryId) : undefined,
    locationPath: input.locationId ? (await findLocation(trx, input.locationId)).path : undefined,
    statuses: input.status?.length ? input.status : undefined,
  };
}

const filtered = (trx: TenantTransaction, filters: Filters) => (eb: AssetScope) =>
  eb.and([
    eb('asset.tenant_id', '=', tenantOf(trx)),
    ...(filters.categoryIds ? [eb('asset.category_id', 'in', filters.categoryIds)] : []),
    ...(filters.locationPath ? [eb('asset.location_id', 'in', subtreeLocationIds(trx, filters.locationPath))] : []),
    ...(filters.statuses ? [eb('asset.status', 'in', filters.statuses as InventoryAsset['status'][])] : []),
  ]);

/** The ids whose tag, serial or patrimônio is the code, ignoring case (through the owner's search function: see the migration). */
const withCode = (code: string) => sql<string>`(select id from inventory_assets_with_code(${code}))`;

/** Each order: the column the index walks, and the exact text of it a cursor carries. */
const SORTS = {
  recent: { column: sql`asset.created_at`, cursorKey: exactTimestamp('asset.created_at'), kind: 'timestamp', direction: 'desc' },
  name: { column: sql`asset.name`, cursorKey: sql<string>`asset.name`, kind: 'text', direction: 'asc' },
  tag: { column: sql`asset.tag`, cursorKey: sql<string>`asset.tag`, kind: 'text', direction: 'asc' },
} as const;

/** One page in the asked order after the cursor: by name through the owner's search function, or walking the sort's index under the tenant's policy; read back under the policy. */
async function pageOfAssets(trx: TenantTransaction, input: ListAssetsInput, filters: Filters, q: string | undefined) {
  const sort = SORTS[input.sort];
  const after = input.cursor ? decodeKeysetCursor(input.cursor, sort.kind) : undefined;
  if (q) {
    const hits = sql<{ id: string; sort_key: string; ordinality: string }>`inventory_assets_named(${containing(q)}, ${q},
      ${filters.categoryIds ?? null}::uuid[], ${filters.locationPath ?? null}, ${filters.statuses ?? null}::text[], ${input.sort},
      ${after?.[0] ?? null}, ${after?.[1] ?? null}::uuid, ${input.limit + 1}) with ordinality`.as('hit');
    return selectAssetViews(trx).innerJoin(hits, 'hit.id', 'asset.id').select('hit.sort_key').orderBy('hit.ordinality').execute();
  }
  let query = selectAssetViews(trx)
    .select(sort.cursorKey.as('sort_key'))
    .where(filtered(trx, filters))
    .orderBy(sort.column, sort.direction)
    .orderBy('asset.id', sort.direction)
    .limit(input.limit + 1);
  if (after) {
    const key = sort.kind === 'timestamp' ? sql`${after[0]}::timestamptz` : sql`${after[0]}`;
    query = query.where(sql<SqlBool>`(${sort.column}, asset.id) ${sql.raw(sort.direction === 'desc' ? '<' : '>')} (${key}, ${after[1]})`);
  }
  return query.execute();
}

/**
 * A page of the tenant's assets, filtered, in the chosen order, by keyset. With a search text,
 * the first page starts with the assets whose tag, serial or patrimônio is exactly the text; then
 * come those whose name contains it (the trigram index serves the ILIKE).
 */
export async function listAssets(trx: TenantTransaction, input: ListAssetsInput): Promise<AssetPage> {
  const filters = await filtersOf(trx, input);
  const q = input.q?.trim() || undefined;
  const exact =
    q && !input.cursor
      ? await selectAssetViews(trx)
          .where((eb) => eb.and([filtered(trx, filters)(eb), eb('asset.id', 'in', withCode(q))]))
          .orderBy('asset.tag')
          .limit(20)
          .execute()
      : [];
  const rows = await pageOfAssets(trx, input, filters, q);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: [...exact, ...page].map(toAssetView),
    nextCursor: rows.length > input.limit && last ? encodeKeysetCursor(last.sort_key, last.id) : null,
    exactMatches: exact.length,
  };
}

const ASSET_PAGE_PATH = /\/inventario\/ativos\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** The asset id a scanned QR names: its page's address (`…/inventario/ativos/<id>`), or a bare id. */
export function assetIdOfCode(code: string): string | undefined {
  const text = code.trim();
  if (isUuid(text)) return text;
  try {
    return ASSET_PAGE_PATH.exec(new URL(text).pathname)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The asset a scanned or typed code names: a QR's page address (or id), else a tag, a
 * patrimônio or a serial number, in that order, ignoring case. Audits' scans read codes the same way.
 */
export async function findAssetByCode(trx: TenantTransaction, code: string): Promise<InventoryAsset | undefined> {
  const assetId = assetIdOfCode(code);
  if (assetId) return trx.selectFrom('inventory_assets').selectAll().where('id', '=', assetId).executeTakeFirst();
  const text = code.trim().toLowerCase();
  const found = await trx.selectFrom('inventory_assets').selectAll().where('id', 'in', withCode(text)).limit(50).execute();
  for (const column of ['tag', 'patrimonio', 'serial_number'] as const) {
    const matching = found.filter((asset) => asset[column]?.toLowerCase() === text);
    // Patrimônio and serial are not unique: two assets sharing one are not a single answer.
    if (matching.length === 1) return matching[0];
  }
  return undefined;
}

/** `assets.resolveCode`: the asset a label or a typed tag names; another tenant's code is as unknown as a made-up one. */
export async function resolveAssetCode(trx: TenantTransaction, code: string): Promise<AssetView> {
  const asset = await findAssetByCode(trx, code);
  const view = asset ? toAssetView(await selectAssetViews(trx).where('asset.id', '=', asset.id).executeTakeFirstOrThrow()) : undefined;
  if (!view) throw missing('Etiqueta não encontrada', 'code');
  return view;
}
