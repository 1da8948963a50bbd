import * as z from 'zod/mini';
import { proofOfWorkSchema } from '../../../contract/proof-of-work';
import { entityIdSchema, localDateSchema } from '../../../contract/rules';
import '../kernel/zod-messages';
import {
  addDays,
  daysBetween,
  isLocalDate,
  isTimeZone,
  localDateAt,
  localDateOf,
  startOfLocalDay,
  wallClockAt,
} from '../kernel/zoned-time';

const LOCAL_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Upper bounds that keep a definition sane; not AWS limits. */
const MAX_DAILY_QUOTA = 10_000_000;
const MAX_VALIDITY_DAYS = 3_650;
const MAX_CAMPAIGN_DAYS = 366;
/**
 * Most counter shards a day's quota may be split over (DynamoDB mode): 100 items of one item's write limit on AWS
 * each (README.md, "API": `counterShards`) is beyond need.
 */
const MAX_COUNTER_SHARDS = 100;

/** Largest money amount, minor units (1e12: ten billion in a two-decimal currency). */
const MAX_MINOR_UNITS = 1_000_000_000_000;

/** A money amount in the vendor currency's minor units (cents for USD, won for KRW): a positive integer. */
export const minorUnitsSchema = (field: string) =>
  z
    .int(`${field} must be an integer (minor units)`)
    .check(z.gte(1, `${field} must be at least 1`), z.lte(MAX_MINOR_UNITS));

/**
 * The discount a coupon gives, which is also what the vendor is credited when it is redeemed (README.md, "API",
 * lifecycle rules: redemption). `AMOUNT`: a fixed amount in minor units of the vendor's currency.
 * `PERCENT`: a share of the order amount, optionally capped at `maxAmount` minor units. Either may set
 * `minOrderAmount`: orders below it get no discount (a checkout's quote says so, src/functions/domain/vendor/checkout.ts).
 */
export const discountSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('PERCENT'),
    value: z.number().check(z.gt(0, 'discount.value must be above 0'), z.lte(100, 'discount.value is at most 100')),
    maxAmount: z.optional(minorUnitsSchema('discount.maxAmount')),
    minOrderAmount: z.optional(minorUnitsSchema('discount.minOrderAmount')),
  }),
  z.strictObject({
    type: z.literal('AMOUNT'),
    value: minorUnitsSchema('discount.value'),
    minOrderAmount: z.optional(minorUnitsSchema('discount.minOrderAmount')),
  }),
]);

const counterShardsSchema = z
  .int('counterShards must be an integer')
  .check(z.gte(1), z.lte(MAX_COUNTER_SHARDS, `counterShards is at most ${MAX_COUNTER_SHARDS}`));

/** Most provisioned concurrency one campaign may ask for (Lambda's own limit is the function's concurrency). */
const MAX_PREWARM_CONCURRENCY = 10_000;
/** Longest pre-warm lead, minutes: half a day. */
const MAX_PREWARM_LEAD_MINUTES = 720;

/**
 * Pre-warming of the issue function for each window of the campaign (README.md, "Preparing a drop"): provisioned
 * concurrency `concurrency` (execution environments) on the issue function's alias from `leadMinutes` before the
 * window opens until it closes. `concurrency` defaults from `expectedPeakRps` (src/functions/domain/drop-plan/capacity.ts,
 * `concurrencyFor`); one of the two is required.
 */
const prewarmSchema = z.strictObject({
  concurrency: z.optional(
    z
      .int('prewarm.concurrency must be an integer')
      .check(
        z.gte(1, 'prewarm.concurrency must be at least 1'),
        z.lte(MAX_PREWARM_CONCURRENCY, `prewarm.concurrency is at most ${MAX_PREWARM_CONCURRENCY}`),
      ),
  ),
  leadMinutes: z
    .int('prewarm.leadMinutes must be an integer')
    .check(
      z.gte(1, 'prewarm.leadMinutes must be at least 1'),
      z.lte(MAX_PREWARM_LEAD_MINUTES, `prewarm.leadMinutes is at most ${MAX_PREWARM_LEAD_MINUTES}`),
    ),
});

