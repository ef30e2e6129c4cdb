import { sql } from 'kysely';
import type { InventoryAudit, InventoryAuditItemStatus, InventoryAuditScope, InventoryAuditStatus } from '../../../db/schema';
import { tenantOf, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { DomainError, notFound } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { decodeKeysetCursor, encodeKeysetCursor, exactTimestamp } from '../../../platform/keyset-cursor';
import type { InventoryAuditSummary } from '../events';

const AUDIT_PAGE = 50;

/** How many of an audit's items are in each state, and how many were corrected. */
export interface AuditCounts {
  items: number;
  pending: number;
  found: number;
  missing: number;
  unexpected: number;
  wrongLocation: number;
  resolved: number;
}

export type AuditMove = 'start' | 'close' | 'cancel';

// The session's state machine: each move, the states it may start from and where it leads.
const TRANSITIONS: Record<AuditMove, { from: readonly InventoryAuditStatus[]; to: InventoryAuditStatus }> = {
  start: { from: ['draft'], to: 'in_progress' },
  close: { from: ['in_progress'], to: 'closed' },
  cancel: { from: ['draft', 'in_progress'], to: 'cancelled' },
};

const STATUS_LABELS: Record<InventoryAuditStatus, string> = {
  draft: 'em rascunho',
  in_progress: 'em andamento',
  closed: 'encerrado',
  cancelled: 'cancelado',
};

const MOVE_LABELS: Record<AuditMove, string> = { start: 'iniciar', close: 'encerrar', cancel: 'cancelar' };

export interface AuditScopeView {
  location: { id: string; name: string; code: string } | null;
  categories: { id: string; name: string }[];
}

export interface AuditView {
  id: string;
  name: string;
  status: InventoryAuditStatus;
  scope: AuditScopeView;
  expectedCount: number;
  counts: AuditCounts;
  createdAt: string;
  startedAt: string | null;
  closedAt: string | null;
  actions: AuditMove[];
}

export const toAuditSummary = (audit: Pick<InventoryAudit, 'id' | 'name' | 'status'>): InventoryAuditSummary => ({
  auditId: audit.id,
  name: audit.name,
  status: audit.status,
});

const EMPTY_COUNTS: AuditCounts = { items: 0, pending: 0, found: 0, missing: 0, unexpected: 0, wrongLocation: 0, resolved: 0 };
const COUNT_KEY: Record<InventoryAuditItemStatus, keyof AuditCounts> = {
  PENDING: 'pending',
  FOUND: 'found',
  MISSING: 'missing',
  UNEXPECTED: 'unexpected',
  WRONG_LOCATION: 'wrongLocation',
};

/** The counts of several audits in one grouped read. */
export async function auditCounts(trx: TenantTransaction, auditIds: readonly string[]): Promise<Map<string, AuditCounts>> {
  const counts = new Map<string, AuditCounts>(auditIds.map((id) => [id, { ...EMPTY_COUNTS }]));
  if (auditIds.length === 0) return counts;
  const rows = await trx
    .selectFrom('inventory_audit_items')
    .select(['audit_id', 'status'])
    .select((eb) => [eb.fn.countAll<string>().as('total'), eb.fn.count<string>('resolution').as('resolved')])
    .where('audit_id', 'in', auditIds)
    .groupBy(['audit_id', 'status'])
    .execute();
  for (const row of rows) {
    const of = counts.get(row.audit_id)!;
    of[COUNT_KEY[row.status]] += Number(row.total);
    of.items += Number(row.total);
    of.resolved += Number(row.resolved);
  }
  return counts;
}

/** The names behind the audits' scopes (location, categories), read once for a page of audits. */
async function scopeViews(trx: TenantTransaction, audits: readonly InventoryAudit[]): Promise<Map<string, AuditScopeView>> {
  const locationIds = [...new Set(audits.flatMap((audit) => (audit.scope.locationId ? [audit.scope.locationId] : [])))];
  const categoryIds = [...new Set(audits.flatMap((audit) => audit.scope.categoryIds ?? []))];
  const locations = locationIds.length
    ? await trx.selectFrom('inventory_locations').select(['id', 'name', 'code']).where('id', 'in', locationIds).execute()
    : [];
  const categories = categoryIds.length
    ? await trx.selectFrom('inventory_categories').select(['id', 'name']).where('id', 'in', categoryIds).execute()
    : [];
  const locationById = new Map(locations.map((location) => [location.id, location]));
  const categoryById = new Map(categories.map((category) => [category.id, category]));
  return new Map(
    audits.map((audit) => [
      audit.id,
      {
        location: audit.scope.locationId ? (locationById.get(audit.scope.locationId) ?? null) : null,
        categories: (audit.scope.categoryIds ?? []).flatMap((id) => {
          const category = categoryById.get(id);
          return category ? [category] : [];
        }),
      },
    ]),
  );
}

function toAuditView(audit: InventoryAudit, scope: AuditScopeView, counts: AuditCounts): AuditView {
  return {
    id: audit.id,
    name: audit.name,
    status: audit.status,
    scope,
    expectedCount: audit.expected_count,
    counts,
    createdAt: audit.created_at.toISOString(),
    startedAt: audit.started_at?.toISOString() ?? null,
    closedAt: audit.closed_at?.toISOString() ?? null,
    actions: (Object.keys(TRANSITIONS) as AuditMove[]).filter((move) => TRANSITIONS[move].from.includes(audit.status)),
  };
}

async function viewsOf(trx: TenantTransaction, audits: readonly InventoryAudit[]): Promise<AuditView[]> {
  const ids = audits.map((audit) => audit.id);
  const [scopes, counts] = await Promise.all([scopeViews(trx, audits), auditCounts(trx, ids)]);
  return audits.map((audit) => toAuditView(audit, scopes.get(audit.id)!, counts.get(audit.id)!));
}

export async function findAudit(trx: TenantTransaction, auditId: string): Promise<InventoryAudit> {
  const audit = await trx.selectFrom('inventory_audits').selectAll().where('id', '=', auditId).executeTakeFirst();
  if (!audit) throw notFound('Inventário');
  return audit;
}

export async function getAudit(trx: TenantTransaction, auditId: string): Promise<AuditView> {
  const [view] = await viewsOf(trx, [await findAudit(trx, auditId)]);
  return view!;
}

export async function listAudits(
  trx: TenantTransaction,
  input: { status?: InventoryAuditStatus | undefined; cursor?: string | undefined },
): Promise<{ items: AuditView[]; nextCursor: string | null }> {
  let query = trx.selectFrom('inventory_audits').selectAll().select(exactTimestamp('created_at').as('created_key'));
  if (input.status) query = query.where('status', '=', input.status);
  if (input.cursor) {
    const [createdAt, id] = decodeKeysetCursor(input.cursor, 'timestamp');
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(AUDIT_PAGE + 1)
    .execute();
  const page = rows.slice(0, AUDIT_PAGE);
  const last = page.at(-1);
  return {
    items: await viewsOf(trx, page),
    nextCursor: rows.length > AUDIT_PAGE && last ? encodeKeysetCursor(last.created_key, last.id) : null,
  };
}

/** Checks that the scope's location and categories are the tenant's; answers the scope as stored. */
async function checkedScope(trx: TenantTransaction, scope: InventoryAuditScope): Promise<InventoryAuditScope> {
  if (scope.locationId) {
    const location = await trx.selectFrom('inventory_locations').select('id').where('id', '=', scope.locationId).executeTakeFirst();
    if (!location) throw notFound('Localização');
  }
  const categoryIds = [...new Set(scope.categoryIds ?? [])];
  if (categoryIds.length > 0) {
    const found = await trx.selectFrom('inventory_categories').select('id').where('id', 'in', categoryIds).execute();
    if (found.length !== categoryIds.length) throw notFound('Categoria');
  }
  return { ...(scope.locationId ? { locationId: scope.locationId } : {}), ...(categoryIds.length > 0 ? { categoryIds } : {}) };
}

export async function createAudit(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { name: string; scope: InventoryAuditScope },
): Promise<AuditView> {
  const scope = await checkedScope(trx, input.scope);
  const created = await trx
    .insertInto('inventory_audits')
    .values({
      tenant_id: tenantOf(trx),
      name: input.name,
      scope: JSON.stringify(scope),
      created_by: audit.actor.type === 'user' ? audit.actor.id : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'inventory.audit.created',
    entity: 'inventory_audits',
    entityId: created.id,
    after: { name: created.name, scope },
  });
  await appendEvent(trx, 'inventory.audit.created', toAuditSummary(created));
  return getAudit(trx, created.id);
}

/**
 * The audit locked against every other change for the rest of the transaction, when `move` may
 * start from its state; otherwise 409 with the state it is in. Scans hold a key-share lock on the
 * row, so a close waits for the scans in flight and the scans after it see the audit closed.
 */
async function lockForMove(trx: TenantTransaction, auditId: string, move: AuditMove): Promise<InventoryAudit> {
  const audit = await trx.selectFrom('inventory_audits').selectAll().where('id', '=', auditId).forUpdate().executeTakeFirst();
  if (!audit) throw notFound('Inventário');
  if (!TRANSITIONS[move].from.includes(audit.status)) {
    throw new DomainError(
      'CONFLICT',
      'INVALID_TRANSITION',
      `Não é possível ${MOVE_LABELS[move]} um inventário ${STATUS_LABELS[audit.status]}`,
      { currentState: audit.status, action: move },
    );
  }
  return audit;
}

/** The ids of the categories and all their subcategories. */
async function categorySubtree(trx: TenantTransaction, categoryIds: readonly string[]): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    with recursive subtree(id) as (
      select id from inventory_categories where id in (${sql.join(categoryIds)})
      union
      select child.id from inventory_categories child join subtree on child.parent_id = subtree.id
    )
    select id from subtree`.execute(trx);
  return rows.rows.map((row) => row.id);
}

/**
 * Starts counting: freezes the expected list, one PENDING item per asset in scope (the location's
 * subtree, the categories with their subcategories) where the asset is now, in one INSERT … SELECT.
 * Assets that cannot be on the shelf are not expected: out on loan, lost, disposed, or not in service.
 */
export async function startAudit(trx: TenantTransaction, audit: AuditContext, auditId: string, at = new Date()): Promise<AuditView> {
  const session = await lockForMove(trx, auditId, 'start');
  const scope = session.scope;
  const rootPath = scope.locationId
    ? (await trx.selectFrom('inventory_locations').select('path').where('id', '=', scope.locationId).executeTakeFirst())?.path
    : undefined;
  if (scope.locationId && rootPath === undefined) throw notFound('Localização');
  const categories = scope.categoryIds?.length ? await categorySubtree(trx, scope.categoryIds) : undefined;
  const tenantId = tenantOf(trx);
  const inserted = await trx
    .insertInto('inventory_audit_items')
    .columns(['tenant_id', 'audit_id', 'asset_id', 'expected', 'expected_location_id', 'status'])
    .expression((eb) => {
      let assets = eb
        .selectFrom('inventory_assets as asset')
        // Typed constants: an untyped parameter in a select list would be text, not uuid.
        .select([
          sql<string>`${tenantId}::uuid`.as('tenant_id'),
          sql<string>`${auditId}::uuid`.as('audit_id'),
          'asset.id as asset_id',
          sql<boolean>`true`.as('expected'),
          'asset.location_id as expected_location_id',
          sql<InventoryAuditItemStatus>`'PENDING'`.as('status'),
        ])
        .where('asset.tenant_id', '=', tenantId)
        .where('asset.lifecycle_state', '=', 'in_service')
        .where('asset.status', 'not in', ['on_loan', 'lost', 'disposed']);
      if (rootPath !== undefined)
        assets = assets.where('asset.location_id', 'in', (sub) =>
          sub.selectFrom('inventory_locations').select('id').where('tenant_id', '=', tenantId).where('path', 'like', `${rootPath}%`),
        );
      if (categories) assets = categories.length ? assets.where('asset.category_id', 'in', categories) : assets.where(sql<boolean>`false`);
      return assets;
    })
    .executeTakeFirst();
  const expected = Number(inserted.numInsertedOrUpdatedRows ?? 0);
  const started = await applyMove(
    trx,
    audit,
    session,
    'start',
    { started_at: at, expected_count: expected },
    { expectedCount: expected },
    at,
  );
  await appendEvent(trx, 'inventory.audit.started', { ...toAuditSummary(started), expected });
  return getAudit(trx, auditId);
}

/** Ends counting: whatever is still PENDING is MISSING. Assets are left as they are: corrections are explicit. */
export async function closeAudit(trx: TenantTransaction, audit: AuditContext, auditId: string, at = new Date()): Promise<AuditView> {
  const session = await lockForMove(trx, auditId, 'close');
  await trx
    .updateTable('inventory_audit_items')
    .set({ status: 'MISSING' })
    .where('audit_id', '=', auditId)
    .where('status', '=', 'PENDING')
    .execute();
  const counts = (await auditCounts(trx, [auditId])).get(auditId)!;
  const closed = await applyMove(trx, audit, session, 'close', { closed_at: at }, { counts }, at);
  const { found, missing, unexpected, wrongLocation } = counts;
  await appendEvent(trx, 'inventory.audit.closed', { ...toAuditSummary(closed), found, missing, unexpected, wrongLocation });
  return getAudit(trx, auditId);
}

/** Abandons a session (a draft, or one being counted); its items stay for the record. */
export async function cancelAudit(trx: TenantTransaction, audit: AuditContext, auditId: string, at = new Date()): Promise<AuditView> {
  const session = await lockForMove(trx, auditId, 'cancel');
  const cancelled = await applyMove(trx, audit, session, 'cancel', {}, {}, at);
  await appendEvent(trx, 'inventory.audit.cancelled', toAuditSummary(cancelled));
  return getAudit(trx, auditId);
}

/** Writes a move of the locked session (its new status and the move's own columns) and its audit row. */
async function applyMove(
  trx: TenantTransaction,
  audit: AuditContext,
  session: InventoryAudit,
  move: AuditMove,
  columns: { started_at?: Date; expected_count?: number; closed_at?: Date },
  details: Record<string, unknown>,
  at: Date,
): Promise<InventoryAudit> {
  const moved = await trx
    .updateTable('inventory_audits')
    .set({ ...columns, status: TRANSITIONS[move].to, updated_at: at })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: `inventory.audit.${moved.status === 'in_progress' ? 'started' : moved.status}`,
    entity: 'inventory_audits',
    entityId: session.id,
    before: { status: session.status },
    after: { status: moved.status },
    details,
  });
  return moved;
}
