import { useMe } from '../../app/providers';

/**
 * Wall-clock dates and times in the tenant's time zone, with Intl only: the agenda's hours are
 * the company's, wherever the browser is. Local dates are 'YYYY-MM-DD' and times 'HH:MM'.
 */

/** The tenant's IANA zone, the one every agenda time is read and shown in. */
export function useTenantTimeZone(): string {
  return useMe().tenant.timezone;
}

export interface WallTime {
  date: string;
  time: string;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(instantMs: number, timeZone: string) {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instantMs)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad = (value: number) => String(value).padStart(2, '0');
const DAY_MS = 24 * 60 * 60 * 1000;

/** The date and time an instant shows on the zone's clocks. */
export function wallTimeOf(instant: string | Date, timeZone: string): WallTime {
  const { year, month, day, hour, minute } = partsIn(new Date(instant).getTime(), timeZone);
  return { date: `${year}-${pad(month)}-${pad(day)}`, time: `${pad(hour)}:${pad(minute)}` };
}

/** How far the zone's clocks are ahead of UTC at an instant, in minutes (São Paulo: -180). */
export function offsetMinutesAt(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  const { year, month, day, hour, minute, second } = partsIn(whole, timeZone);
  return Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - whole) / 60_000);
}

/**
 * The instant a wall time of the zone names: of an hour the clocks repeat, the first; a time
 * they skip moves forward with them (02:30 on a spring-forward night is 03:30).
 */
export function instantOf({ date, time }: WallTime, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  const wallMs = Date.UTC(year!, month! - 1, day!, hoursOf(time), minutesOfHour(time));
  const offsets = new Set([offsetMinutesAt(wallMs - DAY_MS, timeZone), offsetMinutesAt(wallMs + DAY_MS, timeZone)]);
  const candidates = [...offsets].map((offset) => ({ instant: wallMs - offset * 60_000, offset }));
  const valid = candidates.filter(({ instant, offset }) => offsetMinutesAt(instant, timeZone) === offset).map(({ instant }) => instant);
  return new Date(valid.length > 0 ? Math.min(...valid) : Math.max(...candidates.map(({ instant }) => instant)));
}

/** A wall time of the zone as ISO 8601 with its offset: "2026-03-10T10:00:00-03:00". */
export function isoWithOffset(wall: WallTime, timeZone: string): string {
  const instant = instantOf(wall, timeZone);
  const shown = wallTimeOf(instant, timeZone);
  const offset = offsetMinutesAt(instant.getTime(), timeZone);
  const sign = offset < 0 ? '-' : '+';
  return `${shown.date}T${shown.time}:00${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** "2026-03-10T10:00" (a datetime-local input's value) as a wall time. */
export function splitLocalDateTime(value: string): WallTime {
  const [date = '', time = ''] = value.split('T');
  return { date, time: time.slice(0, 5) };
}

/** What the server takes as a wall time in the tenant's zone: 'YYYY-MM-DDTHH:MM'. */
export const localDateTime = ({ date, time }: WallTime) => `${date}T${time}`;

export function todayIn(timeZone: string): string {
  return wallTimeOf(new Date(), timeZone).date;
}

const hoursOf = (time: string) => Number(time.slice(0, 2));
const minutesOfHour = (time: string) => Number(time.slice(3, 5));

/** '09:30' → 570. */
export const minutesOf = (time: string) => hoursOf(time) * 60 + minutesOfHour(time);

/** 570 → '09:30'. */
export const timeOfMinutes = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

const utcOf = (date: string) => {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day!));
};

export function addDays(date: string, days: number): string {
  const moved = utcOf(date);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/** 0 (Sunday) to 6 (Saturday), as the server numbers weekdays. */
export const weekdayOf = (date: string) => utcOf(date).getUTCDay();

/** The Monday of the week the date is in. */
export const mondayOf = (date: string) => addDays(date, -((weekdayOf(date) + 6) % 7));

/** A local date in words ("terça-feira, 10/03"): the date is the zone's already, so it is formatted as is. */
export function formatDate(date: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat('pt-BR', { ...options, timeZone: 'UTC' }).format(utcOf(date));
}

/** An instant on the zone's clocks: "10/03/2026, 10:00". */
export function formatInZone(
  instant: string | Date,
  timeZone: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'short', timeStyle: 'short' },
): string {
  return new Intl.DateTimeFormat('pt-BR', { ...options, timeZone }).format(new Date(instant));
}
