import type { DragEvent } from 'react';
import { APPOINTMENT_STATUSES } from '../labels';
import { timeOfMinutes } from '../zonedTime';
import { ROW_PX, SLOT_MINUTES, type PlacedAppointment } from './layout';

interface AppointmentBlockProps {
  placed: PlacedAppointment;
  /** The minute the column's first row starts at. */
  firstMinute: number;
  /** Name the professional too, when the column holds everyone's appointments. */
  showProfessional: boolean;
  /** Shown at a new place while the server decides the move. */
  moving: boolean;
  onOpen: () => void;
  /** Set when the appointment may be dragged elsewhere; gets the rows between the block's top and where it was grabbed. */
  onDragStart?: (grabbedRows: number) => void;
  onDragEnd: () => void;
}

/** An appointment on the calendar: client, service and time, coloured by status; a click opens it, a drag moves it. */
export function AppointmentBlock({ placed, firstMinute, showProfessional, moving, onOpen, onDragStart, onDragEnd }: AppointmentBlockProps) {
  const { appointment, start, end, lane, lanes } = placed;
  const status = APPOINTMENT_STATUSES[appointment.status];
  const startDrag = (event: DragEvent<HTMLButtonElement>) => {
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', appointment.id);
    const grabbedAt = event.clientY - event.currentTarget.getBoundingClientRect().top;
    onDragStart?.(Math.max(0, Math.floor(grabbedAt / ROW_PX)));
  };
  return (
    <button
      type="button"
      draggable={Boolean(onDragStart)}
      onDragStart={startDrag}
      onDragEnd={onDragEnd}
      onClick={onOpen}
      aria-busy={moving || undefined}
      data-testid="appointment-block"
      data-appointment-id={appointment.id}
      data-status={appointment.status}
      data-start={timeOfMinutes(start)}
      className={`absolute z-10 flex flex-col overflow-hidden rounded-md border-l-4 px-1.5 py-0.5 text-left text-[11px] leading-tight shadow-xs hover:z-20 hover:shadow-md focus-visible:z-20 focus-visible:outline-2 focus-visible:outline-zinc-900 ${status.block} ${onDragStart ? 'cursor-grab active:cursor-grabbing' : ''} ${moving ? 'animate-pulse ring-2 ring-sky-400' : ''}`}
      style={{
        top: ((start - firstMinute) / SLOT_MINUTES) * ROW_PX + 1,
        height: Math.max(ROW_PX, ((end - start) / SLOT_MINUTES) * ROW_PX) - 2,
        left: `calc(${(lane / lanes) * 100}% + 2px)`,
        width: `calc(${100 / lanes}% - 4px)`,
      }}
    >
      <span className="truncate font-semibold">{appointment.clientName}</span>
      <span className="truncate">{appointment.serviceName}</span>
      <span className="truncate tabular-nums">
        {timeOfMinutes(start)}–{timeOfMinutes(end)}
        {showProfessional && ` · ${appointment.professionalName}`}
      </span>
      <span className="sr-only">{status.label}</span>
    </button>
  );
}
