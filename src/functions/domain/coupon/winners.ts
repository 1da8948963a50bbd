import * as z from 'zod/mini';
import '../kernel/zod-messages';
import { type CampaignDay, couponIdOf } from '../admission/admission';
import type { AdmissionStore } from '../admission/ports';
import { campaignOrThrow } from '../campaign/campaign-lookup';
import type { CampaignRepository } from '../campaign/ports';
import type { Clock } from '../kernel/clock';
import type { CouponLookup, CouponStore } from './ports';

// Who won a campaign day: the admission ledger (the source of truth of who was admitted, in rank order) joined
// with the coupons, with the day's admitted, persisted and quota, so an auditor sees `admitted == persisted <=
// quota` once the day is whole.

/** Most winners one page returns (JSON or CSV): 100 BatchGetItem calls of coupons at most. */
export const MAX_WINNERS_PAGE = 10_000;
/** Winners of a page when the request gives no `limit`. */
export const DEFAULT_WINNERS_PAGE = 100;

/**
 * Query of `GET /v1/admin/campaigns/{campaignId}/days/{issueDate}/winners`: `limit` (1-10000, default 100) and
 * `cursor` (a previous `nextCursor`; in CSV, the `x-next-cursor` header).
 */
export const winnersQuerySchema = z.object({
  limit: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,5}$/, `limit must be an integer from 1 to ${MAX_WINNERS_PAGE}`)),
      z.transform(Number),
    ),
    DEFAULT_WINNERS_PAGE,
  ),
  cursor: z.optional(z.string().check(z.regex(/^r\d{1,9}$/, 'cursor is not valid for this listing'))),
});

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
/** One admitted user of the day. */
export type Winner = z.infer<typeof winnerSchema>;

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
/** A page of winners with the day's totals. */
export type WinnersPage = z.infer<typeof winnersResponseSchema>;

/** Dependencies of {@link dayWinners}. */
export interface WinnersDeps {
  readonly campaigns: Pick<CampaignRepository, 'get'>;
  readonly admissions: Pick<AdmissionStore, 'ledger'>;
  readonly coupons: Pick<CouponStore, 'persistedCount'> & CouponLookup;
  readonly clock: Clock;
}

/**
 * One page of a campaign day's winners, in rank order, after the rank in `cursor` (`r<rank>`), with the day's
 * quota, admitted and persisted. Reads the whole ledger (at most `quota` entries) and the page's coupons.
 * A cursor past the last rank gives an empty page.
 * @throws CampaignNotFoundError
 */
export async function dayWinners(
  deps: WinnersDeps,
  day: CampaignDay,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<WinnersPage> {
  const campaign = await campaignOrThrow(deps.campaigns, day.campaignId);
  const [ledger, persisted] = await Promise.all([deps.admissions.ledger(day), deps.coupons.persistedCount(day)]);
  const after = page.cursor === undefined ? 0 : Number(page.cursor.slice(1));
  const sorted = [...ledger].sort((a, b) => a.rank - b.rank);
  const rest = sorted.filter((entry) => entry.rank > after);
  const entries = rest.slice(0, page.limit);
  const ids = entries.map((entry) => couponIdOf(day.campaignId, day.issueDate, entry.userId));
  const coupons = await deps.coupons.statesOf(ids);
  const now = deps.clock();
  const items: Winner[] = entries.map((entry, i) => {
    const couponId = ids[i] as string;
    const coupon = coupons.get(couponId);
    return {
      rank: entry.rank,
      userId: entry.userId,
      admittedAt: entry.admittedAt,
      couponId,
      couponStatus: !coupon
        ? 'PENDING'
        : coupon.status === 'ISSUED' && now.getTime() >= Date.parse(coupon.expiresAt)
          ? 'EXPIRED'
          : coupon.status,
    };
  });
  const last = entries.at(-1);
  const more = rest.length > entries.length && last !== undefined;
  return {
    ...day,
    quota: campaign.dailyQuota,
    admitted: ledger.length,
    persisted,
    items,
    ...(more ? { nextCursor: `r${last.rank}` } : {}),
  };
}

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
