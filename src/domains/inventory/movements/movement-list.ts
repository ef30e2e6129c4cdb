import { sql } from 'kysely';
import type { InventoryAssetStatus, InventoryLoanStatus, InventoryMovementStatus, InventoryMovementType } from '../../../db/schema';
import { isUuid, type TenantTransaction } from '../../../db/tenant-scope';
import { DomainError } from '../../../platform/errors';
import type { MovementAction } from './movements';

/** Every movement with what its list row shows: the asset, both places, who asked and decided, and the loan. */
export function movementListQuery(trx: TenantTransaction) {
  return trx
    .selectFrom('inventory_movements as m')
    .innerJoin('inventory_assets as a', 'a.id', 'm.asset_id')
    .leftJoin('inventory_locations as origin', 'origin.id', 'm.from_location_id')
    .leftJoin('inventory_locations as destination', 'destination.id', 'm.to_location_id')
    .leftJoin('users as requester', 'requester.id', 'm.requester_id')
    .leftJoin('users as approver', 'approver.id', 'm.approver_id')
    .leftJoin('inventory_loans as l', 'l.movement_id', 'm.id')
    .selectAll('m')
    .select((eb) => [
      microsecondsOf('m.created_at').as('position_at'),
      'a.tag as asset_tag',
      'a.name as asset_name',
      'a.status as asset_status',
      'a.location_id as asset_location_id',
      'origin.name as from_name',
      'destination.name as to_name',
      'requester.name as requester_name',
      'approver.name as approver_name',
      'l.id as loan_id',
      'l.borrower_type',
      'l.borrower_name',
      'l.due_date',
      'l.status as loan_status',
      eb
        .exists(
          eb.selectFrom('inventory_loan_terms as t').select('t.id').whereRef('t.loan_id', '=', 'l.id').where('t.status', '=', 'accepted'),
        )
        .as('term_accepted'),
    ]);
}

export type MovementRow = NonNullable<Awaited<ReturnType<ReturnType<typeof movementListQuery>['executeTakeFirst']>>>;

export interface MovementListItem {
  id: string;
  type: InventoryMovementType;
  status: InventoryMovementStatus;
  reason: string;
  asset: { id: string; tag: string; name: string; status: InventoryAssetStatus; locationId: string | null };
  from: { id: string; name: string | null } | null;
  to: { id: string; name: string | null } | null;
  requester: { id: string; name: string | null } | null;
  approver: { id: string; name: string | null } | null;
  loan: {
    id: string;
    borrowerType: 'user' | 'third_party';
    borrowerName: string;
    dueDate: string;
    status: InventoryLoanStatus;
    overdue: boolean;
    termAccepted: boolean;
  } | null;
  createdAt: string;
  decidedAt: string | null;
  executedAt: string | null;
  returnedAt: string | null;
  /** What the viewer may do now. */
  actions: MovementAction[];
}

const place = (id: string | null, name: string | null) => (id ? { id, name } : null);

export function toMovementItem(row: MovementRow, actions: MovementAction[], now = new Date()): MovementListItem {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    reason: row.reason,
    asset: { id: row.asset_id, tag: row.asset_tag, name: row.asset_name, status: row.asset_status, locationId: row.asset_location_id },
    from: place(row.from_location_id, row.from_name),
    to: place(row.to_location_id, row.to_name),
    requester: place(row.requester_id, row.requester_name),
    approver: place(row.approver_id, row.approver_name),
    loan:
      row.loan_id && row.borrower_type && row.borrower_name && row.due_date && row.loan_status
        ? {
            id: row.loan_id,
            borrowerType: row.borrower_type,
            borrowerName: row.borrower_name,
            dueDate: row.due_date.toISOString(),
            status: row.loan_status,
            overdue: row.loan_status === 'active' && row.due_date < now,
            termAccepted: Boolean(row.term_accepted),
          }
        : null,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
    executedAt: row.executed_at?.toISOString() ?? null,
    returnedAt: row.returned_at?.toISOString() ?? null,
    actions,
  };
}

/** An instant as whole microseconds since the epoch: exact (a JavaScript Date keeps milliseconds only) and easy to check. */
export const microsecondsOf = (column: string) => sql<string>`(extract(epoch from ${sql.ref(column)}) * 1000000)::bigint::text`;

/** The instant back from its microseconds, in integer arithmetic (no rounding through a float). */
export const instantOfMicroseconds = (microseconds: string) =>
  sql<Date>`(timestamptz 'epoch' + ${microseconds}::bigint * interval '1 microsecond')`;

/** A keyset position, the row's ordering instant (in microseconds) and its id, packed opaque for the client. */
export const encodeCursor = (microseconds: string, id: string) => Buffer.from(`${microseconds}|${id}`).toString('base64url');

export function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || rest.length > 0 || !isUuid(id) || !/^-?\d{1,16}$/.test(at))
    throw new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'Cursor de paginação inválido', { field: 'cursor' });
  return { at, id };
}

/** Splits one extra row off a page: there is a next page when the query found more than the limit. */
export function pageOf<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, cursorOf: (row: Row) => string) {
  const page = rows.slice(0, limit);
  return { items: page.map(toItem), nextCursor: rows.length > limit && page.length > 0 ? cursorOf(page.at(-1)!) : null };
}
