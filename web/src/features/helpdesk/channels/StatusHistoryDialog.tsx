import { formatDateTime } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { Dialog } from '../../../ui/Dialog';
import type { Channel } from '../labels';
import { ListQueryStatus } from '../../../ui/QueryStatus';
import { ChannelStatusBadge } from './ChannelStatusBadge';

/** When the channel connected, dropped or failed, and why; newest first. */
export function StatusHistoryDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const history = trpc.helpdesk.channels.statusHistory.useQuery({ id: channel.id });
  return (
    <Dialog
      title={`Histórico de ${channel.name}`}
      onClose={onClose}
      testId="channel-history-dialog"
      footer={<Button onClick={onClose}>Fechar</Button>}
    >
      <ListQueryStatus query={history} empty="Nenhuma mudança de situação desde a criação" />
      <ol aria-label="Mudanças de situação" className="max-h-80 space-y-2 overflow-y-auto">
        {history.data?.map((entry) => (
          <li key={entry.id} className="space-y-0.5">
            <div className="flex items-center gap-2">
              <ChannelStatusBadge status={entry.status} />
              <time dateTime={entry.at} className="text-xs text-zinc-500">
                {formatDateTime(entry.at)}
              </time>
            </div>
            {entry.reason && <p className="text-xs break-words text-zinc-600">{entry.reason}</p>}
          </li>
        ))}
      </ol>
    </Dialog>
  );
}
