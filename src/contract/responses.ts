import * as z from 'zod/mini';
import { campaignFields, discountSchema } from '../functions/domain/campaign/campaign';
import { CAMPAIGN_STATES } from '../functions/domain/campaign/campaign-state';
import { localDateSchema } from './rules';

/**
 * Response bodies of the HTTP API, as zod schemas: the API contract (src/contract/api-contract.ts) documents them in
 * the OpenAPI document and the end-to-end tests validate every response against it. Objects are strict (a field the
 * handler does not return is refused) wherever the handler's shape is closed. Shapes follow the domain types named in
 * each docstring; instants are ISO-8601 UTC, dates local `YYYY-MM-DD`, amounts minor units.
 */

const instant = z.iso.datetime();
const localDate = localDateSchema('issueDate');
const count = z.int().check(z.gte(0));
const rank = z.int().check(z.gte(1));
const amount = z.int().check(z.gte(0));
/** Opaque `nextCursor` of a listing: absent on the last page; pass it back as `?cursor=`. */
const nextCursor = z.optional(z.string().check(z.minLength(1)));

/** A stored campaign (src/functions/domain/campaign/campaign.ts `Campaign`): the definition with its id, instants and write count. */
export const campaignSchema = z.extend(z.omit(campaignFields, { campaignId: true }), {
  campaignId: z.string(),
  counterShards: z.int().check(z.gte(1)),
  createdAt: instant,
  updatedAt: z.optional(instant),
  /** Set when an admin closed the campaign early (the kill switch). */
  closedAt: z.optional(instant),
  /** Writes so far (1 at creation), for conditional updates. */
  version: z.optional(z.int().check(z.gte(1))),
});

/** One page of campaigns. */
export const campaignPageSchema = z.strictObject({ items: z.array(campaignSchema), nextCursor });

/** Per-day statistics of a campaign (src/functions/domain/campaign/campaign-admin.ts `campaignStats`). */
export const campaignStatsSchema = z.strictObject({
  campaignId: z.string(),
  days: z.array(
    z.strictObject({
      issueDate: localDate,
      quota: count,
      admitted: count,
      persisted: count,
      redeemed: count,
      /** Admitted users whose coupon write failed for good: an operator's to-do. */
      parked: count,
    }),
  ),
});

/** A vendor (src/functions/domain/vendor/vendor.ts `Vendor`). */
export const vendorSchema = z.strictObject({
  vendorId: z.string(),
  name: z.string(),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  createdAt: instant,
});

/** One page of vendors, ordered by `vendorId`. */
export const vendorPageSchema = z.strictObject({ items: z.array(vendorSchema), nextCursor });

/** A vendor with its settlement account and one page of its ledger (src/functions/domain/vendor/vendor.ts `vendorSettlement`). */
export const vendorSettlementSchema = z.extend(vendorSchema, {
  /** `balance` is the sum of the ledger entries' amounts. */
  settlement: z.strictObject({
    vendorId: z.string(),
    currency: z.string(),
    balance: amount,
    redemptions: count,
    refunds: count,
  }),
  /** The ledger, never edited: a REDEMPTION credits, a REFUND reverses it with a negative amount. */
  entries: z.array(
    z.strictObject({
      kind: z.enum(['REDEMPTION', 'REFUND']),
      redemptionId: z.optional(z.string()),
      couponId: z.string(),
      campaignId: z.string(),
      orderId: z.string(),
      amount: z.int(),
      /** When the entry was written. */
      redeemedAt: instant,
    }),
  ),
  nextCursor,
});

/** A coupon as its owner sees it (src/functions/domain/coupon/coupon.ts `CouponView`): EXPIRED once `expiresAt` passed unredeemed. */
export const couponSchema = z.strictObject({
  couponId: z.string(),
  campaignId: z.string(),
  vendorId: z.optional(z.string()),
  issueDate: localDate,
  userId: z.string(),
  rank,
  admittedAt: instant,
  issuedAt: instant,
  /** Exclusive end of validity. */
  expiresAt: instant,
  status: z.enum(['ISSUED', 'REDEEMED', 'EXPIRED']),
  discount: discountSchema,
  redemption: z.optional(
    z.strictObject({
      redemptionId: z.optional(z.string()),
      orderId: z.string(),
      orderAmount: z.optional(amount),
      currency: z.optional(z.string()),
      /** The vendor's credit. */
      amount,
      redeemedAt: instant,
    }),
  ),
});

/** The quote of a coupon for an order (src/functions/domain/vendor/checkout.ts `Quote`). */
export const quoteSchema = z.strictObject({
  couponId: z.string(),
  userId: z.string(),
  orderAmount: amount,
  currency: z.string(),
  applicable: z.boolean(),
  /** 0 when not applicable. */
  discountAmount: amount,
  /** Why the coupon gives no discount; empty when applicable. */
  reasons: z.array(
    z.strictObject({
      code: z.enum(['NOT_OWNER', 'REDEEMED', 'EXPIRED', 'CURRENCY_MISMATCH', 'BELOW_MINIMUM_ORDER', 'ZERO_DISCOUNT']),
      message: z.string(),
    }),
  ),
  /** The PERCENT discount's maxAmount, when it capped the discount. */
  cappedAt: z.optional(amount),
  expiresAt: instant,
});

/** A checkout redemption (src/functions/domain/vendor/checkout.ts `CheckoutRedemption`). */
export const checkoutRedemptionSchema = z.strictObject({
  /** `<vendorId>.<orderId in base64url>`: the same for every repeat of the order. */
  redemptionId: z.string(),
  vendorId: z.string(),
  orderId: z.string(),
  couponId: z.string(),
  userId: z.string(),
  campaignId: z.string(),
  issueDate: localDate,
  orderAmount: amount,
  currency: z.string(),
  /** The order's discount, which the vendor is credited. */
  discountAmount: amount,
  status: z.enum(['REDEEMED', 'REFUNDED']),
  redeemedAt: instant,
  refundedAt: z.optional(instant),
  refundReason: z.optional(z.string()),
});

