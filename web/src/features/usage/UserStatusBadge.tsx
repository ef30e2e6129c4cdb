import { Badge } from '../../ui/Layout';
import { USER_STATUSES } from './labels';
import type { UsageUser } from './types';

/** A user's status as the proxy applies it, and whether this month's budget is spent. */
export function UserStatusBadge({ user }: { user: Pick<UsageUser, 'status' | 'blockedForPeriod'> }) {
  const status = USER_STATUSES[user.status];
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5" data-testid="user-status">
      <Badge tone={status.tone}>{status.label}</Badge>
      {user.blockedForPeriod && <span className="text-xs text-red-700">bloqueado no mês</span>}
    </span>
  );
}
