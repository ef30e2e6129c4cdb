import type { InventoryAuditItemStatus, InventoryAuditResolution, InventoryAuditStatus } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../../platform/keyset-cursor';
import type { AUDIT_CORRECTIONS } from './schemas';
import { findAudit } from './sessions';

const ITEM_PAGE = 100;

export type AuditCorrection = (typeof AUDIT_CORRECTIONS)[number];

// What may be done about each classification: the asset moved where it was found, marked lost, or kept as it is.
const CORRECTIONS: Record<InventoryAuditItemStatus, readonly AuditCorrection[]> = {
  PENDING: [],
  FOUND: [],
  MISSING: ['mark_lost', 'keep'],
  UNEXPECTED: ['move_here', 'keep'],
  WRONG_LOCATION: ['move_here', 'keep'],
};

/**
 * The corrections an item allows now: once per item, while the audit is counted or after it
 * closed (a team fixes what it sees as it goes, or works from the report); "move here" needs a
 * place where the asset was found.
 */
export function correctionsFor(
  item: { status: InventoryAuditItemStatus; resolution: InventoryAuditResolution | null; found_location_id: string | null },
  auditStatus: InventoryAuditStatus,
): AuditCorrection[] {
  if (item.resolution !== null || (auditStatus !== 'in_progress' && auditStatus !== 'closed')) return [];
  return CORRECTIONS[item.status].filter((action) => action !== 'move_here' || item.found_location_id !== null);
}

export interface PlaceView {
  id: string;
  name: string;
  code: string;
}

export interface AuditItemView {
  id: string;
  assetId: string;
  tag: string;
  name: string;
  status: InventoryAuditItemStatus;
  expected: boolean;
  expectedLocation: PlaceView | null;
  foundLocation: PlaceView | null;
  scanCount: number;
  firstScannedAt: string | null;
  resolution: InventoryAuditResolution | null;
  resolvedAt: string | null;
  resolvedByName: string | null;
  corrections: AuditCorrection[];
}

/** The audit's items joined with their asset, places and resolver, in tag order. */
export function selectItemRows(trx: TenantTransaction, auditId: string) {
  return trx
    .selectFrom('inventory_audit_items as item')
    .innerJoin('inventory_assets as asset', 'asset.id', 'item.asset_id')
    .leftJoin('inventory_locations as expected', 'expected.id', 'item.expected_location_id')
    .leftJoin('inventory_locations as found', 'found.id', 'item.found_location_id')
    .leftJoin('users as resolver', 'resolver.id', 'item.resolved_by')
    .select([
      'item.id',
      'item.asset_id',
      'item.status',
      'item.expected',
      'item.expected_location_id',
      'item.found_location_id',
      'item.scan_count',
      'item.first_scanned_at',
      'item.resolution',
      'item.resolved_at',
      'asset.tag',
      'asset.name',
      'expected.name as expected_name',
      'expected.code as expected_code',
      'found.name as found_name',
      'found.code as found_code',
      'resolver.name as resolver_name',
    ])
    .where('item.audit_id', '=', auditId);
}

export type AuditItemRow = Awaited<ReturnType<ReturnType<typeof selectItemRows>['execute']>>[number];

const placeOf = (id: string | null, name: string | null, code: string | null): PlaceView | null =>
  id && name !== null && code !== null ? { id, name, code } : null;

export const toItemView = (row: AuditItemRow, auditStatus: InventoryAuditStatus): AuditItemView => ({
  id: row.id,
  assetId: row.asset_id,
  tag: row.tag,
  name: row.name,
  status: row.status,
  expected: row.expected,
  expectedLocation: placeOf(row.expected_location_id, row.expected_name, row.expected_code),
  foundLocation: placeOf(row.found_location_id, row.found_name, row.found_code),
  scanCount: row.scan_count,
  firstScannedAt: row.first_scanned_at?.toISOString() ?? null,
  resolution: row.resolution,
  resolvedAt: row.resolved_at?.toISOString() ?? null,
  resolvedByName: row.resolver_name,
  corrections: correctionsFor(row, auditStatus),
});

/** A page of the audit's items (of one classification, or all), in tag order. */
export async function listAuditItems(
  trx: TenantTransaction,
  input: { auditId: string; status?: InventoryAuditItemStatus | undefined; cursor?: string | undefined },
): Promise<{ items: AuditItemView[]; nextCursor: string | null }> {
  const audit = await findAudit(trx, input.auditId);
  let query = selectItemRows(trx, audit.id);
  if (input.status) query = query.where('item.status', '=', input.status);
  if (input.cursor) {
    const [tag, id] = decodeKeysetCursor(input.cursor, 'text');
    query = query.where((eb) => eb.or([eb('asset.tag', '>', tag), eb.and([eb('asset.tag', '=', tag), eb('item.id', '>', id)])]));
  }
  const rows = await query
    .orderBy('asset.tag')
    .orderBy('item.id')
    .limit(ITEM_PAGE + 1)
    .execute();
  const page = rows.slice(0, ITEM_PAGE);
  const last = page.at(-1);
  return {
    items: page.map((row) => toItemView(row, audit.status)),
    nextCursor: rows.length > ITEM_PAGE && last ? encodeKeysetCursor(last.tag, last.id) : null,
  };
}
