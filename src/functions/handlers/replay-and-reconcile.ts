import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ENV, METRIC } from '../../contract/names';
import { type DayReconciliation, reconcile } from '../domain/failed-events/reconcile';
import { type ReplaySummary, replayDeadLetters } from '../domain/failed-events/replay';
import { systemClock } from '../domain/kernel/clock';
import {
  admissionLedgerFactory,
  campaignRepository,
  couponStore,
  deadLetterSource,
  failedEventStore,
  issueQueue,
  issueQueueDepth,
} from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { instrumented, logger, metrics } from '../runtime/powertools';

const config = loadConfig('replayAndReconcile');
const campaigns = campaignRepository(config);
const coupons = couponStore(config);
const deadLetters = deadLetterSource(config);
const failures = failedEventStore(config);
const queue = issueQueue(config);
const queueDepth = issueQueueDepth(config);
const admissions = admissionLedgerFactory(config);

/** Time kept in reserve after the last dead-letter receive for reconciliation, ms. */
const RESERVE_MS = 20_000;
/** Issue days reconciled: today's and the one this long ago (a day is checked once more after it ends). */
const LOOKBACK_MS = 24 * 3600 * 1000;

/** What one scheduled run did. */
interface ReplayRun extends ReplaySummary {
  readonly days: DayReconciliation[];
  readonly deadLetterDepth: number;
}

/**
 * Scheduled (EventBridge, every minute): replays the dead-letter queue (see replayDeadLetters), then reconciles
 * recent campaign days (see reconcile). Emits EMF metrics (METRIC, src/contract/names.ts): Replayed / Parked /
 * Retained / ReleasedAdmissionsDropped for the replay; Admitted, Persisted, ParkedAdmissions, Reconciled,
 * DeadLetterDepth and InvariantViolations (days breaking `persisted <= admitted <= quota`) for reconciliation. The
 * construct alarms on Parked and InvariantViolations (src/construct/alarms.ts).
 * @throws when the campaign listing or the admission store is unreachable (the next run tries again).
 */
export const handler = instrumented<unknown, ReplayRun>().handler(async (_event, context) => {
  const summary = await replayDeadLetters({
    campaigns,
    // The ledger check before each coupon write (Redis mode reads its credentials on first use).
    admissions: { claim: async (day, requests) => (await admissions()).claim(day, requests) },
    coupons,
    deadLetters,
    failures,
    clock: systemClock,
    maxReplayAttempts: config[ENV.MAX_REPLAY_ATTEMPTS],
    hasTime: () => context.getRemainingTimeInMillis() > RESERVE_MS,
  });
  if (summary.replayed + summary.parked + summary.retained + summary.dropped > 0) {
    logger.info('replay run', { ...summary });
  }
  metrics.addMetric(METRIC.Replayed, MetricUnit.Count, summary.replayed);
  metrics.addMetric(METRIC.Parked, MetricUnit.Count, summary.parked);
  metrics.addMetric(METRIC.Retained, MetricUnit.Count, summary.retained);
  metrics.addMetric(METRIC.ReleasedAdmissionsDropped, MetricUnit.Count, summary.dropped);

  const [days, deadLetterDepth] = await Promise.all([
    reconcile({
      campaigns,
      admissions: await admissions(),
      coupons,
      failures,
      queue,
      queueDepth,
      maxMessageAgeMs: config[ENV.ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS] * 1000,
      clock: systemClock,
      log: logger,
      graceMs: config[ENV.RECONCILE_GRACE_SECONDS] * 1000,
      lookbackMs: LOOKBACK_MS,
    }),
    deadLetters.depth(),
  ]);
  const total = (key: keyof DayReconciliation) => days.reduce((sum, d) => sum + Number(d[key]), 0);
  const violations = days.filter((d) => d.violations.length > 0);
  for (const d of violations) logger.error('invariant violated: persisted <= admitted <= quota', { ...d });
  metrics.addMetric(METRIC.Admitted, MetricUnit.Count, total('admitted'));
  metrics.addMetric(METRIC.Persisted, MetricUnit.Count, total('persisted'));
  metrics.addMetric(METRIC.ParkedAdmissions, MetricUnit.Count, total('parked'));
  metrics.addMetric(METRIC.Reconciled, MetricUnit.Count, total('reconciled'));
  metrics.addMetric(METRIC.DeadLetterDepth, MetricUnit.Count, deadLetterDepth);
  metrics.addMetric(METRIC.InvariantViolations, MetricUnit.Count, violations.length);
  return { ...summary, days, deadLetterDepth };
});