/** One page of the caller's coupons, newest admission first. */
export const couponPageSchema = z.strictObject({ items: z.array(couponSchema), nextCursor });

/** The answer to an admitted issue request: the coupon is written shortly after (src/functions/domain/admission/issue-coupon.ts). */
export const issueAcceptedSchema = z.strictObject({
  code: z.literal('ACCEPTED'),
  rank,
  couponId: z.string(),
  issueDate: localDate,
});

/**
 * A campaign's state (src/functions/domain/campaign/campaign-state.ts `CAMPAIGN_STATES`): SCHEDULED (no window
 * opened yet), OPEN, BETWEEN_WINDOWS, SOLD_OUT_TODAY (window open, today's quota all admitted), ENDED (no window
 * opens any more), CLOSED (closed early by an admin).
 */
export const campaignStateSchema = z.enum(CAMPAIGN_STATES);

/** Counts of one issue day (src/functions/domain/coupon/queries.ts `IssuanceCount`). */
export const issuanceCountSchema = z.strictObject({
  issueDate: localDate,
  /** The campaign's daily quota. */
  quota: count,
  admitted: count,
  persisted: count,
  /**
   * `max(0, quota - admitted)` on an issue day; null on a date outside the period, a day whose window daylight
   * saving skips, from the day the campaign was closed, and today once it has ended.
   */
  remaining: z.nullable(count),
  /** The campaign's state now, whatever `date` was asked for. */
  state: campaignStateSchema,
  /** When the counts were read: a page polling an edge-cached count shows how fresh it is. */
  asOf: instant,
});

/** A campaign's public view (src/functions/domain/campaign/public-view.ts `PublicCampaign`). */
export const publicCampaignSchema = z.strictObject({
  campaignId: z.string(),
  name: z.string(),
  /** The vendor that funds the discount; null if its record is missing. */
  vendor: z.nullable(z.strictObject({ vendorId: z.string(), name: z.string(), currency: z.string() })),
  /** The discount a coupon gives, minor units of the vendor's currency for an amount. */
  discount: discountSchema,
  timezone: z.string(),
  startDate: localDateSchema('startDate'),
  endDate: localDateSchema('endDate'),
  /** Local `HH:MM` in `timezone`; `close` exclusive, `24:00` the end of the day. */
  dailyWindow: z.strictObject({ open: z.string(), close: z.string() }),
  /** Coupons a user may get per issue day (always 1). */
  perUserDailyLimit: z.literal(1),
  /** 1 when a user may get one coupon for the whole campaign, not one per issue day; null otherwise. */
  perUserCampaignLimit: z.nullable(z.literal(1)),
  state: campaignStateSchema,
  /** The local date now in `timezone`, issue day or not. */
  today: localDate,
  /** The window open now (OPEN, SOLD_OUT_TODAY) or the next one (SCHEDULED, BETWEEN_WINDOWS); null when ENDED or CLOSED. */
  window: z.nullable(z.strictObject({ opensAt: instant, closesAt: instant })),
  /** The next opening (while open: the next day's); null when no window opens any more. */
  nextOpensAt: z.nullable(instant),
  /** Today's quota; null unless today is an issue day of a campaign neither ENDED nor CLOSED. */
  quota: z.nullable(count),
  /** What is left of today's quota; null whenever `quota` is. */
  remaining: z.nullable(count),
  /** When the view was made: behind the edge's 1 s cache a page can tell its age. */
  asOf: instant,
});

/** The caller's coupon of an issue day, or its admission while the coupon is written (src/functions/domain/coupon/queries.ts). */
export const userCouponSchema = z.union([
  z.strictObject({ status: z.enum(['ISSUED', 'REDEEMED', 'EXPIRED']), coupon: couponSchema }),
  z.strictObject({ status: z.literal('PENDING'), couponId: z.string(), issueDate: localDate, rank }),
]);

/** One invalid field of a bad request (src/functions/domain/kernel/errors.ts `FieldError`). */
export const fieldErrorSchema = z.strictObject({
  /** The field's path in the body or query, e.g. `dailyWindow.open`; empty for the whole value. */
  path: z.string(),
  /** What is wrong with it. */
  message: z.string(),
});

/**
 * A problem (RFC 9457, src/contract/problems.ts) in `application/problem+json`, the body of every 4xx and 5xx the
 * product answers (src/functions/runtime/http.ts): each error's own schema narrows `type`, `title`, `status` and
 * `code`, and adds its members (e.g. `rank` of ALREADY_ISSUED).
 */
export const problemSchema = z.strictObject({
  /** A URI naming the problem: `tag:fcfs-coupon,2026:problems/` and the code in kebab case. */
  type: z.string(),
  /** Short, the same for every occurrence of the problem. */
  title: z.string(),
  /** The HTTP status. */
  status: z.int(),
  /** What went wrong this time. */
  detail: z.string(),
  /** Stable machine-readable code, e.g. `SOLD_OUT`. */
  code: z.string(),
  /** The detail again (the body's field before problem details). */
  message: z.string(),
  /** Each invalid field of a bad request; empty for any other problem. */
  errors: z.array(fieldErrorSchema),
});

/** A refusal of API Gateway itself (authorizer, throttle, integration failure): `{message}`, no code. */
export const gatewayErrorSchema = z.strictObject({ message: z.string() });
