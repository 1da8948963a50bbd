import type { Campaign } from '../campaign/campaign';
import type { Coupon } from '../coupon/coupon';

/**
 * The checkout's model (README.md, "Checkout"): the shop's checkout service, server side with its own IAM role,
 * quotes a coupon for an order it is charging, redeems it, and refunds the redemption when the order is cancelled
 * or returned. Amounts are minor units of `currency` (ISO 4217), which must be the vendor's.
 */

/** An order a checkout asks about: who pays, with which coupon, how much, in which currency. */
export interface CheckoutOrder {
  readonly userId: string;
  readonly couponId: string;
  /** The order's amount before the discount, minor units of `currency`. */
  readonly orderAmount: number;
  /** ISO 4217 code. */
  readonly currency: string;
}

/** A redeem request: {@link CheckoutOrder} with the vendor's order id, the idempotency key. */
export interface RedeemRequest extends CheckoutOrder {
  /** The vendor's order id: one redemption per (vendor, orderId). */
  readonly orderId: string;
}

/**
 * A checkout redemption, stored once per (vendor, orderId) in the vendor table and never deleted: REDEEMED, then
 * REFUNDED at most once. Instants are ISO-8601 UTC.
 */
export interface CheckoutRedemption {
  /** {@link redemptionIdOf} (vendorId, orderId). */
  readonly redemptionId: string;
  readonly vendorId: string;
  readonly orderId: string;
  readonly couponId: string;
  readonly userId: string;
  readonly campaignId: string;
  /** The coupon's local issue day, whose redeemed count the redemption and its refund move. */
  readonly issueDate: string;
  readonly orderAmount: number;
  readonly currency: string;
  /** The discount the order got, which the vendor is credited (minor units of `currency`). */
  readonly discountAmount: number;
  readonly status: 'REDEEMED' | 'REFUNDED';
  readonly redeemedAt: string;
  readonly refundedAt?: string;
  /** Why the checkout refunded it (order cancelled or returned), as it said. */
  readonly refundReason?: string;
}

/** Why a coupon gives an order no discount (the quote's `reasons`, the 422 NOT_APPLICABLE's details). */
export type QuoteReasonCode =
  | 'NOT_OWNER'
  | 'REDEEMED'
  | 'EXPIRED'
  | 'CURRENCY_MISMATCH'
  | 'BELOW_MINIMUM_ORDER'
  | 'ZERO_DISCOUNT';

/** One reason of {@link QuoteReasonCode}, with a sentence for people. */
export interface QuoteReason {
  readonly code: QuoteReasonCode;
  readonly message: string;
}

/**
 * What a coupon gives an order: `discountAmount` (0 when `reasons` is not empty), and `cappedAt` when a PERCENT
 * discount's `maxAmount` limited it.
 */
export interface Quote {
  readonly couponId: string;
  readonly userId: string;
  readonly orderAmount: number;
  readonly currency: string;
  readonly applicable: boolean;
  readonly discountAmount: number;
  readonly reasons: readonly QuoteReason[];
  /** The PERCENT discount's `maxAmount` when it capped the share of the order. */
  readonly cappedAt?: number;
  /** The coupon's exclusive end of validity, ISO-8601 UTC. */
  readonly expiresAt: string;
}

/**
 * The discount `discount` gives an order of `orderAmount` minor units: an AMOUNT discount's value, at most the order
 * amount; a PERCENT discount's share of the order, rounded half up, at most `maxAmount` (`capped` then). 0 below
 * `minOrderAmount`.
 */
export function discountFor(
  discount: Campaign['discount'],
  orderAmount: number,
): { amount: number; capped: boolean; belowMinimum: boolean } {
  if (discount.minOrderAmount !== undefined && orderAmount < discount.minOrderAmount) {
    return { amount: 0, capped: false, belowMinimum: true };
  }
  if (discount.type === 'AMOUNT')
    return { amount: Math.min(discount.value, orderAmount), capped: false, belowMinimum: false };
  const share = Math.round((orderAmount * discount.value) / 100);
  const capped = discount.maxAmount !== undefined && share > discount.maxAmount;
  return { amount: capped ? (discount.maxAmount as number) : share, capped, belowMinimum: false };
}

