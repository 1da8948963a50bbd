import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { DynamoDbCampaignRepository } from '../adapters/dynamodb/campaign-repository';
import { DynamoDbCouponStore } from '../adapters/dynamodb/coupon-store';
import { DynamoDbFailedEventStore } from '../adapters/dynamodb/failed-event-store';
import { SqsDeadLetterSource } from '../adapters/sqs/dead-letter-source';
import { systemClock } from '../domain/clock';
import { type ReplaySummary, replayDeadLetters } from '../domain/replay';
import { documentClient, sqsClient } from '../shared/clients';
import { loadConfig } from '../shared/config';
import { metrics } from '../shared/metrics';
import { logger } from '../shared/powertools';

const config = loadConfig(
  z.object({
    CAMPAIGN_TABLE_NAME: z.string().min(1),
    COUPON_TABLE_NAME: z.string().min(1),
    ADMISSION_TABLE_NAME: z.string().min(1),
    FAILED_EVENT_TABLE_NAME: z.string().min(1),
    DEAD_LETTER_QUEUE_URL: z.string().min(1),
    /** Replay attempts before a message is parked; default 3 (one per scheduled run, so ~3 minutes). */
    MAX_REPLAY_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  }),
);
const campaigns = new DynamoDbCampaignRepository(documentClient, config.CAMPAIGN_TABLE_NAME, systemClock);
const coupons = new DynamoDbCouponStore(documentClient, config.COUPON_TABLE_NAME, config.ADMISSION_TABLE_NAME);
const deadLetters = new SqsDeadLetterSource(sqsClient, config.DEAD_LETTER_QUEUE_URL);
const failures = new DynamoDbFailedEventStore(documentClient, config.FAILED_EVENT_TABLE_NAME);

/** Time kept in reserve after the last receive, ms. */
const RESERVE_MS = 10_000;

/**
 * Scheduled (EventBridge, every minute) replay of the dead-letter queue; see replayDeadLetters. Returns what it
 * did and emits Replayed / Parked / Retained metrics (the stack alarms on Parked).
 */
export const handler = async (_event: unknown, context: Context): Promise<ReplaySummary> => {
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
    return summary;
  } finally {
    metrics.publishStoredMetrics();
  }
};
