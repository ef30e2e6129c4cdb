import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AvailabilityInput, LocalInterval, WeeklyInterval } from './availability';
import { freeSlots, isWithinWorkingHours, localToInstant, nearestFreeSlots, occupiedRange } from './availability';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];
const everyDay = (weekdays: number[], start: string, end: string): WeeklyInterval[] => weekdays.map((weekday) => ({ weekday, start, end }));

/**
 * Wall clocks read with Intl.DateTimeFormat, one real minute at a time, memoized because many
 * runs revisit the same days. Nothing here reuses the implementation's conversions.
 */
const wallFormatters = new Map<string, Intl.DateTimeFormat>();
const wallMemo = new Map<string, Map<number, number>>();

/** Minutes since 1970-01-01 00:00 of the wall clock in `timeZone` at the real minute `minute`. */
function wallMinuteAt(timeZone: string, minute: number): number {
  let memo = wallMemo.get(timeZone);
  if (!memo) wallMemo.set(timeZone, (memo = new Map()));
  const known = memo.get(minute);
  if (known !== undefined) return known;
  let formatter = wallFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    wallFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(minute * MINUTE_MS)).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!) / MINUTE_MS + parts.hour! * 60 + parts.minute!;
  memo.set(minute, wall);
  return wall;
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
const dayOfDate = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** Brute force over every real minute of the window, applying the rules as stated. */
class Oracle {
  private readonly input: AvailabilityInput;
  private readonly firstMinute: number;
  private readonly walls: number[] = [];
  /** highestWall[i] = max(walls[0..i]): nondecreasing, so "first minute reading W or later" is a binary search. */
  private readonly highestWall: number[] = [];
  /** working[i]: the real minute firstMinute + i is working time. */
  private readonly working: boolean[];
  /** Working intervals per local day (days since 1970), in wall minutes [start, end). */
  private readonly rangesByDay = new Map<number, [number, number][]>();

  constructor(input: AvailabilityInput) {
    this.input = input;
    const margin = 3 * 1440;
    this.firstMinute = Math.floor(input.from.getTime() / MINUTE_MS) - margin;
    const lastMinute = Math.ceil(input.to.getTime() / MINUTE_MS) + input.durationMin + margin;
    for (let minute = this.firstMinute; minute <= lastMinute; minute++) {
      const wall = wallMinuteAt(input.timeZone, minute);
      this.walls.push(wall);
      this.highestWall.push(Math.max(wall, this.highestWall.at(-1) ?? -Infinity));
    }
    this.working = this.walls.map(() => false);
    const firstDay = Math.floor(this.walls[1440]! / 1440);
    const lastDay = Math.floor(this.walls[this.walls.length - 1 - 1440]! / 1440);
    for (let day = firstDay; day <= lastDay; day++) {
      const ranges = this.workingRanges(day);
      this.rangesByDay.set(day, ranges);
      for (const [start, end] of ranges) {
        // An edge is the first real minute whose wall clock reads that time or later: the end of a
        // gap when the time doesn't exist, the earlier occurrence when it happens twice.
        const from = this.firstIndexAtOrAfter(day * 1440 + start);
        const to = this.firstIndexAtOrAfter(day * 1440 + end);
        for (let index = from; index < to; index++) this.working[index] = true;
      }
    }
  }

  private workingRanges(day: number): [number, number][] {
    const weekday = new Date(day * DAY_MS).getUTCDay();
    const marked = new Array<boolean>(1440).fill(false);
    const overrides = (this.input.overrides ?? []).filter((override) => dayOfDate(override.date) === day);
    const hours =
      overrides.length > 0
        ? overrides.flatMap((override) => override.intervals)
        : this.input.weeklyHours.filter((interval) => interval.weekday === weekday);
    for (const interval of hours) marked.fill(true, minutesOf(interval.start), minutesOf(interval.end));
    for (const pause of this.input.breaks ?? [])
      if (pause.weekday === weekday) marked.fill(false, minutesOf(pause.start), minutesOf(pause.end));
    const ranges: [number, number][] = [];
    for (let minute = 0; minute < 1440; minute++) {
      if (!marked[minute]) continue;
      const last = ranges.at(-1);
      if (last && last[1] === minute) last[1] = minute + 1;
      else ranges.push([minute, minute + 1]);
    }
    return ranges;
  }

