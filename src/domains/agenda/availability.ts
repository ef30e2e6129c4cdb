import { IANAZone } from 'luxon';
import { timelineAround, type ZoneTimeline } from './zone-timeline';

/**
 * Availability engine of the agenda: which start times a professional can still take, given
 * working hours in a time zone, breaks, date overrides, time off and existing bookings.
 * Pure and synchronous; all the time-zone arithmetic goes through luxon's IANAZone.
 */

/** 'HH:MM' local wall-clock time, 00:00..24:00 (24:00 only as an end). */
export interface WeeklyInterval {
  weekday: number /* 0 = Sunday … 6 = Saturday */;
  start: string;
  end: string;
}
export interface LocalInterval {
  start: string;
  end: string;
}
/** A date's own hours replace the weekly ones for that local date; [] means closed all day. */
export interface DateOverride {
  date: string /* 'YYYY-MM-DD' in the zone */;
  intervals: LocalInterval[];
}
export interface Interval {
  startsAt: Date;
  endsAt: Date;
}
export interface Slot {
  startsAt: Date;
  endsAt: Date;
}

export interface AvailabilityInput {
  timeZone: string; // IANA zone, e.g. 'America/Sao_Paulo'
  from: Date;
  to: Date; // slots whose start is in [from, to)
  durationMin: number; // service length in real elapsed minutes (>= 1)
  bufferBeforeMin: number; // >= 0
  bufferAfterMin: number; // >= 0
  stepMin?: number; // slot starts every stepMin minutes of local wall-clock time, counted from each working interval's start (default 15)
  weeklyHours: WeeklyInterval[]; // working hours; several per weekday allowed (a lunch break is a gap)
  breaks?: WeeklyInterval[]; // weekly breaks subtracted from working hours
  overrides?: DateOverride[]; // replace that date's weekly hours (breaks still apply)
  timeOff?: Interval[]; // absolute instants, the professional is away
  busy: Interval[]; // occupied ranges of existing appointments and holds, ALREADY including their buffers
  notBefore?: Date; // no slot may start before this (e.g. now + minimum notice)
}

type WorkingHoursInput = Pick<AvailabilityInput, 'timeZone' | 'weeklyHours' | 'breaks' | 'overrides'>;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;
const DEFAULT_STEP_MIN = 15;

/** Half-open [start, end) in minutes of one local day (0..1440). */
type MinuteRange = readonly [start: number, end: number];
/** Half-open [start, end) in epoch milliseconds. */
interface Span {
  start: number;
  end: number;
}

// ————— Validation (a guard: callers validate user input with zod first) —————

function invalid(message: string): never {
  throw new RangeError(message);
}

function zoneNamed(timeZone: unknown): IANAZone {
  const zone = typeof timeZone === 'string' && timeZone !== '' ? IANAZone.create(timeZone) : null;
  if (!zone?.isValid) invalid(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  return zone;
}

function instantOf(value: unknown, label: string): number {
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time)) invalid(`${label} must be a valid Date`);
  return time;
}

// Whole minutes only: the grid, the buffers and the DST arithmetic all work in whole minutes.
function wholeMinutes(value: unknown, label: string, minimum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    invalid(`${label} must be a whole number of minutes >= ${minimum}, got ${String(value)}`);
  }
  return value;
}

const CLOCK = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

function clockMinutes(value: unknown, label: string): number {
  const match = typeof value === 'string' ? CLOCK.exec(value) : null;
  if (!match) invalid(`${label} must be HH:MM between 00:00 and 24:00, got ${JSON.stringify(value)}`);
  return match[1] === undefined ? MINUTES_PER_DAY : Number(match[1]) * 60 + Number(match[2]);
}

function minuteRangeOf(interval: LocalInterval, label: string): MinuteRange {
  const start = clockMinutes(interval.start, `${label}.start`);
  const end = clockMinutes(interval.end, `${label}.end`);
  if (start === MINUTES_PER_DAY) invalid(`${label}.start can't be 24:00 (24:00 only ends a day)`);
  // Intervals can't cross midnight: a night shift is 22:00–24:00 plus 00:00–02:00 on the next weekday.
  if (end <= start) invalid(`${label} must end after it starts, got ${interval.start}–${interval.end}`);
  return [start, end];
}

