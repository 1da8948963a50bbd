import { Duration } from 'aws-cdk-lib';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV, EVENT_ITEM_SORT_KEYS, HANDLERS } from '../contract/names';
import { acknowledge } from './acknowledge';
import { AppFunction } from './app-function';
import type { CouponData } from './data';

/** Props of {@link CouponEvents}. */
export interface CouponEventsProps {
  /** The tables whose streams state the events (their stream view is NEW_AND_OLD_IMAGES, src/construct/data.ts). */
  readonly data: CouponData;
  /** The bus the events go to. @default - a new bus, `CouponEvents.eventBus` */
  readonly eventBus?: IEventBus;
  /** The publisher's log retention. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** Records per publisher invocation, read from one stream shard. */
const BATCH_SIZE = 100;

/**
 * The domain events (src/contract/events.ts) on an EventBridge bus: the publisher function reads the DynamoDB
 * streams of the coupon, vendor, admission and failed-event tables through event source mappings that pass it
 * only the records that can state an event (Lambda event filtering, so the admission table's ledger writes never
 * invoke it), and puts the events on the bus. A batch it cannot publish whole is answered with a partial batch
 * response and retried from its first unpublished record, in order, until it succeeds or the record leaves the
 * stream (24 h); the `metricDelay` alarm fires long before. Events are never sent from a request path, so none
 * is lost when a request fails and none is sent for something that did not happen; delivery is at least once,
 * each event's `eventId` is stable.
 */
export class CouponEvents extends Construct {
  /** The bus the events go to: `eventBus`, or the one created here. */
  readonly eventBus: IEventBus;
  /** The stream consumer that publishes them. */
  readonly publisher: AppFunction;

  constructor(scope: Construct, id: string, props: CouponEventsProps) {
    super(scope, id);
    const { data } = props;
    this.eventBus = props.eventBus ?? new EventBus(this, 'EventBus');
    this.publisher = new AppFunction(this, 'PublishEventsFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.publishEvents,
      timeout: Duration.seconds(30),
      environment: { [ENV.EVENT_BUS_NAME]: this.eventBus.eventBusName },
    });
    this.eventBus.grantPutEventsTo(this.publisher);
    // The daily quota of a day whose coupons are all persisted (DaySoldOut).
    data.bindCampaignTable(this.publisher, 'read');
    const { coupon, vendor, admission, failedEvent } = data.tables;
    // Only the names: the stream reads are granted by the event sources below.
    this.publisher.addEnvironment(ENV.COUPON_TABLE, coupon.tableName);
    this.publisher.addEnvironment(ENV.VENDOR_TABLE, vendor.tableName);
    this.publisher.addEnvironment(ENV.ADMISSION_TABLE, admission.tableName);
    this.publisher.addEnvironment(ENV.FAILED_EVENT_TABLE, failedEvent.tableName);
    const sortKey = (rule: unknown[]) => ({ dynamodb: { Keys: { sk: { S: rule } } } });
    const sources = [
      { table: coupon, filter: { eventName: FilterRule.isEqual('INSERT') } },
      { table: vendor, filter: sortKey(FilterRule.beginsWith(EVENT_ITEM_SORT_KEYS.redemptionPrefix)) },
      { table: admission, filter: sortKey(FilterRule.isEqual(EVENT_ITEM_SORT_KEYS.dayStats)) },
      { table: failedEvent, filter: { dynamodb: { NewImage: { status: { S: FilterRule.isEqual('PARKED') } } } } },
    ];
    for (const { table, filter } of sources) {
      this.publisher.addEventSource(
        new DynamoEventSource(table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: BATCH_SIZE,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
          filters: [FilterCriteria.filter(filter)],
        }),
      );
    }
    // The policy is the role's (src/construct/app-function.ts), not the function's.
    acknowledge(this.publisher.role ?? this.publisher, 'AwsSolutions', {
      'AwsSolutions-IAM5[Resource::*]':
        "Lambda's DynamoDB stream event sources need dynamodb:ListStreams, which takes no resource; the stream reads are scoped to the four tables' streams.",
    });
    acknowledge(this.publisher, 'Serverless', {
      'Serverless-LambdaEventSourceMappingDestination':
        'A failed stream batch is retried from its first unpublished record until it succeeds or leaves the stream ' +
        '(24 h): a destination would get only its shard and sequence numbers. The events-delay alarm pages first.',
      'Serverless-LambdaDLQ':
        'Invoked synchronously by the DynamoDB stream event source mappings, never asynchronously.',
    });
  }

  /**
   * How far behind the streams the publisher is: the age of the last record it read when it read it (Lambda
   * IteratorAge, ms), Maximum per minute.
   */
  metricDelay(): IMetric {
    return this.publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) });
  }
}
