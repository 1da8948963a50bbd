/**
 * Calendar and time-zone arithmetic for the campaign rules, on the runtime's `Intl` (ECMA-402), whose time zone
 * data is ICU's copy of the IANA time zone database (historical changes included): the same source Luxon reads
 * through the same `Intl.DateTimeFormat` calls, without Luxon's formatting, parsing and locale code (about 70 KB
 * of every bundle; BENCHMARKS.md, "Bundle sizes"). test/unit/domain/zoned-time.test.ts checks these functions
 * against Luxon.
 *
 * Terms: a *local date* is `YYYY-MM-DD` (proleptic Gregorian calendar); an *instant* is ms since the epoch; an
 * *offset* is minutes east of UTC (Seoul +540).
 */

import { isLocalDate, LOCAL_DATE_PATTERN } from '../../../contract/rules';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone (building one costs far more than using it). @throws RangeError for an unknown zone. */
function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` is a time zone the runtime knows (an IANA name such as `Asia/Seoul`, or `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (zone === '') return false;
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

/** A local wall-clock reading: calendar fields as written, hour 0-23. */
interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** The instant `fields` would be if local time were UTC, ms (years below 100 too, unlike `Date.UTC`). */
function asUtc(fields: Omit<WallClock, 'hour' | 'minute' | 'second'> & Partial<WallClock>): number {
  const date = new Date(0);
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0, 0);
  return date.getTime();
}

/**
 * The wall clock in `zone` at `instant` (ms), to the second.
 * @throws RangeError for an unknown zone.
 */
export function wallClockAt(zone: string, instant: number): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 0,
    month: fields.month ?? 0,
    day: fields.day ?? 0,
    // Some ICU versions write midnight as 24 even with hourCycle h23.
    hour: (fields.hour ?? 0) % 24,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  };
}

/**
 * The UTC offset of `zone` at `instant` (ms), minutes east of UTC.
 * @throws RangeError for an unknown zone.
 */
export function offsetAt(zone: string, instant: number): number {
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
  return Math.round((asUtc(wallClockAt(zone, wholeSecond)) - wholeSecond) / MINUTE_MS);
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** The local date `YYYY-MM-DD` of a wall-clock reading. */
export function localDateOf(fields: Pick<WallClock, 'year' | 'month' | 'day'>): string {
  return `${pad(fields.year, 4)}-${pad(fields.month, 2)}-${pad(fields.day, 2)}`;
}

/** The local date in `zone` at `instant` (ms). @throws RangeError for an unknown zone. */
export function localDateAt(zone: string, instant: number): string {
  return localDateOf(wallClockAt(zone, instant));
}

/** Whether `value` is a local date `YYYY-MM-DD` that exists on the calendar: the contract's rule (src/contract/rules.ts). */
export { isLocalDate };

/**
 * Midnight of the local date `date` as if local time were UTC, ms ("wall" ms: the UTC instant is this minus the
 * offset).
 * @throws Error when `date` is not a local date.
 */
export function wallMidnightOf(date: string): number {
  const match = LOCAL_DATE_PATTERN.exec(date);
  if (!match || !isLocalDate(date)) throw new Error(`not a local date: '${date}'`);
  return asUtc({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) });
}

/** The local date `days` days after `date` (before, when negative). @throws Error when `date` is not a local date. */
export function addDays(date: string, days: number): string {
  const shifted = new Date(wallMidnightOf(date) + days * DAY_MS);
  return localDateOf({ year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() });
}

/** Calendar days from local date `from` to `to` (negative when `to` is earlier). @throws Error for a non-date. */
export function daysBetween(from: string, to: string): number {
  return Math.round((wallMidnightOf(to) - wallMidnightOf(from)) / DAY_MS);
}

/**
 * The first instant (ms) of the local date `date` in `zone`: its local midnight; the earlier one when midnight
 * happens twice (a fall-back from 01:00 to 00:00, as in Havana), and the end of the gap when an offset change
 * skips midnight (Santiago's spring-forward from 00:00 to 01:00). Offset changes are assumed at least two days
 * apart, which every zone of the tz database satisfies.
 * @throws Error when `date` is not a local date; RangeError for an unknown zone.
 */
export function startOfLocalDay(zone: string, date: string): number {
  const wall = wallMidnightOf(date);
  const offsets = [...new Set([offsetAt(zone, wall - DAY_MS), offsetAt(zone, wall), offsetAt(zone, wall + DAY_MS)])];
  // Every instant whose wall clock reads exactly this midnight: one, or two in a fall-back overlap.
  const exact = offsets.map((o) => wall - o * MINUTE_MS).filter((t) => offsetAt(zone, t) * MINUTE_MS === wall - t);
  if (exact.length > 0) return Math.min(...exact);
  // Midnight is skipped: the day begins at the offset change, between midnight read with the later offset
  // (still before the change) and midnight read with the earlier one (already after it).
  const before = offsetAt(zone, wall - DAY_MS);
  let lo = wall - Math.max(...offsets) * MINUTE_MS;
  let hi = wall - Math.min(...offsets) * MINUTE_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
