import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDbCampaignRepository } from '../adapters/dynamodb/campaign-repository';
import { DynamoDbCouponStore } from '../adapters/dynamodb/coupon-store';
import { DynamoDbFailedEventStore } from '../adapters/dynamodb/failed-event-store';
import { SqsAdmissionQueue } from '../adapters/sqs/admission-queue';
import { SqsDeadLetterSource } from '../adapters/sqs/dead-letter-source';
import { queueDepth } from '../adapters/sqs/queue-depth';
import { systemClock } from '../domain/clock';
import { type DayReconciliation, reconcile } from '../domain/reconcile';
import { type ReplaySummary, replayDeadLetters } from '../domain/replay';
import { documentClient, sqsClient } from '../shared/clients';
import { admissionEnvSchema, integerVariable, loadConfig, requiredInteger, requiredString } from '../shared/config';
import { metrics } from '../shared/metrics';
import { logger } from '../shared/powertools';
import { admissionStoreFactory } from '../shared/wiring';

const config = loadConfig(
  z.extend(admissionEnvSchema, {
    COUPON_TABLE_NAME: requiredString(),
    FAILED_EVENT_TABLE_NAME: requiredString(),
    DEAD_LETTER_QUEUE_URL: requiredString(),
    ISSUE_QUEUE_URL: requiredString(),
    /** Replay attempts before a message is parked; default 3 (one per scheduled run, so ~3 minutes). */
    MAX_REPLAY_ATTEMPTS: integerVariable(1, 3),
    /** Seconds an admitted user may lack a coupon before reconciliation re-enqueues it; default 300. */
    RECONCILE_GRACE_SECONDS: integerVariable(0, 300),
    /** Visibility timeout x maxReceiveCount of the issue queue, s: how long a message can stay in it. */
    ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS: requiredInteger(0),
  }),
);
const campaigns = new DynamoDbCampaignRepository(documentClient, config.CAMPAIGN_TABLE_NAME, systemClock);
const coupons = new DynamoDbCouponStore(documentClient, config.COUPON_TABLE_NAME, config.ADMISSION_TABLE_NAME);
const deadLetters = new SqsDeadLetterSource(sqsClient, config.DEAD_LETTER_QUEUE_URL);
const failures = new DynamoDbFailedEventStore(documentClient, config.FAILED_EVENT_TABLE_NAME);
const queue = new SqsAdmissionQueue(sqsClient, config.ISSUE_QUEUE_URL);
const admissions = admissionStoreFactory(config);

/** Time kept in reserve after the last dead-letter receive for reconciliation, ms. */
const RESERVE_MS = 20_000;
/** Issue days reconciled: today's and the one this long ago (a day is checked once more after it ends). */
const LOOKBACK_MS = 24 * 3600 * 1000;

/** What one scheduled run did. */
export interface ReplayRun extends ReplaySummary {
  readonly days: DayReconciliation[];
  readonly deadLetterDepth: number;
}

/**
 * Scheduled (EventBridge, every minute): replays the dead-letter queue (see replayDeadLetters), then reconciles
 * recent campaign days (see reconcile). Emits EMF metrics: Replayed / Parked / Retained for the replay;
 * Admitted, Persisted, ParkedAdmissions, Reconciled, DeadLetterDepth and InvariantViolations (days breaking
 * `persisted <= admitted <= quota`) for reconciliation. The stack alarms on Parked and InvariantViolations.
 * @throws when the campaign listing or the admission store is unreachable (the next run tries again).
 */
export const handler = async (_event: unknown, context: Context): Promise<ReplayRun> => {
  try {
    const summary = await replayDeadLetters({
      campaigns,
      coupons,
      deadLetters,
      failures,
      clock: systemClock,
      maxReplayAttempts: config.MAX_REPLAY_ATTEMPTS,
      hasTime: () => context.getRemainingTimeInMillis() > RESERVE_MS,
    });
    if (summary.replayed + summary.parked + summary.retained > 0) logger.info('replay run', { ...summary });
    metrics.addMetric('Replayed', MetricUnit.Count, summary.replayed);
    metrics.addMetric('Parked', MetricUnit.Count, summary.parked);
    metrics.addMetric('Retained', MetricUnit.Count, summary.retained);

    const [days, deadLetterDepth] = await Promise.all([
      reconcile({
        campaigns,
        admissions: await admissions(),
        coupons,
        failures,
        queue,
        queueDepth: () => queueDepth(sqsClient, config.ISSUE_QUEUE_URL),
        maxMessageAgeMs: config.ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS * 1000,
        clock: systemClock,
        log: logger,
        graceMs: config.RECONCILE_GRACE_SECONDS * 1000,
        lookbackMs: LOOKBACK_MS,
      }),
      deadLetters.depth(),
    ]);
    const total = (key: keyof DayReconciliation) => days.reduce((sum, d) => sum + Number(d[key]), 0);
    const violations = days.filter((d) => d.violations.length > 0);
    for (const d of violations) logger.error('invariant violated: persisted <= admitted <= quota', { ...d });
    metrics.addMetric('Admitted', MetricUnit.Count, total('admitted'));
    metrics.addMetric('Persisted', MetricUnit.Count, total('persisted'));
    metrics.addMetric('ParkedAdmissions', MetricUnit.Count, total('parked'));
    metrics.addMetric('Reconciled', MetricUnit.Count, total('reconciled'));
    metrics.addMetric('DeadLetterDepth', MetricUnit.Count, deadLetterDepth);
    metrics.addMetric('InvariantViolations', MetricUnit.Count, violations.length);
    return { ...summary, days, deadLetterDepth };
  } finally {
    metrics.publishStoredMetrics();
  }
};
