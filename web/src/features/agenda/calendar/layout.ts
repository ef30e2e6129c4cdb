import type { RouterOutputs } from '../../../lib/trpc';
import type { Appointment, Professional } from '../labels';
import { minutesOf, wallTimeOf, weekdayOf } from '../zonedTime';

type ScheduleExceptions = RouterOutputs['agenda']['professionals']['exceptions'];

/** A professional shown on the calendar, with their dates of other hours and time off once loaded. */
export interface Worker {
  professional: Professional;
  exceptions: ScheduleExceptions | undefined;
}

/** The calendar's grid: 15-minute rows of a fixed height. */
export const SLOT_MINUTES = 15;
export const ROW_PX = 22;
const DEFAULT_HOURS: HoursRange = { start: 8 * 60, end: 20 * 60 };
const DAY_MINUTES = 24 * 60;

export type CalendarView = 'week' | 'day';

/** Minutes since local midnight: the first row's start and the last row's end. */
export interface HoursRange {
  start: number;
  end: number;
}

export interface CalendarColumn {
  key: string;
  date: string;
  /** Whose appointments the column holds, and whom a new one in it is for; null for everyone's. */
  professional: Professional | null;
}

/** A day per column (a week, or one day of one professional or of everyone), or a professional per column (one day, side by side). */
export function calendarColumns(
  days: readonly string[],
  professional: Professional | null,
  sideBySide: readonly Professional[] | null,
): CalendarColumn[] {
  const [day] = days;
  if (sideBySide && day) return sideBySide.map((each) => ({ key: `${day}:${each.id}`, date: day, professional: each }));
  return days.map((date) => ({ key: date, date, professional }));
}

/** An appointment where the grid draws it: its column, its minutes on that day, and its lane among those it overlaps. */
export interface PlacedAppointment {
  appointment: Appointment;
  start: number;
  end: number;
  lane: number;
  lanes: number;
}

/** The appointments of each column, in lanes, on the zone's clocks (one that runs past midnight is cut there). */
export function placeAppointments(
  appointments: readonly Appointment[],
  columns: readonly CalendarColumn[],
  timeZone: string,
): Map<string, PlacedAppointment[]> {
  const byColumn = new Map<string, Omit<PlacedAppointment, 'lane' | 'lanes'>[]>();
  for (const appointment of appointments) {
    const starts = wallTimeOf(appointment.startsAt, timeZone);
    const ends = wallTimeOf(appointment.endsAt, timeZone);
    const column = columns.find(
      (candidate) =>
        candidate.date === starts.date && (!candidate.professional || candidate.professional.id === appointment.professionalId),
    );
    if (!column) continue;
    const start = minutesOf(starts.time);
    const end = ends.date === starts.date ? minutesOf(ends.time) : DAY_MINUTES;
    byColumn.set(column.key, [...(byColumn.get(column.key) ?? []), { appointment, start, end: Math.max(end, start + SLOT_MINUTES) }]);
  }
  return new Map([...byColumn].map(([key, items]) => [key, inLanes(items)]));
}

/** Side by side where they overlap: each item gets the first lane free at its start, and its group's lane count. */
function inLanes<Item extends { start: number; end: number }>(items: readonly Item[]): (Item & { lane: number; lanes: number })[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const placed: (Item & { lane: number; lanes: number })[] = [];
  let group: (Item & { lane: number; lanes: number })[] = [];
  let laneEnds: number[] = [];
  let groupEnd = -Infinity;
  const closeGroup = () => {
    for (const item of group) item.lanes = laneEnds.length;
    placed.push(...group);
  };
  for (const item of sorted) {
    if (item.start >= groupEnd) {
      closeGroup();
      group = [];
      laneEnds = [];
    }
    let lane = laneEnds.findIndex((end) => end <= item.start);
    if (lane < 0) lane = laneEnds.push(item.end) - 1;
    else laneEnds[lane] = item.end;
    group.push({ ...item, lane, lanes: 0 });
    groupEnd = Math.max(groupEnd, item.end);
  }
  closeGroup();
  return placed;
}

/**
 * From the earliest to the latest working hour of the professionals shown (08:00–20:00 when
 * none has hours), widened to whole hours and to any appointment drawn outside them.
 */
export function hoursRange(professionals: readonly Professional[], placed: Iterable<readonly PlacedAppointment[]>): HoursRange {
  const intervals = professionals.flatMap((professional) => professional.hours);
  let start = intervals.length > 0 ? Math.min(...intervals.map((interval) => minutesOf(interval.start))) : DEFAULT_HOURS.start;
  let end = intervals.length > 0 ? Math.max(...intervals.map((interval) => minutesOf(interval.end))) : DEFAULT_HOURS.end;
  for (const column of placed) {
    for (const item of column) {
      start = Math.min(start, item.start);
      end = Math.max(end, item.end);
    }
  }
  start = Math.floor(start / 60) * 60;
  end = Math.min(DAY_MINUTES, Math.max(start + 60, Math.ceil(end / 60) * 60));
  return { start, end };
}

interface MinuteSpan {
  start: number;
  end: number;
}

const spanOf = (interval: { start: string; end: string }): MinuteSpan => ({
  start: minutesOf(interval.start),
  end: minutesOf(interval.end),
});

/** The part of an instant range that falls on a local date, in minutes of that date; null when none does. */
function spanOnDate(range: { startsAt: string; endsAt: string }, date: string, timeZone: string): MinuteSpan | null {
  const starts = wallTimeOf(range.startsAt, timeZone);
  const ends = wallTimeOf(range.endsAt, timeZone);
  if (starts.date > date || ends.date < date) return null;
  return { start: starts.date < date ? 0 : minutesOf(starts.time), end: ends.date > date ? DAY_MINUTES : minutesOf(ends.time) };
}

/**
 * Whether someone of the column works at a minute of its date, by the rules the server books
 * with: the date's own hours if it has any (else the weekday's), minus the weekday's breaks and
 * any time off.
 */
export function workingTimeOf(workers: readonly Worker[], date: string, timeZone: string): (minute: number) => boolean {
  const weekday = weekdayOf(date);
  const days = workers.map(({ professional, exceptions }) => {
    const override = exceptions?.overrides.filter((each) => each.date === date);
    const hours =
      override && override.length > 0
        ? override.flatMap((each) => each.intervals)
        : professional.hours.filter((interval) => interval.weekday === weekday);
    return {
      hours: hours.map(spanOf),
      away: [
        ...professional.breaks.filter((interval) => interval.weekday === weekday).map(spanOf),
        ...(exceptions?.timeOff ?? []).map((timeOff) => spanOnDate(timeOff, date, timeZone)).filter((span) => span !== null),
      ],
    };
  });
  const covers = (minute: number) => (span: MinuteSpan) => span.start <= minute && minute < span.end;
  return (minute) => days.some((day) => day.hours.some(covers(minute)) && !day.away.some(covers(minute)));
}
