import { couponIdOf } from '../../../../src/functions/domain/admission/admission';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import { campaignStats } from '../../../../src/functions/domain/campaign/campaign-admin';
import type { FailedEventStatus } from '../../../../src/functions/domain/failed-events/failed-event';
import { springSaleDefinition } from '../../../support/fixtures';

const campaign: Campaign = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z' };

/** May 1: 3 admitted, 2 coupons (carol's write parked), 1 redeemed; May 2: 1 admitted and persisted. */
function deps(now: string) {
  const ledgers: Record<string, string[]> = { '2026-05-01': ['alice', 'bob', 'carol'], '2026-05-02': ['dave'] };
  const persisted: Record<string, number> = { '2026-05-01': 2, '2026-05-02': 1 };
  const carol = couponIdOf('spring-sale', '2026-05-01', 'carol');
  return {
    campaigns: { get: async (id: string) => (id === 'spring-sale' ? campaign : undefined) },
    admissions: {
      admittedCount: async (day: { issueDate: string }) => ledgers[day.issueDate]?.length ?? 0,
      ledger: async (day: { issueDate: string }) =>
        (ledgers[day.issueDate] ?? []).map((userId, i) => ({ userId, rank: i + 1, admittedAt: now })),
    },
    coupons: {
      dayCounts: async (day: { issueDate: string }) => ({
        persisted: persisted[day.issueDate] ?? 0,
        redeemed: day.issueDate === '2026-05-01' ? 1 : 0,
      }),
      existing: async (ids: readonly string[]) => new Set(ids.filter((id) => id !== carol)),
    },
    failures: {
      statuses: async (ids: readonly string[]) =>
        new Map<string, FailedEventStatus>(ids.filter((id) => id === carol).map((id) => [id, 'PARKED'])),
    },
    clock: () => new Date(now),
  };
}

describe('domain: campaignStats', () => {
  it('counts each day from the start to today in the campaign time zone, with parked admissions', async () => {
    // 2026-05-01T16:00Z is already May 2 in Seoul: the default range is May 1-2.
    const { days } = await campaignStats(deps('2026-05-01T16:00:00Z'), 'spring-sale', {});
    expect(days).toEqual([
      { issueDate: '2026-05-01', quota: 100, admitted: 3, persisted: 2, redeemed: 1, parked: 1 },
      { issueDate: '2026-05-02', quota: 100, admitted: 1, persisted: 1, redeemed: 0, parked: 0 },
    ]);
  });

  it('reports no days before the campaign starts, and clips a range to the event period', async () => {
    expect((await campaignStats(deps('2026-04-01T00:00:00Z'), 'spring-sale', {})).days).toEqual([]);
    const clipped = await campaignStats(deps('2026-06-01T00:00:00Z'), 'spring-sale', {
      from: '2026-04-01',
      to: '2026-12-31',
    });
    expect(clipped.days.map((d) => d.issueDate)).toEqual([
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
      '2026-05-04',
      '2026-05-05',
    ]);
  });

  it('refuses a reversed range and an unknown campaign', async () => {
    const d = deps('2026-05-03T00:00:00Z');
    await expect(campaignStats(d, 'spring-sale', { from: '2026-05-03', to: '2026-05-02' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(campaignStats(d, 'nope', {})).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
  });
});
