import fc from 'fast-check';
import {
  admissionExpiresAt,
  type Campaign,
  campaignDefinitionSchema,
  campaignUpdateSchema,
  couponExpiresAt,
  evaluateIssuance,
  issueDayOf,
} from '../../../../src/functions/domain/campaign/campaign';
import { updateCampaign } from '../../../../src/functions/domain/campaign/campaign-admin';
import { springSaleDefinition } from '../../../support/fixtures';

const seoul = springSaleDefinition;
const at = (iso: string) => new Date(iso);

describe('domain: campaign rules', () => {
  it('takes the issue day from the campaign time zone, not UTC', () => {
    // 2026-05-01 23:30 UTC is already 2026-05-02 08:30 in Seoul (UTC+9).
    expect(issueDayOf(seoul, at('2026-05-01T23:30:00Z'))).toBe('2026-05-02');
    expect(issueDayOf(seoul, at('2026-05-01T14:59:59Z'))).toBe('2026-05-01');
    expect(issueDayOf(seoul, at('2026-05-01T15:00:00Z'))).toBe('2026-05-02');
  });

  it('opens at the window start and closes at the exclusive window end', () => {
    expect(evaluateIssuance(seoul, at('2026-05-01T03:59:59Z'))).toEqual({
      open: false,
      issueDate: '2026-05-01',
      reason: 'BEFORE_WINDOW',
    });
    expect(evaluateIssuance(seoul, at('2026-05-01T04:00:00Z'))).toEqual({ open: true, issueDate: '2026-05-01' });
    expect(evaluateIssuance(seoul, at('2026-05-01T05:59:59Z'))).toEqual({ open: true, issueDate: '2026-05-01' });
    expect(evaluateIssuance(seoul, at('2026-05-01T06:00:00Z'))).toMatchObject({ open: false, reason: 'AFTER_WINDOW' });
  });

  it('is closed outside the event period, inclusive of both ends', () => {
    expect(evaluateIssuance(seoul, at('2026-04-30T05:00:00Z'))).toMatchObject({ open: false, reason: 'BEFORE_PERIOD' });
    expect(evaluateIssuance(seoul, at('2026-05-05T05:00:00Z'))).toMatchObject({ open: true, issueDate: '2026-05-05' });
    expect(evaluateIssuance(seoul, at('2026-05-06T05:00:00Z'))).toMatchObject({ open: false, reason: 'AFTER_PERIOD' });
  });

  it('treats 24:00 as the end of the local day, so a window can run up to midnight', () => {
    const lateNight = { ...seoul, dailyWindow: { open: '22:00', close: '24:00' } };
    expect(evaluateIssuance(lateNight, at('2026-05-01T14:59:59Z'))).toEqual({ open: true, issueDate: '2026-05-01' });
    // Midnight belongs to the next issue day, where the window is not open yet.
    expect(evaluateIssuance(lateNight, at('2026-05-01T15:00:00Z'))).toMatchObject({
      open: false,
      issueDate: '2026-05-02',
      reason: 'BEFORE_WINDOW',
    });
  });

  it('follows local clocks across a DST change (America/New_York, spring forward 2026-03-08)', () => {
    const ny = {
      ...seoul,
      timezone: 'America/New_York',
      startDate: '2026-03-01',
      endDate: '2026-03-31',
      dailyWindow: { open: '02:30', close: '04:00' },
    };
    // 02:30 does not exist that day: clocks jump from 01:59:59 EST to 03:00 EDT, when the window is open.
    expect(evaluateIssuance(ny, at('2026-03-08T06:59:59Z'))).toMatchObject({ open: false, reason: 'BEFORE_WINDOW' });
    expect(evaluateIssuance(ny, at('2026-03-08T07:00:00Z'))).toEqual({ open: true, issueDate: '2026-03-08' });
    // 04:00 EDT is 08:00 UTC.
    expect(evaluateIssuance(ny, at('2026-03-08T07:59:59Z'))).toMatchObject({ open: true });
    expect(evaluateIssuance(ny, at('2026-03-08T08:00:00Z'))).toMatchObject({ open: false, reason: 'AFTER_WINDOW' });
    // The day before, 02:30 EST is 07:30 UTC.
    expect(evaluateIssuance(ny, at('2026-03-07T07:29:59Z'))).toMatchObject({ open: false });
    expect(evaluateIssuance(ny, at('2026-03-07T07:30:00Z'))).toMatchObject({ open: true });
  });

  it('ends coupon validity at the end of endDate + couponValidityDays in the campaign zone', () => {
    // 2026-05-05 + 30 days = 2026-06-04; valid until 2026-06-05 00:00 Seoul = 2026-06-04T15:00Z.
    expect(couponExpiresAt(seoul).toISOString()).toBe('2026-06-04T15:00:00.000Z');
  });

  it('expires admission state a retention period after the issue day ends', () => {
    expect(admissionExpiresAt(seoul, '2026-05-01', 7)).toBe(Date.parse('2026-05-08T15:00:00Z') / 1000);
  });

  it('never reports an issue day other than the local date of the instant (property)', () => {
    const zones = ['UTC', 'Asia/Seoul', 'America/New_York', 'Europe/London', 'Pacific/Chatham', 'Asia/Kolkata'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
        (zone, instant) => {
          const local = new Intl.DateTimeFormat('en-CA', {
            timeZone: zone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          }).format(instant);
          expect(issueDayOf({ timezone: zone }, instant)).toBe(local);
        },
      ),
    );
  });
});

