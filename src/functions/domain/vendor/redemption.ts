import { type Coupon, type CouponView, couponView } from '../coupon/coupon';
import type { CouponStore } from '../coupon/ports';
import type { Clock } from '../kernel/clock';
import {
  AlreadyRedeemedError,
  CouponExpiredError,
  CouponNotApplicableError,
  CouponNotFoundError,
  IdempotencyConflictError,
  RedemptionNotFoundError,
  UnavailableError,
} from '../kernel/errors';
import type { Page, PageRequest } from '../kernel/page';
import {
  type CheckoutOrder,
  type CheckoutRedemption,
  parseRedemptionId,
  type Quote,
  quoteOf,
  type RedeemRequest,
  redemptionIdOf,
  sameRequest,
} from './checkout';
import type { RedemptionLedger, VendorRepository } from './ports';

/** Dependencies of the checkout's use cases. */
export interface CheckoutDeps {
  readonly coupons: Pick<CouponStore, 'get'>;
  readonly vendors: Pick<VendorRepository, 'get'>;
  readonly redemptions: RedemptionLedger;
  readonly clock: Clock;
}

/**
 * The coupon with the currency its vendor settles in.
 * @throws CouponNotFoundError (404) when the coupon does not exist; UnavailableError (503) when it has no vendor
 *   (coupons written before vendors existed) or its vendor is gone.
 */
async function couponWithCurrency(
  deps: Pick<CheckoutDeps, 'coupons' | 'vendors'>,
  couponId: string,
): Promise<{ coupon: Coupon & { vendorId: string }; currency: string }> {
  const coupon = await deps.coupons.get(couponId);
  if (!coupon) throw new CouponNotFoundError(`Coupon '${couponId}' does not exist`);
  if (coupon.vendorId === undefined) throw new UnavailableError(`coupon '${couponId}' has no vendor to credit`);
  const vendor = await deps.vendors.get(coupon.vendorId);
  if (!vendor) throw new UnavailableError(`vendor '${coupon.vendorId}' of coupon '${couponId}' does not exist`);
  return { coupon: coupon as Coupon & { vendorId: string }, currency: vendor.currency };
}

/**
 * The discount a coupon gives an order now, or why it gives none (README.md, "Checkout"); changes nothing.
 * @throws CouponNotFoundError (404) when the coupon does not exist; UnavailableError (503) when it has no vendor;
 *   the backend's error as is when a read fails.
 */
export async function quoteCoupon(
  deps: Pick<CheckoutDeps, 'coupons' | 'vendors' | 'clock'>,
  order: CheckoutOrder,
): Promise<Quote> {
  const { coupon, currency } = await couponWithCurrency(deps, order.couponId);
  return quoteOf(coupon, order, currency, deps.clock());
}

/**
 * Redeems a coupon for a vendor's order at the checkout (README.md, "Checkout"): ISSUED -> REDEEMED by a
 * conditional transaction that also stores the redemption under (vendor, orderId), credits the vendor's settlement
 * ledger with the discount and counts the day's redemption, so each happens exactly once. Idempotent per
 * (vendor, orderId): the same request again returns the stored redemption (also after a refund, or after expiry);
 * another request for the same order is refused. Of concurrent redeems of one coupon exactly one wins.
 * @throws CouponNotFoundError (404) when the coupon does not exist or belongs to another user;
 *   IdempotencyConflictError (409) when the order was redeemed with another body; AlreadyRedeemedError (409) when
 *   the coupon is redeemed for another order; CouponExpiredError (410) after its validity; CouponNotApplicableError
 *   (422) for another currency, an order below the minimum or a discount of 0; UnavailableError (503) when the
 *   coupon has no vendor or the write failed for no reason a read explains; the backend's error as is.
 */
