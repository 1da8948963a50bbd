import fc from 'fast-check';
import { evaluateIssuance } from '../../../../src/functions/domain/campaign/campaign';
import { windowOf } from '../../../../src/functions/domain/campaign/issue-calendar';

const NEW_YORK = 'America/New_York';
const SEOUL = 'Asia/Seoul';
const iso = (ms: number) => new Date(ms).toISOString();
const stretches = (timezone: string, issueDate: string, open: string, close: string) =>
  windowOf({ timezone, dailyWindow: { open, close } }, issueDate).intervals.map((i) => [
    iso(i.opensAt),
    iso(i.closesAt),
  ]);

describe('domain: issue calendar (windowOf)', () => {
  describe('New York, spring forward on 2026-03-08 (02:00 EST -> 03:00 EDT)', () => {
    it('keeps an afternoon window whole, one hour earlier in UTC than the day before', () => {
      expect(stretches(NEW_YORK, '2026-03-07', '13:00', '15:00')).toEqual([
        ['2026-03-07T18:00:00.000Z', '2026-03-07T20:00:00.000Z'],
      ]);
      const day = windowOf({ timezone: NEW_YORK, dailyWindow: { open: '13:00', close: '15:00' } }, '2026-03-08');
      expect(day.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
        ['2026-03-08T17:00:00.000Z', '2026-03-08T19:00:00.000Z'],
      ]);
      expect(day.dstEffect).toBeUndefined();
      expect(day.openMinutes).toBe(120);
    });

    it('shortens a window the gap cuts into, closing it when local clocks jump past its close', () => {
      const day = windowOf({ timezone: NEW_YORK, dailyWindow: { open: '01:30', close: '02:30' } }, '2026-03-08');
      // Opens 01:30 EST; at 02:00 EST clocks read 03:00 EDT, past the close.
      expect(day.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
        ['2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z'],
      ]);
      expect(day).toMatchObject({ dstEffect: 'SHORTENED', openMinutes: 30, nominalMinutes: 60 });
    });

    it('opens a window whose opening falls in the gap at the first local time after it', () => {
      const day = windowOf({ timezone: NEW_YORK, dailyWindow: { open: '02:30', close: '04:00' } }, '2026-03-08');
      expect(day.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
        ['2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z'],
      ]);
      expect(day).toMatchObject({ dstEffect: 'SHORTENED', openMinutes: 60 });
    });

    it('skips a window that lies wholly in the gap', () => {
      const day = windowOf({ timezone: NEW_YORK, dailyWindow: { open: '02:15', close: '02:45' } }, '2026-03-08');
      expect(day).toMatchObject({ intervals: [], dstEffect: 'SKIPPED', openMinutes: 0, nominalMinutes: 30 });
    });
  });

  describe('New York, fall back on 2026-11-01 (02:00 EDT -> 01:00 EST)', () => {
    it('opens a window inside the repeated hour twice', () => {
      const day = windowOf({ timezone: NEW_YORK, dailyWindow: { open: '01:00', close: '01:30' } }, '2026-11-01');
      expect(day.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
        ['2026-11-01T05:00:00.000Z', '2026-11-01T05:30:00.000Z'],
        ['2026-11-01T06:00:00.000Z', '2026-11-01T06:30:00.000Z'],
      ]);
      expect(day).toMatchObject({ dstEffect: 'LENGTHENED', openMinutes: 60, nominalMinutes: 30 });
    });

    it('lengthens a window spanning the change by the repeated hour, as one stretch', () => {
      const day = windowOf({ timezone: NEW_YORK, dailyWindow: { open: '00:30', close: '03:00' } }, '2026-11-01');
      expect(day.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
        ['2026-11-01T04:30:00.000Z', '2026-11-01T08:00:00.000Z'],
      ]);
      expect(day).toMatchObject({ dstEffect: 'LENGTHENED', openMinutes: 210, nominalMinutes: 150 });
    });

    it('makes a whole-day window 25 hours long', () => {
      const day = windowOf({ timezone: NEW_YORK, dailyWindow: { open: '00:00', close: '24:00' } }, '2026-11-01');
      expect(day.openMinutes).toBe(25 * 60);
    });
  });

  describe('Seoul', () => {
    it('(no DST since 1988, the control) has the same window every day of 2026 at UTC+9', () => {
      for (const issueDate of ['2026-01-15', '2026-03-08', '2026-05-10', '2026-10-11', '2026-11-01']) {
        const day = windowOf({ timezone: SEOUL, dailyWindow: { open: '02:00', close: '04:00' } }, issueDate);
        const previous = new Date(Date.parse(`${issueDate}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        expect(day.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
          [`${previous}T17:00:00.000Z`, `${previous}T19:00:00.000Z`],
        ]);
        expect(day.dstEffect).toBeUndefined();
      }
    });

    it('(1988, when Korea kept summer time for the Olympics) shortens and lengthens as New York does', () => {
      // 1988-05-08 02:00 KST -> 03:00 KDT; 1988-10-09 03:00 KDT -> 02:00 KST (IANA tz database, Asia/Seoul).
      const spring = windowOf({ timezone: SEOUL, dailyWindow: { open: '02:00', close: '04:00' } }, '1988-05-08');
      expect(spring.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
        ['1988-05-07T17:00:00.000Z', '1988-05-07T18:00:00.000Z'],
      ]);
      expect(spring).toMatchObject({ dstEffect: 'SHORTENED', openMinutes: 60 });
      const autumn = windowOf({ timezone: SEOUL, dailyWindow: { open: '02:00', close: '04:00' } }, '1988-10-09');
      expect(autumn.intervals.map((i) => [iso(i.opensAt), iso(i.closesAt)])).toEqual([
        ['1988-10-08T16:00:00.000Z', '1988-10-08T19:00:00.000Z'],
      ]);
      expect(autumn).toMatchObject({ dstEffect: 'LENGTHENED', openMinutes: 180 });
    });
  });

  it('agrees with evaluateIssuance at every instant it is asked about', () => {
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.constantFrom(NEW_YORK, SEOUL, 'Europe/London', 'Australia/Lord_Howe', 'America/Sao_Paulo'),
        fc.constantFrom(
          '2026-03-08',
          '2026-03-29',
          '2026-04-05',
          '2026-11-01',
          '2026-10-25',
          '1988-05-08',
          '2026-06-01',
        ),
        hhmm,
        hhmm,
        fc.integer({ min: -12 * 60, max: 36 * 60 }),
        (timezone, issueDate, a, b, minute) => {
          fc.pre(a !== b);
          const [open, close] = a < b ? [a, b] : [b, a];
          const campaign = {
            timezone,
            startDate: issueDate,
            endDate: issueDate,
            dailyWindow: { open, close },
            couponValidityDays: 0,
          };
          const day = windowOf(campaign, issueDate);
          const instant = Date.parse(`${issueDate}T00:00:00Z`) + minute * 60_000;
          const inside = day.intervals.some((i) => instant >= i.opensAt && instant < i.closesAt);
          expect(inside).toBe(evaluateIssuance(campaign, new Date(instant)).open);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
