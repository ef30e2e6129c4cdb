import { WEEKDAYS } from '../../lib/weekdays';
import type { WeeklyInterval } from './labels';

/** "Seg–Sex 09:00–12:00, 13:00–18:00 · Sáb 09:00–13:00" (consecutive days alike in one run), or null when there are none. */
export function summarizeWeek(intervals: readonly WeeklyInterval[]): string | null {
  const days = WEEKDAYS.map(({ weekday, short }) => ({
    short,
    hours: intervals
      .filter((interval) => interval.weekday === weekday)
      .sort((a, b) => a.start.localeCompare(b.start))
      .map((interval) => `${interval.start}–${interval.end}`)
      .join(', '),
  }));
  const runs: { first: string; last: string; hours: string }[] = [];
  days.forEach((day, index) => {
    const run = runs.at(-1);
    if (run && day.hours && days[index - 1]?.hours === day.hours) run.last = day.short;
    else if (day.hours) runs.push({ first: day.short, last: day.short, hours: day.hours });
  });
  return runs.length > 0
    ? runs.map((run) => `${run.first === run.last ? run.first : `${run.first}–${run.last}`} ${run.hours}`).join(' · ')
    : null;
}
