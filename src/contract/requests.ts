import * as z from 'zod/mini';
import { localDateSchema } from './rules';

/**
 * Query schemas shared by a handler, which parses its request with them, and the API contract
 * (src/contract/api-contract.ts), which documents them. Bodies are the domain's schemas (campaign.ts, vendor.ts,
 * redemption.ts); ids and local dates follow src/contract/rules.ts.
 */

/** `?date=YYYY-MM-DD` of the count and the user's coupon: the issue day (default: today in the campaign's zone). */
export const issueDayQuerySchema = z.object({ date: z.optional(localDateSchema('date')) });

/** `?from=&to=` of a campaign's stats: local dates, inclusive (default: the event period up to today). */
export const statsQuerySchema = z.object({
  from: z.optional(localDateSchema('from')),
  to: z.optional(localDateSchema('to')),
});
