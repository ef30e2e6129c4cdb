import type { ApiConfig } from './types';
import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { formatRelative } from '../../../lib/format';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import type { Column } from '../../../ui/DataTable';
import { ConfirmButton } from '../../../ui/Dialog';
import { Badge, PageHeader } from '../../../ui/Layout';
import { useActionFeedback } from '../../../ui/Toast';
import { actionsColumn } from '../../../ui/actionsColumn';
import { QueryTable } from '../../../ui/QueryTable';
import { ApiCallsDialog } from './ApiCallsDialog';
import { ApiConfigCreatedDialog } from './ApiConfigCreatedDialog';
import { CallbackUrlDialog } from './CallbackUrlDialog';
import { CreateApiConfigForm } from './CreateApiConfigForm';

type CreatedApiConfig = RouterOutputs['helpdesk']['apiConfigs']['create'];

/** ERPs and CRMs that send WhatsApp messages through a channel with the external API v1. */
export function ExternalApiPage() {
  const canWrite = useCan('helpdesk.apiConfigs.write');
  const configs = trpc.helpdesk.apiConfigs.list.useQuery();
  const channels = trpc.helpdesk.channels.list.useQuery(undefined, { enabled: useCan('helpdesk.channels.read') });
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const revoke = trpc.helpdesk.apiConfigs.revoke.useMutation({ onSettled: () => utils.helpdesk.apiConfigs.list.invalidate() });
  const [created, setCreated] = useState<CreatedApiConfig | null>(null);
  const [editing, setEditing] = useState<ApiConfig | null>(null);
  const [callsOf, setCallsOf] = useState<ApiConfig | null>(null);
  const channelName = (id: string) => channels.data?.find((channel) => channel.id === id)?.name ?? '—';

  const columns: Column<ApiConfig>[] = [
    {
      header: 'Integração',
      cell: (config) => (
        <div>
          <p className="font-medium text-zinc-900">{config.name}</p>
          <p className="font-mono text-[11px] break-all text-zinc-500" title="Endereço de envio" data-testid="api-config-send-url">
            {config.sendUrl}
          </p>
        </div>
      ),
    },
    { header: 'Canal', cell: (config) => channelName(config.channelId) },
    {
      header: 'URL de callback',
      cell: (config) => <span className="font-mono text-xs break-all">{config.callbackUrl ?? '—'}</span>,
      className: 'max-w-xs',
    },
    { header: 'Último uso', cell: (config) => <span className="whitespace-nowrap">{formatRelative(config.lastUsedAt)}</span> },
    { header: 'Situação', cell: (config) => (config.revokedAt ? <Badge tone="red">Revogada</Badge> : <Badge tone="green">Ativa</Badge>) },
    actionsColumn((config) => (
      <>
        <Button size="sm" aria-label={`Chamadas de ${config.name}`} onClick={() => setCallsOf(config)}>
          Chamadas
        </Button>
        {canWrite && !config.revokedAt && (
          <>
            <Button size="sm" aria-label={`Editar callback de ${config.name}`} onClick={() => setEditing(config)}>
              Editar callback
            </Button>
            <ConfirmButton
              label="Revogar"
              title={`Revogar a integração ${config.name}?`}
              message="O token desta integração deixa de funcionar na hora. Não é possível desfazer."
              confirmLabel="Revogar"
              onConfirm={() => feedback(() => revoke.mutateAsync({ apiId: config.apiId }), `Integração ${config.name} revogada`)}
            />
          </>
        )}
      </>
    )),
  ];

  return (
    <>
      <PageHeader
        title="API externa"
        description="Sistemas como ERP e CRM enviam mensagens de WhatsApp por um canal e recebem os status de entrega no callback."
      />
      <QueryTable
        title="Integrações"
        testId="api-configs-table"
        query={configs}
        columns={columns}
        rowKey={(config) => config.apiId}
        empty={{ title: 'Nenhuma integração', hint: 'Crie uma para que outro sistema envie mensagens por um canal.' }}
        form={canWrite && <CreateApiConfigForm channels={channels.data ?? []} onCreated={setCreated} />}
      />
      {created && <ApiConfigCreatedDialog config={created} onClose={() => setCreated(null)} />}
      {editing && <CallbackUrlDialog config={editing} onClose={() => setEditing(null)} />}
      {callsOf && <ApiCallsDialog config={callsOf} onClose={() => setCallsOf(null)} />}
    </>
  );
}
