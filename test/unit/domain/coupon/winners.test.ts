import { couponIdOf } from '../../../../src/functions/domain/admission/admission';
import type { LedgerEntry } from '../../../../src/functions/domain/admission/ports';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import type { Coupon } from '../../../../src/functions/domain/coupon/coupon';
import { dayWinners } from '../../../../src/functions/domain/coupon/winners';

const day = { campaignId: 'spring', issueDate: '2026-05-01' };
const NOW = new Date('2026-05-10T00:00:00.000Z');
const entry = (userId: string, rank: number): LedgerEntry => ({
  userId,
  rank,
  admittedAt: `2026-05-01T09:00:0${rank}.000Z`,
});

function deps(ledger: LedgerEntry[], coupons: Record<string, Pick<Coupon, 'status' | 'expiresAt'>>) {
  const states = new Map(
    Object.entries(coupons).map(([userId, c]) => {
      const couponId = couponIdOf(day.campaignId, day.issueDate, userId);
      return [couponId, { couponId, ...c }];
    }),
  );
  return {
    campaigns: { get: async () => ({ campaignId: 'spring', dailyQuota: 5 }) as Campaign },
    admissions: { ledger: async () => [...ledger].reverse() },
    coupons: {
      persistedCount: async () => states.size,
      statesOf: async (ids: readonly string[]) => new Map([...states].filter(([id]) => ids.includes(id))),
    },
    clock: () => NOW,
  };
}

describe('domain: winners', () => {
  const ledger = [entry('alice', 1), entry('bob', 2), entry('carol', 3)];
  const coupons = {
    alice: { status: 'REDEEMED', expiresAt: '2026-05-02T00:00:00.000Z' },
    bob: { status: 'ISSUED', expiresAt: '2026-05-02T00:00:00.000Z' },
  } as const;

  it('lists the day in rank order with each coupon and its status, and the totals an auditor checks', async () => {
    const page = await dayWinners(deps(ledger, coupons), day, { limit: 10 });
    expect(page).toMatchObject({ ...day, quota: 5, admitted: 3, persisted: 2 });
    expect(page.items.map((w) => [w.rank, w.userId, w.couponStatus])).toEqual([
      [1, 'alice', 'REDEEMED'],
      [2, 'bob', 'EXPIRED'],
      [3, 'carol', 'PENDING'],
    ]);
    expect(page.items[2]?.couponId).toBe(couponIdOf('spring', '2026-05-01', 'carol'));
    expect(page.nextCursor).toBeUndefined();
  });

  it('pages by rank', async () => {
    const first = await dayWinners(deps(ledger, coupons), day, { limit: 2 });
    expect(first.items.map((w) => w.rank)).toEqual([1, 2]);
    const second = await dayWinners(deps(ledger, coupons), day, { limit: 2, cursor: first.nextCursor as string });
    expect(second.items.map((w) => w.rank)).toEqual([3]);
    expect(second.nextCursor).toBeUndefined();
  });
});
