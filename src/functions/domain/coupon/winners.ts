import { type CampaignDay, couponIdOf } from '../admission/admission';
import type { AdmissionStore } from '../admission/ports';
import { campaignOrThrow } from '../campaign/campaign-lookup';
import type { CampaignRepository } from '../campaign/ports';
import type { Clock } from '../kernel/clock';
import type { CouponLookup, CouponStore } from './ports';

// Who won a campaign day: the admission ledger (the source of truth of who was admitted, in rank order) joined
// with the coupons, with the day's admitted, persisted and quota, so an auditor sees `admitted == persisted <=
// quota` once the day is whole.

/**
 * Status of a winner's coupon: as its owner sees it (ISSUED, REDEEMED, EXPIRED), or PENDING while admitted
 * without a coupon yet (queued, retried, or parked: see failed-events/).
 */
type WinnerCouponStatus = 'ISSUED' | 'REDEEMED' | 'EXPIRED' | 'PENDING';

/** One admitted user of the day. `admittedAt` is ISO-8601 UTC; `couponId` the admission's (deterministic) id. */
export interface Winner {
  readonly rank: number;
  readonly userId: string;
  readonly admittedAt: string;
  readonly couponId: string;
  readonly couponStatus: WinnerCouponStatus;
}

/**
 * One page of a day's winners in rank order, with the day's totals: quota, users in the ledger (`admitted`) and
 * coupons written (`persisted`). `nextCursor` (`r<rank>`) is absent on the last page.
 */
export interface WinnersPage {
  readonly campaignId: string;
  readonly issueDate: string;
  readonly quota: number;
  readonly admitted: number;
  readonly persisted: number;
  readonly items: Winner[];
  readonly nextCursor?: string;
}

/** Dependencies of {@link dayWinners}. */
interface WinnersDeps {
  readonly campaigns: Pick<CampaignRepository, 'get'>;
  readonly admissions: Pick<AdmissionStore, 'ledger'>;
  readonly coupons: Pick<CouponStore, 'persistedCount'> & CouponLookup;
  readonly clock: Clock;
}

/**
 * One page of a campaign day's winners, in rank order, after the rank in `cursor` (`r<rank>`), with the day's
 * quota, admitted and persisted. Reads the whole ledger (at most `quota` entries) and the page's coupons.
 * A cursor past the last rank gives an empty page.
 * @throws CampaignNotFoundError
 */
export async function dayWinners(
  deps: WinnersDeps,
  day: CampaignDay,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<WinnersPage> {
  const campaign = await campaignOrThrow(deps.campaigns, day.campaignId);
  const [ledger, persisted] = await Promise.all([deps.admissions.ledger(day), deps.coupons.persistedCount(day)]);
  const after = page.cursor === undefined ? 0 : Number(page.cursor.slice(1));
  const sorted = [...ledger].sort((a, b) => a.rank - b.rank);
  const rest = sorted.filter((entry) => entry.rank > after);
  const entries = rest.slice(0, page.limit);
  const ids = entries.map((entry) => couponIdOf(day.campaignId, day.issueDate, entry.userId));
  const coupons = await deps.coupons.statesOf(ids);
  const now = deps.clock();
  const items: Winner[] = entries.map((entry, i) => {
    const couponId = ids[i] as string;
    const coupon = coupons.get(couponId);
    return {
      rank: entry.rank,
      userId: entry.userId,
      admittedAt: entry.admittedAt,
      couponId,
      couponStatus: !coupon
        ? 'PENDING'
        : coupon.status === 'ISSUED' && now.getTime() >= Date.parse(coupon.expiresAt)
          ? 'EXPIRED'
          : coupon.status,
    };
  });
  const last = entries.at(-1);
  const more = rest.length > entries.length && last !== undefined;
  return {
    ...day,
    quota: campaign.dailyQuota,
    admitted: ledger.length,
    persisted,
    items,
    ...(more ? { nextCursor: `r${last.rank}` } : {}),
  };
}
