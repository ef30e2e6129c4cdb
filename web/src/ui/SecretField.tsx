import { useId, useRef, useState } from 'react';
import { Button } from './Button';

/** A secret shown once (an API token, an invitation link): read-only, selected on focus, with a copy button. */
export function SecretField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      input.current?.select(); // no clipboard permission: leave it selected for Ctrl+C
    }
  };
  return (
    <div className="flex gap-2">
      <input
        id={id}
        ref={input}
        readOnly
        aria-label={label}
        data-testid={testId}
        value={value}
        onFocus={(event) => event.target.select()}
        className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-zinc-50 px-2.5 py-1.5 font-mono text-xs text-zinc-900"
      />
      <Button onClick={() => void copy()}>{copied ? 'Copiado!' : 'Copiar'}</Button>
    </div>
  );
}
