import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { CheckboxField } from '../../../ui/CheckboxField';
import type { Professional } from '../labels';
import type { CalendarView } from './layout';
import { EVERYONE, type CalendarViewState } from './useCalendarView';

const VIEWS: readonly { view: CalendarView; label: string; previous: string; next: string }[] = [
  { view: 'week', label: 'Semana', previous: 'Semana anterior', next: 'Próxima semana' },
  { view: 'day', label: 'Dia', previous: 'Dia anterior', next: 'Próximo dia' },
];

/** Today, back and forth, week or day, the date, whose agenda, and whether cancelled appointments show. */
export function CalendarToolbar({ calendar, professionals }: { calendar: CalendarViewState; professionals: readonly Professional[] }) {
  const current = VIEWS.find((each) => each.view === calendar.view) ?? VIEWS[0]!;
  const everyone = calendar.view === 'day' ? 'Todos, lado a lado' : 'Todos os profissionais';
  const options = [
    { value: EVERYONE, label: everyone },
    ...professionals.map((professional) => ({
      value: professional.id,
      label: professional.active ? professional.name : `${professional.name} (inativo)`,
    })),
  ];
  return (
    <section aria-label="Controles da agenda" className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-1.5">
          <Button onClick={calendar.today}>Hoje</Button>
          <Button tone="ghost" aria-label={current.previous} onClick={calendar.previous}>
            ‹
          </Button>
          <Button tone="ghost" aria-label={current.next} onClick={calendar.next}>
            ›
          </Button>
          <h2 className="ml-1 text-sm font-semibold text-zinc-900 first-letter:uppercase" aria-live="polite" data-testid="calendar-range">
            {calendar.title}
          </h2>
        </div>
        <div role="group" aria-label="Visualização" className="inline-flex rounded-md border border-zinc-300 p-0.5">
          {VIEWS.map(({ view, label }) => (
            <button
              key={view}
              type="button"
              aria-pressed={calendar.view === view}
              onClick={() => calendar.setView(view)}
              className={`rounded px-3 py-1 text-sm ${calendar.view === view ? 'bg-zinc-900 font-medium text-white' : 'text-zinc-600 hover:bg-zinc-100'}`}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      <div className="grid items-end gap-3 sm:grid-cols-[10rem_minmax(0,16rem)_auto]">
        <TextField label="Data" type="date" value={calendar.anchor} onChange={(event) => calendar.goTo(event.target.value)} />
        <SelectField
          label="Profissional"
          options={options}
          value={calendar.selection}
          onChange={(event) => calendar.setSelection(event.target.value)}
        />
        <div className="pb-2">
          <CheckboxField label="Mostrar cancelados" checked={calendar.showCancelled} onChange={calendar.setShowCancelled} />
        </div>
      </div>
    </section>
  );
}
