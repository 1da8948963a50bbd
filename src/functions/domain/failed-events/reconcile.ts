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
  /** The admission ledger: the admitted count, the pending admissions, and the record of a re-enqueue. */
  readonly admissions: Pick<AdmissionStore, 'admittedCount' | 'pending' | 'resent'>;
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
  /** Pending admissions read per day and run; the rest wait for the next run. @default {@link RECONCILE_PAGE} */
  readonly pageSize?: number;
}

/** Violations of `persisted <= admitted <= quota` for one campaign day. */
type InvariantViolation = 'ADMITTED_OVER_QUOTA' | 'PERSISTED_OVER_ADMITTED';

/**
 * One campaign day as reconciliation found it. Counts are users: `admitted` = the admission store's count,
 * `persisted` = `persistedCount`, the day's STATS counter (every coupon written, so it exceeding `admitted` means a
 * coupon without an admission). Of the pending admissions read (never claimed by a coupon writer, past the age
 * rule), `parked` and `retrying` have a failure record and `reconciled` were re-enqueued by this run; `pending`
 * is every other admitted user without a coupon (a message in flight, or younger than the age rule).
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
 * Pending admissions read per day and run (at 16 sends in parallel, about a second of SQS calls): a catch-up
 * larger than this takes several runs, each within its time and memory (BENCHMARKS.md, question Q6).
 */
export const RECONCILE_PAGE = 1_000;

/**
 * The issue days of `campaign` worth reconciling at `now`: today's and the one `lookbackMs` ago, in the
 * campaign's time zone, kept to the event period. Ascending, without duplicates.
 */
export function reconcilableDays(campaign: Campaign, now: Date, lookbackMs: number): string[] {
  const days = new Set([issueDayOf(campaign, new Date(now.getTime() - lookbackMs)), issueDayOf(campaign, now)]);
  return [...days].filter((d) => d >= campaign.startDate && d <= campaign.endDate).sort();
}

/**
 * Reconciliation: every pending admission of a recent campaign day (admitted, never claimed by a coupon writer:
 * AdmissionStore.pending) that has no coupon, no failure record (retrying in the dead-letter queue or parked) and
 * no message in flight is re-enqueued with the same message the issue path sends, so the idempotent consumer
 * writes the one coupon. This repairs an issue function that died between admission and send, and a send whose
 * outcome was unknown. An admission leaves the pending set when a coupon writer claims it: from its first
 * receive on, the queue, its redelivery and the dead-letter queue own the message, so reconciliation reads only
 * what was never received, not the day's ledger.
 *
 * "No message in flight" is known for sure when the issue queue is empty, or when the admission's last message
 * (its admission, or its last re-enqueue) is older than `maxMessageAgeMs`; only admissions whose last message is
 * older than `graceMs` are considered at all. A re-enqueue is recorded (AdmissionStore.resent), so during a long
 * drain an admission is re-enqueued at most once per `maxMessageAgeMs`, not on every run. A duplicate message is
 * harmless (the coupon write is idempotent). When the day's persisted count equals its admitted count nothing is
 * missing and only those two counts are read. Also checks `persisted <= admitted <= quota` per day.
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
        reports.push(await reconcileDay(deps, campaign, day, cutoff, now));
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
  /** Epoch ms: admissions whose last message is later are left alone (pending). */
  cutoff: number,
  now: Date,
): Promise<DayReconciliation> {
  const [admitted, persistedCount] = await Promise.all([
    deps.admissions.admittedCount(day),
    deps.coupons.persistedCount(day),
  ]);
  const violations: InvariantViolation[] = [];
  if (admitted > campaign.dailyQuota) violations.push('ADMITTED_OVER_QUOTA');
  if (persistedCount > admitted) violations.push('PERSISTED_OVER_ADMITTED');
  const base = { ...day, quota: campaign.dailyQuota, admitted, persisted: persistedCount, persistedCount, violations };
  const counts = { parked: 0, retrying: 0, reconciled: 0, reconcileFailures: 0 };
  if (persistedCount === admitted) return { ...base, ...counts, pending: 0 };

  const candidates = (
    await deps.admissions.pending(day, {
      before: cutoff,
      limit: deps.pageSize ?? RECONCILE_PAGE,
      counterShards: campaign.counterShards,
    })
  ).map((entry) => ({ ...entry, couponId: couponIdOf(day.campaignId, day.issueDate, entry.userId) }));
  const existing =
    candidates.length > 0 ? await deps.coupons.existing(candidates.map((e) => e.couponId)) : new Set<string>();
  const missing = candidates.filter((e) => !existing.has(e.couponId));
  const statuses = missing.length > 0 ? await deps.failures.statuses(missing.map((e) => e.couponId)) : new Map();
  const due: typeof missing = [];
  for (const entry of missing) {
    const status = statuses.get(entry.couponId);
    if (status === 'PARKED') counts.parked++;
    else if (status === 'RETRYING') counts.retrying++;
    else due.push(entry);
  }

  const sent: typeof due = [];
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
          sent.push(entry);
        } catch (error) {
          counts.reconcileFailures++;
          deps.log.warn('re-enqueue failed; the next run retries', { ...day, userId: entry.userId, error });
        }
      }),
    );
  }
  counts.reconciled = sent.length;
  if (sent.length > 0) {
    deps.log.warn('re-enqueued admitted users without a coupon', { ...day, reconciled: sent.length });
    // Unrecorded, the next run past the grace period sends them again: a harmless duplicate.
    await deps.admissions.resent(day, sent, now.getTime()).catch((error: unknown) => {
      deps.log.warn('could not record the re-enqueue; the next run may send them again', { ...day, error });
    });
  }
  const settled = persistedCount + counts.reconciled + counts.parked + counts.retrying;
  return { ...base, ...counts, pending: Math.max(0, admitted - settled) };
}
