import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useCan } from '../../../app/providers';
import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Banner } from '../../../ui/Layout';
import { channelCredentialName, n8nSecretEnvName } from '../../n8n/names';
import { CHANNEL_STATUSES, type Channel } from '../labels';
import { HELPDESK_PATHS } from '../paths';

/**
 * A banner for every channel that is not connected (messages neither come in nor go out through
 * it), and a warning for every channel n8n still calls with the secret from before the last
 * rotation (a workflow left behind). The list follows `channel.status_changed`, so the status
 * banners come and go live; the warning shows on the next load and goes with the next genuine call.
 */
export function ChannelAlerts({ linkToChannels = false }: { linkToChannels?: boolean }) {
  const canRead = useCan('helpdesk.channels.read');
  const channels = trpc.helpdesk.channels.list.useQuery(undefined, { enabled: canRead });
  const troubled = (channels.data ?? []).filter((channel) => channel.status !== 'connected');
  const refused = (channels.data ?? []).filter((channel) => channel.webhookRefusedAt !== null);
  if (troubled.length === 0 && refused.length === 0) return null;
  const link = linkToChannels && <ChannelsLink />;
  return (
    <div className="space-y-2" data-testid="channel-alerts">
      {troubled.map((channel) => (
        <Banner key={channel.id}>
          <span className="font-medium">
            Canal {channel.name} {CHANNEL_STATUSES[channel.status].label.toLowerCase()}
          </span>
          {channel.statusReason && <span>: {channel.statusReason}</span>}. Mensagens deste canal podem não chegar nem sair.
          {link}
        </Banner>
      ))}
      {refused.map((channel) => (
        <RefusedSecretWarning key={channel.id} channel={channel} link={link} />
      ))}
    </div>
  );
}

/** n8n still calls with the secret the channel had before: its calls are refused until the credential and the variable are updated. */
function RefusedSecretWarning({ channel, link }: { channel: Channel; link: ReactNode }) {
  return (
    <Banner tone="warning">
      <span className="font-medium">Canal {channel.name}:</span> o n8n chamou este canal com um segredo antigo (última recusa em{' '}
      {formatDateTime(channel.webhookRefusedAt)}). Baixe o workflow de novo e atualize com o segredo atual a credencial{' '}
      <code className="font-mono text-xs">{channelCredentialName(channel.name)}</code> e a variável de ambiente{' '}
      <code className="font-mono text-xs">{n8nSecretEnvName('CANAL', channel.id)}</code>.{link}
    </Banner>
  );
}

function ChannelsLink() {
  return (
    <>
      {' '}
      <Link to={HELPDESK_PATHS.channels} className="font-medium underline">
        Ver canais
      </Link>
    </>
  );
}
