import { useCan } from '../../../app/providers';
import { Link } from 'react-router';
import { trpc } from '../../../lib/trpc';
import { Banner } from '../../../ui/Layout';
import { CHANNEL_STATUSES } from '../labels';
import { HELPDESK_PATHS } from '../paths';

/**
 * A banner for every channel that is not connected: messages neither come in nor go out
 * through it. The list follows `channel.status_changed`, so the banner comes and goes live.
 */
export function ChannelAlerts({ linkToChannels = false }: { linkToChannels?: boolean }) {
  const canRead = useCan('helpdesk.channels.read');
  const channels = trpc.helpdesk.channels.list.useQuery(undefined, { enabled: canRead });
  const troubled = (channels.data ?? []).filter((channel) => channel.status !== 'connected');
  if (troubled.length === 0) return null;
  return (
    <div className="space-y-2" data-testid="channel-alerts">
      {troubled.map((channel) => (
        <Banner key={channel.id}>
          <span className="font-medium">
            Canal {channel.name} {CHANNEL_STATUSES[channel.status].label.toLowerCase()}
          </span>
          {channel.statusReason && <span>: {channel.statusReason}</span>}. Mensagens deste canal podem não chegar nem sair.
          {linkToChannels && (
            <>
              {' '}
              <Link to={HELPDESK_PATHS.channels} className="font-medium underline">
                Ver canais
              </Link>
            </>
          )}
        </Banner>
      ))}
    </div>
  );
}
