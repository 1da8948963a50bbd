import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDbCouponStore } from '../adapters/dynamodb/coupon-store';
import { systemClock } from '../domain/clock';
import { applyAdmission, parseAdmissionMessage } from '../domain/coupon';
import { documentClient } from '../shared/clients';
import { loadConfig, requiredString } from '../shared/config';
import { metrics } from '../shared/metrics';
import { logger } from '../shared/powertools';
import { campaignRepository } from '../shared/wiring';

const config = loadConfig(
  z.object({
    CAMPAIGN_TABLE_NAME: requiredString(),
    COUPON_TABLE_NAME: requiredString(),
    ADMISSION_TABLE_NAME: requiredString(),
  }),
);
const deps = {
  campaigns: campaignRepository(config),
  coupons: new DynamoDbCouponStore(documentClient, config.COUPON_TABLE_NAME, config.ADMISSION_TABLE_NAME),
  clock: systemClock,
};
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord) => {
  const outcome = await applyAdmission(deps, parseAdmissionMessage(record.body));
  metrics.addMetric(outcome === 'CREATED' ? 'CouponsPersisted' : 'DuplicateDeliveries', MetricUnit.Count, 1);
};

/**
 * SQS event source of the issue queue: writes one coupon per admission, idempotently, and answers a partial
 * batch response (ReportBatchItemFailures) so only failed records return to the queue; after maxReceiveCount
 * they are redriven to the dead-letter queue.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    const response = await processPartialResponse(event, recordHandler, processor, { context });
    if (response.batchItemFailures.length > 0) {
      logger.warn('coupon writes failed', { failed: response.batchItemFailures.length, of: event.Records.length });
      metrics.addMetric('CouponWriteFailures', MetricUnit.Count, response.batchItemFailures.length);
    }
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
};
