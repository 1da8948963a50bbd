import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDbCouponStore } from '../adapters/dynamodb/coupon-store';
import { systemClock } from '../domain/clock';
import { redeemBodyFields, redeemCoupon, userCoupons } from '../domain/redemption';
import { documentClient } from '../shared/clients';
import { loadConfig, requiredString } from '../shared/config';
import { httpErrors, identifierSchema, json, parseJsonBody, parsePageQuery, parseWith } from '../shared/http';
import { authModeSchema, callerFields, callerUserId } from '../shared/identity';

const config = loadConfig(
  z.object({
    COUPON_TABLE_NAME: requiredString(),
    ADMISSION_TABLE_NAME: requiredString(),
    VENDOR_TABLE_NAME: requiredString(),
    AUTH_MODE: authModeSchema,
  }),
);
const coupons = new DynamoDbCouponStore(
  documentClient,
  config.COUPON_TABLE_NAME,
  config.ADMISSION_TABLE_NAME,
  config.VENDOR_TABLE_NAME,
);
const deps = { coupons, clock: systemClock };

const redeemBodySchema = z.strictObject({ ...callerFields(config.AUTH_MODE), ...redeemBodyFields });
const listQuerySchema = z.object(callerFields(config.AUTH_MODE));

/**
 * Both routes act as the bearer token's user (`sub`); in auth=none the body's or query's `userId` names the user.
 * `POST /v1/coupons/{couponId}/redeem` with `{"orderId", "orderAmount"?}` (amount in minor units;
 * required for a PERCENT discount) -> 200 `{...coupon, status: "REDEEMED", redemption}`, the same answer for a
 * repeat with the same orderId; 400 INVALID_REQUEST, 404 COUPON_NOT_FOUND (also someone else's coupon), 409
 * ALREADY_REDEEMED (another order), 410 EXPIRED, 503 UNAVAILABLE; 401 UNAUTHORIZED without a verified caller.
 * `GET /v1/users/me/coupons?limit=&cursor=` -> 200 `{items: [coupon with status ISSUED | REDEEMED |
 * EXPIRED], nextCursor?}`, newest first.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  // redeemCoupon and userCoupons map backend failures to 503 themselves.
  .handler(async (event) => {
    if (event.requestContext.http.method === 'POST') {
      const couponId = parseWith(identifierSchema, event.pathParameters?.couponId, 'couponId');
      const { userId, request } = callerUserId(event, config.AUTH_MODE, () => parseJsonBody(event, redeemBodySchema));
      const { orderId, orderAmount } = request;
      return json(200, await redeemCoupon(deps, { couponId, userId, orderId, orderAmount }));
    }
    const query = event.queryStringParameters ?? {};
    const { userId } = callerUserId(event, config.AUTH_MODE, () => parseWith(listQuerySchema, query, 'query'));
    return json(200, await userCoupons(deps, userId, parsePageQuery(query)));
  });
