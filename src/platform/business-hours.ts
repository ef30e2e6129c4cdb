import { z } from 'zod';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM (00:00–23:59)');

/** Opening intervals per weekday (0 = Sunday), in the tenant's time zone; none on a day = closed. */
export const businessHoursSchema = z.strictObject({
  intervals: z
    .array(
      z
        .strictObject({ weekday: z.number().int().min(0).max(6), start: clock, end: clock })
        .refine((interval) => interval.start < interval.end, { message: 'O fim precisa ser depois do início', path: ['end'] }),
    )
    .max(50),
});

export type BusinessHours = z.infer<typeof businessHoursSchema>;

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Weekday and HH:MM of an instant on the wall clock of a time zone. */
export function wallClock(at: Date, timezone: string): { weekday: number; time: string } {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(at).map((part) => [part.type, part.value]));
  return { weekday: WEEKDAYS[parts.weekday!]!, time: `${parts.hour}:${parts.minute}` };
}

/** Open at `at`? No hours configured means always open. */
export function isOpenAt(hours: BusinessHours | null | undefined, timezone: string, at: Date): boolean {
  if (!hours || hours.intervals.length === 0) return true;
  const { weekday, time } = wallClock(at, timezone);
  return hours.intervals.some((interval) => interval.weekday === weekday && interval.start <= time && time < interval.end);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant on the wall clock of a time zone: a business day there. */
export function localDateIn(at: Date, timezone: string): string {
  let formatter = dateFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timezone, formatter);
  }
  return formatter.format(at);
}

/** The next opening after `at` within a week (`inDays` 0 = later today), or null when no interval is set. */
export function nextOpening(hours: BusinessHours, timezone: string, at: Date): { inDays: number; weekday: number; time: string } | null {
  const now = wallClock(at, timezone);
  for (let inDays = 0; inDays <= 7; inDays += 1) {
    const weekday = (now.weekday + inDays) % 7;
    const starts = hours.intervals
      .filter((interval) => interval.weekday === weekday && (inDays > 0 || interval.start > now.time))
      .map((interval) => interval.start)
      .sort();
    if (starts[0]) return { inDays, weekday, time: starts[0] };
  }
  return null;
}
