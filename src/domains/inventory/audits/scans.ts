import { sql, type ExpressionBuilder } from 'kysely';
import type { DB, InventoryAuditItem, InventoryAuditItemStatus } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';

/** An asset page's address, as its QR label carries it: `…/inventario/ativos/<id>`. */
const ASSET_PAGE = /\/inventario\/ativos\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=[/?#]|$)/i;

/** One code, however it is unknown (made up, mistyped, another tenant's): the same 404, nothing written. */
const unknownCode = () => new DomainError('NOT_FOUND', 'NOT_FOUND', 'Etiqueta não encontrada');

/**
 * The tenant's assets a scanned code can name, the likeliest first: a label's QR text (its page's
 * address) names one by id; a typed tag matches as typed or in capitals (tags are numbered in
 * capitals), the exact one first. Plain equalities only: under row-level security a
 * non-leakproof function such as lower() cannot use an index.
 */
function assetsNamedBy(eb: ExpressionBuilder<DB, 'inventory_audits'>, tenantId: string, code: string) {
  const assets = eb.selectFrom('inventory_assets').select(['id', 'tag', 'name']).where('tenant_id', '=', tenantId);
  const assetId = ASSET_PAGE.exec(code)?.[1];
  if (assetId) return assets.where('id', '=', assetId.toLowerCase());
  const typed = code.trim();
  return assets.where('tag', 'in', [...new Set([typed, typed.toUpperCase()])]).orderBy(sql`tag = ${typed}`, 'desc');
}

// How good a classification is for an expected asset: a re-scan only ever moves it up.
const RANK: Partial<Record<InventoryAuditItemStatus, number>> = { PENDING: 0, WRONG_LOCATION: 1, FOUND: 2 };

/** What this one scan says of the item: an asset nobody expected, found where expected (or nowhere said), or elsewhere. */
export function classifyScan(item: Pick<InventoryAuditItem, 'expected' | 'expected_location_id'>, locationId: string | undefined) {
  if (!item.expected) return 'UNEXPECTED';
  if (locationId === undefined || locationId === item.expected_location_id) return 'FOUND';
  return 'WRONG_LOCATION';
}

export interface ScanResult {
  auditId: string;
  itemId: string;
  assetId: string;
  assetTag: string;
  assetName: string;
  /** What this scan said of the asset. */
  result: InventoryAuditItemStatus;
  /** The item's classification after it: the first one, or a better one. */
  status: InventoryAuditItemStatus;
  scanCount: number;
  /** A retry of a scan already counted (same clientScanId): nothing was written. */
  duplicate: boolean;
  /** Expected items not scanned yet. */
  pending: number;
}

export interface Scan {
  auditId: string;
  code: string;
  locationId?: string | undefined;
  clientScanId?: string | undefined;
}

/** The item of the asset in the audit, locked; an asset nobody expected gets its UNEXPECTED item on its first scan. */
async function lockItem(trx: TenantTransaction, auditId: string, assetId: string, locationId: string | null): Promise<InventoryAuditItem> {
  const find = () =>
    trx.selectFrom('inventory_audit_items').selectAll().where('audit_id', '=', auditId).where('asset_id', '=', assetId).forUpdate();
  const existing = await find().executeTakeFirst();
  if (existing) return existing;
  const added = await trx
    .insertInto('inventory_audit_items')
    .values({
      tenant_id: tenantOf(trx),
      audit_id: auditId,
      asset_id: assetId,
      expected: false,
      expected_location_id: null,
      found_location_id: locationId,
      status: 'UNEXPECTED',
    })
    .onConflict((conflict) => conflict.columns(['audit_id', 'asset_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  // Another scanner added it a moment ago: wait for its lock, like any other item.
  return added ?? (await find().executeTakeFirstOrThrow());
}

/** How many expected items the scanners classified (each scanner's own tally row, summed). */
async function classifiedCount(trx: TenantTransaction, auditId: string): Promise<number> {
  const row = await trx
    .selectFrom('inventory_audit_tallies')
    .select((eb) => eb.fn.sum<string | null>('classified').as('classified'))
    .where('audit_id', '=', auditId)
    .executeTakeFirst();
  return Number(row?.classified ?? 0);
}

/** Expected items not scanned yet, without counting the items: none once the audit is over. */
export async function countPending(trx: TenantTransaction, auditId: string): Promise<number> {
  const audit = await trx
    .selectFrom('inventory_audits')
    .select(['status', 'expected_count'])
    .where('id', '=', auditId)
    .executeTakeFirstOrThrow();
  return audit.status === 'in_progress' ? audit.expected_count - (await classifiedCount(trx, auditId)) : 0;
}

/**
 * One more expected item classified by this scanner, and the total classified so far, in one
 * statement: only the scanner's own tally row is locked, and the others' rows are read as committed.
 */
async function tallyFirstClassification(trx: TenantTransaction, auditId: string, scannedBy: string | null): Promise<number> {
  const row = await trx
    .with('bumped', (db) =>
      db
        .insertInto('inventory_audit_tallies')
        .values({ tenant_id: tenantOf(trx), audit_id: auditId, scanned_by: scannedBy, classified: 1 })
        .onConflict((conflict) =>
          conflict
            .columns(['audit_id', 'scanned_by'])
            .doUpdateSet((eb) => ({ classified: eb('inventory_audit_tallies.classified', '+', 1) })),
        )
        .returning('classified'),
    )
    .selectNoFrom((eb) => [
      eb.selectFrom('bumped').select('classified').as('mine'),
      eb
        .selectFrom('inventory_audit_tallies')
        .select((inner) => inner.fn.sum<string | null>('classified').as('others'))
        .where('audit_id', '=', auditId)
        .where('scanned_by', 'is distinct from', scannedBy)
        .as('others'),
    ])
    .executeTakeFirstOrThrow();
  return Number(row.mine ?? 0) + Number(row.others ?? 0);
}

/**
 * Records one scan in one short transaction that locks only the asset's item (and shares the
 * audit row with the other scanners, which a close waits for). A re-scan counts, and changes the
 * item only when it classifies it better (elsewhere, then where expected); a retry with the same
 * clientScanId is answered without counting again. An unknown code, or another tenant's, is a 404.
 */
export async function scanAsset(trx: TenantTransaction, scannedBy: string | null, scan: Scan, at = new Date()): Promise<ScanResult> {
  const locationId = scan.locationId;
  // One round trip for what every scan checks: the session (shared with the other scanners), the place, the asset.
  const session = await trx
    .selectFrom('inventory_audits')
    .leftJoinLateral(
      (eb) => assetsNamedBy(eb, tenantOf(trx), scan.code).limit(1).as('asset'),
      (join) => join.onTrue(),
    )
    .select([
      'inventory_audits.status',
      'inventory_audits.expected_count',
      'asset.id as asset_id',
      'asset.tag as asset_tag',
      'asset.name as asset_name',
    ])
    .select((eb) =>
      (locationId ? eb.exists(eb.selectFrom('inventory_locations').select('id').where('id', '=', locationId)) : eb.lit(true)).as(
        'place_known',
      ),
    )
    .where('inventory_audits.id', '=', scan.auditId)
    .forKeyShare('inventory_audits')
    .executeTakeFirst();
  if (!session) throw notFound('Inventário');
  if (session.status !== 'in_progress') {
    throw new DomainError('CONFLICT', 'AUDIT_NOT_IN_PROGRESS', 'Este inventário não está em andamento: leituras não são aceitas', {
      currentState: session.status,
    });
  }
  if (!session.place_known) throw notFound('Localização');
  if (!session.asset_id || session.asset_tag === null || session.asset_name === null) throw unknownCode();
  const asset = { id: session.asset_id, tag: session.asset_tag, name: session.asset_name };
  const item = await lockItem(trx, scan.auditId, asset.id, scan.locationId ?? null);
  const result = classifyScan(item, scan.locationId);
  const recorded = await trx
    .insertInto('inventory_audit_scans')
    .values({
      tenant_id: tenantOf(trx),
      audit_id: scan.auditId,
      asset_id: asset.id,
      code: scan.code,
      location_id: scan.locationId ?? null,
      result,
      scanned_by: scannedBy,
      client_scan_id: scan.clientScanId ?? null,
      at,
    })
    .onConflict((conflict) => conflict.columns(['audit_id', 'client_scan_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const answer = (current: InventoryAuditItem, duplicate: boolean, pending: number): ScanResult => ({
    auditId: scan.auditId,
    itemId: current.id,
    assetId: asset.id,
    assetTag: asset.tag,
    assetName: asset.name,
    result,
    status: current.status,
    scanCount: current.scan_count,
    duplicate,
    pending,
  });
  if (!recorded) {
    const first = await trx
      .selectFrom('inventory_audit_scans')
      .select('asset_id')
      .where('audit_id', '=', scan.auditId)
      .where('client_scan_id', '=', scan.clientScanId!)
      .executeTakeFirstOrThrow();
    if (first.asset_id !== asset.id) {
      throw new DomainError('CONFLICT', 'CLIENT_SCAN_ID_REUSED', 'Este clientScanId já foi usado para outra etiqueta', {
        clientScanId: scan.clientScanId,
      });
    }
    return answer(item, true, session.expected_count - (await classifiedCount(trx, scan.auditId)));
  }
  const improves = (RANK[result] ?? -1) > (RANK[item.status] ?? Number.POSITIVE_INFINITY);
  const updated = await trx
    .updateTable('inventory_audit_items')
    .set((eb) => ({
      scan_count: eb('scan_count', '+', 1),
      first_scanned_by: eb.fn.coalesce('first_scanned_by', eb.val(scannedBy)),
      first_scanned_at: eb.fn.coalesce('first_scanned_at', eb.val(at)),
      ...(improves ? { status: result, found_location_id: scan.locationId ?? null } : {}),
      // An asset nobody expected, first scanned without a place: the first place given is where it was found.
      ...(item.status === 'UNEXPECTED' && !item.found_location_id && scan.locationId ? { found_location_id: scan.locationId } : {}),
    }))
    .where('id', '=', item.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const classified =
    item.status === 'PENDING' ? await tallyFirstClassification(trx, scan.auditId, scannedBy) : await classifiedCount(trx, scan.auditId);
  const pending = session.expected_count - classified;
  await appendEvent(trx, 'inventory.audit.scanned', {
    auditId: scan.auditId,
    itemId: updated.id,
    assetId: asset.id,
    assetTag: asset.tag,
    status: updated.status,
    pending,
  });
  // No audit-log row per scan: the scan row (who, what, where, when) is the trail of this high-volume write.
  return answer(updated, false, pending);
}
