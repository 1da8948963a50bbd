import type { Campaign } from '../campaign/campaign';

/** How a coupon was used: the order, what the vendor was credited (minor units) and when (ISO-8601 UTC). */
export interface Redemption {
  /** The checkout redemption (src/functions/domain/vendor/checkout.ts); absent on redemptions before 2.0. */
  readonly redemptionId?: string;
  readonly orderId: string;
  /** The order amount the checkout sent, minor units (absent on some redemptions before 2.0). */
  readonly orderAmount?: number;
  /** The order's currency, ISO 4217 (absent on redemptions before 2.0). */
  readonly currency?: string;
  /** The credit to the vendor's settlement ledger, minor units of the vendor's currency. */
  readonly amount: number;
  readonly redeemedAt: string;
}

/**
 * A coupon as stored. Instants are ISO-8601 UTC; `issueDate` is the local issue day. `status` moves
 * ISSUED -> REDEEMED (with `redemption`), and back to ISSUED when a checkout refunds the redemption; expiry is not stored but read from `expiresAt` (see couponView).
 */
export interface Coupon {
  readonly couponId: string;
  readonly campaignId: string;
  /** The campaign's vendor, credited on redemption (absent on coupons written before vendors existed). */
  readonly vendorId?: string;
  readonly issueDate: string;
  readonly userId: string;
  readonly rank: number;
  readonly admittedAt: string;
  readonly issuedAt: string;
  /** Exclusive end of validity, see couponExpiresAt. */
  readonly expiresAt: string;
  readonly status: 'ISSUED' | 'REDEEMED';
  readonly discount: Campaign['discount'];
  readonly redemption?: Redemption;
}

/** A coupon as shown to its owner: `EXPIRED` when an ISSUED coupon's validity has ended at `now`. */
export type CouponView = Omit<Coupon, 'status'> & { readonly status: 'ISSUED' | 'REDEEMED' | 'EXPIRED' };

/** The coupon's status at `now` (ISSUED, REDEEMED, or EXPIRED once `expiresAt` has passed unredeemed). */
export function couponView(coupon: Coupon, now: Date): CouponView {
  const expired = coupon.status === 'ISSUED' && now.getTime() >= Date.parse(coupon.expiresAt);
  return { ...coupon, status: expired ? 'EXPIRED' : coupon.status };
}
