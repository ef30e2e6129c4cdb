import type { RouterOutputs } from '../../../lib/trpc';
import { ShownOnceDialog } from '../../../ui/ShownOnceDialog';
import { LabelledSecret } from '../../../ui/LabelledSecret';

/** The config's API token and callback secret, this once: the server keeps only a hash and a sealed copy. */
export function ApiConfigCreatedDialog({
  config,
  onClose,
}: {
  config: RouterOutputs['helpdesk']['apiConfigs']['create'];
  onClose: () => void;
}) {
  return (
    <ShownOnceDialog
      title={`Integração ${config.name} criada`}
      testId="api-config-created-dialog"
      warning="Copie o token e o segredo agora: eles não serão mostrados novamente."
      onClose={onClose}
    >
      <p>
        O sistema envia <code className="font-mono text-xs">POST</code> para o endereço abaixo com{' '}
        <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <LabelledSecret label="Endereço de envio" value={config.sendUrl} testId="api-send-url" />
      <LabelledSecret label="Token de API" value={config.token} testId="api-token" />
      <LabelledSecret label="Segredo do callback" value={config.callbackSecret} testId="api-callback-secret" />
    </ShownOnceDialog>
  );
}
