import type { FormEvent, ReactNode } from 'react';
import { Button } from './Button';
import { Banner, Card } from './Layout';

interface FormCardProps {
  title: string;
  description?: string;
  submitLabel: string;
  busy: boolean;
  error: string | null;
  onSubmit: () => void;
  children: ReactNode;
  testId?: string;
}

/** A titled form in a card: fields, a banner for errors no field shows, and the submit button. */
export function FormCard({ title, description, submitLabel, busy, error, onSubmit, children, testId }: FormCardProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Card>
      <form onSubmit={submit} className="space-y-4" aria-label={title} data-testid={testId} noValidate>
        <div>
          <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
          {description && <p className="mt-0.5 text-xs text-zinc-500">{description}</p>}
        </div>
        {error && <Banner>{error}</Banner>}
        {children}
        <div className="flex justify-end">
          <Button type="submit" tone="primary" busy={busy}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </Card>
  );
}
