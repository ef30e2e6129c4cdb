import { trpc } from '../../../lib/trpc';
import { ConfirmButton } from '../../../ui/Dialog';
import { Card } from '../../../ui/Layout';
import { useActionFeedback } from '../../../ui/Toast';
import { LabelledSecret } from '../../../ui/LabelledSecret';
import type { AgendaSettings } from './types';
import { MaskedSecretField } from './MaskedSecretField';

const WEBHOOK_LABELS: Record<keyof AgendaSettings['webhookUrls'], string> = {
  messageReceived: 'Mensagens recebidas (WhatsApp → agenda)',
  prazoCerto: 'Executar o Prazo Certo',
  encherAgenda: 'Executar o Encher Agenda',
};

/** What n8n needs to call the agenda: the inbound secret (masked; a new one on request) and the URLs to post to. */
export function IntegrationCard({ settings }: { settings: AgendaSettings }) {
  const utils = trpc.useUtils();
  const feedback = useActionFeedback();
  const rotate = trpc.agenda.settings.rotateSecret.useMutation({
    onSuccess: ({ inboundSecret }) => utils.agenda.settings.get.setData(undefined, (current) => current && { ...current, inboundSecret }),
  });
  return (
    <Card className="space-y-4">
      <div>
        <h2 className="text-sm font-semibold text-zinc-900">Integração com o n8n</h2>
        <p className="mt-0.5 text-xs text-zinc-500">
          O n8n chama a agenda nestes endereços com o segredo no cabeçalho <code className="font-mono">X-Webhook-Secret</code>.
        </p>
      </div>
      <MaskedSecretField label="Segredo de entrada" value={settings.inboundSecret} testId="agenda-inbound-secret" />
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
    </Card>
  );
}
