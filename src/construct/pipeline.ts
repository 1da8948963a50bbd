import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS, ENV, HANDLERS } from '../contract/names';
import { acknowledge } from './acknowledge';
import { AppFunction } from './app-function';
import type { CouponData } from './data';

/** Props of {@link IssuePipeline}. */
export interface IssuePipelineProps {
  /** The tables (and secret) the consumer and replay bind to. */
  readonly data: CouponData;
  /**
   * Most concurrent consumer invocations the event source mapping may run (2-1000); bounds the write rate on the
   * coupon table during a drain.
   * @default 10
   */
  readonly consumerMaxConcurrency?: number;
  /**
   * Seconds an admitted user may lack a coupon before reconciliation re-enqueues the admission (when the issue
   * queue is empty; otherwise after the issue queue's visibility timeout x maxReceiveCount).
   * @default 300
   */
  readonly reconcileGraceSeconds?: number;
  /** Messages per consumer invocation (1-10,000). @default DEFAULTS.consumerBatchSize (25) */
  readonly consumerBatchSize?: number;
  /** How long the event source mapping waits to fill a consumer batch (0-300 s). @default 1 s */
  readonly consumerMaxBatchingWindow?: Duration;
  /** Receives of an issue-queue message before SQS moves it to the dead-letter queue. @default DEFAULTS.maxReceiveCount (5) */
  readonly maxReceiveCount?: number;
  /** The consumer's and replay's log retention. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** Consumer timeout; the issue queue's visibility timeout is 6x this (AWS guidance for Lambda event sources). */
const CONSUMER_TIMEOUT = Duration.seconds(30);

/**
 * From admission to coupon: the issue queue (SQS, encrypted, TLS only) with a dead-letter queue after maxReceiveCount receives (5);
 * the consumer, which claims each admission in the ledger and writes its coupon idempotently, answering partial
 * batch responses with a short backoff per failed record; and the replay, run every minute by an EventBridge rule,
 * which drains the dead-letter queue, parks what can never succeed in the failed-event table, and reconciles the
 * admission ledger with the coupons.
 */
export class IssuePipeline extends Construct {
  /** Admissions waiting to become coupons (one message per admission). */
  readonly issueQueue: Queue;
  /** Where the issue queue redrives a message after maxReceiveCount receives. */
  readonly deadLetterQueue: Queue;
  /** The SQS consumer of the issue queue. */
  readonly consumer: AppFunction;
  /** The scheduled replay and reconciliation. */
  readonly replayAndReconcile: AppFunction;
  /** The rule that runs the replay every minute. */
  readonly replaySchedule: Rule;

  constructor(scope: Construct, id: string, props: IssuePipelineProps) {
    super(scope, id);
    const { data } = props;
    this.deadLetterQueue = new Queue(this, 'IssueDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(this.deadLetterQueue, 'Serverless', {
      'Serverless-SQSRedrivePolicy':
        'This is the dead-letter queue; the replay function drains it and parks what fails.',
    });
    const visibilityTimeout = Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6);
    const maxReceiveCount = props.maxReceiveCount ?? DEFAULTS.maxReceiveCount;
    this.issueQueue = new Queue(this, 'IssueQueue', {
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    this.consumer = new AppFunction(this, 'ConsumeAdmissionsFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.consumer,
      timeout: CONSUMER_TIMEOUT,
      // Its own queue's URL, to shorten a failed record's visibility timeout (ChangeMessageVisibility).
      environment: { [ENV.ISSUE_QUEUE_URL]: this.issueQueue.queueUrl },
    });
    // Claims each admission in the ledger (the admission store), then writes coupons and the day's persisted count.
    data.bindAdmissionStore(this.consumer, 'read');
    data.bindCouponTable(this.consumer, 'readWrite');
    data.bindAdmissionTable(this.consumer, 'readWrite');
    acknowledge(this.consumer, 'Serverless', {
      'Serverless-LambdaEventSourceMappingDestination':
        "Failed batches go to the issue queue's dead-letter queue by its redrive policy (maxReceiveCount).",
    });
    this.consumer.addEventSource(
      new SqsEventSource(this.issueQueue, {
        batchSize: props.consumerBatchSize ?? DEFAULTS.consumerBatchSize,
        maxBatchingWindow:
          props.consumerMaxBatchingWindow ?? Duration.seconds(DEFAULTS.consumerMaxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: props.consumerMaxConcurrency ?? 10,
      }),
    );

    this.replayAndReconcile = new AppFunction(this, 'ReplayAndReconcileFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.replayAndReconcile,
      timeout: Duration.seconds(50),
      environment: {
        [ENV.DEAD_LETTER_QUEUE_URL]: this.deadLetterQueue.queueUrl,
        [ENV.ISSUE_QUEUE_URL]: this.issueQueue.queueUrl,
        [ENV.MAX_REPLAY_ATTEMPTS]: String(DEFAULTS.maxReplayAttempts),
        [ENV.RECONCILE_GRACE_SECONDS]: String(props.reconcileGraceSeconds ?? DEFAULTS.reconcileGraceSeconds),
        [ENV.ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS]: String(visibilityTimeout.toSeconds() * maxReceiveCount),
      },
    });
    // Replay writes coupons; reconciliation reads the ledger and the campaigns and re-enqueues admissions.
    data.bindAdmissionStore(this.replayAndReconcile, 'read');
    data.bindCouponTable(this.replayAndReconcile, 'readWrite');
    data.bindAdmissionTable(this.replayAndReconcile, 'readWrite');
    data.bindFailedEventTable(this.replayAndReconcile, 'readWrite');
    this.deadLetterQueue.grantConsumeMessages(this.replayAndReconcile);
    this.issueQueue.grantSendMessages(this.replayAndReconcile);
    this.replaySchedule = new Rule(this, 'ReplaySchedule', {
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.replayAndReconcile, { retryAttempts: 0 })],
    });
    const nextRunCovers = 'The replay runs every minute and is idempotent: the next run covers a failed one.';
    acknowledge(this.replaySchedule, 'Serverless', { 'Serverless-EventBusDLQ': nextRunCovers });
    // Only the replay is invoked asynchronously (by the schedule); the consumer is invoked synchronously by the
    // event source mapping, where a function dead-letter queue never receives anything.
    acknowledge(this.replayAndReconcile, 'Serverless', { 'Serverless-LambdaDLQ': nextRunCovers });
    acknowledge(this.consumer, 'Serverless', {
      'Serverless-LambdaDLQ': 'Invoked synchronously by the SQS event source mapping, never asynchronously.',
    });
  }
}
