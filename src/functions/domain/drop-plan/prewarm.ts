import { createHash } from 'node:crypto';
import { type Campaign, datesBetween, issueDayOf, nextIssueDay } from '../campaign/campaign';
import { windowOf } from '../campaign/issue-calendar';
import { concurrencyFor } from './capacity';

// Pre-warm: provisioned concurrency on the issue function's alias ahead of each opening, raised and lowered by
// schedules (EventBridge Scheduler) and set by the applier (apply-prewarm.ts). Not to be confused with the warm-up
// (admission/warm-up.ts): what one execution environment does for itself at INIT once it exists.

/**
 * How early a raise schedule may fire and still count its campaign's share, ms. EventBridge Scheduler fires a
 * schedule without a flexible window at its time, but the applier computes every share from the campaigns
 * themselves, so a firing a little early must not miss the window it was meant for.
 */
const RAISE_TOLERANCE_MS = 5 * 60_000;

/** The provisioned concurrency a campaign asks for at each opening; undefined without `prewarm`. */
function prewarmConcurrencyOf(campaign: Pick<Campaign, 'prewarm' | 'expectedPeakRps'>): number | undefined {
  if (campaign.prewarm === undefined) return undefined;
  return campaign.prewarm.concurrency ?? concurrencyFor(campaign.expectedPeakRps ?? 1);
}

/** One campaign's part of the provisioned concurrency at an instant. */
export interface PrewarmShare {
  readonly campaignId: string;
  readonly issueDate: string;
  readonly concurrency: number;
}

type PrewarmRules = Pick<
  Campaign,
  'campaignId' | 'timezone' | 'startDate' | 'endDate' | 'dailyWindow' | 'prewarm' | 'expectedPeakRps' | 'closedAt'
>;

/**
 * The campaign's share at `now`: its concurrency when `now` lies in `[raiseAt - toleranceMs, lowerAt)` of an
 * issue day (`raiseAt` = `leadMinutes` before the window opens, `lowerAt` = when it closes, DST-aware through
 * windowOf), else undefined; a closed campaign has none.
 */
export function shareAt(
  campaign: PrewarmRules,
  now: Date,
  toleranceMs: number = RAISE_TOLERANCE_MS,
): PrewarmShare | undefined {
  const concurrency = prewarmConcurrencyOf(campaign);
  if (concurrency === undefined || campaign.prewarm === undefined || campaign.closedAt !== undefined) return undefined;
  const at = now.getTime();
  const today = issueDayOf(campaign, now);
  // A lead of up to 12 h can start the raise on the local day before the window's.
  for (const issueDate of [today, nextIssueDay(today)]) {
    if (issueDate < campaign.startDate || issueDate > campaign.endDate) continue;
    const { intervals } = windowOf(campaign, issueDate);
    const first = intervals[0];
    const last = intervals[intervals.length - 1];
    if (!first || !last) continue;
    const raiseAt = first.opensAt - campaign.prewarm.leadMinutes * 60_000;
    if (at >= raiseAt - toleranceMs && at < last.closesAt) {
      return { campaignId: campaign.campaignId, issueDate, concurrency };
    }
  }
  return undefined;
}

/**
 * What the issue function's alias must hold at `now`: the sum of the shares of every open or opening window
 * (overlapping campaigns add up; one campaign ending never drops another's share).
 */
export function prewarmDemand(
  campaigns: readonly PrewarmRules[],
  now: Date,
): { total: number; shares: PrewarmShare[] } {
  const shares = campaigns.flatMap((c) => shareAt(c, now) ?? []);
  return { total: shares.reduce((sum, s) => sum + s.concurrency, 0), shares };
}

/**
 * Why a pre-warm schedule fires (each firing recomputes the alias's provisioned concurrency): `raise` and `lower`
 * daily; `close` once after a close; `now` once after a create or update inside a lead window.
 */
type PrewarmAction = 'raise' | 'lower' | 'close' | 'now';

/**
 * An EventBridge Scheduler schedule of a campaign's pre-warming (fields as CreateSchedule takes them). `cron`
 * expressions are in `timezone` (ScheduleExpressionTimezone, so Scheduler follows the zone's DST); `startDate`
 * and `endDate` (ISO-8601 UTC) bound them to the event period.
 */