export async function redeemCoupon(deps: CheckoutDeps, request: RedeemRequest): Promise<CheckoutRedemption> {
  const { coupon, currency } = await couponWithCurrency(deps, request.couponId);
  const repeat = await repeatOf(deps, coupon.vendorId, request);
  if (repeat) return repeat;
  const now = deps.clock();
  const quote = quoteOf(coupon, request, currency, now);
  refuse(coupon, quote);
  const redemption: CheckoutRedemption = {
    redemptionId: redemptionIdOf(coupon.vendorId, request.orderId),
    vendorId: coupon.vendorId,
    orderId: request.orderId,
    couponId: coupon.couponId,
    userId: coupon.userId,
    campaignId: coupon.campaignId,
    issueDate: coupon.issueDate,
    orderAmount: request.orderAmount,
    currency: request.currency,
    discountAmount: quote.discountAmount,
    status: 'REDEEMED',
    redeemedAt: now.toISOString(),
  };
  const result = await deps.redemptions.redeem(coupon, redemption);
  if (result === 'REDEEMED') return redemption;
  // A concurrent request won: the same order (answer it), or the coupon (redeemed or expired meanwhile).
  const again = await repeatOf(deps, coupon.vendorId, request);
  if (again) return again;
  const stored = await deps.coupons.get(request.couponId);
  if (stored) refuse(stored, quoteOf(stored, request, currency, deps.clock()));
  throw new UnavailableError(`coupon '${request.couponId}' could not be redeemed for order '${request.orderId}'`);
}

/**
 * The stored redemption of the request's order when the request repeats it.
 * @throws IdempotencyConflictError when the order was redeemed with another body.
 */
async function repeatOf(
  deps: Pick<CheckoutDeps, 'redemptions'>,
  vendorId: string,
  request: RedeemRequest,
): Promise<CheckoutRedemption | undefined> {
  const stored = await deps.redemptions.find(vendorId, request.orderId);
  if (!stored) return undefined;
  if (!sameRequest(stored, request)) throw new IdempotencyConflictError(request.orderId, stored.redemptionId);
  return stored;
}

/** Throws the error of the first reason the quote gives no discount, most specific first; returns when it gives one. */
function refuse(coupon: Coupon, quote: Quote): void {
  const codes = new Set(quote.reasons.map((r) => r.code));
  // Someone else's coupon is answered exactly like a missing one.
  if (codes.has('NOT_OWNER')) throw new CouponNotFoundError(`Coupon '${coupon.couponId}' does not exist`);
  if (codes.has('REDEEMED')) {
    throw new AlreadyRedeemedError(coupon.couponId, coupon.redemption?.orderId ?? '');
  }
  if (codes.has('EXPIRED')) throw new CouponExpiredError(coupon.couponId, coupon.expiresAt);
  if (quote.reasons.length > 0) throw new CouponNotApplicableError(coupon.couponId, quote.reasons);
}

/**
 * Refunds a checkout redemption (order cancelled or returned; README.md, "Checkout"): REDEEMED -> REFUNDED in one
 * transaction that makes the coupon ISSUED again (usable while still valid: an expired coupon stays expired) and
 * reverses the vendor's credit with a new REFUND ledger entry (entries are never edited). Idempotent: refunding a
 * refunded redemption returns it as stored (with its first reason).
 * @throws RedemptionNotFoundError (404) for an id no redemption has; UnavailableError (503) when the transaction
 *   failed for no reason a read explains; the backend's error as is.
 */
export async function refundRedemption(
  deps: Pick<CheckoutDeps, 'redemptions' | 'clock'>,
  redemptionId: string,
  reason: string,
): Promise<CheckoutRedemption> {
  const key = parseRedemptionId(redemptionId);
  const stored = key && (await deps.redemptions.find(key.vendorId, key.orderId));
  if (!key || !stored) throw new RedemptionNotFoundError(redemptionId);
  if (stored.status === 'REFUNDED') return stored;
  const refunded: CheckoutRedemption = {
    ...stored,
    status: 'REFUNDED',
    refundedAt: deps.clock().toISOString(),
    refundReason: reason,
  };
  if ((await deps.redemptions.refund(refunded)) === 'REFUNDED') return refunded;
  const now = await deps.redemptions.find(key.vendorId, key.orderId);
  if (now?.status === 'REFUNDED') return now;
  throw new UnavailableError(`redemption '${redemptionId}' could not be refunded and is still REDEEMED`);
}

/**
 * The user's coupons across campaigns, newest admission first, each with its status at this instant
 * (ISSUED, REDEEMED or EXPIRED). Coupons admitted but not yet written do not appear (see the per-day query), and
 * the list is read from an index that may lag a coupon write by a moment.
 * @throws InvalidRequestError for a bad cursor; the backend's error as is when the read fails.
 */
export async function userCoupons(
  deps: { coupons: Pick<CouponStore, 'listByUser'>; clock: Clock },
  userId: string,
  page: PageRequest,
): Promise<Page<CouponView>> {
  const found = await deps.coupons.listByUser(userId, page);
  const now = deps.clock();
  return { ...found, items: found.items.map((coupon) => couponView(coupon, now)) };
}
