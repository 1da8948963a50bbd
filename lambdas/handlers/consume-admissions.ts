import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { METRIC } from '../contract/names';
import type { AdmissionMessage } from '../domain/admission';
import { systemClock } from '../domain/clock';
import { applyAdmission, applyAdmissions, parseAdmissionMessage } from '../domain/coupon';
import { cachedCampaignRepository, couponStore } from '../runtime/adapters';
import { loadConfig } from '../runtime/config';
import { instrumented, logger, metrics } from '../runtime/powertools';

const config = loadConfig('consumer');
const deps = { campaigns: cachedCampaignRepository(config), coupons: couponStore(config), clock: systemClock };
const processor = new BatchProcessor(EventType.SQS);

/** The admissions of the records whose body parses, by message id; a poison body's record handler fails it. */
function parseAll(records: readonly SQSRecord[]): Map<string, AdmissionMessage> {
  const messages = new Map<string, AdmissionMessage>();
  for (const record of records) {
    try {
      messages.set(record.messageId, parseAdmissionMessage(record.body));
    } catch {
      // left to the record handler, which parses it again and fails the record
    }
  }
  return messages;
}

/**
 * Writes the batch's coupons together (one transaction per 50). Returns the outcome by coupon id of those it
 * settled; the rest (bad bodies, unknown campaigns, a failed transaction) are applied record by record.
 */
async function writeTogether(messages: readonly AdmissionMessage[]): Promise<Map<string, 'CREATED' | 'EXISTS'>> {
  try {
    const { settled, failure } = await applyAdmissions(deps, messages);
    if (failure) logger.warn('batched coupon write failed; applying the rest one by one', { error: failure });
    return settled;
  } catch (error) {
    logger.warn('batched coupon write failed; applying the records one by one', { error });
    return new Map();
  }
}

/**
 * SQS event source of the issue queue: writes one coupon per admission, idempotently, and answers a partial
 * batch response (ReportBatchItemFailures) so only failed records return to the queue; after maxReceiveCount
 * they are redriven to the dead-letter queue. The batch is written together first; each record then takes its
 * outcome from that write, or is applied alone when the batch write did not settle it. Counts CouponsPersisted,
 * DuplicateDeliveries and CouponWriteFailures (METRIC, contract/names.ts).
 */
export const handler = instrumented<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
  const messages = parseAll(event.Records);
  const settled = await writeTogether([...messages.values()]);
  const recordHandler = async (record: SQSRecord) => {
    const message = messages.get(record.messageId) ?? parseAdmissionMessage(record.body);
    let outcome = settled.get(message.couponId);
    // A second delivery of one message in the same batch is a duplicate of the first.
    if (outcome) settled.set(message.couponId, 'EXISTS');
    else outcome = await applyAdmission(deps, message);
    const counted = outcome === 'CREATED' ? METRIC.CouponsPersisted : METRIC.DuplicateDeliveries;
    metrics.addMetric(counted, MetricUnit.Count, 1);
  };
  const response = await processPartialResponse(event, recordHandler, processor, { context });
  if (response.batchItemFailures.length > 0) {
    logger.warn('coupon writes failed', { failed: response.batchItemFailures.length, of: event.Records.length });
    metrics.addMetric(METRIC.CouponWriteFailures, MetricUnit.Count, response.batchItemFailures.length);
  }
  return response;
});
