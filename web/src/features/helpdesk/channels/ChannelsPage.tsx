import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import type { Column } from '../../../ui/DataTable';
import { ConfirmButton } from '../../../ui/Dialog';
import { PageHeader } from '../../../ui/Layout';
import { useActionFeedback } from '../../../ui/Toast';
import { CHANNEL_TYPES, WEBHOOK_LABELS, type Channel } from '../labels';
import { actionsColumn } from '../actionsColumn';
import { useHelpdeskLiveQueries } from '../liveEvents';
import { QueryTable } from '../QueryTable';
import { ChannelAlerts } from './ChannelAlerts';
import { ChannelSecretDialog, type IssuedSecret } from './ChannelSecretDialog';
import { ChannelStatusBadge } from './ChannelStatusBadge';
import { CreateChannelForm } from './CreateChannelForm';
import { StatusHistoryDialog } from './StatusHistoryDialog';

/** Where Balcão sends a channel's replies (n8n), and where the provider posts to Balcão. */
function addressesOf(channel: Channel): [label: string, url: string][] {
  const outbound: [string, string][] = channel.outboundUrl ? [['Saída: respostas para o n8n', channel.outboundUrl]] : [];
  return [...outbound, ...Object.entries(channel.webhookUrls).map(([kind, url]): [string, string] => [WEBHOOK_LABELS[kind] ?? kind, url])];
}

/** The WhatsApp numbers wired to the helpdesk, their state live, and the n8n webhook setup. */
export function ChannelsPage() {
  useHelpdeskLiveQueries();
  const canWrite = useCan('helpdesk.channels.write');
  const channels = trpc.helpdesk.channels.list.useQuery();
  const feedback = useActionFeedback();
  const rotate = trpc.helpdesk.channels.rotateSecret.useMutation();
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const [historyOf, setHistoryOf] = useState<Channel | null>(null);

  const rotateSecret = (channel: Channel) =>
    feedback(async () => {
      const { webhookSecret } = await rotate.mutateAsync({ id: channel.id });
      setIssued({ channel, webhookSecret, rotated: true });
    }, `Novo segredo gerado para ${channel.name}`);

  const columns: Column<Channel>[] = [
    {
      header: 'Canal',
      cell: (channel) => (
        <div>
          <p className="font-medium text-zinc-900">{channel.name}</p>
          <p className="text-xs text-zinc-500">{CHANNEL_TYPES[channel.type]}</p>
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
      <>
        <Button size="sm" aria-label={`Histórico de ${channel.name}`} onClick={() => setHistoryOf(channel)}>
          Histórico
        </Button>
        {canWrite && (
          <ConfirmButton
            label="Gerar novo segredo"
            title={`Gerar novo segredo para ${channel.name}?`}
            message="O segredo atual para de funcionar na hora: atualize o n8n com o novo logo em seguida."
            confirmLabel="Gerar segredo"
            tone="primary"
            onConfirm={() => rotateSecret(channel)}
          />
        )}
      </>
    )),
  ];

  return (
    <>
      <PageHeader title="Canais" description="Os números de WhatsApp ligados ao atendimento. O n8n entrega as mensagens recebidas ao Balcão e envia as respostas." />
      <ChannelAlerts />
      <QueryTable
        title="Canais"
        testId="channels-table"
        query={channels}
        columns={columns}
        rowKey={(channel) => channel.id}
        empty={{ title: 'Nenhum canal', hint: 'Crie um canal n8n para começar a receber mensagens.' }}
        form={canWrite && <CreateChannelForm onCreated={(channel) => setIssued({ channel, webhookSecret: channel.webhookSecret, rotated: false })} />}
      />
      {issued && <ChannelSecretDialog issued={issued} onClose={() => setIssued(null)} />}
      {historyOf && <StatusHistoryDialog channel={historyOf} onClose={() => setHistoryOf(null)} />}
    </>
  );
}
