import { useCan } from '../../../app/providers';
import { errorMessage } from '../../../lib/errors';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { ConfirmButton } from '../../../ui/Dialog';
import { useActionFeedback, useToast } from '../../../ui/Toast';
import { N8nWorkflowButton } from '../../n8n/N8nWorkflowButton';
import type { Channel } from '../labels';
import type { IssuedSecret } from './ChannelSecretDialog';

type ConnectionCheck = RouterOutputs['helpdesk']['channels']['checkConnection']['check'];

/** What an n8n channel's workflows do: its messages in (two ways) and its replies out. */
const CHANNEL_WORKFLOWS = ['helpdesk-inbound-whatsapp', 'helpdesk-inbound-webhook', 'helpdesk-outbound'];

const DISCONNECT_MESSAGE =
  'Respostas e mensagens da API por este canal são recusadas até que ele seja conectado de novo. As mensagens dos contatos continuam chegando.';

const DELETE_MESSAGE =
  'O canal deixa de receber e enviar mensagens: o n8n ou a Meta que ainda chamarem o webhook dele recebem 404. Os chamados e as mensagens ficam no histórico.';

interface ChannelActionsProps {
  channel: Channel;
  onHistory: () => void;
  onEdit: () => void;
  onIssued: (issued: IssuedSecret) => void;
}

/**
 * A channel's buttons: its history for everyone; for those who configure channels, edit,
 * check the Cloud API number, the n8n workflows, disconnect / connect, a new webhook secret, and deleting the channel.
 */
export function ChannelActions({ channel, onHistory, onEdit, onIssued }: ChannelActionsProps) {
  const canWrite = useCan('helpdesk.channels.write');
  const toast = useToast();
  const feedback = useActionFeedback();
  const utils = trpc.useUtils();
  const refreshList = () => utils.helpdesk.channels.list.invalidate();
  /** What the provider said: the number Meta confirmed, or why the check failed (an n8n channel is not asked). */
  const report = (check: ConnectionCheck, done: string) => {
    if (check && !check.ok) toast.error(`${channel.name}: ${check.reason}`);
    else toast.success(check ? `${done}: ${check.verifiedName} (${check.displayPhoneNumber})` : done);
  };
  const onError = (error: unknown) => toast.error(errorMessage(error));
  const checkConnection = trpc.helpdesk.channels.checkConnection.useMutation({
    onSuccess: ({ check }) => report(check, `Conexão de ${channel.name} verificada`),
    onError,
    onSettled: refreshList,
  });
  const connect = trpc.helpdesk.channels.connect.useMutation({
    onSuccess: ({ check }) => report(check, `Canal ${channel.name} conectado`),
    onError,
    onSettled: refreshList,
  });
  const disconnect = trpc.helpdesk.channels.disconnect.useMutation({ onSettled: refreshList });
  const rotate = trpc.helpdesk.channels.rotateSecret.useMutation();
  const remove = trpc.helpdesk.channels.delete.useMutation({ onSettled: refreshList });
  const cloud = channel.type === 'whatsapp_cloud';

  return (
    <>
      <Button size="sm" aria-label={`Histórico de ${channel.name}`} onClick={onHistory}>
        Histórico
      </Button>
      {canWrite && (
        <>
          <Button size="sm" aria-label={`Editar ${channel.name}`} onClick={onEdit}>
            Editar
          </Button>
          {cloud && !channel.paused && (
            <Button size="sm" busy={checkConnection.isPending} onClick={() => checkConnection.mutate({ id: channel.id })}>
              Verificar conexão
            </Button>
          )}
          {channel.type === 'n8n' && (
            <N8nWorkflowButton
              size="sm"
              ariaLabel={`Baixar workflow do n8n de ${channel.name}`}
              dialogTitle={`Workflows do n8n de ${channel.name}`}
              kinds={CHANNEL_WORKFLOWS}
              channelId={channel.id}
            >
              <ChannelWorkflowsHelp channelId={channel.id} />
            </N8nWorkflowButton>
          )}
          {channel.paused ? (
            <Button size="sm" tone="primary" busy={connect.isPending} onClick={() => connect.mutate({ id: channel.id })}>
              Conectar
            </Button>
          ) : (
            <ConfirmButton
              label="Desconectar"
              title={`Desconectar ${channel.name}?`}
              message={DISCONNECT_MESSAGE}
              confirmLabel="Desconectar"
              onConfirm={() => feedback(() => disconnect.mutateAsync({ id: channel.id }), `Canal ${channel.name} desconectado`)}
            />
          )}
          <ConfirmButton
            label="Gerar novo segredo"
            title={`Gerar novo segredo para ${channel.name}?`}
            message={`O segredo atual para de funcionar na hora: atualize ${cloud ? 'o token de verificação no app da Meta' : 'o n8n'} com o novo logo em seguida.`}
            confirmLabel="Gerar segredo"
            tone="primary"
            onConfirm={() =>
              feedback(async () => {
                const { webhookSecret } = await rotate.mutateAsync({ id: channel.id });
                onIssued({ channel, webhookSecret, rotated: true });
              }, `Novo segredo gerado para ${channel.name}`)
            }
          />
          <ConfirmButton
            label="Excluir"
            title={`Excluir o canal ${channel.name}?`}
            message={DELETE_MESSAGE}
            confirmLabel="Excluir canal"
            onConfirm={() => feedback(() => remove.mutateAsync({ id: channel.id }), `Canal ${channel.name} excluído`)}
          />
        </>
      )}
    </>
  );
}

/** Which workflow to pick, and where the outbound one is called. */
function ChannelWorkflowsHelp({ channelId }: { channelId: string }) {
  return (
    <p>
      Escolha uma entrada (WhatsApp Cloud pelo gatilho do n8n, ou o webhook JSON de outro provedor) e a saída. Nenhum arquivo traz o segredo
      do canal. Depois de ativar a saída, use a URL de produção do seu webhook (termina em{' '}
      <code className="font-mono text-xs break-all">/webhook/balcao/{channelId}/saida</code>) como URL de saída do canal.
    </p>
  );
}
