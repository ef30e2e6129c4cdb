import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import type { Column } from '../../../ui/DataTable';
import { PageHeader } from '../../../ui/Layout';
import { CHANNEL_TYPES, WEBHOOK_LABELS, type Channel } from '../labels';
import { actionsColumn } from '../../../ui/actionsColumn';
import { useHelpdeskLiveQueries } from '../liveEvents';
import { QueryTable } from '../../../ui/QueryTable';
import { ChannelActions } from './ChannelActions';
import { ChannelAlerts } from './ChannelAlerts';
import { ChannelSecretDialog, type IssuedSecret } from './ChannelSecretDialog';
import { ChannelStatusBadge } from './ChannelStatusBadge';
import { CreateChannelForm } from './CreateChannelForm';
import { EditChannelDialog } from './EditChannelDialog';
import { StatusHistoryDialog } from './StatusHistoryDialog';

/** Where Balcão sends a channel's replies (n8n), and where the provider posts to Balcão. */
function addressesOf(channel: Channel): [label: string, url: string][] {
  const outbound: [string, string][] = channel.outboundUrl ? [['Saída: respostas para o n8n', channel.outboundUrl]] : [];
  return [...outbound, ...Object.entries(channel.webhookUrls).map(([kind, url]): [string, string] => [WEBHOOK_LABELS[kind] ?? kind, url])];
}

/** The WhatsApp numbers wired to the helpdesk, their state live, the webhook setup, and connecting or disconnecting them. */
export function ChannelsPage() {
  useHelpdeskLiveQueries();
  const canWrite = useCan('helpdesk.channels.write');
  const channels = trpc.helpdesk.channels.list.useQuery();
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const [historyOf, setHistoryOf] = useState<Channel | null>(null);
  const [editing, setEditing] = useState<Channel | null>(null);

  const columns: Column<Channel>[] = [
    {
      header: 'Canal',
      cell: (channel) => (
        <div>
          <p className="font-medium text-zinc-900">{channel.name}</p>
          <p className="text-xs text-zinc-500">{CHANNEL_TYPES[channel.type]}</p>
          {channel.phoneNumberId && <p className="font-mono text-[11px] text-zinc-500">número {channel.phoneNumberId}</p>}
        </div>
      ),
    },
    {
      header: 'Situação',
      cell: (channel) => (
        <div className="space-y-1">
          <ChannelStatusBadge status={channel.status} />
          {channel.statusReason && <p className="max-w-xs text-xs break-words text-red-700">{channel.statusReason}</p>}
          <p className="text-xs text-zinc-500" title={formatDateTime(channel.statusChangedAt)}>
            desde {formatRelative(channel.statusChangedAt)}
          </p>
        </div>
      ),
    },
    {
      header: 'Endereços',
      className: 'max-w-md',
      cell: (channel) => (
        <dl className="space-y-1 font-mono text-[11px] break-all text-zinc-600">
          {addressesOf(channel).map(([label, url]) => (
            <div key={label}>
              <dt className="font-sans text-zinc-500">{label}</dt>
              <dd>{url}</dd>
            </div>
          ))}
        </dl>
      ),
    },
    actionsColumn((channel) => (
      <ChannelActions channel={channel} onHistory={() => setHistoryOf(channel)} onEdit={() => setEditing(channel)} onIssued={setIssued} />
    )),
  ];

  return (
    <>
      <PageHeader title="Canais" description="Os números de WhatsApp ligados ao atendimento, pelo n8n ou direto pela WhatsApp Cloud API." />
      <ChannelAlerts />
      <QueryTable
        title="Canais"
        testId="channels-table"
        query={channels}
        columns={columns}
        rowKey={(channel) => channel.id}
        empty={{ title: 'Nenhum canal', hint: 'Crie um canal para começar a receber mensagens.' }}
        form={
          canWrite && (
            <CreateChannelForm onCreated={(channel) => setIssued({ channel, webhookSecret: channel.webhookSecret, rotated: false })} />
          )
        }
      />
      {issued && <ChannelSecretDialog issued={issued} onClose={() => setIssued(null)} />}
      {historyOf && <StatusHistoryDialog channel={historyOf} onClose={() => setHistoryOf(null)} />}
      {editing && <EditChannelDialog key={editing.id} channel={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
