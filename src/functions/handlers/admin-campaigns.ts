import { ENV, HANDLERS } from '../../contract/names';
import { dryRunQuerySchema, statsQuerySchema } from '../../contract/requests';
import { localDateSchema } from '../../contract/rules';
import { MAX_WINNERS_PAGE, winnersCsv, winnersQuerySchema } from '../../contract/winners';
import { campaignDefinitionSchema, campaignUpdateSchema } from '../domain/campaign/campaign';
import {
  campaignStats,
  closeCampaign,
  createCampaign,
  dryRunCreate,
  dryRunUpdate,
  updateCampaign,
} from '../domain/campaign/campaign-admin';
import { campaignOrThrow } from '../domain/campaign/campaign-lookup';
import { dayWinners } from '../domain/coupon/winners';
import type { DeployedCapacity } from '../domain/drop-plan/capacity';
import { systemClock } from '../domain/kernel/clock';
import {
  admissionStoreFactory,
  campaignRepository,
  couponLookup,
  couponStore,
  failedEventStore,
  prewarmScheduler,
  vendorRepository,
} from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { identifierSchema, json, parseJsonBody, parsePageQuery, parseWith } from '../runtime/http';
import { type HttpEvent, httpHandler } from '../runtime/router';

const config = loadConfig('adminCampaigns');
// No read cache here: admin reads must see the latest write.
const campaigns = campaignRepository(config);
const vendors = vendorRepository(config);
const admissions = admissionStoreFactory(config);
const coupons = couponStore(config);
const lookup = couponLookup(config);
const failures = failedEventStore(config);
const clock = systemClock;
const schedules = prewarmScheduler(config);

const isDryRun = (event: HttpEvent) =>
  parseWith(dryRunQuerySchema, event.queryStringParameters ?? {}, 'query').dryRun === 'true';
/** The deployed settings a dry run checks a campaign against (set by the construct, src/construct/api-functions.ts). */
const deployed: DeployedCapacity = {
  admissionMode: config[ENV.ADMISSION_MODE],
  stageThrottleRateLimit: config[ENV.STAGE_THROTTLE_RATE_LIMIT],
  stageThrottleBurstLimit: config[ENV.STAGE_THROTTLE_BURST_LIMIT],
  issueReservedConcurrency: config[ENV.ISSUE_RESERVED_CONCURRENCY],
  edge: config[ENV.EDGE] === 'true',
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
 * - `GET /v1/admin/campaigns/{campaignId}/days/{issueDate}/winners?limit=&cursor=` -> 200 winnersResponseSchema
 *   (src/contract/winners.ts); with `accept: text/csv`, the page as CSV with the totals in `x-quota`, `x-admitted`,
 *   `x-persisted` and the next page's cursor in `x-next-cursor`; 404 CAMPAIGN_NOT_FOUND.
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
  getWinners: async (event) => {
    const campaignId = campaignIdOf(event);
    const issueDate = parseWith(localDateSchema('issueDate'), event.pathParameters?.issueDate, 'issueDate');
    const page = parsePageQuery(event.queryStringParameters, winnersQuerySchema, MAX_WINNERS_PAGE);
    const counts = { persistedCount: coupons.persistedCount.bind(coupons), statesOf: lookup.statesOf.bind(lookup) };
    const deps = { campaigns, admissions: await admissions(), coupons: counts, clock };
    const winners = await dayWinners(deps, { campaignId, issueDate }, page);
    if (!/\btext\/csv\b/.test(event.headers?.accept ?? '')) return json(200, winners);
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="winners-${campaignId}-${issueDate}.csv"`,
        'x-quota': String(winners.quota),
        'x-admitted': String(winners.admitted),
        'x-persisted': String(winners.persisted),
        ...(winners.nextCursor ? { 'x-next-cursor': winners.nextCursor } : {}),
      },
      body: winnersCsv(winners.items),
    };
  },
});
