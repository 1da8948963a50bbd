import * as z from 'zod/mini';
import { ENV, HANDLERS } from '../../contract/names';
import { systemClock } from '../domain/kernel/clock';
import { userCoupons } from '../domain/vendor/redemption';
import { couponStore } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { json, parsePageQuery, parseWith } from '../runtime/http';
import { callerFields, callerUserId } from '../runtime/identity';
import { httpHandler } from '../runtime/router';

const config = loadConfig('userCoupons');
const authMode = config[ENV.AUTH_MODE];
const deps = { coupons: couponStore(config), clock: systemClock };

const listQuerySchema = z.object(callerFields(authMode));

/**
 * The caller's coupons, as the bearer token's user (`sub`); in auth=none the query's `userId` names the user. (A
 * holder does not redeem: the shop's checkout does, src/functions/handlers/checkout.ts.)
 * 401 UNAUTHORIZED without a verified caller.
 * `GET /v1/users/me/coupons?limit=&cursor=` -> 200 `{items: [coupon with status ISSUED | REDEEMED |
 * EXPIRED], nextCursor?}`, newest first.
 */
export const handler = httpHandler(HANDLERS.userCoupons, {
  listUserCoupons: async (event) => {
    const query = event.queryStringParameters ?? {};
    const { userId } = callerUserId(event, authMode, () => parseWith(listQuerySchema, query, 'query'));
    return json(200, await userCoupons(deps, userId, parsePageQuery(query)));
  },
});
