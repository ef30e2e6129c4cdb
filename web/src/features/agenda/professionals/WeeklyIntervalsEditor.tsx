import { Button } from '../../../ui/Button';
import type { WeeklyInterval } from '../labels';
import { WEEKDAYS } from '../../../lib/weekdays';
import { IntervalInputs, type TimeInterval } from './IntervalInputs';

interface WeeklyIntervalsEditorProps {
  legend: string;
  value: readonly WeeklyInterval[];
  onChange: (next: WeeklyInterval[]) => void;
  /** What "+ intervalo" adds to a day. */
  newInterval: TimeInterval;
  /** What a day without intervals means ("Não atende", "Sem pausa"). */
  emptyDay: string;
  error?: string | undefined;
}

/** Intervals per weekday ('HH:MM', the company's time zone), several a day: working hours, or the breaks inside them. */
export function WeeklyIntervalsEditor({ legend, value, onChange, newInterval, emptyDay, error }: WeeklyIntervalsEditorProps) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-zinc-700">{legend}</legend>
      <div className={`divide-y divide-zinc-100 rounded-md border ${error ? 'border-red-400' : 'border-zinc-300'}`}>
        {WEEKDAYS.map(({ weekday, label }) => {
          const ofDay = value.map((interval, index) => ({ interval, index })).filter(({ interval }) => interval.weekday === weekday);
          return (
            <div
              key={weekday}
              role="group"
              aria-label={`${legend}: ${label}`}
              className="flex flex-wrap items-center gap-x-2 gap-y-1 px-2.5 py-1.5 text-sm"
            >
              <span className="w-16 text-zinc-700">{label}</span>
              {ofDay.length === 0 && <span className="text-xs text-zinc-400">{emptyDay}</span>}
              {ofDay.map(({ interval, index }) => (
                <IntervalInputs
                  key={index}
                  label={label}
                  interval={interval}
                  onChange={(next) => onChange(value.with(index, { ...interval, ...next }))}
                  onRemove={() => onChange(value.filter((_, other) => other !== index))}
                />
              ))}
              <Button
                size="sm"
                tone="ghost"
                aria-label={`Adicionar intervalo: ${label}`}
                onClick={() => onChange([...value, { weekday, ...newInterval }])}
              >
                + intervalo
              </Button>
            </div>
          );
        })}
      </div>
      {error && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
