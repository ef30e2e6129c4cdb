import { useState } from 'react';
import type { RouterOutputs } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Banner } from '../../ui/Layout';

/** The new token's secret, this once: the server keeps only its hash. */
export function TokenCreatedDialog({ token, onClose }: { token: RouterOutputs['apiTokens']['create']; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied(true);
    } catch {
      const field = document.getElementById('created-token') as HTMLInputElement | null;
      field?.select(); // no clipboard permission: leave it selected for Ctrl+C
    }
  };
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
        <div className="flex gap-2">
          <input
            id="created-token"
            readOnly
            aria-label="Token de API"
            data-testid="created-token"
            value={token.token}
            onFocus={(event) => event.target.select()}
            className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-zinc-50 px-2.5 py-1.5 font-mono text-xs text-zinc-900"
          />
          <Button onClick={() => void copy()}>{copied ? 'Copiado!' : 'Copiar'}</Button>
        </div>
      </div>
    </Dialog>
  );
}