/** Largest `expectedPeakRps` accepted, requests/s. */
const MAX_EXPECTED_PEAK_RPS = 1_000_000;

/**
 * Requests/s the campaign expects at the opening second: the dry run compares it with the deployed limits, and
 * `prewarm.concurrency` defaults from it.
 */
const expectedPeakRpsSchema = z
  .int('expectedPeakRps must be an integer (requests/s)')
  .check(
    z.gte(1, 'expectedPeakRps must be at least 1'),
    z.lte(MAX_EXPECTED_PEAK_RPS, `expectedPeakRps is at most ${MAX_EXPECTED_PEAK_RPS}`),
  );

/**
 * The fields of a campaign definition, without the rules that relate them (see {@link campaignDefinitionSchema});
 * the stored campaign of the API contract (src/contract/responses.ts) extends them.
 */
export const campaignFields = z.strictObject({
  campaignId: z.optional(entityIdSchema('campaignId')),
  /** The vendor that funds the discount and is credited on redemption; must exist (`POST /v1/admin/vendors`). */
  vendorId: entityIdSchema('vendorId'),
  name: z.string().check(z.trim(), z.minLength(1, 'name must not be empty'), z.maxLength(200)),
  timezone: z.string().check(z.refine(isTimeZone, 'timezone must be an IANA time zone')),
  startDate: localDateSchema('startDate'),
  endDate: localDateSchema('endDate'),
  dailyWindow: z.strictObject({
    open: z.string().check(z.regex(LOCAL_TIME, 'dailyWindow.open must be HH:MM')),
    close: z.string().check(z.regex(LOCAL_TIME, 'dailyWindow.close must be HH:MM or 24:00')),
  }),
  dailyQuota: z
    .int('dailyQuota must be an integer')
    .check(z.gte(1, 'dailyQuota must be at least 1'), z.lte(MAX_DAILY_QUOTA)),
  perUserDailyLimit: z.literal(1, 'perUserDailyLimit must be 1 (one coupon per user per day)'),
  /**
   * One coupon per user for the whole campaign (optional; only 1): a user admitted on any issue day is refused on
   * every other day (409 ALREADY_ISSUED naming the day held). Admission checks it in the same atomic step as the
   * day's quota (AdmitRequest.campaignLimit, src/functions/domain/admission/ports.ts); an admission given back
   * (released before it became a coupon) frees it. Fixed once the campaign starts, as every field is.
   * @default - absent: one coupon per user per issue day
   */
  perUserCampaignLimit: z.optional(
    z.literal(1, 'perUserCampaignLimit must be 1 (one coupon per user for the whole campaign)'),
  ),
  couponValidityDays: z.int().check(z.gte(0), z.lte(MAX_VALIDITY_DAYS)),
  /**
   * DynamoDB mode: the daily quota is split over this many counter items, so admissions are not capped by one
   * item's write limit on AWS (README.md, "API"). Fixed once the campaign starts. Ignored in Redis mode.
   */
  counterShards: z._default(counterShardsSchema, 1),
  discount: discountSchema,
  /** Requests/s expected at the opening second (optional): the dry run's capacity warnings use it. */
  expectedPeakRps: z.optional(expectedPeakRpsSchema),
  /** Pre-warming of the issue function before each window (optional), see {@link prewarmSchema}. */
  prewarm: z.optional(prewarmSchema),
  /**
   * A proof of work each issue request must carry (optional; README.md, "Proof of work"): without a valid one the
   * issue route answers 403 PROOF_REQUIRED with a challenge of this difficulty (src/contract/proof-of-work.ts).
   */
  proofOfWork: z.optional(proofOfWorkSchema),
});

