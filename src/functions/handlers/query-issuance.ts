import { ENV, HANDLERS } from '../../contract/names';
import { issueDayQuerySchema } from '../../contract/requests';
import { publicCampaign } from '../domain/campaign/public-view';
import { issuanceCount, userCoupon } from '../domain/coupon/queries';
import { systemClock } from '../domain/kernel/clock';
import { ForbiddenError } from '../domain/kernel/errors';
import {
  admissionStoreFactory,
  cachedCampaignRepository,
  couponStore,
  vendorRepository,
} from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { identifierSchema, json, parseWith } from '../runtime/http';
import { callerUserId } from '../runtime/identity';
import { type HttpEvent, httpHandler } from '../runtime/router';

const config = loadConfig('query');
const authMode = config[ENV.AUTH_MODE];
const campaigns = cachedCampaignRepository(config);
const admissions = admissionStoreFactory(config);
const coupons = couponStore(config);
const vendors = vendorRepository(config);

/** The campaign id of the path and the `?date=YYYY-MM-DD` of the query (undefined: today in the campaign's zone). */
function campaignDayOf(event: HttpEvent) {
  const campaignId = parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');
  const { date } = parseWith(issueDayQuerySchema, event.queryStringParameters ?? {}, 'query');
  return { campaignId, date };
}

/**
 * `GET /v1/campaigns/{campaignId}` -> the campaign's public view (src/functions/domain/campaign/public-view.ts:
 * name, terms, vendor, calendar, `state`, the current or next window, today's quota and remaining), public;
 * `GET /v1/campaigns/{campaignId}/count` -> `{issueDate, quota, admitted, persisted, remaining, state, asOf}`;
 * `GET /v1/campaigns/{campaignId}/users/{userId}/coupon` -> `{status: "ISSUED", coupon}` or
 * `{status: "PENDING", couponId, issueDate, rank}`, 404 when never admitted. Both take `?date=YYYY-MM-DD`
 * (default: today in the campaign's time zone). The count is public; the coupon is the caller's own: `{userId}`
 * is `me` or the token's `sub` (403 FORBIDDEN otherwise, 401 without a verified caller); in auth=none any id.
 */
export const handler = httpHandler(HANDLERS.query, {
  getPublicCampaign: async (event) => {
    const campaignId = parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');
    return json(
      200,
      await publicCampaign({ campaigns, admissions: await admissions(), vendors, clock: systemClock }, campaignId),
    );
  },
  getCount: async (event) => {
    const { campaignId, date } = campaignDayOf(event);
    const deps = { campaigns, admissions: await admissions(), coupons, clock: systemClock };
    return json(200, await issuanceCount(deps, campaignId, date));
  },
  getUserCoupon: async (event) => {
    const { campaignId, date } = campaignDayOf(event);
    const deps = { campaigns, admissions: await admissions(), coupons, clock: systemClock };
    const requested = parseWith(identifierSchema, event.pathParameters?.userId, 'userId');
    // jwt: the caller is the token's sub, and the path may only name it (or `me`); none: the path names the user.
    const { userId } = callerUserId(event, authMode, () => ({ userId: requested }));
    if (authMode === 'jwt' && requested !== 'me' && requested !== userId) {
      throw new ForbiddenError("a user may read only their own coupon (use 'me')");
    }
    return json(200, await userCoupon(deps, campaignId, userId, date));
  },
});
