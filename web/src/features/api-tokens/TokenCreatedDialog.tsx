import type { RouterOutputs } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Banner } from '../../ui/Layout';
import { SecretField } from '../../ui/SecretField';

/** The new token's secret, this once: the server keeps only its hash. */
export function TokenCreatedDialog({ token, onClose }: { token: RouterOutputs['apiTokens']['create']; onClose: () => void }) {
  return (
    <Dialog
      title={`Token ${token.name} criado`}
      onClose={onClose}
      testId="token-created-dialog"
      footer={
        <Button tone="primary" onClick={onClose}>
          Já copiei, fechar
        </Button>
      }
    >
      <div className="space-y-3">
        <Banner tone="info">Copie o token agora: ele não será mostrado novamente.</Banner>
        <SecretField label="Token de API" value={token.token} testId="created-token" />
      </div>
    </Dialog>
  );
}
