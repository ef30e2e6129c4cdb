import { ShownOnceDialog } from '../../../ui/ShownOnceDialog';
import { LabelledSecret } from '../LabelledSecret';
import { WEBHOOK_LABELS, type Channel } from '../labels';

export interface IssuedSecret {
  channel: Pick<Channel, 'name' | 'webhookUrls'>;
  webhookSecret: string;
  rotated: boolean;
}

/** The channel's webhook secret, this once (the server keeps it sealed), with the URLs n8n posts to. */
export function ChannelSecretDialog({ issued, onClose }: { issued: IssuedSecret; onClose: () => void }) {
  const { channel, webhookSecret, rotated } = issued;
  return (
    <ShownOnceDialog
      title={rotated ? `Novo segredo de ${channel.name}` : `Canal ${channel.name} criado`}
      testId="channel-secret-dialog"
      warning="Copie o segredo agora: ele não será mostrado novamente."
      onClose={onClose}
    >
      <p>
        No n8n, envie as mensagens e os status para estes endereços com o cabeçalho <code className="font-mono text-xs">X-Webhook-Secret</code>. As respostas do
        Balcão chegam ao n8n assinadas com o mesmo segredo.
      </p>
      <LabelledSecret label="Segredo do webhook" value={webhookSecret} testId="webhook-secret" />
      {Object.entries(channel.webhookUrls).map(([kind, url]) => (
        <LabelledSecret key={kind} label={WEBHOOK_LABELS[kind] ?? kind} value={url} testId={`webhook-url-${kind}`} />
      ))}
    </ShownOnceDialog>
  );
}
