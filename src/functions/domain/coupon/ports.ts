import type { CampaignDay } from '../admission/admission';
import type { Page, PageRequest } from '../kernel/page';
import type { Coupon } from './coupon';

// The ports of the coupon aggregate: coupon storage with each day's counts
// (src/functions/adapters/dynamodb/coupon-store.ts).
// Unless a method says otherwise, it throws the backend's error as is on failure (the HTTP edge answers it with
// 503 UNAVAILABLE).

/** What a batch write settled: outcome by coupon id, and the error that left the rest unsettled, if any. */
export interface BatchOutcome {
  readonly settled: Map<string, 'CREATED' | 'EXISTS'>;
  readonly failure?: unknown;
}

/** Coupon storage, with each day's persisted and redeemed counts kept by the same writes. */
export interface CouponStore {
  /**
   * Writes the coupon unless one with its id exists, and counts it as persisted for its day in the same
   * transaction. Returns 'CREATED' or 'EXISTS'.
   */
  putIfAbsent(coupon: Coupon): Promise<'CREATED' | 'EXISTS'>;
  /**
   * {@link putIfAbsent} for many coupons in as few transactions as the store allows, each transaction counting
   * the coupons it wrote. `settled` has the outcome of every coupon id it settled; when a transaction fails for
   * another reason than a coupon existing, its coupons are left out of `settled` and the error is `failure`.
   */
  putAllIfAbsent(coupons: readonly Coupon[]): Promise<BatchOutcome>;
  /** The coupon (strongly consistent read), or undefined. */
  get(couponId: string): Promise<Coupon | undefined>;
  /** The subset of `couponIds` that exist. */
  existing(couponIds: readonly string[]): Promise<Set<string>>;
  /** Coupons persisted for the day. */
  persistedCount(day: CampaignDay): Promise<number>;
  /** Coupons persisted and redeemed for the day (the day's STATS counters). */
  dayCounts(day: CampaignDay): Promise<{ persisted: number; redeemed: number }>;
  /**
   * The user's coupons, newest admission first.
   * @throws InvalidRequestError for a cursor this listing did not issue for this user.
   */
  listByUser(userId: string, page: PageRequest): Promise<Page<Coupon>>;
}

/** Reads of many coupons at once (the winners of a day, src/functions/domain/coupon/winners.ts). */
export interface CouponLookup {
  /** The status and expiry of the coupons among `couponIds` that exist, by id (eventually consistent reads). */
  statesOf(couponIds: readonly string[]): Promise<Map<string, Pick<Coupon, 'couponId' | 'status' | 'expiresAt'>>>;
}