/** Local wall clock of `instant` in `zone` by Intl (an implementation independent of Luxon's). */
function wallClock(zone: string, instant: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

// DST zones with 1-hour, 30-minute (Lord Howe) and at-midnight (Santiago) changes, a 45-minute offset
// (Chatham) and zones without DST.
const ZONES = [
  'UTC',
  'Asia/Seoul',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'Asia/Kolkata',
];
const instants = fc.date({ min: new Date('2025-01-01'), max: new Date('2028-12-31'), noInvalidDate: true });

describe('domain: campaign rules (properties)', () => {
  it('is open exactly when the local date is in the period and the local time in [open, close)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc
          .integer({ min: 0, max: 1439 })
          .chain((open) => fc.tuple(fc.constant(open), fc.integer({ min: open + 1, max: 1440 }))),
        fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 5 })),
        instants,
        (timezone, [open, close], [startShift, length], instant) => {
          const local = wallClock(timezone, instant);
          const day = (shift: number) =>
            new Date(Date.parse(local.date) + shift * 86_400_000).toISOString().slice(0, 10);
          const campaign = {
            ...seoul,
            timezone,
            startDate: day(startShift),
            endDate: day(startShift + length),
            dailyWindow: { open: hhmm(open), close: close === 1440 ? '24:00' : hhmm(close) },
          };
          const inPeriod = local.date >= campaign.startDate && local.date <= campaign.endDate;
          const inWindow = local.minute >= open && local.minute < close;
          const state = evaluateIssuance(campaign, instant);
          expect(state.issueDate).toBe(local.date);
          expect(state.open).toBe(inPeriod && inWindow);
          if (!state.open) {
            const expected = !inPeriod
              ? local.date < campaign.startDate
                ? 'BEFORE_PERIOD'
                : 'AFTER_PERIOD'
              : local.minute < open
                ? 'BEFORE_WINDOW'
                : 'AFTER_WINDOW';
            expect(state.reason).toBe(expected);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('changes the issue day only at local midnight, one day at a time, in every zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instants, fc.integer({ min: 1, max: 3_600_000 }), (zone, t, stepMs) => {
        const before = issueDayOf({ timezone: zone }, t);
        const afterInstant = new Date(t.getTime() + stepMs);
        const after = issueDayOf({ timezone: zone }, afterInstant);
        if (before === after) return;
        // The next day, reached within the step: local midnight (or the first minute after a skipped midnight).
        expect(after).toBe(new Date(Date.parse(before) + 86_400_000).toISOString().slice(0, 10));
        const localAfter = wallClock(zone, afterInstant);
        expect(localAfter.minute).toBeLessThan(stepMs / 60_000 + 61);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('domain: campaign definition schema', () => {
  const valid = springSaleDefinition;
  const problem = (input: unknown) => {
    const result = campaignDefinitionSchema.safeParse(input);
    return result.success ? undefined : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };

  it('accepts the documented example', () => {
    expect(problem(valid)).toBeUndefined();
  });

  it.each([
    ['end before start', { endDate: '2026-04-30' }, 'endDate'],
    ['window close before open', { dailyWindow: { open: '15:00', close: '13:00' } }, 'dailyWindow'],
    ['quota 0', { dailyQuota: 0 }, 'dailyQuota'],
    ['negative quota', { dailyQuota: -5 }, 'dailyQuota'],
    ['unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['impossible date', { startDate: '2026-02-30' }, 'startDate'],
    ['per-user limit other than 1', { perUserDailyLimit: 2 }, 'perUserDailyLimit'],
    ['per-campaign limit other than 1', { perUserCampaignLimit: 2 }, 'perUserCampaignLimit'],
    ['unknown field', { surprise: true }, 'surprise'],
    ['no counter shard', { counterShards: 0 }, 'counterShards'],
    ['more than 100 counter shards', { counterShards: 101 }, 'counterShards'],
    ['fractional counter shards', { counterShards: 2.5 }, 'counterShards'],
  ])('rejects %s, naming the field', (_, change, field) => {
    expect(problem({ ...valid, ...change })).toContain(field);
  });

  it('accepts one coupon per user for the whole campaign, and leaves it out by default', () => {
    expect(campaignDefinitionSchema.parse({ ...valid, perUserCampaignLimit: 1 }).perUserCampaignLimit).toBe(1);
    expect(campaignDefinitionSchema.parse(valid).perUserCampaignLimit).toBeUndefined();
  });

  it('defaults to one counter shard', () => {
    const { counterShards: _, ...withoutShards } = valid;
    expect(campaignDefinitionSchema.parse(withoutShards).counterShards).toBe(1);
  });
});

describe('domain: the kill switch and updates before the start', () => {
  const stored: Campaign = {
    ...springSaleDefinition,
    counterShards: 8,
    createdAt: '2026-04-01T00:00:00Z',
    version: 1,
  };

  it('answers CLOSED from closedAt on, inside the window', () => {
    const closed = { ...stored, closedAt: '2026-05-01T04:30:00.000Z' }; // 13:30 in Seoul
    expect(evaluateIssuance(closed, new Date('2026-05-01T04:29:59.999Z'))).toMatchObject({ open: true });
    expect(evaluateIssuance(closed, new Date('2026-05-01T04:30:00.000Z'))).toMatchObject({ reason: 'CLOSED' });
  });

  function admin(at: string) {
    const replaced: Campaign[] = [];
    const deps = {
      campaigns: {
        get: async (id: string) => (id === stored.campaignId ? stored : undefined),
        create: async () => undefined,
        list: async () => [],
        page: async () => ({ items: [] }),
        replace: async (c: Campaign) => {
          replaced.push(c);
        },
        close: async () => stored,
      },
      vendors: { get: async (id: string) => (id === 'acme' ? { vendorId: id } : undefined) } as never,
      clock: () => new Date(at),
    };
    return { replaced, update: (u: Record<string, unknown>) => updateCampaign(deps, stored.campaignId, u) };
  }

  it('accepts an update up to 60 s before the first issue day begins in its time zone, bumping the version', async () => {
    // May 1 00:00 in Seoul is Apr 30 15:00Z; the last accepted instant is 14:58:59.999Z.
    const { replaced, update } = admin('2026-04-30T14:58:59.999Z');
    const updated = await update(campaignUpdateSchema.parse({ dailyQuota: 500, name: 'Bigger sale' }));
    // Fields left out keep their stored values (counterShards has a default only at creation).
    expect(updated).toMatchObject({ dailyQuota: 500, name: 'Bigger sale', version: 2, counterShards: 8 });
    expect(replaced).toEqual([updated]);
    await expect(admin('2026-04-30T14:59:00.000Z').update({ dailyQuota: 500 })).rejects.toMatchObject({
      code: 'CAMPAIGN_STARTED',
      statusCode: 409,
    });
  });

  it('sets the campaign limit before the start, keeps it when left out and removes it with null', async () => {
    const { update } = admin('2026-04-01T00:00:00Z');
    const limited = await update(campaignUpdateSchema.parse({ perUserCampaignLimit: 1 }));
    expect(limited.perUserCampaignLimit).toBe(1);
    expect(campaignUpdateSchema.safeParse({ perUserCampaignLimit: 2 }).error?.issues[0]?.path).toEqual([
      'perUserCampaignLimit',
    ]);
    expect((await update(campaignUpdateSchema.parse({ perUserCampaignLimit: null }))).perUserCampaignLimit).toBe(
      undefined,
    );
    // After the start it is fixed, as every field is.
    await expect(admin('2026-05-01T04:30:00Z').update({ perUserCampaignLimit: null })).rejects.toMatchObject({
      code: 'CAMPAIGN_STARTED',
    });
  });

  it('refuses an update whose merged definition is invalid, starts too soon, or names an unknown vendor', async () => {
    const { replaced, update } = admin('2026-04-01T00:00:00Z');
    await expect(update({ endDate: '2026-04-20' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('endDate'),
    });
    await expect(update({ startDate: '2026-04-01' })).rejects.toMatchObject({ code: 'CAMPAIGN_STARTED' });
    await expect(update({ vendorId: 'nobody' })).rejects.toMatchObject({ code: 'UNKNOWN_VENDOR', statusCode: 422 });
    expect(replaced).toEqual([]);
  });

  it('refuses to update a closed campaign', async () => {
    const deps = admin('2026-04-01T00:00:00Z');
    stored.closedAt = '2026-03-31T00:00:00Z';
    try {
      await expect(deps.update({ dailyQuota: 5 })).rejects.toMatchObject({ code: 'CAMPAIGN_STARTED' });
    } finally {
      delete stored.closedAt;
    }
  });
});
