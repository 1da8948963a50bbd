import { HANDLERS, type HandlerName } from './names';

/**
 * The route table: every route of the HTTP API, declared once. The API construct (src/construct/api.ts) builds the
 * routes, their authorizers and per-route throttles from it; the handlers dispatch on its operation names
 * (src/functions/runtime/router.ts); the local cloud serves what the synthesized template holds of it; the OpenAPI
 * document (src/contract/openapi/document.ts) is built from it and each operation's entry in API_CONTRACT
 * (src/contract/api-contract.ts), which a new route needs (a missing entry fails to compile). This module imports only
 * names, so it costs the function bundles nothing.
 */

/** HTTP methods the API uses. */
type HttpMethod = 'GET' | 'POST' | 'PATCH';

/**
 * Who may call a route: `user` (the JWT authorizer of the user pool or OIDC issuer; none in auth=none), `admin`
 * (IAM: a SigV4-signed caller allowed `execute-api:Invoke`, `FcfsCoupon.grantAdminInvoke`), `checkout` (IAM as
 * well, a shop's checkout service, `FcfsCoupon.grantCheckout`: a tier of its own, so a checkout role cannot
 * administer and an admin role need not redeem), `public` (anyone: a drop page's campaign view and count).
 */
export type RouteAuthorization = 'user' | 'admin' | 'checkout' | 'public';

/** The tiers API Gateway authorizes with IAM (SigV4): the construct puts its IAM authorizer on their routes. */
export const IAM_AUTHORIZATIONS: readonly RouteAuthorization[] = ['admin', 'checkout'];

/** A throttle tier, requests/s (`rateLimit`) and burst (`burstLimit`), on top of the stage's default. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Per-route throttle tiers of the HTTP API stage; API Gateway answers 429 above them. Reads a landing page polls
 * get more room than a signed-in user's own calls, and a checkout's calls (one per order) as much room as those; admin
 * calls are rare and get least. `stage` routes (the issue
 * route) take the stage default, the construct's `throttleRateLimit` / `throttleBurstLimit`.
 */
export const THROTTLE_TIERS = {
  polledRead: { rateLimit: 2000, burstLimit: 2000 },
  userCall: { rateLimit: 500, burstLimit: 1000 },
  checkoutCall: { rateLimit: 500, burstLimit: 1000 },
  adminCall: { rateLimit: 20, burstLimit: 50 },
} as const satisfies Record<string, Throttle>;
/** `stage` (the stage default) or a key of {@link THROTTLE_TIERS}. */
type ThrottleTier = 'stage' | keyof typeof THROTTLE_TIERS;

/** One route of the HTTP API. */
export interface Route {
  /** Stable camelCase name: the handler's dispatch key and the OpenAPI operationId. */
  readonly operation: string;
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** API Gateway path, `{name}` for a path parameter. */
  readonly path: string;
  /** The function that serves it (a value of HANDLERS). */
  readonly handler: HandlerName;
  /** Who may call it: the public, a signed-in user (JWT), an admin or a checkout (IAM, SigV4). */
  readonly authorization: RouteAuthorization;
  /** Its throttle tier ({@link THROTTLE_TIERS}). */
  readonly throttle: ThrottleTier;
  /** One line on what it does. */
  readonly summary: string;
}

