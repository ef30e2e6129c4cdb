import { Badge } from '../../../ui/Layout';
import { CHANNEL_STATUSES, type ChannelStatus } from '../labels';

export function ChannelStatusBadge({ status }: { status: ChannelStatus }) {
  const { label, tone } = CHANNEL_STATUSES[status];
  return (
    <span data-testid="channel-status" data-status={status}>
      <Badge tone={tone}>{label}</Badge>
    </span>
  );
}