/**
 * Campaign definition as accepted by `POST /v1/admin/campaigns` (the request body, `campaignId` optional).
 * Dates are inclusive local dates (`YYYY-MM-DD`) and window times local `HH:MM` in `timezone`; `close` is
 * exclusive and `"24:00"` means the end of the day. The rules (README.md, "API"): an event period, a daily window,
 * a daily quota, one coupon per user per day (or, with `perUserCampaignLimit`, per campaign), a validity period
 * after the event.
 */
export const campaignDefinitionSchema = campaignFields.check(
  z.superRefine((c, ctx) => {
    if (c.endDate < c.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'endDate must not be before startDate' });
    } else if (
      // Refinements run even when a field failed its own check (an impossible date has its issue already).
      isLocalDate(c.startDate) &&
      isLocalDate(c.endDate) &&
      daysBetween(c.startDate, c.endDate) >= MAX_CAMPAIGN_DAYS
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['endDate'],
        message: `a campaign lasts at most ${MAX_CAMPAIGN_DAYS} days`,
      });
    }
    if (c.dailyWindow.open === '24:00' || c.dailyWindow.close <= c.dailyWindow.open) {
      ctx.addIssue({
        code: 'custom',
        path: ['dailyWindow'],
        message: 'dailyWindow.close must be after dailyWindow.open',
      });
    }
    if (c.prewarm !== undefined && c.prewarm.concurrency === undefined && c.expectedPeakRps === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['prewarm', 'concurrency'],
        message: 'prewarm.concurrency is required without expectedPeakRps',
      });
    }
  }),
);

/**
 * Body of `PATCH /v1/admin/campaigns/{campaignId}`: any definition fields but `campaignId`, replacing the stored
 * ones (a nested object such as `dailyWindow` or `discount` is replaced whole); `"prewarm": null` removes
 * pre-warming, `"perUserCampaignLimit": null` the campaign limit and `"proofOfWork": null` the proof of work. The merged definition must pass {@link campaignDefinitionSchema}.
 */
export const campaignUpdateSchema = z.partial(
  // Without the default: a field left out keeps its stored value.
  z.extend(z.omit(campaignFields, { campaignId: true }), {
    counterShards: counterShardsSchema,
    prewarm: z.nullable(prewarmSchema),
    perUserCampaignLimit: z.nullable(
      z.literal(1, 'perUserCampaignLimit must be 1 (one coupon per user for the whole campaign) or null'),
    ),
    proofOfWork: z.nullable(proofOfWorkSchema),
  }),
);

/** A campaign update before it is merged. */
export type CampaignUpdate = z.infer<typeof campaignUpdateSchema>;

/** A campaign definition before an id is assigned. */
export type CampaignDefinition = z.infer<typeof campaignDefinitionSchema>;

/**
 * A stored campaign: the definition with its id and instants (ISO-8601 UTC). `version` counts writes (1 at
 * creation), for conditional updates; `closedAt` is set when an admin closed it early (the kill switch).
 */
export type Campaign = Omit<CampaignDefinition, 'campaignId'> & {
  campaignId: string;
  createdAt: string;
  updatedAt?: string;
  closedAt?: string;
  version?: number;
};

/** Why issuance is closed at an instant. `CLOSED`: an admin closed the campaign early. */
type ClosedReason = 'BEFORE_PERIOD' | 'AFTER_PERIOD' | 'BEFORE_WINDOW' | 'AFTER_WINDOW' | 'CLOSED';

/** Outcome of {@link evaluateIssuance}: the issue day (local date) and whether issuance is open. */
type IssuanceState =
  | { readonly open: true; readonly issueDate: string }
  | { readonly open: false; readonly issueDate: string; readonly reason: ClosedReason };

