import type { ReactNode, TextareaHTMLAttributes } from 'react';
import { FieldShell } from './Field';

/** A multi-line TextField: replies, notes, greetings. */
export function TextAreaField({
  label,
  error,
  hint,
  className = '',
  rows = 3,
  ...textarea
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; error?: string | undefined; hint?: ReactNode }) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          rows={rows}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={`block w-full resize-y rounded-md border bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus:outline-2 focus:-outline-offset-1 focus:outline-zinc-900 disabled:bg-zinc-50 ${invalid ? 'border-red-400' : 'border-zinc-300'} ${className}`}
          {...textarea}
        />
      )}
    </FieldShell>
  );
}
