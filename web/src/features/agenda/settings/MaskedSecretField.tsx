import { useState } from 'react';
import { Button } from '../../../ui/Button';
import { SecretField } from '../../../ui/SecretField';

/** A secret kept on screen masked; "Mostrar" reveals it with its copy button. */
export function MaskedSecretField({ label, value, testId }: { label: string; value: string; testId: string }) {
  const [revealed, setRevealed] = useState(false);
  return (
    <div className="space-y-1">
      <p className="text-xs font-medium text-zinc-700">{label}</p>
      <div className="flex gap-2">
        <div className="min-w-0 flex-1">
          {revealed ? (
            <SecretField label={label} value={value} testId={testId} />
          ) : (
            <input
              readOnly
              type="password"
              aria-label={label}
              data-testid={testId}
              value={value}
              className="w-full rounded-md border border-zinc-300 bg-zinc-50 px-2.5 py-1.5 font-mono text-xs text-zinc-900"
            />
          )}
        </div>
        <Button aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
          {revealed ? 'Ocultar' : 'Mostrar'}
        </Button>
      </div>
    </div>
  );
}
