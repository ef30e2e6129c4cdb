import type { RouterOutputs } from '../../lib/trpc';
import { SecretField } from '../../ui/SecretField';
import { ShownOnceDialog } from '../../ui/ShownOnceDialog';

/** The new token's secret, this once: the server keeps only its hash. */
export function TokenCreatedDialog({ token, onClose }: { token: RouterOutputs['apiTokens']['create']; onClose: () => void }) {
  return (
    <ShownOnceDialog
      title={`Token ${token.name} criado`}
      testId="token-created-dialog"
      warning="Copie o token agora: ele não será mostrado novamente."
      onClose={onClose}
    >
      <SecretField label="Token de API" value={token.token} testId="created-token" />
    </ShownOnceDialog>
  );
}
