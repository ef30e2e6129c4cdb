import type { RouterInputs } from '../lib/trpc';
import { WEEKDAYS } from '../lib/weekdays';
import { Button } from './Button';

export type BusinessHours = NonNullable<NonNullable<RouterInputs['helpdesk']['settings']['update']>['businessHours']>;
type Interval = BusinessHours['intervals'][number];

const NEW_INTERVAL = { start: '09:00', end: '18:00' };

/** What switching hours on starts from: Monday to Friday, nine to six. */
const OFFICE_HOURS: BusinessHours = { intervals: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, ...NEW_INTERVAL })) };

/** "Seg 09:00–18:00 · Sáb 09:00–13:00"; null when no hours are set. */
export function summarizeBusinessHours(hours: BusinessHours | null): string | null {
  if (!hours) return null;
  const days = WEEKDAYS.map(({ weekday, short }) => {
    const ofDay = hours.intervals.filter((interval) => interval.weekday === weekday).map((interval) => `${interval.start}–${interval.end}`);
    return ofDay.length > 0 ? `${short} ${ofDay.join(', ')}` : null;
  }).filter(Boolean);
  return days.length > 0 ? days.join(' · ') : 'Sem intervalos: sempre aberto';
}

const timeInput = 'rounded-md border border-zinc-300 bg-white px-1.5 py-1 text-sm tabular-nums focus:outline-2 focus:outline-zinc-900';

interface BusinessHoursEditorProps {
  legend: string;
  /** The checkbox that turns hours on; off means null (the queue follows the company, the company is always open). */
  enableLabel: string;
  value: BusinessHours | null;
  onChange: (next: BusinessHours | null) => void;
  error?: string | undefined;
}

/** Opening intervals per weekday, in the company's time zone; a day without intervals is closed. */
export function BusinessHoursEditor({ legend, enableLabel, value, onChange, error }: BusinessHoursEditorProps) {
  const intervals = value?.intervals ?? [];
  const replace = (next: Interval[]) => onChange({ intervals: next });
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-zinc-700">{legend}</legend>
      <label className="flex cursor-pointer items-center gap-2 text-sm text-zinc-700">
        <input
          type="checkbox"
          className="size-4 accent-zinc-900"
          checked={value !== null}
          onChange={(event) => onChange(event.target.checked ? OFFICE_HOURS : null)}
        />
        {enableLabel}
      </label>
      {value && (
        <div className="divide-y divide-zinc-100 rounded-md border border-zinc-300">
          {WEEKDAYS.map(({ weekday, label }) => {
            const ofDay = intervals.map((interval, index) => ({ interval, index })).filter(({ interval }) => interval.weekday === weekday);
            return (
              <div
                key={weekday}
                role="group"
                aria-label={label}
                className="flex flex-wrap items-center gap-x-2 gap-y-1 px-2.5 py-1.5 text-sm"
              >
                <span className="w-16 text-zinc-700">{label}</span>
                {ofDay.length === 0 && <span className="text-xs text-zinc-400">Fechado</span>}
                {ofDay.map(({ interval, index }) => (
                  <span key={index} className="inline-flex items-center gap-1">
                    <input
                      type="time"
                      aria-label={`${label}: abre às`}
                      className={timeInput}
                      value={interval.start}
                      onChange={(event) => replace(intervals.with(index, { ...interval, start: event.target.value }))}
                    />
                    –
                    <input
                      type="time"
                      aria-label={`${label}: fecha às`}
                      className={timeInput}
                      value={interval.end}
                      onChange={(event) => replace(intervals.with(index, { ...interval, end: event.target.value }))}
                    />
                    <button
                      type="button"
                      aria-label={`Remover horário de ${label}`}
                      className="px-1 text-zinc-400 hover:text-red-600"
                      onClick={() => replace(intervals.filter((_, other) => other !== index))}
                    >
                      ×
                    </button>
                  </span>
                ))}
                <Button
                  size="sm"
                  tone="ghost"
                  aria-label={`Adicionar horário: ${label}`}
                  onClick={() => replace([...intervals, { weekday, ...NEW_INTERVAL }])}
                >
                  + horário
                </Button>
              </div>
            );
          })}
        </div>
      )}
      {error && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
