import { formatDateTime } from '../../../lib/format';
import { Badge } from '../../../ui/Layout';
import type { MovementListItem } from './types';

/** Where the asset goes: a transfer's two places, or a loan's borrower and due date. */
export function MovementTarget({ movement }: { movement: Pick<MovementListItem, 'from' | 'to' | 'loan'> }) {
  if (movement.loan)
    return (
      <div className="space-y-0.5">
        <p className="text-zinc-900">{movement.loan.borrowerName}</p>
        <p className="text-xs text-zinc-500">
          até {formatDateTime(movement.loan.dueDate)} {movement.loan.overdue && <Badge tone="red">atrasado</Badge>}
        </p>
      </div>
    );
  return (
    <span>
      {movement.from?.name ?? '—'} → <span className="text-zinc-900">{movement.to?.name ?? '—'}</span>
    </span>
  );
}
