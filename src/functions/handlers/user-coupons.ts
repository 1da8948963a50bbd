import * as z from 'zod/mini';
import { ENV, HANDLERS } from '../../contract/names';
import { redeemBodyFields } from '../../contract/requests';
import { systemClock } from '../domain/kernel/clock';
import { redeemCoupon, userCoupons } from '../domain/vendor/redemption';
import { couponStore } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { identifierSchema, json, parseJsonBody, parsePageQuery, parseWith } from '../runtime/http';
import { callerFields, callerUserId } from '../runtime/identity';
import { httpHandler } from '../runtime/router';

const config = loadConfig('userCoupons');
const authMode = config[ENV.AUTH_MODE];
const deps = { coupons: couponStore(config), clock: systemClock };

const redeemBodySchema = z.strictObject({ ...callerFields(authMode), ...redeemBodyFields });
const listQuerySchema = z.object(callerFields(authMode));

/**
 * Both routes act as the bearer token's user (`sub`); in auth=none the body's or query's `userId` names the user.
 * `POST /v1/coupons/{couponId}/redeem` with `{"orderId", "orderAmount"?}` (amount in minor units;
 * required for a PERCENT discount) -> 200 `{...coupon, status: "REDEEMED", redemption}`, the same answer for a
 * repeat with the same orderId; 400 INVALID_REQUEST, 404 COUPON_NOT_FOUND (also someone else's coupon), 409
 * ALREADY_REDEEMED (another order), 410 EXPIRED, 503 UNAVAILABLE; 401 UNAUTHORIZED without a verified caller.
 * `GET /v1/users/me/coupons?limit=&cursor=` -> 200 `{items: [coupon with status ISSUED | REDEEMED |
 * EXPIRED], nextCursor?}`, newest first.
 */
export const handler = httpHandler(HANDLERS.userCoupons, {
  redeemCoupon: async (event) => {
    const couponId = parseWith(identifierSchema, event.pathParameters?.couponId, 'couponId');
    const { userId, request } = callerUserId(event, authMode, () => parseJsonBody(event, redeemBodySchema));
    const { orderId, orderAmount } = request;
    return json(200, await redeemCoupon(deps, { couponId, userId, orderId, orderAmount }));
  },
  listUserCoupons: async (event) => {
    const query = event.queryStringParameters ?? {};
    const { userId } = callerUserId(event, authMode, () => parseWith(listQuerySchema, query, 'query'));
    return json(200, await userCoupons(deps, userId, parsePageQuery(query)));
  },
});
