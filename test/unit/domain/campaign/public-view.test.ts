import type { CampaignDay } from '../../../../src/functions/domain/admission/admission';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import { publicCampaign } from '../../../../src/functions/domain/campaign/public-view';
import { CampaignNotFoundError } from '../../../../src/functions/domain/kernel/errors';
import { springSaleDefinition } from '../../../support/fixtures';

const campaign: Campaign = {
  ...springSaleDefinition,
  createdAt: '2026-04-01T00:00:00Z',
  prewarm: { concurrency: 5, leadMinutes: 10 },
  version: 3,
};
const ACME = { vendorId: 'acme', name: 'Acme', currency: 'KRW', createdAt: '2026-04-01T00:00:00Z' };

function depsAt(now: string, admitted: Record<string, number> = {}, stored: Campaign | null = campaign) {
  const reads: CampaignDay[] = [];
  return {
    reads,
    deps: {
      campaigns: { get: async () => stored ?? undefined },
      admissions: {
        admittedCount: async (day: CampaignDay) => {
          reads.push(day);
          return admitted[day.issueDate] ?? 0;
        },
      },
      vendors: { get: async (id: string) => (id === ACME.vendorId ? ACME : undefined) },
      clock: () => new Date(now),
    },
  };
}

describe('domain: publicCampaign', () => {
  it('shows a scheduled campaign: name, terms, vendor, calendar, the first window, no quota, nothing private', async () => {
    const { deps, reads } = depsAt('2026-04-30T09:00:00Z');
    expect(await publicCampaign(deps, 'spring-sale')).toEqual({
      campaignId: 'spring-sale',
      name: 'Spring sale',
      vendor: { vendorId: 'acme', name: 'Acme', currency: 'KRW' },
      discount: { type: 'PERCENT', value: 50 },
      timezone: 'Asia/Seoul',
      startDate: '2026-05-01',
      endDate: '2026-05-05',
      dailyWindow: { open: '13:00', close: '15:00' },
      perUserDailyLimit: 1,
      perUserCampaignLimit: null,
      state: 'SCHEDULED',
      today: '2026-04-30',
      window: { opensAt: '2026-05-01T04:00:00.000Z', closesAt: '2026-05-01T06:00:00.000Z' },
      nextOpensAt: '2026-05-01T04:00:00.000Z',
      quota: null,
      remaining: null,
      asOf: '2026-04-30T09:00:00.000Z',
    });
    expect(reads).toEqual([{ campaignId: 'spring-sale', issueDate: '2026-04-30' }]);
  });

  it("shows an open window with today's remaining, and the next day's opening", async () => {
    const { deps } = depsAt('2026-05-02T05:00:00Z', { '2026-05-02': 93 });
    expect(await publicCampaign(deps, 'spring-sale')).toMatchObject({
      state: 'OPEN',
      today: '2026-05-02',
      window: { opensAt: '2026-05-02T04:00:00.000Z', closesAt: '2026-05-02T06:00:00.000Z' },
      nextOpensAt: '2026-05-03T04:00:00.000Z',
      quota: 100,
      remaining: 7,
    });
  });

  it('shows ENDED and CLOSED without a window or quota', async () => {
    expect(await publicCampaign(depsAt('2026-05-06T05:00:00Z').deps, 'spring-sale')).toMatchObject({
      state: 'ENDED',
      window: null,
      nextOpensAt: null,
      quota: null,
      remaining: null,
    });
    const closed = { ...campaign, closedAt: '2026-05-02T04:01:00Z' };
    expect(await publicCampaign(depsAt('2026-05-02T05:00:00Z', {}, closed).deps, 'spring-sale')).toMatchObject({
      state: 'CLOSED',
      window: null,
      nextOpensAt: null,
      quota: null,
    });
  });

  it('shows a campaign whose vendor record is missing with vendor null', async () => {
    const orphan = { ...campaign, vendorId: 'gone' };
    expect(await publicCampaign(depsAt('2026-05-02T05:00:00Z', {}, orphan).deps, 'spring-sale')).toMatchObject({
      vendor: null,
    });
  });

  it('throws CampaignNotFoundError for an unknown campaign', async () => {
    await expect(publicCampaign(depsAt('2026-05-02T05:00:00Z', {}, null).deps, 'nope')).rejects.toBeInstanceOf(
      CampaignNotFoundError,
    );
  });
});
