/**
 * Status of a failure record: still being replayed from the dead-letter queue (RETRYING), given up on (PARKED),
 * or re-enqueued by an operator (REDRIVEN, failed-events/redrive.ts).
 */
export type FailedEventStatus = 'RETRYING' | 'PARKED' | 'REDRIVEN';

/**
 * A dead-lettered message that replay could not apply, keyed by the coupon id of the admission it carries (so
 * reconciliation can look it up), or `message#<SQS message id>` for a body that is not an admission. Its status is
 * RETRYING while replay still tries it and PARKED once replay gave up (the message then lives only in the
 * failed-event table, with its original body and last error).
 */
export interface FailedEventRecord {
  readonly failedEventId: string;
  /** Original message body, unchanged. */
  readonly body: string;
  /** The last attempt's error, `Name: message`. */
  readonly error: string;
  /** `POISON`: can never succeed (bad body, unknown campaign); `ERROR`: a failure that may be transient. */
  readonly reason: 'POISON' | 'ERROR';
  /** SQS message attributes (SentTimestamp, ApproximateReceiveCount, ...). */
  readonly attributes: Record<string, string>;
}

/** Filters of a listing of failed-event records, all optional (`issueDate` only with `campaignId`). */
export interface FailedEventFilter {
  readonly campaignId?: string;
  /** Local date `YYYY-MM-DD`. */
  readonly issueDate?: string;
  readonly status?: FailedEventStatus;
}

/**
 * One failed-event record as an operator sees it (the admin API's `FailedEvent`, src/contract/failed-events.ts).
 * Instants are ISO-8601 UTC.
 */
export interface FailedEventView {
  readonly failedEventId: string;
  readonly status: FailedEventStatus;
  /** `POISON` (can never succeed) or `ERROR` (may be transient). */
  readonly reason: 'POISON' | 'ERROR';
  /** The admission's campaign and issue day; absent when the body is not an admission. */
  readonly campaignId?: string;
  readonly issueDate?: string;
  /** The original message body, unchanged. */
  readonly body: string;
  /** The dead letter's SQS system attributes when it was parked (ApproximateReceiveCount, SentTimestamp, ...). */
  readonly attributes?: Record<string, string>;
  readonly lastError: string;
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly updatedAt: string;
  readonly parkedAt?: string;
  /** Last redrive: when and by whom (the IAM principal's ARN); `redriveCount` counts them all. */
  readonly redrivenAt?: string;
  readonly redrivenBy?: string;
  readonly redriveCount?: number;
}
