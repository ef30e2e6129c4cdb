import { describe, expect, it } from 'vitest';
import type { AvailabilityInput, Interval, LocalInterval, WeeklyInterval } from './availability';
import { freeSlots, isWithinWorkingHours, localToInstant, nearestFreeSlots, occupiedRange } from './availability';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5];

const at = (iso: string) => new Date(iso);
const everyDay = (weekdays: number[], start: string, end: string): WeeklyInterval[] => weekdays.map((weekday) => ({ weekday, start, end }));
const busyRange = (startsAt: string, endsAt: string): Interval => ({ startsAt: at(startsAt), endsAt: at(endsAt) });
const starts = (slots: { startsAt: Date }[]) => slots.map((slot) => slot.startsAt.toISOString());
/** 2026 has no DST in São Paulo: always UTC-3. */
const saoPaulo = (date: string, times: string[]) => times.map((time) => at(`${date}T${time}:00-03:00`).toISOString());

describe('agenda availability — examples', () => {
  // Monday 2026-03-02 in São Paulo: 09:00–18:00 with lunch 12:00–13:00.
  const monday: AvailabilityInput = {
    timeZone: 'America/Sao_Paulo',
    from: at('2026-03-02T00:00:00-03:00'),
    to: at('2026-03-03T00:00:00-03:00'),
    durationMin: 30,
    bufferBeforeMin: 5,
    bufferAfterMin: 10,
    stepMin: 15,
    weeklyHours: everyDay(MONDAY_TO_FRIDAY, '09:00', '18:00'),
    breaks: everyDay(MONDAY_TO_FRIDAY, '12:00', '13:00'),
    busy: [busyRange('2026-03-02T14:00:00-03:00', '2026-03-02T15:00:00-03:00')],
  };

  it('lists the starts of a normal day around lunch and an appointment, buffers included', () => {
    const slots = freeSlots(monday);
    expect(starts(slots)).toEqual(
      saoPaulo('2026-03-02', [
        // 09:00 is fine although its 5-minute buffer starts before opening: buffers may spill out.
        ...['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '11:15', '11:30'],
        // 13:30 would occupy until 14:10, into the appointment; 15:00 would occupy from 14:55.
        ...['13:00', '13:15'],
        ...['15:15', '15:30', '15:45', '16:00', '16:15', '16:30', '16:45', '17:00', '17:15', '17:30'],
      ]),
    );
    for (const slot of slots) expect(slot.endsAt.getTime() - slot.startsAt.getTime()).toBe(30 * MINUTE_MS);
  });

  it('treats busy ranges as half-open: touching an occupied range is free', () => {
    const touching = freeSlots({ ...monday, busy: [busyRange('2026-03-02T08:00:00-03:00', '2026-03-02T08:55:00-03:00')] });
    expect(starts(touching)[0]).toBe(saoPaulo('2026-03-02', ['09:00'])[0]);
    const overlapping = freeSlots({ ...monday, busy: [busyRange('2026-03-02T08:00:00-03:00', '2026-03-02T08:56:00-03:00')] });
    expect(starts(overlapping)[0]).toBe(saoPaulo('2026-03-02', ['09:15'])[0]);
  });

  it('uses the default 15-minute step counted from each working interval start', () => {
    const slots = freeSlots({ ...monday, stepMin: undefined, busy: [], breaks: everyDay(MONDAY_TO_FRIDAY, '12:00', '13:05') });
    // The afternoon grid restarts at the end of the break, 13:05.
    expect(starts(slots).slice(10, 14)).toEqual(saoPaulo('2026-03-02', ['11:30', '13:05', '13:20', '13:35']));
  });

  it('closes a date with an empty override and opens another with special hours, breaks still applying', () => {
    const week = { ...monday, to: at('2026-03-09T00:00:00-03:00'), busy: [] };
    const closedMonday = freeSlots({ ...week, overrides: [{ date: '2026-03-02', intervals: [] }] });
    expect(starts(closedMonday).some((start) => start.startsWith('2026-03-02'))).toBe(false);
    expect(starts(closedMonday).some((start) => start.startsWith('2026-03-03'))).toBe(true);

    const special = freeSlots({
      ...week,
      overrides: [
        { date: '2026-03-02', intervals: [{ start: '11:00', end: '14:00' }] }, // Monday: the 12–13 break still applies
        { date: '2026-03-08', intervals: [{ start: '10:00', end: '11:00' }] }, // a Sunday, normally closed
      ],
    });
    const mondayStarts = starts(special).filter((start) => start < '2026-03-03');
    expect(mondayStarts).toEqual(saoPaulo('2026-03-02', ['11:00', '11:15', '11:30', '13:00', '13:15', '13:30']));
    const sundayStarts = starts(special).filter((start) => start >= '2026-03-08T03:00');
    expect(sundayStarts).toEqual(saoPaulo('2026-03-08', ['10:00', '10:15', '10:30']));
  });

  it('keeps the occupied range clear of time off', () => {
    const slots = freeSlots({ ...monday, busy: [], timeOff: [busyRange('2026-03-02T09:40:00-03:00', '2026-03-02T16:50:00-03:00')] });
    // 09:00 occupies until 09:40 (touching); 17:00 occupies from 16:55.
    expect(starts(slots)).toEqual(saoPaulo('2026-03-02', ['09:00', '17:00', '17:15', '17:30']));
  });

  it('starts no slot before notBefore', () => {
    const slots = freeSlots({ ...monday, busy: [], notBefore: at('2026-03-02T10:07:00-03:00') });
    expect(starts(slots).slice(0, 2)).toEqual(saoPaulo('2026-03-02', ['10:15', '10:30']));
    expect(freeSlots({ ...monday, notBefore: at('2026-03-03T00:00:00-03:00') })).toEqual([]);
  });

  it('picks the nearest free slots, ties going to the earlier one, and returns them in start order', () => {
    const input = { ...monday, busy: [] };
    const around = at('2026-03-02T12:07:30-03:00'); // 11:30 is 37.5 min away; 11:15 and 13:00 both 52.5 min
    expect(starts(nearestFreeSlots(input, around, 1))).toEqual(saoPaulo('2026-03-02', ['11:30']));
    expect(starts(nearestFreeSlots(input, around, 3))).toEqual(saoPaulo('2026-03-02', ['11:15', '11:30', '13:00']));
    // Fourth: 11:00 and 13:15 are both 67.5 min away, and the earlier wins.
    expect(starts(nearestFreeSlots(input, around, 4))).toEqual(saoPaulo('2026-03-02', ['11:00', '11:15', '11:30', '13:00']));
    expect(nearestFreeSlots(input, around, 0)).toEqual([]);
    expect(nearestFreeSlots(input, around, 1000)).toEqual(freeSlots(input));
    expect(starts(nearestFreeSlots(input, at('2026-03-02T06:00:00-03:00'), 2))).toEqual(saoPaulo('2026-03-02', ['09:00', '09:15']));
  });

  it('computes the occupied range of a booking', () => {
    expect(occupiedRange(at('2026-03-02T12:00:00Z'), 30, 5, 10)).toEqual({
      startsAt: at('2026-03-02T11:55:00Z'),
      endsAt: at('2026-03-02T12:40:00Z'),
    });
  });
});

describe('agenda availability — DST', () => {
  it('converts local wall times, reporting gaps and taking the earlier instant in overlaps', () => {
    expect(localToInstant('2026-03-08T02:30', 'America/New_York')).toBe('nonexistent');
    expect(localToInstant('2026-03-08T03:00', 'America/New_York')).toEqual(at('2026-03-08T07:00:00Z'));
    expect(localToInstant('2026-11-01T01:30', 'America/New_York')).toEqual(at('2026-11-01T05:30:00Z')); // EDT, not EST
    expect(localToInstant('2026-07-01T09:00', 'America/Sao_Paulo')).toEqual(at('2026-07-01T12:00:00Z'));
    expect(localToInstant('2018-11-04T00:00', 'America/Sao_Paulo')).toBe('nonexistent'); // clocks jumped to 01:00
    expect(localToInstant('2018-11-04T01:00', 'America/Sao_Paulo')).toEqual(at('2018-11-04T03:00:00Z'));
    expect(localToInstant('2019-02-16T23:00', 'America/Sao_Paulo')).toEqual(at('2019-02-17T01:00:00Z')); // first 23:00, at -02
    expect(localToInstant('2026-03-29T01:30', 'Europe/London')).toBe('nonexistent');
    expect(localToInstant('2026-10-25T01:30', 'Europe/London')).toEqual(at('2026-10-25T00:30:00Z'));
  });

  // Sunday 2018-11-04 in São Paulo: 00:00 jumped to 01:00 (-03 → -02).
  const springForward: AvailabilityInput = {
    timeZone: 'America/Sao_Paulo',
    from: at('2018-11-03T12:00:00Z'),
    to: at('2018-11-05T12:00:00Z'),
    durationMin: 30,
    bufferBeforeMin: 0,
    bufferAfterMin: 0,
    stepMin: 30,
    weeklyHours: [{ weekday: 0, start: '00:00', end: '03:00' }],
    busy: [],
  };

  it('skips grid times that fall in a spring-forward gap instead of shifting them', () => {
    // The interval really runs 01:00–03:00 (-02), two hours.
    expect(starts(freeSlots(springForward))).toEqual([
      '2018-11-04T03:00:00.000Z',
      '2018-11-04T03:30:00.000Z',
      '2018-11-04T04:00:00.000Z',
      '2018-11-04T04:30:00.000Z',
    ]);
    // Counted from 00:00 every 45 min: 00:00 and 00:45 don't exist, so the first start is 01:30, not 01:00.
    expect(starts(freeSlots({ ...springForward, stepMin: 45 }))).toEqual(['2018-11-04T03:30:00.000Z', '2018-11-04T04:15:00.000Z']);
  });

  it('moves an interval edge in the gap to the end of the gap', () => {
    // New York, Sunday 2026-03-08: 02:00 EST jumped to 03:00 EDT, so hours from 02:30 really start at 03:00 EDT.
    const hours = { timeZone: 'America/New_York', weeklyHours: [{ weekday: 0, start: '02:30', end: '05:00' }] };
    expect(isWithinWorkingHours(hours, at('2026-03-08T07:00:00Z'), 120)).toBe(true);
    expect(isWithinWorkingHours(hours, at('2026-03-08T06:59:00Z'), 30)).toBe(false);
    const slots = freeSlots({ ...springForward, ...hours, from: at('2026-03-08T00:00:00Z'), to: at('2026-03-09T00:00:00Z'), stepMin: 15 });
    // The grid still counts from 02:30: 02:30 and 02:45 don't exist, 03:00 EDT (07:00Z) is first.
    expect(starts(slots).slice(0, 2)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-08T07:15:00.000Z']);
    expect(starts(slots).at(-1)).toBe('2026-03-08T08:30:00.000Z');
  });

  it('offers both occurrences of a repeated wall time in a fall-back overlap', () => {
    // Saturday 2019-02-16 in São Paulo: at 24:00 (-02) clocks went back to 23:00 (-03), so 23:00–24:00 happened twice.
    const slots = freeSlots({
      ...springForward,
      from: at('2019-02-16T12:00:00Z'),
      to: at('2019-02-17T12:00:00Z'),
      weeklyHours: [{ weekday: 6, start: '22:00', end: '24:00' }],
    });
    expect(starts(slots)).toEqual([
      '2019-02-17T00:00:00.000Z', // 22:00 -02
      '2019-02-17T00:30:00.000Z',
      '2019-02-17T01:00:00.000Z', // 23:00 -02
      '2019-02-17T01:30:00.000Z',
      '2019-02-17T02:00:00.000Z', // 23:00 -03
      '2019-02-17T02:30:00.000Z',
    ]);
  });

  it('measures service length in real minutes across a transition', () => {
    // New York, Sunday 2026-03-08: 01:00–04:00 on the wall is two real hours.
    const hours = { timeZone: 'America/New_York', weeklyHours: [{ weekday: 0, start: '01:00', end: '04:00' }] };
    expect(isWithinWorkingHours(hours, at('2026-03-08T06:00:00Z'), 120)).toBe(true);
    expect(isWithinWorkingHours(hours, at('2026-03-08T06:00:00Z'), 121)).toBe(false);
    const slots = freeSlots({
      ...springForward,
      ...hours,
      from: at('2026-03-08T00:00:00Z'),
      to: at('2026-03-09T00:00:00Z'),
      durationMin: 90,
    });
    expect(starts(slots)).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T06:30:00.000Z']); // 01:00 and 01:30 EST; 02:00, 02:30 don't exist
    expect(slots.map((slot) => slot.endsAt.getTime() - slot.startsAt.getTime())).toEqual([90 * MINUTE_MS, 90 * MINUTE_MS]);
  });
});

describe('agenda availability — working hours', () => {
  const hours = {
    timeZone: 'America/Sao_Paulo',
    weeklyHours: everyDay(MONDAY_TO_FRIDAY, '09:00', '18:00'),
    breaks: everyDay(MONDAY_TO_FRIDAY, '12:00', '13:00'),
  };

  it('requires the whole service inside one stretch of working time', () => {
    expect(isWithinWorkingHours(hours, at('2026-03-02T11:30:00-03:00'), 30)).toBe(true);
    expect(isWithinWorkingHours(hours, at('2026-03-02T11:45:00-03:00'), 30)).toBe(false); // runs into lunch
    expect(isWithinWorkingHours(hours, at('2026-03-02T08:59:00-03:00'), 30)).toBe(false);
    expect(isWithinWorkingHours(hours, at('2026-03-01T10:00:00-03:00'), 30)).toBe(false); // Sunday
  });

  it('treats touching weekly intervals as one stretch of work', () => {
    const split = {
      timeZone: 'America/Sao_Paulo',
      weeklyHours: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '12:00', end: '18:00' },
      ],
    };
    expect(isWithinWorkingHours(split, at('2026-03-02T11:45:00-03:00'), 30)).toBe(true);
  });

  it('lets a service run across midnight when 24:00 meets the next day’s 00:00', () => {
    const nightShift = {
      timeZone: 'Asia/Tokyo',
      weeklyHours: [
        { weekday: 5, start: '20:00', end: '24:00' },
        { weekday: 6, start: '00:00', end: '02:00' },
      ],
    };
    expect(isWithinWorkingHours(nightShift, at('2026-03-06T23:30:00+09:00'), 60)).toBe(true);
    expect(isWithinWorkingHours(nightShift, at('2026-03-06T23:30:00+09:00'), 151)).toBe(false);
    const slots = freeSlots({
      ...nightShift,
      from: at('2026-03-06T23:00:00+09:00'),
      to: at('2026-03-07T00:01:00+09:00'),
      durationMin: 60,
      bufferBeforeMin: 0,
      bufferAfterMin: 0,
      stepMin: 30,
      busy: [],
    });
    expect(starts(slots)).toEqual(['2026-03-06T14:00:00.000Z', '2026-03-06T14:30:00.000Z', '2026-03-06T15:00:00.000Z']);
  });
});

