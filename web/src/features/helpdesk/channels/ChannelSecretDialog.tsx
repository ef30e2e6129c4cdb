import type { ReactNode } from 'react';
import { ShownOnceDialog } from '../../../ui/ShownOnceDialog';
import { LabelledSecret } from '../../../ui/LabelledSecret';
import { SecretDestinations } from '../../n8n/SecretDestinations';
import { channelCredentialName, n8nSecretEnvName } from '../../n8n/names';
import { WEBHOOK_LABELS, type Channel } from '../labels';

export interface IssuedSecret {
  channel: Pick<Channel, 'id' | 'name' | 'type' | 'webhookUrls'>;
  webhookSecret: string;
  rotated: boolean;
}

/** How each provider uses the secret: n8n sends it in a header; Meta's webhook setup calls it the verify token. */
const SECRET_USES: Record<Channel['type'], { label: string; noun: string; setup: ReactNode }> = {
  n8n: {
    label: 'Segredo do webhook',
    noun: 'o segredo',
    setup: (
      <>
        No n8n, envie as mensagens e os status para estes endereços com o cabeçalho{' '}
        <code className="font-mono text-xs">X-Webhook-Secret</code>. As respostas do Balcão chegam ao n8n assinadas com o mesmo segredo.
      </>
    ),
  },
  whatsapp_cloud: {
    label: 'Token de verificação',
    noun: 'o token de verificação',
    setup: (
      <>
        No app da Meta (WhatsApp → Configuração), informe esta URL de callback e este token de verificação, e assine o campo{' '}
        <code className="font-mono text-xs">messages</code>.
      </>
    ),
  },
};

/**
 * The channel's webhook secret, this once (the server keeps it sealed), with the URLs the provider
 * posts to; for n8n, also where the secret goes in the downloaded workflows' credential and environment.
 */
export function ChannelSecretDialog({ issued, onClose }: { issued: IssuedSecret; onClose: () => void }) {
  const { channel, webhookSecret, rotated } = issued;
  const use = SECRET_USES[channel.type];
  return (
    <ShownOnceDialog
      title={rotated ? `Novo ${use.label.toLowerCase()} de ${channel.name}` : `Canal ${channel.name} criado`}
      testId="channel-secret-dialog"
      warning={`Copie ${use.noun} agora: ele não será mostrado novamente.`}
      onClose={onClose}
    >
      <p>{use.setup}</p>
      <LabelledSecret label={use.label} value={webhookSecret} testId="webhook-secret" />
      {channel.type === 'n8n' && (
        <SecretDestinations
          credential={channelCredentialName(channel.name)}
          environmentVariable={n8nSecretEnvName('CANAL', channel.id)}
          checkedBy="o workflow de saída"
        />
      )}
      {Object.entries(channel.webhookUrls).map(([kind, url]) => (
        <LabelledSecret key={kind} label={WEBHOOK_LABELS[kind] ?? kind} value={url} testId={`webhook-url-${kind}`} />
      ))}
    </ShownOnceDialog>
  );
}
