import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { METRIC } from '../../contract/names';
import type { AdmissionMessage } from '../domain/admission/admission';
import type { AdmissionStore } from '../domain/admission/ports';
import { parseAdmissionMessage } from '../domain/coupon/admission-message';
import { type ApplyOutcome, applyAdmissions, outcomeOfRecord } from '../domain/coupon/apply-admission';
import { retryDelaySeconds } from '../domain/kernel/backoff';
import { systemClock } from '../domain/kernel/clock';
import {
  admissionLedgerFactory,
  cachedCampaignRepository,
  couponStore,
  issueQueueRetries,
} from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { instrumented, logger, metrics } from '../runtime/powertools';

const config = loadConfig('consumer');
const ledger = admissionLedgerFactory(config);
/** The ledger check (Redis mode reads its credentials on first use). */
const admissions: Pick<AdmissionStore, 'claim'> = {
  claim: async (day, requests) => (await ledger()).claim(day, requests),
};
const deps = {
  campaigns: cachedCampaignRepository(config),
  admissions,
  coupons: couponStore(config),
  clock: systemClock,
};
const retries = issueQueueRetries(config);
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
 * Claims and writes the batch's coupons together (one ledger claim per day, one transaction per 50 coupons).
 * Returns the outcome of each admission it settled, by admissionKeyOf (coupon id and rank); the rest (bad bodies,
 * unknown campaigns, a failed claim or transaction) are applied record by record.
 */
async function writeTogether(messages: readonly AdmissionMessage[]): Promise<Map<string, ApplyOutcome>> {
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
 * Shows the failed records again after a backoff that grows with their receive count (src/functions/domain/kernel/backoff.ts) instead
 * of the queue's visibility timeout; a failure here only leaves them the queue's timeout.
 */
async function backOff(event: SQSEvent, failedIds: readonly string[]): Promise<void> {
  const failed = new Set(failedIds);
  const messages = event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({
    receiptHandle: r.receiptHandle,
    delayS: retryDelaySeconds(Number(r.attributes.ApproximateReceiveCount) || 1),
  }));
  try {
    const unchanged = await retries(messages);
    if (unchanged > 0) logger.warn('visibility change failed; those records wait the queue timeout', { unchanged });
  } catch (error) {
    logger.warn('visibility change failed; the records wait the queue timeout', { error });
  }
}

/**
 * SQS event source of the issue queue: writes one coupon per admission the ledger holds, idempotently, and
 * answers a partial batch response (ReportBatchItemFailures) so only failed records return to the queue, after a
 * backoff of a few seconds (see backOff); after maxReceiveCount they are redriven to the dead-letter queue. Each
 * admission is claimed in the ledger before its coupon is written (AdmissionStore.claim), so a coupon is never
 * written for an admission the issue function released: such a message is counted, logged and deleted. The batch
 * is written together first; each record then takes its outcome from that write, or is applied alone when the
 * batch write did not settle it. Counts CouponsPersisted, DuplicateDeliveries, ReleasedAdmissionsDropped and
 * CouponWriteFailures (METRIC, src/contract/names.ts).
 */
export const handler = instrumented<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
  const messages = parseAll(event.Records);
  const settled = await writeTogether([...messages.values()]);
  const recordHandler = async (record: SQSRecord) => {
    const message = messages.get(record.messageId) ?? parseAdmissionMessage(record.body);
    const outcome = await outcomeOfRecord(deps, settled, message);
    if (outcome === 'RELEASED') {
      logger.warn('admission not in the ledger (released or never admitted); message dropped without a coupon', {
        messageId: record.messageId,
        campaignId: message.campaignId,
        issueDate: message.issueDate,
        userId: message.userId,
        rank: message.rank,
        couponId: message.couponId,
      });
      metrics.addMetric(METRIC.ReleasedAdmissionsDropped, MetricUnit.Count, 1);
      return;
    }
    const counted = outcome === 'CREATED' ? METRIC.CouponsPersisted : METRIC.DuplicateDeliveries;
    metrics.addMetric(counted, MetricUnit.Count, 1);
  };
  // A batch whose every record failed is answered as a partial batch response too (not thrown), so its records
  // also take the short backoff instead of the queue's visibility timeout.
  const response = await processPartialResponse(event, recordHandler, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  if (response.batchItemFailures.length > 0) {
    logger.warn('coupon writes failed', { failed: response.batchItemFailures.length, of: event.Records.length });
    metrics.addMetric(METRIC.CouponWriteFailures, MetricUnit.Count, response.batchItemFailures.length);
    await backOff(
      event,
      response.batchItemFailures.map((f) => f.itemIdentifier),
    );
  }
  return response;
});
