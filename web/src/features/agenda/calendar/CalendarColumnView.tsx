import { useState, type DragEvent } from 'react';
import { isActive, type Appointment } from '../labels';
import { formatDate, timeOfMinutes } from '../zonedTime';
import { AppointmentBlock } from './AppointmentBlock';
import { ROW_PX, SLOT_MINUTES, workingTimeOf, type CalendarColumn, type HoursRange, type PlacedAppointment, type Worker } from './layout';
import type { MoveTarget } from './useReschedule';

/** The appointment being dragged, and how many rows below its top it was grabbed. */
export interface Dragging {
  appointment: Appointment;
  grabbedRows: number;
}

/** A time of a column: where a new appointment goes, or a dragged one lands. */
export interface CalendarSlot {
  date: string;
  time: string;
  professionalId: string | null;
}

interface CalendarColumnViewProps {
  column: CalendarColumn;
  hours: HoursRange;
  placed: readonly PlacedAppointment[];
  /** Whose working time shades the column: its professional, or everyone shown. */
  workers: readonly Worker[];
  timeZone: string;
  showProfessional: boolean;
  pendingId: string | null;
  dragging: Dragging | null;
  onDragChange: (dragging: Dragging | null) => void;
  onOpen: (appointment: Appointment) => void;
  /** Set for those who may book: empty cells open a new appointment, and blocks can be dragged. */
  onCreate?: (slot: CalendarSlot) => void;
  onMove?: (appointment: Appointment, target: MoveTarget) => void;
}

/** One column of 15-minute cells with its appointments on top; a drop anywhere in it moves the dragged block to the row under the pointer. */
export function CalendarColumnView({
  column,
  hours,
  placed,
  workers,
  timeZone,
  showProfessional,
  pendingId,
  dragging,
  onDragChange,
  onOpen,
  onCreate,
  onMove,
}: CalendarColumnViewProps) {
  const [dropRow, setDropRow] = useState<number | null>(null);
  const rows = (hours.end - hours.start) / SLOT_MINUTES;
  const working = workingTimeOf(workers, column.date, timeZone);
  const dayLabel = formatDate(column.date, { weekday: 'long', day: '2-digit', month: '2-digit' });
  const rowUnder = (event: DragEvent<HTMLDivElement>, grabbedRows: number) => {
    const row = Math.floor((event.clientY - event.currentTarget.getBoundingClientRect().top) / ROW_PX) - grabbedRows;
    return Math.min(rows - 1, Math.max(0, row));
  };
  const dragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!dragging || !onMove) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    const row = rowUnder(event, dragging.grabbedRows);
    if (row !== dropRow) setDropRow(row);
  };
  const drop = (event: DragEvent<HTMLDivElement>) => {
    setDropRow(null);
    if (!dragging || !onMove) return;
    event.preventDefault();
    const time = timeOfMinutes(hours.start + rowUnder(event, dragging.grabbedRows) * SLOT_MINUTES);
    onMove(dragging.appointment, {
      date: column.date,
      time,
      professionalId: column.professional?.id ?? dragging.appointment.professionalId,
    });
    onDragChange(null);
  };
  const leave = (event: DragEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropRow(null);
  };
  const draggedRows = dragging
    ? Math.max(1, Math.round((Date.parse(dragging.appointment.endsAt) - Date.parse(dragging.appointment.startsAt)) / 60_000 / SLOT_MINUTES))
    : 1;
  return (
    <div
      className="relative border-l border-zinc-200"
      style={{ height: rows * ROW_PX }}
      data-testid="calendar-column"
      data-date={column.date}
      data-professional-id={column.professional?.id}
      onDragOver={dragOver}
      onDragLeave={leave}
      onDrop={drop}
    >
      {Array.from({ length: rows }, (_, row) => {
        const minute = hours.start + row * SLOT_MINUTES;
        const time = timeOfMinutes(minute);
        const worked = working(minute);
        const className = `block w-full border-t ${minute % 60 === 0 ? 'border-zinc-200' : 'border-zinc-100'} ${worked ? 'bg-white' : 'bg-zinc-100/70'}`;
        if (!onCreate) return <div key={row} className={className} style={{ height: ROW_PX }} />;
        return (
          <button
            key={row}
            type="button"
            aria-label={`Novo agendamento: ${dayLabel} às ${time}${column.professional ? ` com ${column.professional.name}` : ''}${worked ? '' : ' (fora do horário)'}`}
            className={`${className} hover:bg-sky-50 focus-visible:relative focus-visible:z-10 focus-visible:outline-2 focus-visible:outline-sky-500`}
            style={{ height: ROW_PX }}
            onClick={() => onCreate({ date: column.date, time, professionalId: column.professional?.id ?? null })}
          />
        );
      })}
      {dragging && dropRow !== null && (
        <div
          aria-hidden
          data-testid="drop-preview"
          className="pointer-events-none absolute inset-x-0.5 z-30 rounded-md border-2 border-dashed border-sky-500 bg-sky-100/50"
          style={{ top: dropRow * ROW_PX, height: draggedRows * ROW_PX }}
        />
      )}
      {placed.map((item) => (
        <AppointmentBlock
          key={item.appointment.id}
          placed={item}
          firstMinute={hours.start}
          showProfessional={showProfessional}
          moving={item.appointment.id === pendingId}
          onOpen={() => onOpen(item.appointment)}
          onDragStart={
            onMove && isActive(item.appointment) ? (grabbedRows) => onDragChange({ appointment: item.appointment, grabbedRows }) : undefined
          }
          onDragEnd={() => onDragChange(null)}
        />
      ))}
    </div>
  );
}
