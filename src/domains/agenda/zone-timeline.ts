import type { IANAZone } from 'luxon';

/**
 * Wall clock ↔ instants in one IANA zone, exact on DST days and cheap per conversion: a zone's
 * offsets over a stretch of days as segments of constant offset (luxon is asked once per UTC day).
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Milliseconds to add to an instant to read its wall clock in the zone. */
function offsetMsAt(zone: IANAZone, instant: number): number {
  return zone.offset(instant) * MINUTE_MS;
}

/**
 * Per zone, the offset at each UTC midnight asked for so far and the transitions found by
 * bisection. A luxon offset lookup costs ~10 µs (Intl formatting), and a request computes many
 * professionals over the same days in the same zone; tz data can't change while the process
 * runs, so the memo never goes stale. Capped so that odd date ranges can't grow it unbounded.
 */
interface ZoneOffsetMemo {
  atUtcMidnight: Map<number, number>;
  transitionBeforeUtcDay: Map<number, number>;
}
const offsetMemos = new Map<string, ZoneOffsetMemo>();
const MAX_MEMOIZED_DAYS_PER_ZONE = 50_000;

function offsetMemoOf(zone: IANAZone): ZoneOffsetMemo {
  let memo = offsetMemos.get(zone.name);
  if (!memo || memo.atUtcMidnight.size > MAX_MEMOIZED_DAYS_PER_ZONE) {
    memo = { atUtcMidnight: new Map(), transitionBeforeUtcDay: new Map() };
    offsetMemos.set(zone.name, memo);
  }
  return memo;
}

function offsetAtUtcMidnight(zone: IANAZone, memo: ZoneOffsetMemo, utcDay: number): number {
  let offset = memo.atUtcMidnight.get(utcDay);
  if (offset === undefined) {
    offset = offsetMsAt(zone, utcDay * DAY_MS);
    memo.atUtcMidnight.set(utcDay, offset);
  }
  return offset;
}

/** The first whole second of UTC day `utcDay - 1` whose offset differs from the one at its start, by bisection. */
function transitionBeforeUtcDay(zone: IANAZone, memo: ZoneOffsetMemo, utcDay: number, offsetBefore: number): number {
  const known = memo.transitionBeforeUtcDay.get(utcDay);
  if (known !== undefined) return known;
  let low = (utcDay - 1) * DAY_MS;
  let high = utcDay * DAY_MS;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetMsAt(zone, middle) === offsetBefore) low = middle;
    else high = middle;
  }
  memo.transitionBeforeUtcDay.set(utcDay, high);
  return high;
}

/**
 * The zone's offsets over a bounded stretch of days as segments of constant offset, so that
 * converting a wall time costs a few additions instead of a luxon/Intl call per candidate,
 * yet stays exact on DST days. Assumes a zone changes offset at most once per 24 hours.
 */
export class ZoneTimeline {
  /** Segment i covers instants [starts[i], starts[i + 1]) with wall = instant + offsets[i]. */
  private readonly starts: number[] = [-Infinity];
  private readonly offsets: number[];

  /** Exact for instants in UTC days [firstUtcDay, lastUtcDay]. */
  constructor(zone: IANAZone, firstUtcDay: number, lastUtcDay: number) {
    const memo = offsetMemoOf(zone);
    let previous = offsetAtUtcMidnight(zone, memo, firstUtcDay);
    this.offsets = [previous];
    for (let utcDay = firstUtcDay + 1; utcDay <= lastUtcDay + 1; utcDay++) {
      const offset = offsetAtUtcMidnight(zone, memo, utcDay);
      if (offset === previous) continue;
      this.starts.push(transitionBeforeUtcDay(zone, memo, utcDay, previous));
      this.offsets.push(offset);
      previous = offset;
    }
  }

  get segmentCount(): number {
    return this.offsets.length;
  }

  segmentStart(index: number): number {
    return this.starts[index]!;
  }

  segmentEnd(index: number): number {
    return this.starts[index + 1] ?? Infinity;
  }

  segmentOffset(index: number): number {
    return this.offsets[index]!;
  }

  /** The local date (days since 1970-01-01) of an instant. */
  localDayOf(instant: number): number {
    let index = this.offsets.length - 1;
    while (index > 0 && instant < this.starts[index]!) index--;
    return Math.floor((instant + this.offsets[index]!) / DAY_MS);
  }

  /** Every instant whose wall clock reads `wall` (wall time written as if it were UTC): none in a gap, two in an overlap. */
  instantsOf(wall: number): number[] {
    const instants: number[] = [];
    for (let index = 0; index < this.offsets.length; index++) {
      const instant = wall - this.offsets[index]!;
      if (instant >= this.starts[index]! && instant < this.segmentEnd(index)) instants.push(instant);
    }
    return instants.sort((a, b) => a - b);
  }

  /**
   * The first instant whose wall clock reads `wall` or later: the earlier of the two in an
   * overlap, and the end of the gap (the transition itself) for a wall time the gap skips.
   */
  firstInstantFrom(wall: number): number {
    let first = Infinity;
    for (let index = 0; index < this.offsets.length; index++) {
      const candidate = Math.max(this.starts[index]!, wall - this.offsets[index]!);
      if (candidate < this.segmentEnd(index) && candidate < first) first = candidate;
    }
    return first;
  }
}

/**
 * A timeline for the instants in [first, last] and for every wall time of their local dates
 * (plus 24:00 of the last): local dates differ from UTC ones by at most a day, offsets by ≤ 14 h.
 */
export function timelineAround(zone: IANAZone, first: number, last: number): ZoneTimeline {
  return new ZoneTimeline(zone, Math.floor(first / DAY_MS) - 3, Math.floor(last / DAY_MS) + 3);
}
