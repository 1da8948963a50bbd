import { Duration, Token } from 'aws-cdk-lib';
import { checkInteger } from './validate';

/**
 * The thresholds of the construct's alarms (CouponAlarms), one per alarm, each with its unit in its name (a
 * Duration carries its own). An alarm fires when its metric is above its threshold (GREATER_THAN_THRESHOLD) for
 * the evaluation periods its description states; a missing datapoint never fires it. Every field is optional: one
 * left out keeps its default ({@link DEFAULT_ALARM_THRESHOLDS}).
 *
 * The invariant-violation alarm has no threshold to tune: a campaign day breaking `persisted <= admitted <= quota`
 * is an incident, so it fires at the first one.
 */
export interface CouponAlarmThresholds {
  /**
   * Messages visible in the dead-letter queue (Maximum per minute) above which, for 5 minutes in a row, the
   * dead-letter queue alarm fires: admissions failing to become coupons. An integer >= 0.
   * @default 0 - any dead letter that the every-minute replay has not drained within 5 minutes
   */
  readonly deadLetterMessages?: number;
  /**
   * Age of the dead-letter queue's oldest message (Maximum per minute) above which, for 3 minutes in a row, the
   * dead-letter age alarm fires: the every-minute replay is not draining the queue. Whole seconds, from 60 s to
   * 14 days (the dead-letter queue's retention, src/construct/pipeline.ts).
   * @default Duration.minutes(10)
   */
  readonly deadLetterAge?: Duration;
  /**
   * Dead letters the replay parked in the failed-event table in one minute (Sum) above which the parked-failures
   * alarm fires: they wait for an operator's redrive. An integer >= 0.
   * @default 0 - the first parked dead letter
   */
  readonly parkedFailuresPerMinute?: number;
  /**
   * Admissions parked without a coupon on a recent campaign day, as reconciliation counts them each minute
   * (Maximum), above which the parked-admissions alarm fires; it stays in alarm until they are redriven. An
   * integer >= 0.
   * @default 0 - the first parked admission
   */
  readonly parkedAdmissions?: number;
  /**
   * Failed consumer invocations per minute (Lambda Errors, Sum: crashes, timeouts, out of memory; not the records
   * answered in a partial batch response) above which, for 3 minutes in a row, the consumer-errors alarm fires. An
   * integer >= 0.
   * @default 0 - any failed invocation, 3 minutes in a row
   */
  readonly consumerErrorsPerMinute?: number;
  /**
   * Throttled issue-function invocations per minute (Lambda Throttles, Sum) above which, for 2 minutes in a row,
   * the issue-throttles alarm fires: users get 429/5xx. An integer >= 0.
   * @default 0 - any throttle, 2 minutes in a row
   */
  readonly issueThrottlesPerMinute?: number;
  /**
   * Failed issue-function invocations per minute (Lambda Errors, Sum: crashes and timeouts; backend failures are
   * answered 503 and counted as IssueUnavailable instead) above which, for 2 minutes in a row, the issue-errors
   * alarm fires. An integer >= 0.
   * @default 0 - any failed invocation, 2 minutes in a row
   */
  readonly issueErrorsPerMinute?: number;
  /**
   * Share of the HTTP API's answers that are 5xx in a minute, percent (0 to less than 100), above which, in 3 of 5
   * minutes, the API 5xx-rate alarm fires.
   * @default 1
   */
  readonly api5xxRatePercent?: number;
  /**
   * Requests the AWS WAF web ACL blocked in one minute (AWS/WAFV2 BlockedRequests, every rule, Sum) above which the
   * edge-blocked-requests alarm fires at once: bots at an opening, or rate limits or Bot Control catching people.
   * Only with the WAF distribution (`wafRateLimit` or `botDefense`). An integer >= 0.
   * @default 100
   */
  readonly edgeBlockedRequestsPerMinute?: number;
  /**
   * How far the domain events may lag behind the data (the events publisher's Lambda IteratorAge, Maximum per
   * minute) before, for 3 minutes in a row, the events-delayed alarm fires. Whole seconds, from 60 s to 24 h (the
   * DynamoDB streams' retention).
   * @default Duration.minutes(5)
   */
  readonly eventsDelay?: Duration;
}

/** Every threshold of {@link CouponAlarmThresholds}, as the construct applies it. */
export type ResolvedAlarmThresholds = Required<CouponAlarmThresholds>;

/** The thresholds the alarms use when `alarmThresholds` leaves a field out (each field's `@default`). */
export const DEFAULT_ALARM_THRESHOLDS: Readonly<ResolvedAlarmThresholds> = {
  deadLetterMessages: 0,
  deadLetterAge: Duration.minutes(10),
  parkedFailuresPerMinute: 0,
  parkedAdmissions: 0,
  consumerErrorsPerMinute: 0,
  issueThrottlesPerMinute: 0,
  issueErrorsPerMinute: 0,
  api5xxRatePercent: 1,
  edgeBlockedRequestsPerMinute: 100,
  eventsDelay: Duration.minutes(5),
};

