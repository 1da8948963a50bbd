import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import {
  addDays,
  daysBetween,
  isLocalDate,
  isTimeZone,
  localDateAt,
  offsetAt,
  startOfLocalDay,
  wallClockAt,
} from '../../../../src/functions/domain/kernel/zoned-time';

// Luxon, which the campaign rules used before src/functions/domain/kernel/zoned-time.ts, is the oracle: an implementation of the
// same rules written and tested by others. DST zones with 1-hour, 30-minute (Lord Howe) and at-midnight
// (Santiago, Havana) changes, 45- and 30-minute offsets (Chatham, Kolkata), the southern hemisphere and zones
// without DST.
const ZONES = [
  'UTC',
  'Asia/Seoul',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'America/Havana',
];
const zones = fc.constantFrom(...ZONES);
const instants = fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2040-01-01') });
const localDates = fc
  .integer({ min: Date.parse('1990-01-01'), max: Date.parse('2040-01-01') })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

describe('domain: zoned time (against Luxon)', () => {
  it('reads the same offset and local date at any instant', () => {
    fc.assert(
      fc.property(zones, instants, (zone, instant) => {
        const luxon = DateTime.fromMillis(instant, { zone });
        expect(offsetAt(zone, instant)).toBe(IANAZone.create(zone).offset(instant));
        expect(localDateAt(zone, instant)).toBe(luxon.toISODate());
        expect(wallClockAt(zone, instant)).toEqual({
          year: luxon.year,
          month: luxon.month,
          day: luxon.day,
          hour: luxon.hour,
          minute: luxon.minute,
          second: luxon.second,
        });
      }),
      { numRuns: 3_000 },
    );
  });

  it('starts a local day where Luxon does, except where midnight happens twice', () => {
    fc.assert(
      fc.property(zones, localDates, (zone, date) => {
        const luxon = DateTime.fromISO(date, { zone }).startOf('day').toMillis();
        const start = startOfLocalDay(zone, date);
        // The day's first instant: its local date is `date`, a millisecond earlier it is not.
        expect(localDateAt(zone, start)).toBe(date);
        expect(localDateAt(zone, start - 1)).toBe(addDays(date, -1));
        // Luxon resolves a twice-occurring midnight (Havana's fall-back from 01:00 to 00:00) to its second one.
        if (zone !== 'America/Havana') expect(start).toBe(luxon);
        else expect([luxon, luxon - 3_600_000]).toContain(start);
      }),
      { numRuns: 3_000 },
    );
  });

  it('starts a day in a DST change at midnight: the earlier of two midnights, the end of a skipped one', () => {
    // Havana, 2025-11-02: 01:00 CDT (-4) goes back to 00:00 CST (-5); midnight is 04:00Z and again 05:00Z.
    expect(new Date(startOfLocalDay('America/Havana', '2025-11-02')).toISOString()).toBe('2025-11-02T04:00:00.000Z');
    // Santiago, 2025-09-07: 00:00 (-4) jumps to 01:00 (-3); the day begins at 01:00 local = 04:00Z.
    expect(new Date(startOfLocalDay('America/Santiago', '2025-09-07')).toISOString()).toBe('2025-09-07T04:00:00.000Z');
    expect(new Date(startOfLocalDay('Asia/Seoul', '2026-05-05')).toISOString()).toBe('2026-05-04T15:00:00.000Z');
  });

  it('counts and adds calendar days as Luxon does', () => {
    fc.assert(
      fc.property(localDates, localDates, fc.integer({ min: -4_000, max: 4_000 }), (from, to, days) => {
        const luxonFrom = DateTime.fromISO(from, { zone: 'UTC' });
        expect(daysBetween(from, to)).toBe(DateTime.fromISO(to, { zone: 'UTC' }).diff(luxonFrom, 'days').days);
        expect(addDays(from, days)).toBe(luxonFrom.plus({ days }).toISODate());
      }),
    );
  });

  it('accepts exactly the calendar dates Luxon accepts', () => {
    const candidates = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(candidates, (value) => {
        expect(isLocalDate(value)).toBe(DateTime.fromISO(value, { zone: 'UTC' }).isValid);
      }),
      { numRuns: 5_000 },
    );
    for (const value of ['2024-02-29', '2000-02-29', '2026-12-31']) expect(isLocalDate(value)).toBe(true);
    for (const value of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-4-01', '2026-04-01T00:00', '']) {
      expect(isLocalDate(value)).toBe(false);
    }
  });

  it('knows the zones Luxon knows', () => {
    for (const zone of [...ZONES, 'Etc/GMT+5', 'asia/seoul', 'Mars/Olympus', 'Asia/Seol', '', 'EST5EDT']) {
      expect(isTimeZone(zone)).toBe(IANAZone.isValidZone(zone));
    }
  });
});
