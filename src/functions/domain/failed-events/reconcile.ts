import type { CampaignDay } from '../admission/admission';
import { couponIdOf } from '../admission/admission';
import type { AdmissionStore, IssueQueue } from '../admission/ports';
import { type Campaign, issueDayOf } from '../campaign/campaign';
import type { CampaignRepository } from '../campaign/ports';
import type { CouponStore } from '../coupon/ports';
import type { Clock } from '../kernel/clock';
import type { LogPort } from '../kernel/log';
import type { FailedEventStore } from './ports';

/** Dependencies of {@link reconcile}. */
interface ReconcileDeps {
  readonly campaigns: Pick<CampaignRepository, 'list'>;
  /** The admission ledger: who was admitted, with rank and instant. */
  readonly admissions: Pick<AdmissionStore, 'ledger'>;
  /** The coupons that exist, and the day's persisted count (kept in the coupon write's transaction). */
  readonly coupons: Pick<CouponStore, 'existing' | 'persistedCount'>;
  /** Failure records by id (the coupon id for admission messages). */
  readonly failures: Pick<FailedEventStore, 'statuses'>;
  readonly queue: IssueQueue;
  /** Messages in the issue queue, visible or being processed (approximate, as SQS reports them). */
  readonly queueDepth: () => Promise<number>;
  /**
   * The longest an admission's message can stay in the issue queue before it is dead-lettered, ms (visibility
   * timeout x maxReceiveCount). Past it, a missing coupon cannot be a message still in flight.
   */
  readonly maxMessageAgeMs: number;
  readonly clock: Clock;
  readonly log: LogPort;
  /**
   * How long an admitted user may go without a coupon before being re-enqueued, ms. Longer than the issue queue's
   * visibility timeout, so a message that is merely being retried normally lands first; a re-enqueued duplicate
   * is harmless anyway (the coupon write is idempotent).
   */
  readonly graceMs: number;
  /** How far back issue days are still reconciled, ms (a day that ended within it is checked once more). */
  readonly lookbackMs: number;
}

/** Violations of `persisted <= admitted <= quota` for one campaign day. */
type InvariantViolation = 'ADMITTED_OVER_QUOTA' | 'PERSISTED_OVER_ADMITTED';

/**
 * One campaign day as reconciliation found it. Counts are users: `admitted` = ledger entries; of those,
 * `persisted` have a coupon, `parked` and `retrying` have a failure record, `pending` may still have a message
 * in flight (admitted within the grace period, or while the issue queue was busy), and `reconciled` were re-enqueued by this run. `persistedCount` is the day's
 * STATS counter (every coupon written, so it exceeding `admitted` means a coupon without an admission).
 */
export interface DayReconciliation extends CampaignDay {
  readonly quota: number;
  readonly admitted: number;
  readonly persisted: number;
  readonly persistedCount: number;
  readonly parked: number;
  readonly retrying: number;
  readonly pending: number;
  readonly reconciled: number;
  /** Re-enqueues that failed (left for the next run). */
  readonly reconcileFailures: number;
  readonly violations: readonly InvariantViolation[];
}

/** Parallel sends per day (SQS answers in milliseconds; this bounds a large catch-up). */
const SEND_CONCURRENCY = 16;

/**
 * The issue days of `campaign` worth reconciling at `now`: today's and the one `lookbackMs` ago, in the
 * campaign's time zone, kept to the event period. Ascending, without duplicates.
 */
export function reconcilableDays(campaign: Campaign, now: Date, lookbackMs: number): string[] {
  const days = new Set([issueDayOf(campaign, new Date(now.getTime() - lookbackMs)), issueDayOf(campaign, now)]);
  return [...days].filter((d) => d >= campaign.startDate && d <= campaign.endDate).sort();
}