/** A dead letter cannot be older than the dead-letter queue keeps it (src/construct/pipeline.ts), s. */
const DEAD_LETTER_RETENTION_S = 14 * 86_400;

const COUNTS = {
  deadLetterMessages: 'messages',
  parkedFailuresPerMinute: 'dead letters per minute',
  parkedAdmissions: 'admissions',
  consumerErrorsPerMinute: 'errors per minute',
  issueThrottlesPerMinute: 'throttles per minute',
  issueErrorsPerMinute: 'errors per minute',
  edgeBlockedRequestsPerMinute: 'requests per minute',
} as const satisfies Partial<Record<keyof CouponAlarmThresholds, string>>;

/** A DynamoDB stream keeps a record 24 h (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html), s. */
const STREAM_RETENTION_S = 86_400;

/** @throws Error naming `field` when `value` is not a Duration of whole seconds from 60 s to `maxS`. */
function checkDuration(field: string, value: Duration | undefined, maxS: number): void {
  if (value === undefined) return;
  if (!(value instanceof Duration)) throw new Error(`${field} must be a Duration, not ${String(value)}`);
  if (!value.isUnresolved()) checkInteger(field, value.toSeconds({ integral: false }), 60, maxS, 's');
}

/**
 * Checks `alarmThresholds` (the construct's prop) before anything is built.
 * @throws Error naming the field (`alarmThresholds.<field>`): an unknown field, a count that is not an integer >= 0,
 *   a dead-letter age that is not whole seconds from 60 s to 14 days, an events delay from 60 s to 24 h, a 5xx rate outside [0, 100).
 */
export function checkAlarmThresholds(thresholds: CouponAlarmThresholds | undefined): void {
  if (thresholds === undefined) return;
  const prop = (field: string) => `alarmThresholds.${field}`;
  for (const field of Object.keys(thresholds)) {
    if (!(field in DEFAULT_ALARM_THRESHOLDS)) {
      throw new Error(
        `${prop(field)} is not an alarm threshold; known: ${Object.keys(DEFAULT_ALARM_THRESHOLDS).join(', ')}`,
      );
    }
  }
  for (const [field, unit] of Object.entries(COUNTS)) {
    checkInteger(prop(field), thresholds[field as keyof typeof COUNTS], 0, Number.MAX_SAFE_INTEGER, unit);
  }
  checkDuration(prop('deadLetterAge'), thresholds.deadLetterAge, DEAD_LETTER_RETENTION_S);
  checkDuration(prop('eventsDelay'), thresholds.eventsDelay, STREAM_RETENTION_S);
  const rate = thresholds.api5xxRatePercent;
  if (rate !== undefined && !Token.isUnresolved(rate) && !(Number.isFinite(rate) && rate >= 0 && rate < 100)) {
    throw new Error(`${prop('api5xxRatePercent')} must be a number from 0 to less than 100 percent, not ${rate}`);
  }
}

/** `thresholds` with every field left out (or undefined) set to its default. */
export function resolveAlarmThresholds(thresholds: CouponAlarmThresholds = {}): ResolvedAlarmThresholds {
  return {
    deadLetterMessages: thresholds.deadLetterMessages ?? DEFAULT_ALARM_THRESHOLDS.deadLetterMessages,
    deadLetterAge: thresholds.deadLetterAge ?? DEFAULT_ALARM_THRESHOLDS.deadLetterAge,
    parkedFailuresPerMinute: thresholds.parkedFailuresPerMinute ?? DEFAULT_ALARM_THRESHOLDS.parkedFailuresPerMinute,
    parkedAdmissions: thresholds.parkedAdmissions ?? DEFAULT_ALARM_THRESHOLDS.parkedAdmissions,
    consumerErrorsPerMinute: thresholds.consumerErrorsPerMinute ?? DEFAULT_ALARM_THRESHOLDS.consumerErrorsPerMinute,
    issueThrottlesPerMinute: thresholds.issueThrottlesPerMinute ?? DEFAULT_ALARM_THRESHOLDS.issueThrottlesPerMinute,
    issueErrorsPerMinute: thresholds.issueErrorsPerMinute ?? DEFAULT_ALARM_THRESHOLDS.issueErrorsPerMinute,
    api5xxRatePercent: thresholds.api5xxRatePercent ?? DEFAULT_ALARM_THRESHOLDS.api5xxRatePercent,
    edgeBlockedRequestsPerMinute:
      thresholds.edgeBlockedRequestsPerMinute ?? DEFAULT_ALARM_THRESHOLDS.edgeBlockedRequestsPerMinute,
    eventsDelay: thresholds.eventsDelay ?? DEFAULT_ALARM_THRESHOLDS.eventsDelay,
  };
}