export interface PrewarmSchedule {
  /** 1-64 characters of `[0-9a-zA-Z-_.]`, unique per campaign and action. */
  readonly name: string;
  readonly action: PrewarmAction;
  readonly campaignId: string;
  /** `cron(m h * * ? *)` or `at(yyyy-mm-ddThh:mm:ss)`. */
  readonly expression: string;
  readonly timezone: string;
  readonly startDate?: string;
  readonly endDate?: string;
}

/**
 * A Scheduler-safe name for a campaign's schedule: `<campaignId>.<action>`, or, when that exceeds 64 characters,
 * the id cut short plus 8 hex of its SHA-256 (ids are 1-64 characters, src/functions/domain/campaign/campaign.ts).
 */
export function scheduleName(campaignId: string, action: PrewarmAction): string {
  const plain = `${campaignId}.${action}`;
  if (plain.length <= 64) return plain;
  const hash = createHash('sha256').update(campaignId).digest('hex').slice(0, 8);
  return `${campaignId.slice(0, 64 - action.length - 10)}-${hash}.${action}`;
}

const cronAt = (minuteOfDay: number) => {
  const m = ((minuteOfDay % 1440) + 1440) % 1440;
  return `cron(${m % 60} ${Math.floor(m / 60)} * * ? *)`;
};

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * The two recurring schedules of a campaign with `prewarm`: `raise` daily at local `open - leadMinutes` and
 * `lower` daily at local `close`, in the campaign's time zone, from just before the first raise to just after the
 * last close of the period. Empty without `prewarm` or when every window is skipped. Each firing makes the applier
 * recompute the sum of all shares ({@link prewarmDemand}), so the firing time only has to be near the instant the
 * dry run shows. With `now`: nothing when the period's last window has closed; start dates no earlier than `now`
 * (Scheduler refuses a StartDate more than 5 minutes in the past); and, when the share is due at `now` (created or
 * changed inside a lead window), a one-time recompute a minute later.
 */
export function prewarmSchedules(campaign: Campaign, now?: Date): PrewarmSchedule[] {
  if (campaign.prewarm === undefined) return [];
  const days = datesBetween(campaign.startDate, campaign.endDate)
    .map((d) => windowOf(campaign, d).intervals)
    .filter((i) => i.length > 0);
  const first = days[0]?.[0];
  const lastDay = days[days.length - 1];
  const last = lastDay?.[lastDay.length - 1];
  if (!first || !last) return [];
  const at = now?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (last.closesAt <= at) return [];
  const notBeforeNow = (ms: number) => Math.max(ms, at);
  const lead = campaign.prewarm.leadMinutes * 60_000;
  // ISO 8601 in UTC, without milliseconds when they are zero.
  const utc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const common = { campaignId: campaign.campaignId, timezone: campaign.timezone };
  return [
    {
      ...common,
      name: scheduleName(campaign.campaignId, 'raise'),
      action: 'raise',
      expression: cronAt(minutesOf(campaign.dailyWindow.open) - campaign.prewarm.leadMinutes),
      startDate: utc(notBeforeNow(first.opensAt - lead - 60_000)),
      endDate: utc(last.closesAt),
    },
    {
      ...common,
      name: scheduleName(campaign.campaignId, 'lower'),
      action: 'lower',
      expression: cronAt(minutesOf(campaign.dailyWindow.close)),
      startDate: utc(notBeforeNow(first.opensAt)),
      endDate: utc(last.closesAt + 60_000),
    },
    // Past its raise already (no tolerance: while the raise is ahead, its schedule fires).
    ...(now !== undefined && shareAt(campaign, now, 0) !== undefined
      ? [recomputeSoon(campaign.campaignId, now, 'now')]
      : []),
  ];
}

/** The names of every schedule a campaign's pre-warming may have. */
export function prewarmScheduleNames(campaignId: string): string[] {
  return (['raise', 'lower', 'now'] as const).map((action) => scheduleName(campaignId, action));
}

/**
 * A one-time schedule that makes the applier recompute a minute after `now` (`at()` in UTC): how a close takes
 * a campaign's share off at once rather than at its next window.
 */
export function recomputeSoon(campaignId: string, now: Date, action: 'close' | 'now' = 'close'): PrewarmSchedule {
  const at = new Date(now.getTime() + 60_000).toISOString().slice(0, 19);
  return {
    name: scheduleName(campaignId, action),
    action,
    campaignId,
    expression: `at(${at})`,
    timezone: 'UTC',
  };
}
