import fc from 'fast-check';
import { issueCoupon } from '../../../../src/functions/domain/admission/issue-coupon';
import { SoldOutCache } from '../../../../src/functions/domain/admission/sold-out-cache';
import { type Campaign, evaluateIssuance, issueDayOf } from '../../../../src/functions/domain/campaign/campaign';
import { campaignStateAt, isIssueDay } from '../../../../src/functions/domain/campaign/campaign-state';
import { windowOf } from '../../../../src/functions/domain/campaign/issue-calendar';
import { EndedError, NotOpenError, SoldOutError } from '../../../../src/functions/domain/kernel/errors';
import { addDays, startOfLocalDay } from '../../../../src/functions/domain/kernel/zoned-time';
import { MemoryAdmissions } from '../../../support/fakes';

/** Zones with and without daylight saving, half-hour and 45-minute offsets, and both ends of the offset range. */
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Asia/Seoul',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];
/** Period starts near 2027's daylight saving changes (New York, London, Lord Howe) and on ordinary days. */
const STARTS = ['2027-03-12', '2027-03-27', '2027-04-03', '2027-10-02', '2027-10-30', '2027-11-06', '2027-06-15'];
const DAY_MS = 86_400_000;
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const campaignArb = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    startDate: fc.constantFrom(...STARTS),
    days: fc.integer({ min: 0, max: 4 }),
    open: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    length: fc.integer({ min: 1, max: 24 * 60 }),
    dailyQuota: fc.integer({ min: 1, max: 5 }),
  })
  .map(({ timezone, startDate, days, open, length, dailyQuota }) => ({
    timezone,
    startDate,
    endDate: addDays(startDate, days),
    dailyWindow: { open: hhmm(open), close: open + length >= 24 * 60 ? '24:00' : hhmm(open + length) },
    dailyQuota,
    couponValidityDays: 7,
  }));

/** A campaign and an instant from two days before its period to two days after it. */
const caseArb = campaignArb.chain((campaign) => {
  const from = startOfLocalDay(campaign.timezone, campaign.startDate) - 2 * DAY_MS;
  const to = startOfLocalDay(campaign.timezone, addDays(campaign.endDate, 3));
  return fc.record({
    campaign: fc.constant(campaign),
    now: fc.integer({ min: from, max: to }).map((ms) => new Date(ms)),
    admitted: fc.integer({ min: 0, max: 6 }),
  });
});

/** Every open stretch of the period, ascending, from windowOf day by day: the oracle. */
function stretchesOf(campaign: Parameters<typeof windowOf>[0] & { startDate: string; endDate: string }) {
  const all: { opensAt: number; closesAt: number }[] = [];
  for (let d = campaign.startDate; d <= campaign.endDate; d = addDays(d, 1))
    all.push(...windowOf(campaign, d).intervals);
  return all;
}

