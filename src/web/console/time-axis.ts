// The live charts' time axis (uPlot, src/web/console/live.ts): whole-second ticks read as a wall clock.

/**
 * Tick increments the time axis may use, s: whole seconds up to an hour, so no tick falls between two seconds
 * (uPlot's default increments go down to milliseconds, whose labels read like `:15.120`).
 */
export const TIME_AXIS_INCREMENTS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/**
 * The labels of the time axis' ticks: each of `splits` (Unix time, s) on a 24-hour clock in `timeZone` (the
 * visitor's by default), `12:00:15` while the ticks are `incrementS` seconds apart and `12:00` once they are whole
 * minutes apart.
 */
export function clockTicks(splits: readonly number[], incrementS: number, timeZone?: string): string[] {
  const format = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(incrementS % 60 === 0 ? {} : { second: '2-digit' }),
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  });
  return splits.map((s) => format.format(new Date(s * 1000)));
}