describe('agenda availability — validation', () => {
  const valid: AvailabilityInput = {
    timeZone: 'America/Sao_Paulo',
    from: at('2026-03-02T00:00:00Z'),
    to: at('2026-03-03T00:00:00Z'),
    durationMin: 30,
    bufferBeforeMin: 0,
    bufferAfterMin: 0,
    weeklyHours: [{ weekday: 1, start: '09:00', end: '18:00' }],
    busy: [],
  };
  const rejects = (changes: Partial<AvailabilityInput>, message: RegExp) => {
    expect(() => freeSlots({ ...valid, ...changes })).toThrow(RangeError);
    expect(() => freeSlots({ ...valid, ...changes })).toThrow(message);
  };

  it('accepts the base input', () => {
    expect(freeSlots(valid).length).toBeGreaterThan(0);
  });

  it('rejects an unknown time zone', () => {
    rejects({ timeZone: 'Mars/Olympus_Mons' }, /Unknown time zone/);
    expect(() => localToInstant('2026-03-02T09:00', 'Nowhere/Land')).toThrow(RangeError);
    expect(() => isWithinWorkingHours({ ...valid, timeZone: '' }, valid.from, 30)).toThrow(/Unknown time zone/);
  });

  it('rejects malformed HH:MM, 24:00 as a start, and intervals that end before they start', () => {
    for (const start of ['9:00', '09:60', '24:30', '25:00', '09h00', ''] as const) {
      rejects({ weeklyHours: [{ weekday: 1, start, end: '18:00' }] }, /weeklyHours\[0\]\.start must be HH:MM/);
    }
    rejects({ weeklyHours: [{ weekday: 1, start: '24:00', end: '24:00' }] }, /24:00/);
    rejects({ weeklyHours: [{ weekday: 1, start: '10:00', end: '10:00' }] }, /must end after it starts/);
    rejects({ weeklyHours: [{ weekday: 1, start: '22:00', end: '02:00' }] }, /must end after it starts/);
    rejects({ breaks: [{ weekday: 1, start: '13:00', end: '12:00' }] }, /breaks\[0\] must end after it starts/);
    const badOverride: LocalInterval = { start: '12:00', end: '11:00' };
    rejects({ overrides: [{ date: '2026-03-02', intervals: [badOverride] }] }, /overrides\[0\]\.intervals\[0\]/);
    rejects({ overrides: [{ date: '2026-02-30', intervals: [] }] }, /YYYY-MM-DD/);
  });

  it('rejects a weekday outside 0..6', () => {
    rejects({ weeklyHours: [{ weekday: 7, start: '09:00', end: '18:00' }] }, /weekday/);
    rejects({ breaks: [{ weekday: -1, start: '12:00', end: '13:00' }] }, /weekday/);
  });

  it('rejects bad durations, buffers, steps and windows', () => {
    rejects({ durationMin: 0 }, /durationMin/);
    rejects({ bufferBeforeMin: -1 }, /bufferBeforeMin/);
    rejects({ bufferAfterMin: -5 }, /bufferAfterMin/);
    rejects({ stepMin: 0 }, /stepMin/);
    rejects({ from: valid.to }, /from must be before to/);
    rejects({ to: at('2026-03-01T00:00:00Z') }, /from must be before to/);
    rejects({ busy: [busyRange('2026-03-02T12:00:00Z', '2026-03-02T11:00:00Z')] }, /busy\[0\] ends before it starts/);
    expect(() => occupiedRange(valid.from, 0, 0, 0)).toThrow(RangeError);
    expect(() => nearestFreeSlots(valid, valid.from, -1)).toThrow(RangeError);
    expect(() => localToInstant('2026-03-02 09:00', 'UTC')).toThrow(RangeError);
  });
});

