const timeInput = 'rounded-md border border-zinc-300 bg-white px-1.5 py-1 text-sm tabular-nums focus:outline-2 focus:outline-zinc-900';

export interface TimeInterval {
  start: string;
  end: string;
}

/** One 'HH:MM'–'HH:MM' interval, named for screen readers ("Segunda: início"), with its remove button. */
export function IntervalInputs({
  label,
  interval,
  onChange,
  onRemove,
}: {
  label: string;
  interval: TimeInterval;
  onChange: (next: TimeInterval) => void;
  onRemove: () => void;
}) {
  return (
    <span className="inline-flex items-center gap-1">
      <input
        type="time"
        aria-label={`${label}: início`}
        className={timeInput}
        value={interval.start}
        onChange={(event) => onChange({ ...interval, start: event.target.value })}
      />
      –
      <input
        type="time"
        aria-label={`${label}: fim`}
        className={timeInput}
        value={interval.end}
        onChange={(event) => onChange({ ...interval, end: event.target.value })}
      />
      <button type="button" aria-label={`Remover intervalo: ${label}`} className="px-1 text-zinc-400 hover:text-red-600" onClick={onRemove}>
        ×
      </button>
    </span>
  );
}
