import * as z from 'zod/mini';
import { minorUnitsSchema } from '../functions/domain/campaign/campaign';
import { localDateSchema } from './rules';

/**
 * Query schemas shared by a handler, which parses its request with them, and the API contract
 * (src/contract/api-contract.ts), which documents them. Bodies are the domain's schemas (campaign/campaign.ts,
 * vendor/vendor.ts) but for the redeem body's fields; ids and local dates follow src/contract/rules.ts.
 */

/** `?date=YYYY-MM-DD` of the count and the user's coupon: the issue day (default: today in the campaign's zone). */
export const issueDayQuerySchema = z.object({ date: z.optional(localDateSchema('date')) });

/** `?from=&to=` of a campaign's stats: local dates, inclusive (default: the event period up to today). */
export const statsQuerySchema = z.object({
  from: z.optional(localDateSchema('from')),
  to: z.optional(localDateSchema('to')),
});

/**
 * Query of `POST /v1/admin/campaigns` and `PATCH /v1/admin/campaigns/{campaignId}`: `dryRun=true` validates and
 * answers what the definition will do (src/contract/dry-run.ts, dryRunResponseSchema) without storing it.
 */
export const dryRunQuerySchema = z.object({
  dryRun: z.optional(z.enum(['true', 'false'], 'dryRun must be true or false')),
});

/**
 * Body of `POST /v1/coupons/{couponId}/redeem` (besides the caller's identity): the order the coupon is used on,
 * and its amount in minor units, which a PERCENT discount needs to compute the vendor's credit.
 */
export const redeemBodyFields = {
  orderId: z
    .string()
    .check(
      z.minLength(1, 'orderId must not be empty'),
      z.maxLength(128, 'orderId must be at most 128 characters'),
      z.regex(/^[^\p{Cc}\p{Cf}\s]+$/u, 'orderId must not contain whitespace or control characters'),
    ),
  orderAmount: z.optional(minorUnitsSchema('orderAmount')),
};
