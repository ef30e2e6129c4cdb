import type { ReactNode } from 'react';
import { Card } from '../../ui/Layout';

/** One figure with its name, for the top of the analyses and a user's page. */
export function MetricCard({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <Card className="p-4">
      <p className="text-xs text-zinc-500">{label}</p>
      <p className="mt-1 text-xl font-semibold wrap-anywhere text-zinc-900 tabular-nums sm:text-2xl" data-testid={testId}>
        {value}
      </p>
      {hint && <p className="mt-0.5 text-xs text-zinc-500">{hint}</p>}
    </Card>
  );
}