type CampaignRules = Pick<Campaign, 'timezone' | 'startDate' | 'endDate' | 'dailyWindow' | 'couponValidityDays'> &
  Partial<Pick<Campaign, 'closedAt'>>;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * The issue day of `instant`: the local date (`YYYY-MM-DD`) in the campaign's time zone. Quota and per-user
 * limit reset when it changes, i.e. at local midnight.
 */
export function issueDayOf(campaign: Pick<Campaign, 'timezone'>, instant: Date): string {
  return localDateAt(campaign.timezone, instant.getTime());
}

/**
 * Whether coupons may be issued at `instant`: the campaign must not have been closed at or before it, the issue day must lie in startDate..endDate (inclusive) and the
 * local wall-clock time in [open, close). Wall-clock comparison means that on a DST change the window follows
 * local clocks: an `open` inside a spring-forward gap opens at the first local time after it, and a window inside
 * a fall-back overlap lasts as long as local clocks show it.
 */
export function evaluateIssuance(campaign: CampaignRules, instant: Date): IssuanceState {
  const local = wallClockAt(campaign.timezone, instant.getTime());
  const issueDate = localDateOf(local);
  if (campaign.closedAt !== undefined && instant.getTime() >= Date.parse(campaign.closedAt)) {
    return { open: false, issueDate, reason: 'CLOSED' };
  }
  if (issueDate < campaign.startDate) return { open: false, issueDate, reason: 'BEFORE_PERIOD' };
  if (issueDate > campaign.endDate) return { open: false, issueDate, reason: 'AFTER_PERIOD' };
  const minute = local.hour * 60 + local.minute;
  if (minute < minutesOf(campaign.dailyWindow.open)) return { open: false, issueDate, reason: 'BEFORE_WINDOW' };
  if (minute >= minutesOf(campaign.dailyWindow.close)) return { open: false, issueDate, reason: 'AFTER_WINDOW' };
  return { open: true, issueDate };
}

/**
 * The instant a coupon of this campaign stops being valid (exclusive): the end of local day
 * `endDate + couponValidityDays` in the campaign's time zone (README.md, "API": usable only during a validity
 * period after the event).
 */
export function couponExpiresAt(campaign: CampaignRules): Date {
  return new Date(startOfLocalDay(campaign.timezone, addDays(campaign.endDate, campaign.couponValidityDays + 1)));
}

/**
 * When the admission state of an issue day may be deleted: `retentionDays` after the issue day ends in the
 * campaign's time zone. Returns epoch seconds (Redis EXPIREAT, DynamoDB TTL).
 */
export function admissionExpiresAt(campaign: Pick<Campaign, 'timezone'>, issueDate: string, retentionDays: number) {
  return Math.floor(startOfLocalDay(campaign.timezone, addDays(issueDate, 1 + retentionDays)) / 1000);
}

/**
 * How long before a campaign starts it stops accepting updates, ms. Longer than the issue function's campaign
 * cache (CAMPAIGN_CACHE_TTL_MS, 10 s), so no instance can still hold the old definition when issuance begins.
 */
export const UPDATE_LEAD_MS = 60_000;

/** The instant a campaign starts: the beginning of its `startDate` in its time zone. */
function campaignStartsAt(campaign: Pick<Campaign, 'timezone' | 'startDate'>): Date {
  return new Date(startOfLocalDay(campaign.timezone, campaign.startDate));
}

/**
 * Whether a campaign definition may still be changed at `instant`: not closed, and more than
 * {@link UPDATE_LEAD_MS} before it starts.
 */
export function isUpdatable(campaign: Pick<Campaign, 'timezone' | 'startDate' | 'closedAt'>, instant: Date): boolean {
  return campaign.closedAt === undefined && instant.getTime() < campaignStartsAt(campaign).getTime() - UPDATE_LEAD_MS;
}

/** The local dates `from`..`to` (inclusive, `YYYY-MM-DD`), ascending. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** The issue day after `issueDate` (`YYYY-MM-DD`). */
export function nextIssueDay(issueDate: string): string {
  return addDays(issueDate, 1);
}