// ————— Property tests against an independent oracle —————

describe('agenda availability — load', () => {
  it('computes 20 professionals × 30 days with ~200 bookings each', () => {
    const from = at('2026-10-20T00:00:00Z'); // New York, across the November fall-back
    const results = Array.from({ length: 20 }, (_, professional) => {
      const busy = Array.from({ length: 200 }, (__, index) => {
        const start = from.getTime() + ((index * 7919 + professional * 104_729) % (30 * 1440)) * MINUTE_MS;
        return { startsAt: new Date(start), endsAt: new Date(start + (30 + (index % 4) * 15) * MINUTE_MS) };
      });
      return freeSlots({
        timeZone: 'America/New_York',
        from,
        to: new Date(from.getTime() + 30 * DAY_MS),
        durationMin: 45,
        bufferBeforeMin: 5,
        bufferAfterMin: 10,
        weeklyHours: [...everyDay([1, 2, 3, 4, 5, 6], '08:00', '12:00'), ...everyDay([1, 2, 3, 4, 5, 6], '13:00', '19:00')],
        breaks: everyDay(MONDAY_TO_FRIDAY, '15:30', '15:45'),
        timeOff: [{ startsAt: new Date(from.getTime() + 10 * DAY_MS), endsAt: new Date(from.getTime() + 12 * DAY_MS) }],
        busy,
      });
    });
    for (const slots of results) expect(slots.length).toBeGreaterThan(100);
  });
});
