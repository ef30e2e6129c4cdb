import { sql } from 'kysely';
import type { InventoryLoanStatus, InventoryMovementStatus, InventoryMovementType } from '../../../db/schema';
import type { TenantTransaction } from '../../../db/tenant-scope';
import { loadInventorySettings } from '../settings';
import { decodeCursor, encodeCursor, instantOfMicroseconds, microsecondsOf, pageOf } from './movement-list';
import type { LOAN_VIEWS } from './schemas';

export type LoanView = (typeof LOAN_VIEWS)[number];

export interface LoanListItem {
  id: string;
  movementId: string;
  movementType: InventoryMovementType;
  movementStatus: InventoryMovementStatus;
  asset: { id: string; tag: string; name: string };
  borrowerType: 'user' | 'third_party';
  borrowerName: string;
  dueDate: string;
  startDate: string | null;
  status: InventoryLoanStatus;
  overdue: boolean;
  /** Out, and due within the tenant's reminder days. */
  dueSoon: boolean;
  reminderSentAt: string | null;
  overdueAlertedAt: string | null;
}

const DAY_MS = 86_400_000;

/** Loans by when they are due (soonest first): out now, due soon, overdue, or all of them. */
export async function listLoans(
  trx: TenantTransaction,
  input: { view: LoanView; cursor?: string | undefined; limit: number },
  now = new Date(),
): Promise<{ items: LoanListItem[]; nextCursor: string | null }> {
  const { loan_reminder_days: reminderDays } = await loadInventorySettings(trx);
  const soonUntil = new Date(now.getTime() + reminderDays * DAY_MS);
  let query = trx
    .selectFrom('inventory_loans as l')
    .innerJoin('inventory_movements as m', 'm.id', 'l.movement_id')
    .innerJoin('inventory_assets as a', 'a.id', 'l.asset_id')
    .selectAll('l')
    .select([microsecondsOf('l.due_date').as('position_at'), 'm.type as movement_type', 'm.status as movement_status', 'a.tag', 'a.name'])
    .orderBy('l.due_date')
    .orderBy('l.id')
    .limit(input.limit + 1);
  if (input.view !== 'all') query = query.where('l.status', '=', 'active');
  if (input.view === 'due_soon') query = query.where('l.due_date', '>=', now).where('l.due_date', '<=', soonUntil);
  if (input.view === 'overdue') query = query.where('l.due_date', '<', now);
  if (input.cursor) {
    const position = decodeCursor(input.cursor);
    query = query.where(sql<boolean>`(l.due_date, l.id) > (${instantOfMicroseconds(position.at)}, ${position.id}::uuid)`);
  }
  const rows = await query.execute();
  return pageOf(
    rows,
    input.limit,
    (loan) => {
      const out = loan.status === 'active';
      return {
        id: loan.id,
        movementId: loan.movement_id,
        movementType: loan.movement_type,
        movementStatus: loan.movement_status,
        asset: { id: loan.asset_id, tag: loan.tag, name: loan.name },
        borrowerType: loan.borrower_type,
        borrowerName: loan.borrower_name,
        dueDate: loan.due_date.toISOString(),
        startDate: loan.start_date?.toISOString() ?? null,
        status: loan.status,
        overdue: out && loan.due_date < now,
        dueSoon: out && loan.due_date >= now && loan.due_date <= soonUntil,
        reminderSentAt: loan.reminder_sent_at?.toISOString() ?? null,
        overdueAlertedAt: loan.overdue_alerted_at?.toISOString() ?? null,
      };
    },
    (loan) => encodeCursor(loan.position_at, loan.id),
  );
}

/** The company's active people, for choosing who takes an internal loan (requesters may not read the user directory). */
export async function listBorrowerOptions(trx: TenantTransaction): Promise<Array<{ id: string; name: string; email: string }>> {
  return trx.selectFrom('users').select(['id', 'name', 'email']).where('active', '=', true).orderBy('name').orderBy('id').execute();
}
