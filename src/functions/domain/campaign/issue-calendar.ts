import { addDays, isTimeZone, localDateAt, offsetAt, wallMidnightOf } from '../kernel/zoned-time';
import type { Campaign } from './campaign';

/** One stretch of an issue day during which issuance is open: `[opensAt, closesAt)`, ms since the epoch. */
interface OpenInterval {
  readonly opensAt: number;
  readonly closesAt: number;
}

/**
 * How a change of the UTC offset (daylight saving time) alters a day's window: `SHORTENED` (a spring-forward gap
 * eats part of it), `SKIPPED` (the whole window lies in the gap), `LENGTHENED` (a fall-back overlap repeats part
 * of it; `intervals` says whether it is one stretch or two).
 */
export type DstEffect = 'SHORTENED' | 'SKIPPED' | 'LENGTHENED';

/** The window of one issue day as it happens in real time. */
interface IssueDayWindow {
  /** The local date (`YYYY-MM-DD`) in the campaign's time zone. */
  readonly issueDate: string;
  /** The open stretches, ascending; empty when the window is skipped; two when a fall-back repeats its end. */
  readonly intervals: readonly OpenInterval[];
  /** Minutes issuance is open that day (the sum of `intervals`). */
  readonly openMinutes: number;
  /** Minutes the window lasts on a day without an offset change: `close - open`. */
  readonly nominalMinutes: number;
  /** Set when an offset change alters the window. */
  readonly dstEffect?: DstEffect;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Every UTC offset in use lies in -12 h..+14 h (IANA tz database). */
const MAX_OFFSET_MS = 14 * HOUR_MS;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * The stretches of constant UTC offset covering `[from, to)` (ms), each with its offset (minutes east of UTC).
 * Offsets are sampled hourly and each change located to the millisecond by bisection: tz database changes are
 * months apart, never two within an hour.
 */
function offsetRuns(zone: string, from: number, to: number): { from: number; to: number; offset: number }[] {
  const runs: { from: number; to: number; offset: number }[] = [];
  let start = from;
  while (start < to) {
    const offset = offsetAt(zone, start);
    let end = to;
    for (let same = start; same < to - 1; same += HOUR_MS) {
      const probe = Math.min(same + HOUR_MS, to - 1);
      if (offsetAt(zone, probe) === offset) continue;
      let lo = same;
      let hi = probe;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(zone, mid) === offset) lo = mid;
        else hi = mid;
      }
      end = hi;
      break;
    }
    runs.push({ from: start, to: end, offset });
    start = end;
  }
  return runs;
}

/**
 * When the daily window of `issueDate` is open, in real time: every instant whose local wall-clock time in
 * `timezone` falls in `[open, close)` on that local date; the same rule as `evaluateIssuance`
 * (src/functions/domain/campaign/campaign.ts), so a window whose `open` falls in a spring-forward gap opens at the first local
 * time after it, and a fall-back overlap repeats what local clocks repeat. Offsets come from the IANA time zone
 * database that the runtime's ICU carries (historical changes included).
 * @throws Error for an invalid `timezone` (the campaign schema refuses those first).
 */
export function windowOf(campaign: Pick<Campaign, 'timezone' | 'dailyWindow'>, issueDate: string): IssueDayWindow {
  const zone = campaign.timezone;
  if (!isTimeZone(zone)) throw new Error(`invalid time zone '${campaign.timezone}'`);
  const open = minutesOf(campaign.dailyWindow.open);
  const close = minutesOf(campaign.dailyWindow.close);
  // The local date's midnight as if local time were UTC ("wall" ms); UTC instant = wall - offset.
  const wallMidnight = wallMidnightOf(issueDate);
  const wallOpen = wallMidnight + open * MINUTE_MS;
  const wallClose = wallMidnight + close * MINUTE_MS;
  const intervals: OpenInterval[] = [];
  for (const run of offsetRuns(zone, wallOpen - MAX_OFFSET_MS, wallClose + MAX_OFFSET_MS)) {
    const opensAt = Math.max(run.from, wallOpen - run.offset * MINUTE_MS);
    const closesAt = Math.min(run.to, wallClose - run.offset * MINUTE_MS);
    if (opensAt >= closesAt) continue;
    const last = intervals[intervals.length - 1];
    if (last !== undefined && last.closesAt === opensAt) intervals[intervals.length - 1] = { ...last, closesAt };
    else intervals.push({ opensAt, closesAt });
  }
  const openMinutes = intervals.reduce((sum, i) => sum + (i.closesAt - i.opensAt) / MINUTE_MS, 0);
  const nominalMinutes = close - open;
  const dstEffect: DstEffect | undefined =
    intervals.length === 0
      ? 'SKIPPED'
      : openMinutes < nominalMinutes
        ? 'SHORTENED'
        : openMinutes > nominalMinutes
          ? 'LENGTHENED'
          : undefined;
  return { issueDate, intervals, openMinutes, nominalMinutes, ...(dstEffect ? { dstEffect } : {}) };
}

/**
 * The next instant issuance opens after `instant`: the first window opening (ms since the epoch, as a Date) later
 * than `instant` on an issue day from the issue day of `instant` (or `startDate`, if later) through `endDate`, by
 * {@link windowOf}'s rule (a window skipped by a DST change is passed over). `undefined` when no window of the
 * period opens after `instant`, or the campaign was closed: it has ended.
 */
export function nextOpeningAt(
  campaign: Pick<Campaign, 'timezone' | 'dailyWindow' | 'startDate' | 'endDate' | 'closedAt'>,
  instant: Date,
): Date | undefined {
  if (campaign.closedAt !== undefined) return undefined;
  const today = localDateAt(campaign.timezone, instant.getTime());
  for (
    let day = today > campaign.startDate ? today : campaign.startDate;
    day <= campaign.endDate;
    day = addDays(day, 1)
  ) {
    const opening = windowOf(campaign, day).intervals.find((i) => i.opensAt > instant.getTime());
    if (opening) return new Date(opening.opensAt);
  }
  return undefined;
}
