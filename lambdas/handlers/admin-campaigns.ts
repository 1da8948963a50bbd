import * as z from 'zod/mini';
import { ENV, HANDLERS } from '../contract/names';
import { campaignDefinitionSchema, campaignUpdateSchema, localDateSchema } from '../domain/campaign';
import {
  campaignStats,
  closeCampaign,
  createCampaign,
  dryRunCreate,
  dryRunUpdate,
  updateCampaign,
} from '../domain/campaign-admin';
import type { DeployedCapacity } from '../domain/capacity';
import { systemClock } from '../domain/clock';
import { dryRunQuerySchema } from '../domain/drop-plan';
import { campaignOrThrow } from '../domain/queries';
import {
  admissionStoreFactory,
  campaignRepository,
  couponStore,
  failureLog,
  prewarmScheduler,
  vendorRepository,
} from '../runtime/adapters';
import { loadConfig } from '../runtime/config';
import { identifierSchema, json, parseJsonBody, parsePageQuery, parseWith } from '../runtime/http';
import { type HttpEvent, httpHandler } from '../runtime/router';

const config = loadConfig('adminCampaigns');
// No read cache here: admin reads must see the latest write.
const campaigns = campaignRepository(config);
const vendors = vendorRepository(config);
const admissions = admissionStoreFactory(config);
const coupons = couponStore(config);
const failures = failureLog(config);
const clock = systemClock;
const schedules = prewarmScheduler(config);

const statsQuerySchema = z.object({
  from: z.optional(localDateSchema('from')),
  to: z.optional(localDateSchema('to')),
});
const isDryRun = (event: HttpEvent) =>
  parseWith(dryRunQuerySchema, event.queryStringParameters ?? {}, 'query').dryRun === 'true';
/** The deployed settings a dry run checks a campaign against (set by the construct, lib/constructs/api-functions.ts). */
const deployed: DeployedCapacity = {
  admissionMode: config[ENV.ADMISSION_MODE],
  stageThrottleRateLimit: config[ENV.STAGE_THROTTLE_RATE_LIMIT],
  stageThrottleBurstLimit: config[ENV.STAGE_THROTTLE_BURST_LIMIT],
  issueReservedConcurrency: config[ENV.ISSUE_RESERVED_CONCURRENCY],
};
const campaignIdOf = (event: HttpEvent) => parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');

/**
 * Campaign administration; every route needs an IAM (SigV4-signed) caller, 403 FORBIDDEN otherwise:
 * - `POST /v1/admin/campaigns` (definition, see campaignDefinitionSchema) -> 201; 409 CAMPAIGN_EXISTS, 422
 *   UNKNOWN_VENDOR. With `?dryRun=true`: 200 with what the campaign will do (dryRunResponseSchema), nothing stored,
 *   the same 4xx.
 * - `GET /v1/admin/campaigns?limit=&cursor=` -> 200 `{items, nextCursor?}`.
 * - `GET /v1/admin/campaigns/{campaignId}` -> 200; 404 CAMPAIGN_NOT_FOUND.
 * - `PATCH /v1/admin/campaigns/{campaignId}` (any definition fields but campaignId) -> 200 with the campaign; 409
 *   CAMPAIGN_STARTED once it starts within 60 s or was closed, 409 CONFLICT on a concurrent update. With
 *   `?dryRun=true`: 200 with what the merged campaign will do, nothing stored.
 * - `POST /v1/admin/campaigns/{campaignId}/close` -> 200 with `closedAt` set (idempotent): the kill switch.
 * - `GET /v1/admin/campaigns/{campaignId}/stats?from=&to=` -> 200 `{campaignId, days: [{issueDate, quota,
 *   admitted, persisted, redeemed, parked}]}`.
 */
export const handler = httpHandler(HANDLERS.adminCampaigns, {
  createCampaign: async (event) => {
    const dryRun = isDryRun(event);
    const definition = parseJsonBody(event, campaignDefinitionSchema);
    if (dryRun) return json(200, await dryRunCreate({ campaigns, vendors, clock }, definition, deployed));
    return json(201, await createCampaign({ campaigns, vendors, clock, schedules }, definition));
  },
  listCampaigns: async (event) => json(200, await campaigns.page(parsePageQuery(event.queryStringParameters))),
  getCampaign: async (event) => json(200, await campaignOrThrow(campaigns, campaignIdOf(event))),
  updateCampaign: async (event) => {
    const campaignId = campaignIdOf(event);
    const dryRun = isDryRun(event);
    const update = parseJsonBody(event, campaignUpdateSchema);
    if (dryRun) return json(200, await dryRunUpdate({ campaigns, vendors, clock }, campaignId, update, deployed));
    return json(200, await updateCampaign({ campaigns, vendors, clock, schedules }, campaignId, update));
  },
  closeCampaign: async (event) => {
    const deps = { campaigns, admissions: await admissions(), clock, schedules };
    return json(200, await closeCampaign(deps, campaignIdOf(event), config[ENV.ADMISSION_RETENTION_DAYS]));
  },
  getCampaignStats: async (event) => {
    const campaignId = campaignIdOf(event);
    const range = parseWith(statsQuerySchema, event.queryStringParameters ?? {}, 'query');
    const deps = { campaigns, admissions: await admissions(), coupons, failures, clock };
    return json(200, await campaignStats(deps, campaignId, range));
  },
});
