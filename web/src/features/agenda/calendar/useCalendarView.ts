import { useState } from 'react';
import type { CalendarView } from './layout';
import { addDays, formatDate, instantOf, mondayOf, todayIn, weekdayOf } from '../zonedTime';

/** "All professionals" in the picker; otherwise it holds a professional's id. */
export const EVERYONE = 'all';

const rangeTitle = new Intl.DateTimeFormat('pt-BR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const utcDate = (date: string) => new Date(`${date}T00:00:00Z`);

/**
 * The date the calendar opens on. On a Sunday the week (Monday first) is all but over, so it
 * opens on the coming week, where the next bookings are; "Hoje" still goes back to today.
 */
export function openingDate(today: string): string {
  return weekdayOf(today) === 0 ? addDays(today, 1) : today;
}

/** What the calendar shows: week or day, around which date, whose appointments, and whether cancelled ones too. */
export function useCalendarView(timeZone: string) {
  const [view, setView] = useState<CalendarView>('week');
  const [anchor, setAnchor] = useState(() => openingDate(todayIn(timeZone)));
  const [selection, setSelection] = useState<string>(EVERYONE);
  const [showCancelled, setShowCancelled] = useState(false);
  const first = view === 'week' ? mondayOf(anchor) : anchor;
  const days = Array.from({ length: view === 'week' ? 7 : 1 }, (_, index) => addDays(first, index));
  const last = days.at(-1) ?? first;
  const step = days.length;
  return {
    view,
    setView,
    anchor,
    /** Ignores what is not a whole date (a date input being cleared). */
    goTo: (date: string) => /^\d{4}-\d{2}-\d{2}$/.test(date) && setAnchor(date),
    previous: () => setAnchor((current) => addDays(current, -step)),
    next: () => setAnchor((current) => addDays(current, step)),
    today: () => setAnchor(todayIn(timeZone)),
    selection,
    setSelection,
    showCancelled,
    setShowCancelled,
    days,
    /** The instants the shown days begin and end at, in the tenant's zone. */
    range: {
      from: instantOf({ date: first, time: '00:00' }, timeZone).toISOString(),
      to: instantOf({ date: addDays(last, 1), time: '00:00' }, timeZone).toISOString(),
    },
    title: view === 'week' ? rangeTitle.formatRange(utcDate(first), utcDate(last)) : formatDate(anchor, { dateStyle: 'full' }),
  };
}

export type CalendarViewState = ReturnType<typeof useCalendarView>;