  private firstIndexAtOrAfter(wall: number): number {
    let low = 0;
    let high = this.walls.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.highestWall[middle]! >= wall) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  wallAt(instant: number): number {
    return this.walls[instant / MINUTE_MS - this.firstMinute]!;
  }

  /** Local minute-of-day is some working interval's start plus a whole number of steps. */
  isOnGrid(instant: number): boolean {
    const wall = this.wallAt(instant);
    const minuteOfDay = wall - Math.floor(wall / 1440) * 1440;
    const step = this.input.stepMin ?? 15;
    return (this.rangesByDay.get(Math.floor(wall / 1440)) ?? []).some(
      ([start, end]) => start <= minuteOfDay && minuteOfDay < end && (minuteOfDay - start) % step === 0,
    );
  }

  serviceInWorkingTime(instant: number, durationMin: number): boolean {
    const first = instant / MINUTE_MS - this.firstMinute;
    for (let index = first; index < first + durationMin; index++) if (!this.working[index]) return false;
    return true;
  }

  occupiedRangeIsClear(instant: number): boolean {
    const { durationMin, bufferBeforeMin, bufferAfterMin, busy, timeOff = [] } = this.input;
    const occupiedStart = instant - bufferBeforeMin * MINUTE_MS;
    const occupiedEnd = instant + (durationMin + bufferAfterMin) * MINUTE_MS;
    return [...busy, ...timeOff].every((blocked) => blocked.endsAt.getTime() <= occupiedStart || occupiedEnd <= blocked.startsAt.getTime());
  }

  allSlotStarts(): number[] {
    const { from, to, notBefore, durationMin } = this.input;
    const earliest = Math.max(from.getTime(), notBefore?.getTime() ?? -Infinity);
    const result: number[] = [];
    for (let instant = Math.ceil(earliest / MINUTE_MS) * MINUTE_MS; instant < to.getTime(); instant += MINUTE_MS) {
      if (this.isOnGrid(instant) && this.serviceInWorkingTime(instant, durationMin) && this.occupiedRangeIsClear(instant))
        result.push(instant);
    }
    return result;
  }
}

// Windows straddle DST changes: each anchor is a transition (or, for Tokyo, an ordinary date).
const ANCHORS: { timeZone: string; anchor: string }[] = [
  { timeZone: 'America/New_York', anchor: '2026-03-08T07:00:00Z' },
  { timeZone: 'America/New_York', anchor: '2026-11-01T06:00:00Z' },
  { timeZone: 'America/Sao_Paulo', anchor: '2017-10-15T03:00:00Z' },
  { timeZone: 'America/Sao_Paulo', anchor: '2018-02-18T02:00:00Z' },
  { timeZone: 'America/Sao_Paulo', anchor: '2018-11-04T03:00:00Z' },
  { timeZone: 'America/Sao_Paulo', anchor: '2019-02-17T02:00:00Z' },
  { timeZone: 'Europe/London', anchor: '2026-03-29T01:00:00Z' },
  { timeZone: 'Europe/London', anchor: '2026-10-25T01:00:00Z' },
  { timeZone: 'Asia/Tokyo', anchor: '2026-03-08T00:00:00Z' },
  { timeZone: 'Asia/Tokyo', anchor: '2026-07-31T15:00:00Z' },
];

const clockOf = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
// Times around midnight and the usual transition hours come up often, to hit the DST edges.
const wallMinute = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(0, 30, 60, 90, 120, 150, 180, 1380, 1410));
const localInterval = (maxLength: number) =>
  fc
    .tuple(wallMinute, fc.integer({ min: 1, max: maxLength }))
    .map(([start, length]): LocalInterval => ({ start: clockOf(start), end: clockOf(Math.min(1440, start + length)) }));
const weeklyIntervals = (maxLength: number, maxCount: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 6 }), localInterval(maxLength)), { maxLength: maxCount })
    .map((items) => items.map(([weekday, interval]): WeeklyInterval => ({ weekday, ...interval })));
