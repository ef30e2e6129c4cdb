import { PERIODS } from './labels';
import type { AnalyticsPeriod } from './types';

/** Today, 7, 30 or 90 days, or this month: a row of toggle buttons. */
export function PeriodPicker({ value, onChange }: { value: AnalyticsPeriod; onChange: (period: AnalyticsPeriod) => void }) {
  return (
    <div role="group" aria-label="Período" className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 shadow-xs">
      {(Object.keys(PERIODS) as AnalyticsPeriod[]).map((period) => (
        <button
          key={period}
          type="button"
          aria-pressed={value === period}
          onClick={() => onChange(period)}
          className={`rounded px-3 py-1.5 text-sm font-medium whitespace-nowrap ${value === period ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100'}`}
        >
          {PERIODS[period]}
        </button>
      ))}
    </div>
  );
}
