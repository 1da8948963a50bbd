import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDbCampaignRepository } from '../adapters/dynamodb/campaign-repository';
import { DynamoDbCouponStore } from '../adapters/dynamodb/coupon-store';
import { DynamoDbFailedEventStore } from '../adapters/dynamodb/failed-event-store';
import { DynamoDbVendorRepository } from '../adapters/dynamodb/vendor-repository';
import { campaignDefinitionSchema, campaignUpdateSchema, localDateSchema } from '../domain/campaign';
import { campaignStats, closeCampaign, createCampaign, updateCampaign } from '../domain/campaign-admin';
import { systemClock } from '../domain/clock';
import { backendCall } from '../domain/errors';
import { campaignOrThrow } from '../domain/queries';
import { documentClient } from '../shared/clients';
import { admissionEnvSchema, integerVariable, loadConfig, requiredString } from '../shared/config';
import { httpErrors, identifierSchema, json, parseJsonBody, parsePageQuery, parseWith } from '../shared/http';
import { requireAdmin } from '../shared/identity';
import { admissionStoreFactory } from '../shared/wiring';

const config = loadConfig(
  z.extend(admissionEnvSchema, {
    VENDOR_TABLE_NAME: requiredString(),
    COUPON_TABLE_NAME: requiredString(),
    FAILED_EVENT_TABLE_NAME: requiredString(),
    ADMISSION_RETENTION_DAYS: integerVariable(1, 7),
  }),
);
// No read cache here: admin reads must see the latest write.
const campaigns = new DynamoDbCampaignRepository(documentClient, config.CAMPAIGN_TABLE_NAME, systemClock);
const vendors = new DynamoDbVendorRepository(documentClient, config.VENDOR_TABLE_NAME);
const admissions = admissionStoreFactory(config);
const coupons = new DynamoDbCouponStore(documentClient, config.COUPON_TABLE_NAME, config.ADMISSION_TABLE_NAME);
const failures = new DynamoDbFailedEventStore(documentClient, config.FAILED_EVENT_TABLE_NAME);
const clock = systemClock;

const statsQuerySchema = z.object({
  from: z.optional(localDateSchema('from')),
  to: z.optional(localDateSchema('to')),
});
const campaignIdOf = (event: APIGatewayProxyEventV2) =>
  parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');

/**
 * Campaign administration; every route needs an IAM (SigV4-signed) caller, 403 FORBIDDEN otherwise:
 * - `POST /v1/admin/campaigns` (definition, see campaignDefinitionSchema) -> 201; 409 CAMPAIGN_EXISTS, 422
 *   UNKNOWN_VENDOR.
 * - `GET /v1/admin/campaigns?limit=&cursor=` -> 200 `{items, nextCursor?}`.
 * - `GET /v1/admin/campaigns/{campaignId}` -> 200; 404 CAMPAIGN_NOT_FOUND.
 * - `PATCH /v1/admin/campaigns/{campaignId}` (any definition fields but campaignId) -> 200 with the campaign; 409
 *   CAMPAIGN_STARTED once it starts within 60 s or was closed, 409 CONFLICT on a concurrent update.
 * - `POST /v1/admin/campaigns/{campaignId}/close` -> 200 with `closedAt` set (idempotent): the kill switch.
 * - `GET /v1/admin/campaigns/{campaignId}/stats?from=&to=` -> 200 `{campaignId, days: [{issueDate, quota,
 *   admitted, persisted, redeemed, parked}]}`.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .use(requireAdmin())
  // A backend failure anywhere is a 503 (nothing internal in the body); domain errors keep their status.
  .handler((event) => backendCall(() => route(event)));

async function route(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  switch (event.routeKey) {
    case 'POST /v1/admin/campaigns':
      return json(
        201,
        await createCampaign({ campaigns, vendors, clock }, parseJsonBody(event, campaignDefinitionSchema)),
      );
    case 'GET /v1/admin/campaigns':
      return json(200, await campaigns.page(parsePageQuery(event.queryStringParameters)));
    case 'PATCH /v1/admin/campaigns/{campaignId}': {
      const campaignId = campaignIdOf(event);
      const update = parseJsonBody(event, campaignUpdateSchema);
      return json(200, await updateCampaign({ campaigns, vendors, clock }, campaignId, update));
    }
    case 'POST /v1/admin/campaigns/{campaignId}/close': {
      const deps = { campaigns, admissions: await admissions(), clock };
      return json(200, await closeCampaign(deps, campaignIdOf(event), config.ADMISSION_RETENTION_DAYS));
    }
    case 'GET /v1/admin/campaigns/{campaignId}/stats': {
      const campaignId = campaignIdOf(event);
      const range = parseWith(statsQuerySchema, event.queryStringParameters ?? {}, 'query');
      const deps = { campaigns, admissions: await admissions(), coupons, failures, clock };
      return json(200, await campaignStats(deps, campaignId, range));
    }
    default:
      return json(200, await campaignOrThrow(campaigns, campaignIdOf(event)));
  }
}
