import type { Campaign } from '../campaign/campaign';
import { type Coupon, type CouponView, couponView, type Redemption } from '../coupon/coupon';
import type { CouponStore } from '../coupon/ports';
import type { Clock } from '../kernel/clock';
import {
  AlreadyRedeemedError,
  CouponExpiredError,
  CouponNotFoundError,
  InvalidRequestError,
  UnavailableError,
} from '../kernel/errors';
import type { Page, PageRequest } from '../kernel/page';

/**
 * What redeeming a coupon credits its vendor, minor units: an AMOUNT discount's value (at most the order amount
 * when one is given); a PERCENT discount's share of the order amount, rounded half up, capped at `maxAmount`.
 * @throws InvalidRequestError when a PERCENT discount gets no order amount.
 */
export function creditAmount(discount: Campaign['discount'], orderAmount: number | undefined): number {
  if (discount.type === 'AMOUNT') return Math.min(discount.value, orderAmount ?? discount.value);
  if (orderAmount === undefined) {
    const message = 'orderAmount is required: this coupon takes a percentage of the order';
    throw new InvalidRequestError(message, { errors: [{ path: 'orderAmount', message }] });
  }
  const share = Math.round((orderAmount * discount.value) / 100);
  return Math.min(share, discount.maxAmount ?? share);
}

/** Dependencies of {@link redeemCoupon} and {@link userCoupons}. */
interface RedemptionDeps {
  readonly coupons: Pick<CouponStore, 'get' | 'redeem' | 'listByUser'>;
  readonly clock: Clock;
}

/** A redeem request: the caller redeems `couponId` for `orderId`. */
interface RedeemRequest {
  readonly couponId: string;
  readonly userId: string;
  readonly orderId: string;
  readonly orderAmount?: number;
}

/**
 * Redeems a coupon for an order (README.md, "API", lifecycle rules: redemption): ISSUED -> REDEEMED by a
 * conditional write, crediting the vendor's settlement ledger in the same transaction, so the credit happens
 * exactly once. Idempotent per order: redeeming again with the same `orderId` returns the first redemption
 * (even after expiry). Of concurrent redeems of one coupon exactly one wins; the others see its result.
 * @throws CouponNotFoundError (404) when the coupon does not exist or belongs to someone else; CouponExpiredError
 *   (410) after its validity; AlreadyRedeemedError (409) when redeemed with another order; InvalidRequestError
 *   (400) when a PERCENT coupon gets no orderAmount; UnavailableError (503) when the coupon has no vendor or
 *   stays ISSUED after a failed redeem; the backend's error as is when a read or the write fails.
 */
export async function redeemCoupon(
  deps: RedemptionDeps,
  request: RedeemRequest,
): Promise<CouponView & { redemption: Redemption }> {
  const coupon = await deps.coupons.get(request.couponId);
  const settled = outcomeOf(coupon, request, deps.clock());
  if (settled) return settled;
  const issued = coupon as Coupon;
  if (issued.vendorId === undefined) {
    throw new UnavailableError(`coupon '${issued.couponId}' has no vendor to credit`);
  }
  const redemption: Redemption = {
    orderId: request.orderId,
    ...(request.orderAmount === undefined ? {} : { orderAmount: request.orderAmount }),
    amount: creditAmount(issued.discount, request.orderAmount),
    redeemedAt: deps.clock().toISOString(),
  };
  const result = await deps.coupons.redeem({ ...issued, vendorId: issued.vendorId as string }, redemption);
  if (result === 'REDEEMED') return { ...issued, status: 'REDEEMED', redemption };
  // Another redeem won the race, or the coupon expired meanwhile: answer from what is stored now.
  const now = await deps.coupons.get(request.couponId);
  const after = outcomeOf(now, request, deps.clock());
  if (after) return after;
  throw new UnavailableError(`coupon '${request.couponId}' could not be redeemed and is still ISSUED`);
}

/**
 * The answer a stored coupon already determines: throws for a missing, foreign, expired or otherwise redeemed
 * coupon, returns the redemption for a repeat of the same order, undefined when it may be redeemed now.
 */
function outcomeOf(
  coupon: Coupon | undefined,
  request: RedeemRequest,
  now: Date,
): (CouponView & { redemption: Redemption }) | undefined {
  // Someone else's coupon is answered exactly like a missing one, so ids cannot be probed.
  if (!coupon || coupon.userId !== request.userId) {
    throw new CouponNotFoundError(`Coupon '${request.couponId}' does not exist`);
  }
  if (coupon.status === 'REDEEMED' && coupon.redemption) {
    if (coupon.redemption.orderId !== request.orderId) {
      throw new AlreadyRedeemedError(coupon.couponId, coupon.redemption.orderId);
    }
    return { ...coupon, status: 'REDEEMED', redemption: coupon.redemption };
  }
  if (now.getTime() >= Date.parse(coupon.expiresAt)) throw new CouponExpiredError(coupon.couponId, coupon.expiresAt);
  return undefined;
}

/**
 * The user's coupons across campaigns, newest admission first, each with its status at this instant
 * (ISSUED, REDEEMED or EXPIRED). Coupons admitted but not yet written do not appear (see the per-day query), and
 * the list is read from an index that may lag a coupon write by a moment.
 * @throws InvalidRequestError for a bad cursor; the backend's error as is when the read fails.
 */
export async function userCoupons(deps: RedemptionDeps, userId: string, page: PageRequest): Promise<Page<CouponView>> {
  const found = await deps.coupons.listByUser(userId, page);
  const now = deps.clock();
  return { ...found, items: found.items.map((coupon) => couponView(coupon, now)) };
}
