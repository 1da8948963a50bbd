import * as z from 'zod/mini';
import { minorUnitsSchema } from '../functions/domain/campaign/campaign';
import { idSchema, localDateSchema } from './rules';

/**
 * Query schemas shared by a handler, which parses its request with them, and the API contract
 * (src/contract/api-contract.ts), which documents them. Bodies are the domain's schemas (campaign/campaign.ts,
 * vendor/vendor.ts) but for the checkout's bodies; ids and local dates follow src/contract/rules.ts.
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

/** An ISO 4217 currency code, as vendors declare theirs (src/functions/domain/vendor/vendor.ts). */
const currencySchema = z.string().check(z.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as USD or KRW'));

/** The order a checkout asks about (src/functions/domain/vendor/checkout.ts `CheckoutOrder`); amounts in minor units. */
const checkoutOrderFields = {
  userId: idSchema,
  couponId: idSchema,
  orderAmount: minorUnitsSchema('orderAmount'),
  currency: currencySchema,
};

/** Body of `POST /v1/checkout/quotes`: the user, the coupon, and the order's amount (minor units) and currency. */
export const quoteBodySchema = z.strictObject(checkoutOrderFields);

/**
 * Body of `POST /v1/checkout/redemptions`: the quote's fields and the vendor's `orderId`, the idempotency key (the
 * id rule, src/contract/rules.ts).
 */
export const redeemBodySchema = z.strictObject({ ...checkoutOrderFields, orderId: idSchema });

/** Body of `POST /v1/checkout/redemptions/{redemptionId}/refund`: why (order cancelled or returned), 1-500 characters. */
export const refundBodySchema = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(1, 'reason must not be empty'), z.maxLength(500)),
});
