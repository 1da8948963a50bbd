import { HANDLERS } from '../../contract/names';
import { quoteBodySchema, redeemBodySchema, refundBodySchema } from '../../contract/requests';
import { redemptionIdSchema } from '../../contract/rules';
import { systemClock } from '../domain/kernel/clock';
import { quoteCoupon, redeemCoupon, refundRedemption } from '../domain/vendor/redemption';
import { couponStore, redemptionLedger, vendorRepository } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { json, parseJsonBody, parseWith } from '../runtime/http';
import { httpHandler } from '../runtime/router';

const config = loadConfig('checkout');
const deps = {
  coupons: couponStore(config),
  vendors: vendorRepository(config),
  redemptions: redemptionLedger(config),
  clock: systemClock,
};

/**
 * The checkout routes (README.md, "Checkout"); each needs an IAM (SigV4-signed) caller, 403 FORBIDDEN otherwise.
 * Amounts are minor units of `currency`, which must be the coupon's vendor's.
 * `POST /v1/checkout/quotes` `{userId, couponId, orderAmount, currency}` -> 200 `{applicable, discountAmount,
 * reasons, cappedAt?, ...}`, changing nothing; 404 COUPON_NOT_FOUND.
 * `POST /v1/checkout/redemptions` `{userId, couponId, orderId, orderAmount, currency}` -> 201 `{redemptionId,
 * discountAmount, status, ...}`, the same answer for the same body again; 404 COUPON_NOT_FOUND (also another user's
 * coupon), 409 IDEMPOTENCY_CONFLICT (the order with another body), 409 ALREADY_REDEEMED, 410 EXPIRED, 422
 * NOT_APPLICABLE.
 * `POST /v1/checkout/redemptions/{redemptionId}/refund` `{reason}` -> 200 the REFUNDED redemption, the same for a
 * repeat; 404 REDEMPTION_NOT_FOUND. Every route: 400 INVALID_REQUEST field by field, 503 UNAVAILABLE.
 */
export const handler = httpHandler(HANDLERS.checkout, {
  quoteCoupon: async (event) => json(200, await quoteCoupon(deps, parseJsonBody(event, quoteBodySchema))),
  redeemCoupon: async (event) => json(201, await redeemCoupon(deps, parseJsonBody(event, redeemBodySchema))),
  refundRedemption: async (event) => {
    const redemptionId = parseWith(redemptionIdSchema, event.pathParameters?.redemptionId, 'redemptionId');
    const { reason } = parseJsonBody(event, refundBodySchema);
    return json(200, await refundRedemption(deps, redemptionId, reason));
  },
});