const weeklyHours = fc.oneof(
  { weight: 2, arbitrary: weeklyIntervals(1440, 10) },
  {
    weight: 2,
    arbitrary: fc
      .array(localInterval(1440), { minLength: 1, maxLength: 3 })
      .map((intervals) => WEEKDAYS.flatMap((weekday) => intervals.map((interval) => ({ weekday, ...interval })))),
  },
  // Round-the-clock hours put plenty of candidates inside the DST gaps and overlaps themselves.
  { weight: 1, arbitrary: fc.constant(everyDay(WEEKDAYS, '00:00', '24:00')) },
);
const relativeRange = (maxLengthMin: number) =>
  fc.record({ offsetMin: fc.integer({ min: -900, max: 4 * 1440 + 600 }), lengthMin: fc.integer({ min: 1, max: maxLengthMin }) });

const scenario: fc.Arbitrary<AvailabilityInput> = fc
  .record({
    place: fc.constantFrom(...ANCHORS),
    startOffsetMin: fc.integer({ min: -2 * 1440, max: 1440 }),
    windowMin: fc.integer({ min: 1, max: 4 * 1440 }),
    durationMin: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 90 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }) },
    ),
    bufferBeforeMin: fc.integer({ min: 0, max: 45 }),
    bufferAfterMin: fc.integer({ min: 0, max: 45 }),
    stepMin: fc.option(fc.oneof(fc.constantFrom(5, 10, 15, 20, 30, 45, 60), fc.integer({ min: 1, max: 120 })), { nil: undefined }),
    weeklyHours,
    breaks: weeklyIntervals(120, 4),
    overrides: fc.array(fc.tuple(fc.integer({ min: -3, max: 5 }), fc.array(localInterval(1440), { maxLength: 3 })), { maxLength: 2 }),
    busy: fc.array(relativeRange(240), { maxLength: 8 }),
    timeOff: fc.array(relativeRange(1440), { maxLength: 1 }),
    // Where notBefore falls as a share of the window (mostly its first half), plus odd seconds.
    notBefore: fc.option(fc.tuple(fc.integer({ min: -50, max: 600 }), fc.integer({ min: 0, max: 59 })), { nil: undefined }),
  })
  .map((drawn): AvailabilityInput => {
    const from = Date.parse(drawn.place.anchor) + drawn.startOffsetMin * MINUTE_MS;
    const instant = (offsetMin: number) => new Date(from + offsetMin * MINUTE_MS);
    const fromDay = Math.floor(wallMinuteAt(drawn.place.timeZone, from / MINUTE_MS) / 1440);
    return {
      timeZone: drawn.place.timeZone,
      from: new Date(from),
      to: instant(drawn.windowMin),
      durationMin: drawn.durationMin,
      bufferBeforeMin: drawn.bufferBeforeMin,
      bufferAfterMin: drawn.bufferAfterMin,
      stepMin: drawn.stepMin,
      weeklyHours: drawn.weeklyHours,
      breaks: drawn.breaks,
      overrides: drawn.overrides.map(([days, intervals]) => ({
        date: new Date((fromDay + days) * DAY_MS).toISOString().slice(0, 10),
        intervals,
      })),
      busy: drawn.busy.map(({ offsetMin, lengthMin }) => ({ startsAt: instant(offsetMin), endsAt: instant(offsetMin + lengthMin) })),
      timeOff: drawn.timeOff.map(({ offsetMin, lengthMin }) => ({ startsAt: instant(offsetMin), endsAt: instant(offsetMin + lengthMin) })),
      notBefore:
        drawn.notBefore &&
        new Date(from + Math.round((drawn.notBefore[0] / 1000) * drawn.windowMin) * MINUTE_MS + drawn.notBefore[1] * 1000),
    };
  });

const RUNS = { numRuns: 120 };