/** Every route of the HTTP API. Order is the README's: the user's drop, the checkout, then administration. */
export const ROUTES = [
  {
    operation: 'getPublicCampaign',
    method: 'GET',
    path: '/v1/campaigns/{campaignId}',
    handler: HANDLERS.query,
    authorization: 'public',
    throttle: 'polledRead',
    summary:
      "A campaign's public view for a drop page: name, terms, vendor, calendar, state, the current or next window and today's remaining.",
  },
  {
    operation: 'issueCoupon',
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/issue',
    handler: HANDLERS.issue,
    authorization: 'user',
    throttle: 'stage',
    summary: "Claims today's coupon of a campaign for the caller: one atomic admission, then the queued write.",
  },
  {
    operation: 'getCount',
    method: 'GET',
    path: '/v1/campaigns/{campaignId}/count',
    handler: HANDLERS.query,
    authorization: 'public',
    throttle: 'polledRead',
    summary: "The day's quota, admitted, persisted and remaining counts, for a landing page.",
  },
  {
    operation: 'getUserCoupon',
    method: 'GET',
    path: '/v1/campaigns/{campaignId}/users/{userId}/coupon',
    handler: HANDLERS.query,
    authorization: 'user',
    throttle: 'userCall',
    summary: "The caller's coupon of a campaign day (ISSUED), or its admission while the coupon is written (PENDING).",
  },
  {
    operation: 'listUserCoupons',
    method: 'GET',
    path: '/v1/users/me/coupons',
    handler: HANDLERS.userCoupons,
    authorization: 'user',
    throttle: 'userCall',
    summary: "The caller's coupons, newest admission first, one page at a time.",
  },
  {
    operation: 'quoteCoupon',
    method: 'POST',
    path: '/v1/checkout/quotes',
    handler: HANDLERS.checkout,
    authorization: 'checkout',
    throttle: 'checkoutCall',
    summary: 'The discount a coupon gives an order, or why it gives none; changes nothing.',
  },
  {
    operation: 'redeemCoupon',
    method: 'POST',
    path: '/v1/checkout/redemptions',
    handler: HANDLERS.checkout,
    authorization: 'checkout',
    throttle: 'checkoutCall',
    summary: "Redeems a user's coupon for a vendor's order, crediting the vendor; idempotent per (vendor, orderId).",
  },
  {
    operation: 'refundRedemption',
    method: 'POST',
    path: '/v1/checkout/redemptions/{redemptionId}/refund',
    handler: HANDLERS.checkout,
    authorization: 'checkout',
    throttle: 'checkoutCall',
    summary: "Refunds a redemption: the coupon is usable again while valid, the vendor's credit reversed; idempotent.",
  },
  {
    operation: 'createCampaign',
    method: 'POST',
    path: '/v1/admin/campaigns',
    handler: HANDLERS.adminCampaigns,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Creates a campaign: period, daily window and quota in a time zone, discount, vendor.',
  },
  {
    operation: 'listCampaigns',
    method: 'GET',
    path: '/v1/admin/campaigns',
    handler: HANDLERS.adminCampaigns,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Lists campaigns, one page at a time.',
  },
  {
    operation: 'getCampaign',
    method: 'GET',
    path: '/v1/admin/campaigns/{campaignId}',
    handler: HANDLERS.adminCampaigns,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Reads one campaign.',
  },
  {
    operation: 'updateCampaign',
    method: 'PATCH',
    path: '/v1/admin/campaigns/{campaignId}',
    handler: HANDLERS.adminCampaigns,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Changes a campaign before it starts.',
  },
  {
    operation: 'closeCampaign',
    method: 'POST',
    path: '/v1/admin/campaigns/{campaignId}/close',
    handler: HANDLERS.adminCampaigns,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Closes a campaign at once (the kill switch); idempotent.',
  },
  {
    operation: 'getCampaignStats',
    method: 'GET',
    path: '/v1/admin/campaigns/{campaignId}/stats',
    handler: HANDLERS.adminCampaigns,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Per issue day: quota, admitted, persisted, redeemed and parked counts.',
  },
  {
    operation: 'createVendor',
    method: 'POST',
    path: '/v1/admin/vendors',
    handler: HANDLERS.adminVendors,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Creates a vendor, who is credited for each redemption.',
  },
  {
    operation: 'listVendors',
    method: 'GET',
    path: '/v1/admin/vendors',
    handler: HANDLERS.adminVendors,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Lists vendors by vendorId, one page at a time.',
  },
  {
    operation: 'getVendor',
    method: 'GET',
    path: '/v1/admin/vendors/{vendorId}',
    handler: HANDLERS.adminVendors,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'A vendor, its settlement balance and one page of its ledger.',
  },
  {
    operation: 'getWinners',
    method: 'GET',
    path: '/v1/admin/campaigns/{campaignId}/days/{issueDate}/winners',
    handler: HANDLERS.adminCampaigns,
    authorization: 'admin',
    throttle: 'adminCall',
    summary:
      "A campaign day's admitted users with rank, coupon and its status (JSON pages, or CSV with accept: text/csv).",
  },
  {
    operation: 'listFailedEvents',
    method: 'GET',
    path: '/v1/admin/failed-events',
    handler: HANDLERS.adminFailedEvents,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Failed-event records (admissions the replay could not write), filtered by campaign day and status.',
  },
  {
    operation: 'redriveFailedEvent',
    method: 'POST',
    path: '/v1/admin/failed-events/{failedEventId}/redrive',
    handler: HANDLERS.adminFailedEvents,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Re-enqueues a parked admission the admission ledger still holds; the coupon write stays idempotent.',
  },
  {
    operation: 'redriveCampaignDay',
    method: 'POST',
    path: '/v1/admin/failed-events/redrive',
    handler: HANDLERS.adminFailedEvents,
    authorization: 'admin',
    throttle: 'adminCall',
    summary: 'Re-enqueues every parked admission of a campaign day the admission ledger still holds.',
  },
] as const satisfies readonly Route[];

/** One entry of {@link ROUTES}, with its literal types. */
export type RouteOf = (typeof ROUTES)[number];
/** The operation name of any route. */
export type Operation = RouteOf['operation'];
/** The operation names a handler serves, e.g. `OperationsOf<'admin-vendors'>` = `'createVendor' | 'listVendors' | 'getVendor'`. */
export type OperationsOf<H extends HandlerName> = Extract<RouteOf, { handler: H }>['operation'];

/** API Gateway's route key of a route, `METHOD /path` (the `routeKey` of its events). */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The routes a handler serves. */
export function routesOf(handler: HandlerName): readonly Route[] {
  return ROUTES.filter((r) => r.handler === handler);
}

/** Route key -> operation, built once: every request of every HTTP function looks its operation up here. */
const OPERATIONS = new Map<string, Operation>(ROUTES.map((r) => [routeKey(r), r.operation]));

/** The operation of an API Gateway route key; undefined for a key not in the table. */
export function operationOf(key: string): Operation | undefined {
  return OPERATIONS.get(key);
}
