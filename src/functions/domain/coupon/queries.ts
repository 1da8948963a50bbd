import { couponIdOf } from '../admission/admission';
import type { AdmissionStore } from '../admission/ports';
import { issueDayOf } from '../campaign/campaign';
import { campaignOrThrow } from '../campaign/campaign-lookup';
import { type CampaignState, campaignStateAt, isIssueDay } from '../campaign/campaign-state';
import type { CampaignRepository } from '../campaign/ports';
import type { Clock } from '../kernel/clock';
import { CouponNotFoundError } from '../kernel/errors';
import { type CouponView, couponView } from './coupon';
import type { CouponStore } from './ports';

/** Dependencies of the read-side and admin use cases. */
interface QueryDeps {
  readonly campaigns: Pick<CampaignRepository, 'get'>;
  readonly admissions: AdmissionStore;
  readonly coupons: Pick<CouponStore, 'get' | 'persistedCount'>;
  readonly clock: Clock;
}

/**
 * Counts of one issue day. `persisted <= admitted` while coupons are in flight. `remaining` is
 * `max(0, quota - admitted)` on an issue day (src/functions/domain/campaign/campaign-state.ts `isIssueDay`) and
 * null on any other date, and for today once the campaign is ENDED or CLOSED: no full quota is ever "left" on a
 * day nothing can be issued.
 */
export interface IssuanceCount {
  readonly issueDate: string;
  /** The campaign's daily quota. */
  readonly quota: number;
  readonly admitted: number;
  readonly persisted: number;
  readonly remaining: number | null;
  /** The campaign's state now, whatever `issueDate` (the same as its public view's). */
  readonly state: CampaignState;
  /**
   * When the counts were read (ISO-8601 UTC): behind the edge option's 1 s cache a page can show how fresh the
   * count is.
   */
  readonly asOf: string;
}

/**
 * Admission and persistence counts of `issueDate` (default: today in the campaign's time zone), with the campaign's
 * state now (src/functions/domain/campaign/campaign-state.ts).
 * @throws CampaignNotFoundError
 */
export async function issuanceCount(deps: QueryDeps, campaignId: string, issueDate?: string): Promise<IssuanceCount> {
  const campaign = await campaignOrThrow(deps.campaigns, campaignId);
  const asOf = deps.clock();
  const today = issueDayOf(campaign, asOf);
  const day = { campaignId, issueDate: issueDate ?? today };
  const [admitted, persisted, admittedToday] = await Promise.all([
    deps.admissions.admittedCount(day),
    deps.coupons.persistedCount(day),
    // The state needs today's admissions; another day's are not them.
    day.issueDate === today ? undefined : deps.admissions.admittedCount({ campaignId, issueDate: today }),
  ]);
  const status = campaignStateAt(campaign, asOf, admittedToday ?? admitted);
  const remaining =
    day.issueDate === today
      ? (status.quota?.remaining ?? null)
      : isIssueDay(campaign, day.issueDate)
        ? Math.max(0, campaign.dailyQuota - admitted)
        : null;
  return {
    issueDate: day.issueDate,
    quota: campaign.dailyQuota,
    admitted,
    persisted,
    remaining,
    state: status.state,
    asOf: asOf.toISOString(),
  };
}

/**
 * A user's coupon of one issue day: written (ISSUED, or REDEEMED / EXPIRED later) or admitted and still on its
 * way (PENDING).
 */
type UserCouponState =
  | { readonly status: 'ISSUED' | 'REDEEMED' | 'EXPIRED'; readonly coupon: CouponView }
  | { readonly status: 'PENDING'; readonly couponId: string; readonly issueDate: string; readonly rank: number };

/**
 * The user's coupon of `issueDate` (default: today in the campaign's time zone).
 * @throws CampaignNotFoundError; CouponNotFoundError when the user was never admitted that day.
 */
export async function userCoupon(
  deps: QueryDeps,
  campaignId: string,
  userId: string,
  issueDate?: string,
): Promise<UserCouponState> {
  const campaign = await campaignOrThrow(deps.campaigns, campaignId);
  const day = { campaignId, issueDate: issueDate ?? issueDayOf(campaign, deps.clock()) };
  const couponId = couponIdOf(campaignId, day.issueDate, userId);
  const coupon = await deps.coupons.get(couponId);
  if (coupon) {
    const view = couponView(coupon, deps.clock());
    return { status: view.status, coupon: view };
  }
  const rank = await deps.admissions.rankOf(day, userId);
  if (rank === undefined) throw new CouponNotFoundError(`No coupon for this user on ${day.issueDate}`);
  return { status: 'PENDING', couponId, issueDate: day.issueDate, rank };
}