describe('agenda availability — properties', () => {
  it('(1) puts every slot’s service inside working hours, as read on an Intl wall clock', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const oracle = new Oracle(input);
        for (const slot of freeSlots(input)) {
          expect(oracle.serviceInWorkingTime(slot.startsAt.getTime(), input.durationMin)).toBe(true);
          expect(isWithinWorkingHours(input, slot.startsAt, input.durationMin)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('(2) never lets an occupied range overlap busy time or time off', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const blocked = [...input.busy, ...(input.timeOff ?? [])];
        for (const slot of freeSlots(input)) {
          const occupied = occupiedRange(slot.startsAt, input.durationMin, input.bufferBeforeMin, input.bufferAfterMin);
          for (const range of blocked) expect(range.endsAt <= occupied.startsAt || occupied.endsAt <= range.startsAt).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('(3) makes every slot last exactly the service duration in real time', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        for (const slot of freeSlots(input)) expect(slot.endsAt.getTime() - slot.startsAt.getTime()).toBe(input.durationMin * MINUTE_MS);
      }),
      RUNS,
    );
  });

  it('(4) returns sorted, unique starts within [from, to) and not before notBefore', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const times = freeSlots(input).map((slot) => slot.startsAt.getTime());
        times.forEach((time, index) => {
          if (index > 0) expect(time).toBeGreaterThan(times[index - 1]!);
          expect(time).toBeGreaterThanOrEqual(input.from.getTime());
          expect(time).toBeLessThan(input.to.getTime());
          if (input.notBefore) expect(time).toBeGreaterThanOrEqual(input.notBefore.getTime());
        });
      }),
      RUNS,
    );
  });

  it('(5) starts every slot on the wall-clock grid: interval start + k × step, local minute of day', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const oracle = new Oracle(input);
        for (const slot of freeSlots(input)) expect(oracle.isOnGrid(slot.startsAt.getTime())).toBe(true);
      }),
      RUNS,
    );
  });

  it('(6) finds exactly the slots a minute-by-minute brute force finds', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        expect(freeSlots(input).map((slot) => slot.startsAt.getTime())).toEqual(new Oracle(input).allSlotStarts());
      }),
      RUNS,
    );
  });

  it('(7) agrees with the oracle on whether an arbitrary range is within working hours', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.integer({ min: 0, max: 4 * 1440 - 1 }),
        fc.integer({ min: 1, max: 600 }),
        (input, offsetMin, durationMin) => {
          const startsAt = new Date(Math.floor(input.from.getTime() / MINUTE_MS + offsetMin) * MINUTE_MS);
          const oracle = new Oracle({ ...input, to: new Date(input.from.getTime() + 4 * DAY_MS), durationMin });
          expect(isWithinWorkingHours(input, startsAt, durationMin)).toBe(oracle.serviceInWorkingTime(startsAt.getTime(), durationMin));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('(8) nearestFreeSlots equals sorting all free slots by distance (ties earlier) and taking count', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.integer({ min: -1440, max: 6 * 1440 }),
        fc.integer({ min: 0, max: 12 }),
        (input, aroundHalfMinutes, count) => {
          // Half minutes, so that `around` sometimes sits exactly between two slots.
          const around = input.from.getTime() + aroundHalfMinutes * 30_000;
          const expected = freeSlots(input)
            .map((slot) => slot.startsAt.getTime())
            .sort((a, b) => Math.abs(a - around) - Math.abs(b - around) || a - b)
            .slice(0, count)
            .sort((a, b) => a - b);
          expect(nearestFreeSlots(input, new Date(around), count).map((slot) => slot.startsAt.getTime())).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it('(9) localToInstant returns the first real minute showing that wall time, or nonexistent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ANCHORS), fc.integer({ min: -360, max: 360 }), ({ timeZone, anchor }, offsetMin) => {
        const wall = wallMinuteAt(timeZone, Date.parse(anchor) / MINUTE_MS) + offsetMin;
        const local = new Date(wall * MINUTE_MS).toISOString().slice(0, 16);
        const anchorMinute = Date.parse(anchor) / MINUTE_MS;
        let first: number | undefined;
        for (let minute = anchorMinute - 1440; minute <= anchorMinute + 1440 && first === undefined; minute++) {
          if (wallMinuteAt(timeZone, minute) === wall) first = minute;
        }
        expect(localToInstant(local, timeZone)).toEqual(first === undefined ? 'nonexistent' : new Date(first * MINUTE_MS));
      }),
      { numRuns: 200 },
    );
  });
});