function weekdayOfInterval(interval: WeeklyInterval, label: string): number {
  const { weekday } = interval;
  if (!Number.isInteger(weekday) || weekday < 0 || weekday > 6) {
    invalid(`${label}.weekday must be 0 (Sunday) … 6 (Saturday), got ${String(weekday)}`);
  }
  return weekday;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' calendar date (a wall date, not an instant). */
function dayNumberOfDate(value: unknown, label: string): number {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const wall = Date.UTC(year, month - 1, day);
  const date = new Date(wall);
  // Round-tripping rejects dates like 2026-02-30 that Date.UTC would silently roll over.
  if (!match || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    invalid(`${label} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return wall / DAY_MS;
}

// ————— Local working time, in minutes of the day —————

/** Sorted, with overlapping or touching ranges merged: 09–12 plus 12–18 is one stretch of work. */
function unionOf(ranges: readonly MinuteRange[]): MinuteRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** `ranges` minus `cuts`, both as returned by unionOf. */
function subtract(ranges: readonly MinuteRange[], cuts: readonly MinuteRange[]): MinuteRange[] {
  const result: MinuteRange[] = [];
  for (const [start, end] of ranges) {
    let cursor = start;
    for (const [cutStart, cutEnd] of cuts) {
      if (cutEnd <= cursor) continue;
      if (cutStart >= end) break;
      if (cutStart > cursor) result.push([cursor, cutStart]);
      cursor = cutEnd;
      if (cursor >= end) break;
    }
    if (cursor < end) result.push([cursor, end]);
  }
  return result;
}

interface WorkingCalendar {
  zone: IANAZone;
  /** Per weekday: weekly hours minus breaks. */
  weekly: MinuteRange[][];
  /** Per local day number with an override: its hours minus that weekday's breaks. */
  overridden: Map<number, MinuteRange[]>;
}

function weekdayOfDay(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** The working intervals of a local date; each one's start is also the origin of its slot grid. */
function workingRangesOf(calendar: WorkingCalendar, dayNumber: number): MinuteRange[] {
  return calendar.overridden.get(dayNumber) ?? calendar.weekly[weekdayOfDay(dayNumber)]!;
}

function calendarOf(input: WorkingHoursInput): WorkingCalendar {
  const zone = zoneNamed(input.timeZone);
  if (!Array.isArray(input.weeklyHours)) invalid('weeklyHours must be an array');
  const byWeekday = (intervals: readonly WeeklyInterval[], label: string): MinuteRange[][] => {
    const days: MinuteRange[][] = [[], [], [], [], [], [], []];
    intervals.forEach((interval, index) => {
      const itemLabel = `${label}[${index}]`;
      days[weekdayOfInterval(interval, itemLabel)]!.push(minuteRangeOf(interval, itemLabel));
    });
    return days.map(unionOf);
  };
  const weeklyHours = byWeekday(input.weeklyHours, 'weeklyHours');
  const breaks = byWeekday(input.breaks ?? [], 'breaks');
  const weekly = weeklyHours.map((ranges, weekday) => subtract(ranges, breaks[weekday]!));

  // Several overrides for one date add up, the same as several weekly intervals on one weekday.
  const overrideHours = new Map<number, MinuteRange[]>();
  (input.overrides ?? []).forEach((override, index) => {
    const label = `overrides[${index}]`;
    const dayNumber = dayNumberOfDate(override.date, `${label}.date`);
    if (!Array.isArray(override.intervals)) invalid(`${label}.intervals must be an array`);
    const ranges = override.intervals.map((interval, position) => minuteRangeOf(interval, `${label}.intervals[${position}]`));
    overrideHours.set(dayNumber, [...(overrideHours.get(dayNumber) ?? []), ...ranges]);
  });
  const overridden = new Map<number, MinuteRange[]>();
  for (const [dayNumber, ranges] of overrideHours) {
    overridden.set(dayNumber, subtract(unionOf(ranges), breaks[weekdayOfDay(dayNumber)]!));
  }
  return { zone, weekly, overridden };
}

/**
 * Working time of local days [firstDay, lastDay] as sorted, disjoint instants. Stretches that
 * touch (24:00 of one day and 00:00 of the next) are merged: a service may run across them.
 */
function workingStretches(calendar: WorkingCalendar, timeline: ZoneTimeline, firstDay: number, lastDay: number): Span[] {
  const stretches: Span[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const midnight = day * DAY_MS;
    for (const [startMinute, endMinute] of workingRangesOf(calendar, day)) {
      // Edges in a DST gap move to the gap's end; in an overlap they take the earlier instant.
      const start = timeline.firstInstantFrom(midnight + startMinute * MINUTE_MS);
      const end = timeline.firstInstantFrom(midnight + endMinute * MINUTE_MS);
      if (end <= start) continue; // an interval entirely inside a DST gap
      const last = stretches.at(-1);
      if (last && start <= last.end) last.end = Math.max(last.end, end);
      else stretches.push({ start, end });
    }
  }
  return stretches;
}

/** Sorted and merged so that one moving index answers "does this range hit anything?". */
function blockedSpans(busy: readonly Interval[], timeOff: readonly Interval[]): Span[] {
  // Starts and ends sorted separately (native numeric sort, no comparator calls) are enough to
  // rebuild the union: a merged span opens when the count of open intervals leaves 0 and closes when it returns to 0.
  const starts = new Float64Array(busy.length + timeOff.length);
  const ends = new Float64Array(starts.length);
  let count = 0;
  const collect = (intervals: readonly Interval[], label: string) => {
    for (let index = 0; index < intervals.length; index++) {
      const interval = intervals[index]!;
      const start = instantOf(interval.startsAt, `${label}[${index}].startsAt`);
      const end = instantOf(interval.endsAt, `${label}[${index}].endsAt`);
      if (end < start) invalid(`${label}[${index}] ends before it starts`);
      if (end === start) continue; // an empty range occupies nothing
      starts[count] = start;
      ends[count] = end;
      count++;
    }
  };
  collect(busy, 'busy');
  collect(timeOff, 'timeOff');
  const sortedStarts = starts.subarray(0, count).sort();
  const sortedEnds = ends.subarray(0, count).sort();
  const merged: Span[] = [];
  let open = 0;
  let spanStart = 0;
  for (let startIndex = 0, endIndex = 0; endIndex < count;) {
    // On a tie the start goes first, so touching intervals merge (half-open: same occupied time).
    if (startIndex < count && sortedStarts[startIndex]! <= sortedEnds[endIndex]!) {
      if (open++ === 0) spanStart = sortedStarts[startIndex]!;
      startIndex++;
    } else {
      if (--open === 0) merged.push({ start: spanStart, end: sortedEnds[endIndex]! });
      endIndex++;
    }
  }
  return merged;
}

// ————— Public API —————

/** The range a booking occupies: [startsAt - bufferBefore, startsAt + duration + bufferAfter). */
export function occupiedRange(startsAt: Date, durationMin: number, bufferBeforeMin: number, bufferAfterMin: number): Interval {
  const start = instantOf(startsAt, 'startsAt');
  const duration = wholeMinutes(durationMin, 'durationMin', 1);
  const before = wholeMinutes(bufferBeforeMin, 'bufferBeforeMin', 0);
  const after = wholeMinutes(bufferAfterMin, 'bufferAfterMin', 0);
  return { startsAt: new Date(start - before * MINUTE_MS), endsAt: new Date(start + (duration + after) * MINUTE_MS) };
}

/** Free slot starts (epoch ms, sorted); validates the input first. */
function freeStarts(input: AvailabilityInput): number[] {
  const calendar = calendarOf(input);
  const from = instantOf(input.from, 'from');
  const to = instantOf(input.to, 'to');
  if (from >= to) invalid('from must be before to');
  const durationMs = wholeMinutes(input.durationMin, 'durationMin', 1) * MINUTE_MS;
  const bufferBeforeMs = wholeMinutes(input.bufferBeforeMin, 'bufferBeforeMin', 0) * MINUTE_MS;
  const bufferAfterMs = wholeMinutes(input.bufferAfterMin, 'bufferAfterMin', 0) * MINUTE_MS;
  const stepMs = wholeMinutes(input.stepMin ?? DEFAULT_STEP_MIN, 'stepMin', 1) * MINUTE_MS;
  const earliest = input.notBefore === undefined ? from : Math.max(from, instantOf(input.notBefore, 'notBefore'));
  if (!Array.isArray(input.busy)) invalid('busy must be an array');
  const blocked = blockedSpans(input.busy, input.timeOff ?? []);
  if (earliest >= to) return [];

  // A service starting on the last day may run into the next days' working time.
  const timeline = timelineAround(calendar.zone, earliest, to + durationMs);
  // One day of margin before: cheap (the grid skips ahead) and safe even if a fall-back crossed midnight.
  const firstDay = timeline.localDayOf(earliest) - 1;
  const lastStartDay = timeline.localDayOf(to);
  const lastWorkingDay = timeline.localDayOf(to + durationMs);
  const stretches = workingStretches(calendar, timeline, firstDay, lastWorkingDay);

  // Candidates on the wall-clock grid of each working interval. Per segment of constant offset
  // the conversion is one subtraction; a wall time in a gap falls in no segment (skipped, never
  // shifted) and one in an overlap falls in two (both kept, checked like any other).
  const candidates: number[] = [];
  let sorted = true;
  for (let day = firstDay; day <= lastStartDay; day++) {
    const midnight = day * DAY_MS;
    for (const [startMinute, endMinute] of workingRangesOf(calendar, day)) {
      const gridStart = midnight + startMinute * MINUTE_MS;
      const gridEnd = midnight + endMinute * MINUTE_MS;
      for (let segment = 0; segment < timeline.segmentCount; segment++) {
        const offset = timeline.segmentOffset(segment);
        const low = Math.max(earliest, timeline.segmentStart(segment));
        const high = Math.min(to, timeline.segmentEnd(segment));
        // First grid point whose instant is >= low, then walk while < high (and inside the interval).
        const skip = Math.max(0, Math.ceil((low + offset - gridStart) / stepMs));
        for (let wall = gridStart + skip * stepMs; wall < gridEnd; wall += stepMs) {
          const instant = wall - offset;
          if (instant >= high) break;
          if (sorted && candidates.length > 0 && instant <= candidates[candidates.length - 1]!) sorted = false;
          candidates.push(instant);
        }
      }
    }
  }
  if (!sorted) candidates.sort((a, b) => a - b);

  // One sweep: candidates ascend, so the working stretch and the blocked span that could
  // matter only ever move forward.
  const starts: number[] = [];
  let stretchIndex = 0;
  let blockedIndex = 0;
  let previous = -Infinity;
  for (const start of candidates) {
    if (start === previous) continue;
    previous = start;
    const end = start + durationMs;
    while (stretchIndex < stretches.length && stretches[stretchIndex]!.end <= start) stretchIndex++;
    const stretch = stretches[stretchIndex];
    // The service itself must fit in working time; its buffers may spill outside it.
    if (!stretch || stretch.start > start || end > stretch.end) continue;
    const occupiedStart = start - bufferBeforeMs;
    const occupiedEnd = end + bufferAfterMs;
    while (blockedIndex < blocked.length && blocked[blockedIndex]!.end <= occupiedStart) blockedIndex++;
    const nextBlocked = blocked[blockedIndex];
    if (nextBlocked && nextBlocked.start < occupiedEnd) continue; // half-open: touching is not overlapping
    starts.push(start);
  }
  return starts;
}

/** Slots whose start is in [from, to) and >= notBefore, sorted by start. */
export function freeSlots(input: AvailabilityInput): Slot[] {
  return slotsOf(freeStarts(input), input.durationMin);
}

function slotsOf(starts: readonly number[], durationMin: number): Slot[] {
  const durationMs = durationMin * MINUTE_MS;
  const slots: Slot[] = new Array<Slot>(starts.length);
  for (let index = 0; index < starts.length; index++) {
    const start = starts[index]!;
    slots[index] = { startsAt: new Date(start), endsAt: new Date(start + durationMs) };
  }
  return slots;
}

/** Up to `count` free slots nearest to `around` (by absolute distance, ties earlier first), returned in start order. */
export function nearestFreeSlots(input: AvailabilityInput, around: Date, count: number): Slot[] {
  const target = instantOf(around, 'around');
  if (!Number.isInteger(count) || count < 0) invalid(`count must be a whole number >= 0, got ${String(count)}`);
  const starts = freeStarts(input);
  // The nearest ones form a contiguous run of the sorted starts: grow it from where `around` would sit.
  let right = 0;
  while (right < starts.length && starts[right]! < target) right++;
  let left = right - 1;
  while (right - left - 1 < count && (left >= 0 || right < starts.length)) {
    const leftDistance = left >= 0 ? target - starts[left]! : Infinity;
    const rightDistance = right < starts.length ? starts[right]! - target : Infinity;
    if (leftDistance <= rightDistance)
      left--; // a tie goes to the earlier slot
    else right++;
  }
  return slotsOf(starts.slice(left + 1, right), input.durationMin);
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;

/** A local 'YYYY-MM-DDTHH:MM' in the zone as an instant; 'nonexistent' when the wall time falls in a DST gap; in a DST overlap (repeated hour) the earlier instant. */
export function localToInstant(local: string, timeZone: string): Date | 'nonexistent' {
  const zone = zoneNamed(timeZone);
  const match = typeof local === 'string' ? LOCAL_DATE_TIME.exec(local) : null;
  if (!match) invalid(`local must be YYYY-MM-DDTHH:MM, got ${JSON.stringify(local)}`);
  const day = dayNumberOfDate(match[1], 'local date');
  const wall = day * DAY_MS + (Number(match[2]) * 60 + Number(match[3])) * MINUTE_MS;
  const [earliest] = timelineAround(zone, wall, wall).instantsOf(wall);
  return earliest === undefined ? 'nonexistent' : new Date(earliest);
}

/** Whether [startsAt, startsAt + durationMin) lies inside the working hours (weekly/override minus breaks) of its local day(s). */
export function isWithinWorkingHours(input: WorkingHoursInput, startsAt: Date, durationMin: number): boolean {
  const calendar = calendarOf(input);
  const start = instantOf(startsAt, 'startsAt');
  const end = start + wholeMinutes(durationMin, 'durationMin', 1) * MINUTE_MS;
  const timeline = timelineAround(calendar.zone, start, end);
  const firstDay = timeline.localDayOf(start) - 1;
  const lastDay = timeline.localDayOf(end);
  // Inside one stretch: a range across a break would be "in working hours" at both ends only.
  return workingStretches(calendar, timeline, firstDay, lastDay).some((stretch) => stretch.start <= start && end <= stretch.end);
}
