import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDbCouponStore } from '../adapters/dynamodb/coupon-store';
import { localDateSchema } from '../domain/campaign';
import { systemClock } from '../domain/clock';
import { ForbiddenError } from '../domain/errors';
import { issuanceCount, userCoupon } from '../domain/queries';
import { documentClient } from '../shared/clients';
import { admissionEnvSchema, loadConfig, requiredString } from '../shared/config';
import { httpErrors, identifierSchema, json, parseWith } from '../shared/http';
import { authModeSchema, callerUserId } from '../shared/identity';
import { admissionStoreFactory, campaignRepository } from '../shared/wiring';

const config = loadConfig(
  z.extend(admissionEnvSchema, { COUPON_TABLE_NAME: requiredString(), AUTH_MODE: authModeSchema }),
);
const campaigns = campaignRepository(config);
const admissions = admissionStoreFactory(config);
const coupons = new DynamoDbCouponStore(documentClient, config.COUPON_TABLE_NAME, config.ADMISSION_TABLE_NAME);

const querySchema = z.object({ date: z.optional(localDateSchema('date')) });

/**
 * `GET /v1/campaigns/{campaignId}/count` -> `{issueDate, quota, admitted, persisted, remaining}`;
 * `GET /v1/campaigns/{campaignId}/users/{userId}/coupon` -> `{status: "ISSUED", coupon}` or
 * `{status: "PENDING", couponId, issueDate, rank}`, 404 when never admitted. Both take `?date=YYYY-MM-DD`
 * (default: today in the campaign's time zone). The count is public; the coupon is the caller's own: `{userId}`
 * is `me` or the token's `sub` (403 FORBIDDEN otherwise, 401 without a verified caller); in auth=none any id.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .handler(async (event) => {
    const campaignId = parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');
    const { date } = parseWith(querySchema, event.queryStringParameters ?? {}, 'query');
    const deps = { campaigns, admissions: await admissions(), coupons, clock: systemClock };
    if (event.pathParameters?.userId !== undefined) {
      const requested = parseWith(identifierSchema, event.pathParameters.userId, 'userId');
      // jwt: the caller is the token's sub, and the path may only name it (or `me`); none: the path names the user.
      const { userId } = callerUserId(event, config.AUTH_MODE, () => ({ userId: requested }));
      if (config.AUTH_MODE === 'jwt' && requested !== 'me' && requested !== userId) {
        throw new ForbiddenError("a user may read only their own coupon (use 'me')");
      }
      return json(200, await userCoupon(deps, campaignId, userId, date));
    }
    return json(200, await issuanceCount(deps, campaignId, date));
  });
