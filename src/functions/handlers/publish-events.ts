import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { ENV, METRIC } from '../../contract/names';
import { changeOfRecord } from '../adapters/dynamodb/stream-changes';
import { publishChanges } from '../domain/events/publish-changes';
import { cachedCampaignRepository, eventPublisher, streamTables } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { instrumented, logger, metrics } from '../runtime/powertools';

const config = loadConfig('publishEvents');
const campaigns = cachedCampaignRepository(config);
const deps = {
  publisher: eventPublisher(config),
  quotaOf: async (campaignId: string) => (await campaigns.get(campaignId))?.dailyQuota,
  instance: config[ENV.METRICS_INSTANCE],
};
const tables = streamTables(config);

/**
 * The DynamoDB stream event source of the coupon, vendor, admission and failed-event tables: publishes the domain
 * events their changes state (src/contract/events.ts, src/functions/domain/events/events-of-change.ts) to the
 * bus, and answers a partial batch response naming the first record not fully published, so the event source
 * mapping retries from it (in order; the records before it are done). Counts EventsPublished and
 * EventPublishRetries (METRIC, src/contract/names.ts).
 */
export const handler = instrumented<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => {
  const changes = event.Records.map((record, index) => ({
    recordId: record.dynamodb?.SequenceNumber ?? String(index),
    change: changeOfRecord(record, tables),
  }));
  const { published, retryFrom } = await publishChanges(deps, changes);
  if (published > 0) metrics.addMetric(METRIC.EventsPublished, MetricUnit.Count, published);
  if (retryFrom === undefined) return { batchItemFailures: [] };
  logger.warn('events not all published; the stream retries from a record', { retryFrom, records: changes.length });
  metrics.addMetric(METRIC.EventPublishRetries, MetricUnit.Count, 1);
  return { batchItemFailures: [{ itemIdentifier: retryFrom }] };
});