/**
 * Reconciliation: every admitted user of a recent campaign day (from the admission ledger) who has no coupon,
 * no failure record (retrying in the dead-letter queue or parked) and no message in flight is re-enqueued with
 * the same message the issue path sends, so the idempotent consumer writes the one coupon. This repairs an issue
 * function that died between admission and send, and a send whose outcome was unknown.
 *
 * "No message in flight" is known for sure when the issue queue is empty, or when the admission is older than
 * `maxMessageAgeMs` (its message would have been dead-lettered by now); only users admitted longer than
 * `graceMs` ago are considered at all. A duplicate message is harmless (the coupon write is idempotent); the
 * rule only keeps a consumer outage from multiplying messages. When the day's persisted count equals its ledger
 * size nothing is missing and no per-user read is made. Also checks `persisted <= admitted <= quota` per day.
 * (No unit of quota is ever counted without its user: both admission stores count and record in one atomic step.)
 * @throws backend errors of the campaign listing; a failing day is logged and skipped.
 */
export async function reconcile(deps: ReconcileDeps): Promise<DayReconciliation[]> {
  const now = deps.clock();
  const reports: DayReconciliation[] = [];
  const campaigns = await deps.campaigns.list();
  const queueIdle = campaigns.length > 0 && (await deps.queueDepth()) === 0;
  const cutoff = now.getTime() - (queueIdle ? deps.graceMs : Math.max(deps.graceMs, deps.maxMessageAgeMs));
  for (const campaign of campaigns) {
    for (const issueDate of reconcilableDays(campaign, now, deps.lookbackMs)) {
      const day = { campaignId: campaign.campaignId, issueDate };
      try {
        reports.push(await reconcileDay(deps, campaign, day, cutoff));
      } catch (error) {
        deps.log.error('reconciliation of a day failed; the next run retries', { ...day, error });
      }
    }
  }
  return reports;
}

async function reconcileDay(
  deps: ReconcileDeps,
  campaign: Campaign,
  day: CampaignDay,
  /** Epoch ms: users admitted after it are left alone (pending). */
  cutoff: number,
): Promise<DayReconciliation> {
  const [ledger, persistedCount] = await Promise.all([deps.admissions.ledger(day), deps.coupons.persistedCount(day)]);
  const violations: InvariantViolation[] = [];
  if (ledger.length > campaign.dailyQuota) violations.push('ADMITTED_OVER_QUOTA');
  if (persistedCount > ledger.length) violations.push('PERSISTED_OVER_ADMITTED');
  const base = {
    ...day,
    quota: campaign.dailyQuota,
    admitted: ledger.length,
    persistedCount,
    violations,
  };
  if (persistedCount === ledger.length) {
    return {
      ...base,
      persisted: ledger.length,
      parked: 0,
      retrying: 0,
      pending: 0,
      reconciled: 0,
      reconcileFailures: 0,
    };
  }

  const entries = ledger.map((entry) => ({
    ...entry,
    couponId: couponIdOf(day.campaignId, day.issueDate, entry.userId),
  }));
  const existing = await deps.coupons.existing(entries.map((e) => e.couponId));
  const missing = entries.filter((e) => !existing.has(e.couponId));
  const statuses = await deps.failures.statuses(missing.map((e) => e.couponId));
  let parked = 0;
  let retrying = 0;
  let pending = 0;
  const due: typeof missing = [];
  for (const entry of missing) {
    const status = statuses.get(entry.couponId);
    if (status === 'PARKED') parked++;
    else if (status === 'RETRYING') retrying++;
    else if (Date.parse(entry.admittedAt) > cutoff) pending++;
    else due.push(entry);
  }

  let reconciled = 0;
  let reconcileFailures = 0;
  for (let i = 0; i < due.length; i += SEND_CONCURRENCY) {
    await Promise.all(
      due.slice(i, i + SEND_CONCURRENCY).map(async (entry) => {
        try {
          await deps.queue.send({
            ...day,
            userId: entry.userId,
            rank: entry.rank,
            admittedAt: entry.admittedAt,
            couponId: entry.couponId,
          });
          reconciled++;
        } catch (error) {
          reconcileFailures++;
          deps.log.warn('re-enqueue failed; the next run retries', { ...day, userId: entry.userId, error });
        }
      }),
    );
  }
  if (reconciled > 0) {
    deps.log.warn('re-enqueued admitted users without a coupon', { ...day, reconciled, graceMs: deps.graceMs });
  }
  return { ...base, persisted: existing.size, parked, retrying, pending, reconciled, reconcileFailures };
}
