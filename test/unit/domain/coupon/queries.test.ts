import type { CampaignDay } from '../../../../src/functions/domain/admission/admission';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import { issuanceCount } from '../../../../src/functions/domain/coupon/queries';
import { springSaleDefinition } from '../../../support/fixtures';

const campaign: Campaign = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z' };

/** The query use cases' dependencies over `stored`, with `admitted[issueDate]` admissions, at `now`. */
function depsAt(now: string, admitted: Record<string, number> = {}, stored: Campaign = campaign) {
  return {
    campaigns: { get: async () => stored },
    admissions: { admittedCount: async (day: CampaignDay) => admitted[day.issueDate] ?? 0 } as never,
    coupons: { get: async () => undefined, persistedCount: async () => 28 },
    clock: () => new Date(now),
  };
}

describe('domain: issuanceCount', () => {
  it("answers today's counts with asOf, the instant they were read, so a page behind the edge cache shows their age", async () => {
    expect(await issuanceCount(depsAt('2026-05-01T04:30:00.250Z', { '2026-05-01': 30 }), 'spring-sale')).toEqual({
      issueDate: '2026-05-01',
      quota: 100,
      admitted: 30,
      persisted: 28,
      remaining: 70,
      state: 'OPEN',
      asOf: '2026-05-01T04:30:00.250Z',
    });
  });

  it('says SOLD_OUT_TODAY with nothing remaining once the quota is admitted in the window', async () => {
    const count = await issuanceCount(depsAt('2026-05-01T04:30:00Z', { '2026-05-01': 100 }), 'spring-sale');
    expect(count).toMatchObject({ state: 'SOLD_OUT_TODAY', remaining: 0 });
  });

  it('never says a full quota is left before the period (SCHEDULED), after it (ENDED) or once closed', async () => {
    expect(await issuanceCount(depsAt('2026-04-20T04:30:00Z'), 'spring-sale')).toMatchObject({
      issueDate: '2026-04-20',
      state: 'SCHEDULED',
      quota: 100,
      remaining: null,
    });
    expect(await issuanceCount(depsAt('2026-05-05T07:00:00Z', { '2026-05-05': 4 }), 'spring-sale')).toMatchObject({
      issueDate: '2026-05-05',
      state: 'ENDED',
      admitted: 4,
      remaining: null,
    });
    const closed = { ...campaign, closedAt: '2026-05-02T04:10:00Z' };
    expect(await issuanceCount(depsAt('2026-05-02T04:30:00Z', {}, closed), 'spring-sale')).toMatchObject({
      state: 'CLOSED',
      remaining: null,
    });
  });

  it("answers another day's remaining by that day (null outside the period) and today's state", async () => {
    const deps = depsAt('2026-05-02T04:30:00Z', { '2026-05-01': 60, '2026-05-02': 100 });
    expect(await issuanceCount(deps, 'spring-sale', '2026-05-01')).toMatchObject({
      issueDate: '2026-05-01',
      admitted: 60,
      remaining: 40,
      state: 'SOLD_OUT_TODAY',
    });
    expect(await issuanceCount(deps, 'spring-sale', '2026-05-09')).toMatchObject({ remaining: null });
  });
});
