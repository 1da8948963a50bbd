import * as z from 'zod/mini';
import '../functions/domain/kernel/zod-messages';
import type { Winner } from '../functions/domain/coupon/winners';
import { pageQuerySchemaOf } from './rules';

// The winners route's HTTP formats (`GET /v1/admin/campaigns/{campaignId}/days/{issueDate}/winners`): its query,
// its JSON body and its CSV body. The use case is src/functions/domain/coupon/winners.ts (dayWinners).

/** Most winners one page returns (JSON or CSV): 100 BatchGetItem calls of coupons at most. */
export const MAX_WINNERS_PAGE = 10_000;
/** Winners of a page when the request gives no `limit`. */
export const DEFAULT_WINNERS_PAGE = 100;

/**
 * Query of `GET /v1/admin/campaigns/{campaignId}/days/{issueDate}/winners`: `limit` (1-10000, default 100) and
 * `cursor` (a previous `nextCursor`; in CSV, the `x-next-cursor` header).
 */
export const winnersQuerySchema = pageQuerySchemaOf(
  MAX_WINNERS_PAGE,
  DEFAULT_WINNERS_PAGE,
  z.string().check(z.regex(/^r\d{1,9}$/, 'cursor is not valid for this listing')),
);

/**
 * Status of a winner's coupon: as its owner sees it (ISSUED, REDEEMED, EXPIRED), or PENDING while admitted
 * without a coupon yet (queued, retried, or parked: see `GET /v1/admin/failed-events`).
 */
export const winnerCouponStatusSchema = z.enum(['ISSUED', 'REDEEMED', 'EXPIRED', 'PENDING']);

/** One admitted user of the day. `admittedAt` is ISO-8601 UTC; `couponId` the admission's (deterministic) id. */
export const winnerSchema = z.strictObject({
  rank: z.number(),
  userId: z.string(),
  admittedAt: z.string(),
  couponId: z.string(),
  couponStatus: winnerCouponStatusSchema,
});

/** The day's totals: quota, users in the ledger (`admitted`) and coupons written (`persisted`). */
export const winnersHeaderSchema = z.object({
  campaignId: z.string(),
  issueDate: z.string(),
  quota: z.number(),
  admitted: z.number(),
  persisted: z.number(),
});

/** Response of the winners route in JSON: the header, then one page of winners in rank order. */
export const winnersResponseSchema = z.strictObject({
  ...winnersHeaderSchema.shape,
  items: z.array(winnerSchema),
  nextCursor: z.optional(z.string()),
});

/** CSV columns of {@link winnersCsv}, in order. */
export const WINNERS_CSV_COLUMNS = ['rank', 'userId', 'admittedAt', 'couponId', 'couponStatus'] as const;

/**
 * The page's winners as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break,
 * and a leading `=+-@` quoted with a `'` so a spreadsheet never runs a user id as a formula), header row first.
 */
export function winnersCsv(items: readonly Winner[]): string {
  const rows = [
    WINNERS_CSV_COLUMNS.join(','),
    ...items.map((w) => WINNERS_CSV_COLUMNS.map((c) => csvField(String(w[c]))).join(',')),
  ];
  return `${rows.join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