describe('domain: campaignStateAt', () => {
  it('says OPEN or SOLD_OUT_TODAY exactly when the issue route would admit, by the quota', () => {
    fc.assert(
      fc.property(caseArb, ({ campaign, now, admitted }) => {
        const { state } = campaignStateAt(campaign, now, admitted);
        const open = evaluateIssuance(campaign, now).open;
        expect(state === 'OPEN' || state === 'SOLD_OUT_TODAY').toBe(open);
        if (open) expect(state).toBe(admitted >= campaign.dailyQuota ? 'SOLD_OUT_TODAY' : 'OPEN');
      }),
      { numRuns: 300 },
    );
  });

  it('splits the rest by the period: SCHEDULED before its first opening, ENDED after its last closing', () => {
    fc.assert(
      fc.property(caseArb, ({ campaign, now, admitted }) => {
        const { state, window, nextOpensAt } = campaignStateAt(campaign, now, admitted);
        const stretches = stretchesOf(campaign);
        const first = stretches[0];
        const last = stretches.at(-1);
        const t = now.getTime();
        if (!first || !last) {
          expect(state).toBe('ENDED');
          return;
        }
        expect(state === 'SCHEDULED').toBe(t < first.opensAt);
        expect(state === 'ENDED').toBe(t >= last.closesAt);
        const current = stretches.find((s) => s.opensAt <= t && t < s.closesAt);
        const next = stretches.find((s) => s.opensAt > t);
        expect(nextOpensAt?.getTime()).toBe(next?.opensAt);
        if (state === 'SCHEDULED' || state === 'BETWEEN_WINDOWS') {
          expect(current).toBeUndefined();
          expect(window && [window.opensAt.getTime(), window.closesAt.getTime()]).toEqual(
            next && [next.opensAt, next.closesAt],
          );
        }
        if (state === 'OPEN' || state === 'SOLD_OUT_TODAY') {
          expect(window && [window.opensAt.getTime(), window.closesAt.getTime()]).toEqual(
            current && [current.opensAt, current.closesAt],
          );
        }
        if (state === 'ENDED') expect(window).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("gives today's quota only on an issue day of a campaign that has not ended, never a full quota outside one", () => {
    fc.assert(
      fc.property(caseArb, ({ campaign, now, admitted }) => {
        const status = campaignStateAt(campaign, now, admitted);
        const issueDay =
          status.today >= campaign.startDate &&
          status.today <= campaign.endDate &&
          windowOf(campaign, status.today).intervals.length > 0;
        expect(status.quota !== undefined).toBe(issueDay && status.state !== 'ENDED');
        if (status.quota) {
          expect(status.quota).toEqual({
            quota: campaign.dailyQuota,
            admitted,
            remaining: Math.max(0, campaign.dailyQuota - admitted),
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('says CLOSED from the instant an admin closed it, with no window, next opening or quota', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: -2 * DAY_MS, max: 2 * DAY_MS }), ({ campaign, now, admitted }, shift) => {
        const closedAt = new Date(now.getTime() + shift).toISOString();
        const status = campaignStateAt({ ...campaign, closedAt }, now, admitted);
        if (shift <= 0) {
          expect(status).toEqual({ state: 'CLOSED', today: status.today });
        } else {
          expect(status.state).not.toBe('CLOSED');
          if (status.nextOpensAt) expect(status.nextOpensAt.getTime()).toBeLessThan(Date.parse(closedAt));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with the issue route's answer at the same instant, closed or not", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.boolean(), async ({ campaign, now, admitted }, closed) => {
        // Prepare: the campaign stored (closed a moment ago, or not) and `admitted` users already in today.
        const stored: Campaign = {
          ...campaign,
          campaignId: 'c1',
          vendorId: 'v1',
          name: 'C1',
          perUserDailyLimit: 1,
          counterShards: 1,
          discount: { type: 'AMOUNT', value: 100 },
          createdAt: '2027-01-01T00:00:00Z',
          ...(closed ? { closedAt: new Date(now.getTime() - 1).toISOString() } : {}),
        };
        const admissions = new MemoryAdmissions();
        const day = { campaignId: 'c1', issueDate: issueDayOf(stored, now) };
        for (let i = 0; i < admitted; i++) {
          await admissions.admit({
            day,
            userId: `u${i}`,
            requestId: `r${i}`,
            quota: 1e9,
            admittedAt: '',
            expiresAt: 0,
          });
        }
        const deps = {
          campaigns: { get: async () => stored },
          admissions,
          queue: { send: async () => undefined },
          soldOut: new SoldOutCache(() => now),
          clock: () => now,
          log: { warn: () => undefined, error: () => undefined },
          admissionRetentionDays: 7,
        };

        // Act
        const status = campaignStateAt(stored, now, admitted);
        const answer = await issueCoupon(deps, { campaignId: 'c1', userId: 'newcomer', requestId: 'r' }).then(
          () => 'ADMITTED' as const,
          (error: unknown) => error,
        );

        // Assess
        switch (status.state) {
          case 'OPEN':
            expect(answer).toBe('ADMITTED');
            break;
          case 'SOLD_OUT_TODAY':
            expect(answer).toBeInstanceOf(SoldOutError);
            break;
          case 'SCHEDULED':
          case 'BETWEEN_WINDOWS':
            expect(answer).toBeInstanceOf(NotOpenError);
            expect((answer as NotOpenError).opensAt?.getTime()).toBe(status.window?.opensAt.getTime());
            break;
          case 'ENDED':
            expect(answer).toBeInstanceOf(EndedError);
            break;
          case 'CLOSED':
            expect(answer).toBeInstanceOf(NotOpenError);
            expect((answer as NotOpenError).opensAt).toBeUndefined();
            break;
        }
      }),
      { numRuns: 200 },
    );
  });

  describe('examples (Seoul, 10:00-12:00, 2027-05-01..2027-05-02, quota 3)', () => {
    const seoul = {
      timezone: 'Asia/Seoul',
      startDate: '2027-05-01',
      endDate: '2027-05-02',
      dailyWindow: { open: '10:00', close: '12:00' },
      dailyQuota: 3,
      couponValidityDays: 7,
    };
    const at = (iso: string, admitted = 0) => campaignStateAt(seoul, new Date(iso), admitted);

    it('is SCHEDULED the day before, with the first window and no quota', () => {
      expect(at('2027-04-30T03:00:00Z')).toEqual({
        state: 'SCHEDULED',
        today: '2027-04-30',
        window: { opensAt: new Date('2027-05-01T01:00:00Z'), closesAt: new Date('2027-05-01T03:00:00Z') },
        nextOpensAt: new Date('2027-05-01T01:00:00Z'),
      });
    });

    it('is SCHEDULED on the first morning before the window, with the full quota of the day to come', () => {
      expect(at('2027-05-01T00:30:00Z')).toMatchObject({
        state: 'SCHEDULED',
        quota: { quota: 3, admitted: 0, remaining: 3 },
      });
    });

    it('is OPEN in the window, SOLD_OUT_TODAY at the quota, BETWEEN_WINDOWS after it, ENDED after the last', () => {
      expect(at('2027-05-01T02:00:00Z', 2)).toMatchObject({
        state: 'OPEN',
        window: { opensAt: new Date('2027-05-01T01:00:00Z'), closesAt: new Date('2027-05-01T03:00:00Z') },
        nextOpensAt: new Date('2027-05-02T01:00:00Z'),
        quota: { remaining: 1 },
      });
      expect(at('2027-05-01T02:00:00Z', 3)).toMatchObject({ state: 'SOLD_OUT_TODAY', quota: { remaining: 0 } });
      expect(at('2027-05-01T03:00:00Z', 3)).toMatchObject({
        state: 'BETWEEN_WINDOWS',
        window: { opensAt: new Date('2027-05-02T01:00:00Z') },
      });
      expect(at('2027-05-02T03:00:00Z', 1)).toEqual({ state: 'ENDED', today: '2027-05-02' });
    });
  });
});

describe('domain: isIssueDay', () => {
  const ny = {
    timezone: 'America/New_York',
    startDate: '2027-03-13',
    endDate: '2027-03-15',
    dailyWindow: { open: '02:00', close: '02:59' },
  };

  it('is false outside the period and on a day whose window daylight saving skips', () => {
    expect(
      ['2027-03-12', '2027-03-13', '2027-03-14', '2027-03-15', '2027-03-16'].map((d) => isIssueDay(ny, d)),
    ).toEqual([false, true, false, true, false]);
  });

  it('is false from the local date an admin closed the campaign', () => {
    const closed = { ...ny, closedAt: '2027-03-15T05:00:00Z' }; // 01:00 EDT on the 15th
    expect(isIssueDay(closed, '2027-03-13')).toBe(true);
    expect(isIssueDay(closed, '2027-03-15')).toBe(false);
  });
});
