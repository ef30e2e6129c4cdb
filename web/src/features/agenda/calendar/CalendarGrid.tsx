import { useState } from 'react';
import type { Appointment } from '../labels';
import { formatDate, timeOfMinutes } from '../zonedTime';
import { CalendarColumnView, type CalendarSlot, type Dragging } from './CalendarColumnView';
import { ROW_PX, SLOT_MINUTES, type CalendarColumn, type HoursRange, type PlacedAppointment, type Worker } from './layout';
import type { MoveTarget } from './useReschedule';

interface CalendarGridProps {
  columns: readonly CalendarColumn[];
  hours: HoursRange;
  placed: ReadonlyMap<string, readonly PlacedAppointment[]>;
  /** Everyone shown, with their exceptions: whose working time shades each column. */
  workers: readonly Worker[];
  timeZone: string;
  today: string;
  pendingId: string | null;
  onOpen: (appointment: Appointment) => void;
  onCreate?: (slot: CalendarSlot) => void;
  onMove?: (appointment: Appointment, target: MoveTarget) => void;
}

/** The hours down the side, a column per day or per professional, and the appointments in them. */
export function CalendarGrid({ columns, hours, placed, workers, timeZone, today, pendingId, onOpen, onCreate, onMove }: CalendarGridProps) {
  const [dragging, setDragging] = useState<Dragging | null>(null);
  const byDay = columns.every((column) => column.key === column.date);
  const template = { gridTemplateColumns: `3.5rem repeat(${columns.length}, minmax(7.5rem, 1fr))` };
  return (
    <section aria-label="Calendário" className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <div className="grid min-w-fit" style={template}>
        <div className="border-b border-zinc-200" />
        {columns.map((column) => (
          <ColumnHeading key={column.key} column={column} byDay={byDay} today={today} />
        ))}
        <HoursAxis hours={hours} />
        {columns.map((column) => (
          <CalendarColumnView
            key={column.key}
            column={column}
            hours={hours}
            placed={placed.get(column.key) ?? []}
            workers={column.professional ? workers.filter((worker) => worker.professional.id === column.professional?.id) : workers}
            timeZone={timeZone}
            showProfessional={!column.professional}
            pendingId={pendingId}
            dragging={dragging}
            onDragChange={setDragging}
            onOpen={onOpen}
            onCreate={onCreate}
            onMove={onMove}
          />
        ))}
      </div>
    </section>
  );
}

function ColumnHeading({ column, byDay, today }: { column: CalendarColumn; byDay: boolean; today: string }) {
  const isToday = column.date === today;
  return (
    <div
      data-testid="calendar-column-heading"
      className={`border-b border-l border-zinc-200 px-2 py-2 text-center text-xs ${isToday ? 'bg-sky-50 font-semibold text-sky-800' : 'text-zinc-600'}`}
    >
      {byDay ? (
        <>
          <span className="block capitalize">{formatDate(column.date, { weekday: 'short' }).replace('.', '')}</span>
          <span className="block text-sm font-semibold text-zinc-900 tabular-nums">
            {formatDate(column.date, { day: '2-digit', month: '2-digit' })}
          </span>
        </>
      ) : (
        <span className="block truncate text-sm font-semibold text-zinc-900">{column.professional?.name}</span>
      )}
    </div>
  );
}

function HoursAxis({ hours }: { hours: HoursRange }) {
  const fullHours = Array.from({ length: (hours.end - hours.start) / 60 }, (_, index) => hours.start + index * 60);
  return (
    <div aria-hidden className="relative" style={{ height: ((hours.end - hours.start) / SLOT_MINUTES) * ROW_PX }}>
      {fullHours.map((minute) => (
        <span
          key={minute}
          className="absolute right-2 -translate-y-1/2 text-[11px] text-zinc-400 tabular-nums first:translate-y-0.5"
          style={{ top: ((minute - hours.start) / SLOT_MINUTES) * ROW_PX }}
        >
          {timeOfMinutes(minute)}
        </span>
      ))}
    </div>
  );
}
