import { useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { ConfirmButton } from '../../../ui/Dialog';
import { Card } from '../../../ui/Layout';
import { ShownOnceDialog } from '../../../ui/ShownOnceDialog';
import { useActionFeedback } from '../../../ui/Toast';
import { LabelledSecret } from '../../../ui/LabelledSecret';
import type { AgendaSettings } from './types';

const WEBHOOK_LABELS: Record<keyof AgendaSettings['webhookUrls'], string> = {
  messageReceived: 'Mensagens recebidas (WhatsApp → agenda)',
  prazoCerto: 'Executar o Prazo Certo',
  encherAgenda: 'Executar o Encher Agenda',
};

/**
 * What n8n needs to call the agenda: the URLs to post to and the inbound secret, which the server
 * keeps sealed. The card names the secret in use by its last characters; a new one is shown once.
 */
export function IntegrationCard({ settings }: { settings: AgendaSettings }) {
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
        </ShownOnceDialog>
      )}
    </Card>
  );
}
