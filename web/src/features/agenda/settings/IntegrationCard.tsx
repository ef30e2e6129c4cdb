import { useState } from 'react';
import { useMe } from '../../../app/providers';
import { trpc } from '../../../lib/trpc';
import { ConfirmButton } from '../../../ui/Dialog';
import { Card } from '../../../ui/Layout';
import { ShownOnceDialog } from '../../../ui/ShownOnceDialog';
import { useActionFeedback } from '../../../ui/Toast';
import { LabelledSecret } from '../../../ui/LabelledSecret';
import { N8nWorkflowButton } from '../../n8n/N8nWorkflowButton';
import { SecretDestinations } from '../../n8n/SecretDestinations';
import { AGENDA_CREDENTIAL, n8nSecretEnvName } from '../../n8n/names';
import type { AgendaSettings } from './types';

const WEBHOOK_LABELS: Record<keyof AgendaSettings['webhookUrls'], string> = {
  messageReceived: 'Mensagens recebidas (WhatsApp → agenda)',
  prazoCerto: 'Executar o Prazo Certo',
  encherAgenda: 'Executar o Encher Agenda',
};

/** The chat agent's workflows: WhatsApp in, the agenda's messages out. */
const CHAT_WORKFLOWS = ['agenda-chat-inbound', 'agenda-chat-outbound'];

/**
 * What n8n needs to call the agenda: the URLs to post to and the inbound secret, which the server
 * keeps sealed. The card names the secret in use by its last characters; a new one is shown once,
 * with where it goes in n8n. The chat agent's workflows are downloaded here, ready for this company.
 */
export function IntegrationCard({ settings }: { settings: AgendaSettings }) {
  const tenantId = useMe().tenant.id;
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const [issued, setIssued] = useState<string | null>(null);
  const rotate = trpc.agenda.settings.rotateSecret.useMutation({
    onSuccess: ({ inboundSecret }) => {
      setIssued(inboundSecret);
      void utils.agenda.settings.get.invalidate();
    },
  });
  return (
    <Card className="space-y-4">
      <div>
        <h2 className="text-sm font-semibold text-zinc-900">Integração com o n8n</h2>
        <p className="mt-0.5 text-xs text-zinc-500">
          O n8n chama a agenda nestes endereços com o segredo no cabeçalho <code className="font-mono">X-Webhook-Secret</code>.
        </p>
      </div>
      <div className="space-y-1">
        <p className="text-xs font-medium text-zinc-700">Segredo de entrada</p>
        <p className="text-xs text-zinc-600">
          Em uso: o segredo terminado em{' '}
          <code className="font-mono text-zinc-900" data-testid="agenda-inbound-secret-hint">
            {settings.inboundSecretHint}
          </code>
          . Ele só é mostrado quando é gerado; se o perdeu, gere outro.
        </p>
      </div>
      <ConfirmButton
        label="Gerar novo segredo"
        title="Gerar novo segredo da agenda?"
        message="O segredo atual para de funcionar na hora: atualize o n8n com o novo logo em seguida."
        confirmLabel="Gerar segredo"
        tone="primary"
        onConfirm={() => feedback(() => rotate.mutateAsync(), 'Novo segredo gerado: atualize o n8n')}
      />
      <ChatWorkflows tenantId={tenantId} />
      <div className="space-y-3 border-t border-zinc-100 pt-4">
        {(Object.keys(WEBHOOK_LABELS) as (keyof typeof WEBHOOK_LABELS)[]).map((key) => (
          <LabelledSecret key={key} label={WEBHOOK_LABELS[key]} value={settings.webhookUrls[key]} testId={`agenda-webhook-${key}`} />
        ))}
      </div>
      {issued && (
        <ShownOnceDialog
          title="Novo segredo da agenda"
          testId="agenda-secret-dialog"
          warning="Copie o segredo agora: ele não será mostrado novamente."
          onClose={() => setIssued(null)}
        >
          <LabelledSecret label="Segredo de entrada" value={issued} testId="agenda-inbound-secret" />
          <SecretDestinations
            credential={AGENDA_CREDENTIAL}
            environmentVariable={n8nSecretEnvName('AGENDA', tenantId)}
            checkedBy="o workflow de respostas (agenda → WhatsApp)"
          />
        </ShownOnceDialog>
      )}
    </Card>
  );
}

/** The chat agent's n8n workflows, and where the outbound one is called from. */
function ChatWorkflows({ tenantId }: { tenantId: string }) {
  return (
    <div className="space-y-2 border-t border-zinc-100 pt-4">
      <p className="text-xs text-zinc-600">
        O agente de chat pelo WhatsApp: o n8n entrega as mensagens dos clientes à agenda e envia as respostas dela.
      </p>
      <N8nWorkflowButton kinds={CHAT_WORKFLOWS} dialogTitle="Workflows do n8n do agente de chat">
        <p>
          A entrada leva as mensagens do WhatsApp à agenda; a saída envia as respostas e os avisos, conferindo a assinatura do Balcão.
          Nenhum arquivo traz o segredo. Depois de ativar a saída, use a URL de produção do seu webhook (termina em{' '}
          <code className="font-mono text-xs break-all">/webhook/balcao/agenda/{tenantId}/saida</code>) como URL de saída do n8n nas
          configurações.
        </p>
      </N8nWorkflowButton>
    </div>
  );
}