/**
 * The quote of `coupon` (owned by anyone) for `order` at `now`, for a vendor whose currency is `vendorCurrency`:
 * every reason it gives no discount (owner, status, validity, currency, minimum order, a discount of 0), or the
 * discount. Pure: changes nothing.
 */
export function quoteOf(coupon: Coupon, order: CheckoutOrder, vendorCurrency: string, now: Date): Quote {
  const reasons: QuoteReason[] = [];
  if (coupon.userId !== order.userId) {
    reasons.push({ code: 'NOT_OWNER', message: `the coupon belongs to another user than '${order.userId}'` });
  }
  if (coupon.status === 'REDEEMED') reasons.push({ code: 'REDEEMED', message: 'the coupon is already redeemed' });
  else if (now.getTime() >= Date.parse(coupon.expiresAt)) {
    reasons.push({ code: 'EXPIRED', message: `the coupon expired at ${coupon.expiresAt}` });
  }
  if (order.currency !== vendorCurrency) {
    reasons.push({
      code: 'CURRENCY_MISMATCH',
      message: `the coupon's vendor settles in ${vendorCurrency}, the order is in ${order.currency}`,
    });
  }
  const { amount, capped, belowMinimum } = discountFor(coupon.discount, order.orderAmount);
  if (belowMinimum) {
    reasons.push({
      code: 'BELOW_MINIMUM_ORDER',
      message: `the order is below the coupon's minimum order of ${coupon.discount.minOrderAmount}`,
    });
  } else if (amount === 0) {
    reasons.push({ code: 'ZERO_DISCOUNT', message: 'the discount on this order rounds to 0' });
  }
  const applicable = reasons.length === 0;
  return {
    couponId: coupon.couponId,
    userId: order.userId,
    orderAmount: order.orderAmount,
    currency: order.currency,
    applicable,
    discountAmount: applicable ? amount : 0,
    reasons,
    ...(capped && coupon.discount.type === 'PERCENT' ? { cappedAt: coupon.discount.maxAmount as number } : {}),
    expiresAt: coupon.expiresAt,
  };
}

/**
 * The id of the redemption of the vendor's order: `<vendorId>.<orderId in base64url>`, so the refund route finds the
 * redemption from its id alone and a repeat of the same order gets the same id. vendorId is an entity id (letters,
 * digits, `-`, `_`: src/contract/rules.ts), so the first `.` separates the two.
 */
export function redemptionIdOf(vendorId: string, orderId: string): string {
  return `${vendorId}.${Buffer.from(orderId, 'utf8').toString('base64url')}`;
}

/** The (vendorId, orderId) of a {@link redemptionIdOf} id; undefined for a string no redemption id has. */
export function parseRedemptionId(redemptionId: string): { vendorId: string; orderId: string } | undefined {
  const match = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.([A-Za-z0-9_-]+)$/.exec(redemptionId);
  if (!match) return undefined;
  const orderId = Buffer.from(match[2] as string, 'base64url').toString('utf8');
  // Only the canonical encoding names a redemption: one order, one id.
  if (orderId.length === 0 || redemptionIdOf(match[1] as string, orderId) !== redemptionId) return undefined;
  return { vendorId: match[1] as string, orderId };
}

/** Whether `request` is the one that made `stored`: the idempotency key's body check. */
export function sameRequest(stored: CheckoutRedemption, request: RedeemRequest): boolean {
  return (
    stored.couponId === request.couponId &&
    stored.userId === request.userId &&
    stored.orderAmount === request.orderAmount &&
    stored.currency === request.currency
  );
}
