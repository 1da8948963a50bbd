import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { SqsAdmissionQueue } from '../adapters/sqs/admission-queue';
import { systemClock } from '../domain/clock';
import { issueCoupon } from '../domain/issue-coupon';
import { SoldOutCache } from '../domain/sold-out-cache';
import { sqsClient } from '../shared/clients';
import { admissionEnvSchema, integerVariable, loadConfig, requiredString } from '../shared/config';
import { httpErrors, identifierSchema, json, parseJsonBody, parseWith } from '../shared/http';
import { authModeSchema, callerFields, callerUserId } from '../shared/identity';
import { logger } from '../shared/powertools';
import { admissionStoreFactory, campaignRepository } from '../shared/wiring';

const config = loadConfig(
  z.extend(admissionEnvSchema, {
    ISSUE_QUEUE_URL: requiredString(),
    ADMISSION_RETENTION_DAYS: integerVariable(1, 7),
    AUTH_MODE: authModeSchema,
  }),
);
// jwt: no body, `{}`, or any body without userId is refused; none: `{"userId"}`.
const issueBodySchema = z.strictObject(callerFields(config.AUTH_MODE));
const campaigns = campaignRepository(config);
const admissions = admissionStoreFactory(config);
const queue = new SqsAdmissionQueue(sqsClient, config.ISSUE_QUEUE_URL);
const soldOut = new SoldOutCache(systemClock);

/**
 * `POST /v1/campaigns/{campaignId}/issue` as the bearer token's user (no body or `{}`; `{"userId"}` in
 * auth=none) -> 202 `{code: "ACCEPTED", rank, couponId, issueDate}`;
 * rejections `{code, message}`: 400 INVALID_REQUEST, 401 UNAUTHORIZED, 403 NOT_OPEN or FORBIDDEN, 404 CAMPAIGN_NOT_FOUND, 409 ALREADY_ISSUED
 * (with rank) or SOLD_OUT, 503 UNAVAILABLE.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .handler(async (event, context: Context) => {
    const campaignId = parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');
    const { userId } = callerUserId(event, config.AUTH_MODE, () =>
      parseJsonBody(event, issueBodySchema, { optional: config.AUTH_MODE === 'jwt' }),
    );
    const result = await issueCoupon(
      {
        campaigns,
        admissions: await admissions(),
        queue,
        soldOut,
        clock: systemClock,
        log: logger,
        admissionRetentionDays: config.ADMISSION_RETENTION_DAYS,
      },
      { campaignId, userId, requestId: context.awsRequestId },
    );
    return json(202, { code: 'ACCEPTED', ...result });
  });
