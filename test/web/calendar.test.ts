import { describe, expect, it } from 'vitest';
import { openingDate } from '../../web/src/features/agenda/calendar/useCalendarView';
import { mondayOf } from '../../web/src/features/agenda/zonedTime';

describe('the calendar opening date', () => {
  it('opens on the coming week on a Sunday, when the week (Monday first) is all but over', () => {
    expect(openingDate('2026-12-06')).toBe('2026-12-07');
    expect(mondayOf(openingDate('2026-12-06'))).toBe('2026-12-07');
  });

  it('opens on today on any other day, the week that holds it', () => {
    for (const day of ['2026-12-07', '2026-12-09', '2026-12-12']) expect(openingDate(day)).toBe(day);
    expect(mondayOf(openingDate('2026-12-12'))).toBe('2026-12-07');
  });
});
