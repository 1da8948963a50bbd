import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type CouponAlarmThresholds, resolveAlarmThresholds } from './alarm-thresholds';

/** Props of {@link CouponAlarms}. */
export interface CouponAlarmsProps {
  /** Messages visible in the dead-letter queue, per minute. */
  readonly deadLetterDepth: IMetric;
  /** Age of the dead-letter queue's oldest message, s, per minute. */
  readonly deadLetterAge: IMetric;
  /** Campaign days breaking `persisted <= admitted <= quota`, as the replay's reconciliation counts them. */
  readonly invariantViolations: IMetric;
  /** Dead letters parked in the failed-event table by the replay. */
  readonly parked: IMetric;
  /** Admissions parked without a coupon, as reconciliation counts them each minute. */
  readonly parkedAdmissions: IMetric;
  /** The issue function (throttles and errors). */
  readonly issueFunction: IFunction;
  /** The consumer (errors: crashes and timeouts; failed records are answered in its partial batch response). */
  readonly consumerFunction: IFunction;
  /** How far behind the tables' streams the events' publisher is, ms (Lambda IteratorAge, Maximum per minute). */
  readonly eventsDelay: IMetric;
  /** The HTTP API (5xx rate). */
  readonly httpApi: IHttpApi;
  /**
   * Requests the WAF web ACL blocked, Sum per minute (EdgeFirewall.metricBlockedRequests).
   * @default - no WAF distribution: no edge-blocked-requests alarm
   */
  readonly edgeBlockedRequests?: IMetric;
  /** Where each alarm and its recovery are sent. @default - no action: the alarms only change state */
  readonly alarmTopic?: ITopic;
  /** Each alarm's threshold; checked by the caller (checkAlarmThresholds). @default DEFAULT_ALARM_THRESHOLDS */
  readonly thresholds?: CouponAlarmThresholds;
}

/** The admin call of the runbook lines (README "Operating a drop"). */
const LIST_PARKED = 'GET /v1/admin/failed-events?campaignId=<id>&issueDate=<YYYY-MM-DD>&status=PARKED';
const REDRIVE_DAY = 'POST /v1/admin/failed-events/redrive {"campaignId","issueDate"}';

/**
 * The alarms an operator must hear about, each with a description saying what it means and what to do (the
 * admin call to run): an invariant violation, parked admissions, dead letters piling up or growing old, consumer
 * crashes, issue function throttles and errors, the HTTP API's 5xx rate and, with the WAF distribution, a jump in
 * the requests it blocks. Each notifies the alarm topic when it fires and when it recovers. Each fires above its
 * threshold ({@link CouponAlarmThresholds}), but the invariant violation, which fires at the first one.
 */
export class CouponAlarms extends Construct {
  readonly deadLetterQueue: Alarm;
  readonly deadLetterAge: Alarm;
  readonly invariantViolation: Alarm;
  readonly parkedFailures: Alarm;
  readonly parkedAdmissions: Alarm;
  readonly consumerErrors: Alarm;
  readonly issueThrottles: Alarm;
  readonly issueErrors: Alarm;
  readonly api5xxRate: Alarm;
  /** The domain events lag behind the data (the publisher fails or falls behind). */
  readonly eventsDelayed: Alarm;
  /** With the WAF distribution: blocked requests jumped (an opening's bots, or people caught by a rule). */
  readonly edgeBlockedRequests?: Alarm;

  constructor(scope: Construct, id: string, props: CouponAlarmsProps) {
    super(scope, id);
    const thresholds = resolveAlarmThresholds(props.thresholds);
    const above = (threshold: number) => ({
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    /** ` (above <n> <unit>)` in a description, for a threshold above 0. */
    const overThreshold = (threshold: number, unit: string) => (threshold > 0 ? ` (above ${threshold} ${unit})` : '');
    const minute = { period: Duration.minutes(1), statistic: 'Sum' };
    this.deadLetterQueue = new Alarm(this, 'DeadLetterQueueAlarm', {
      ...above(thresholds.deadLetterMessages),
      alarmDescription:
        'Admissions are failing to become coupons and piling up in the dead-letter queue' +
        `${overThreshold(thresholds.deadLetterMessages, 'messages')} for 5 minutes. The replay retries them ` +
        'every minute; check the consumer and replay logs for the error (DynamoDB throttling or outage?). What it ' +
        `gives up on is parked: ${LIST_PARKED}`,
      metric: props.deadLetterDepth,
      evaluationPeriods: 5,
    });
    const deadLetterAgeS = thresholds.deadLetterAge.toSeconds();
    this.deadLetterAge = new Alarm(this, 'DeadLetterAgeAlarm', {
      ...above(deadLetterAgeS),
      alarmDescription:
        `A dead letter is older than ${deadLetterAgeS} s: the every-minute replay is not draining the ` +
        'queue. Check the replay function (errors, its EventBridge schedule) and its log; admitted users wait for ' +
        'their coupon meanwhile.',
      metric: props.deadLetterAge,
      evaluationPeriods: 3,
    });
    this.invariantViolation = new Alarm(this, 'InvariantViolationAlarm', {
      // Not a tunable threshold: one violation is an incident.
      ...above(0),
      alarmDescription:
        'Reconciliation found a campaign day breaking persisted <= admitted <= quota (an oversell or a coupon ' +
        'without an admission); see the replay function log line "invariant violated". Close the campaign ' +
        '(POST /v1/admin/campaigns/<id>/close) if admissions continue, and compare GET ' +
        '/v1/admin/campaigns/<id>/days/<date>/winners with the coupon table.',
      metric: props.invariantViolations,
      evaluationPeriods: 1,
    });
    this.parkedFailures = new Alarm(this, 'ParkedFailuresAlarm', {
      ...above(thresholds.parkedFailuresPerMinute),
      alarmDescription:
        'Replay parked admissions in the failed-events table' +
        `${overThreshold(thresholds.parkedFailuresPerMinute, 'per minute')}; they need an operator. List them: ` +
        `${LIST_PARKED}; fix the cause (lastError), then redrive: ${REDRIVE_DAY}`,
      metric: props.parked,
      evaluationPeriods: 1,
    });
    this.parkedAdmissions = new Alarm(this, 'ParkedAdmissionsAlarm', {
      ...above(thresholds.parkedAdmissions),
      alarmDescription:
        'Admitted users are without a coupon, parked, on a recent campaign day' +
        `${overThreshold(thresholds.parkedAdmissions, 'admissions')} (stays in alarm until redriven). ` +
        `List them: ${LIST_PARKED}; fix the cause (lastError), then redrive: ${REDRIVE_DAY}`,
      metric: props.parkedAdmissions,
      evaluationPeriods: 1,
    });
    this.consumerErrors = new Alarm(this, 'ConsumerErrorsAlarm', {
      ...above(thresholds.consumerErrorsPerMinute),
      alarmDescription:
        'The consumer function fails whole invocations (crash, timeout or out of memory)' +
        `${overThreshold(thresholds.consumerErrorsPerMinute, 'per minute')} for 3 minutes; failed ` +
        'records reach the dead-letter queue and the replay. Read its log and its duration against its timeout.',
      metric: props.consumerFunction.metricErrors(minute),
      evaluationPeriods: 3,
    });
    this.issueThrottles = new Alarm(this, 'IssueThrottlesAlarm', {
      ...above(thresholds.issueThrottlesPerMinute),
      alarmDescription:
        'Lambda throttles the issue function' +
        `${overThreshold(thresholds.issueThrottlesPerMinute, 'per minute')} for 2 minutes: users get 5xx/429. ` +
        "Raise the account's concurrency quota or the " +
        "function's provisioned/reserved concurrency before the next drop; lower the stage's throttle meanwhile.",
      metric: props.issueFunction.metricThrottles(minute),
      evaluationPeriods: 2,
    });
    this.issueErrors = new Alarm(this, 'IssueErrorsAlarm', {
      ...above(thresholds.issueErrorsPerMinute),
      alarmDescription:
        'The issue function fails invocations (crash or timeout; backend errors are answered 503 and counted as ' +
        `IssueUnavailable)${overThreshold(thresholds.issueErrorsPerMinute, 'per minute')} for 2 minutes. Read its ` +
        'log; admissions stay atomic, so no user is lost.',
      metric: props.issueFunction.metricErrors(minute),
      evaluationPeriods: 2,
    });
    const eventsDelayS = thresholds.eventsDelay.toSeconds();
    this.eventsDelayed = new Alarm(this, 'EventsDelayedAlarm', {
      ...above(eventsDelayS * 1000),
      alarmDescription:
        `The domain events (CouponIssued, ...) are more than ${eventsDelayS} s behind the data for 3 minutes: the ` +
        'events publisher keeps failing on a stream batch (its log says which record) or the bus throttles ' +
        '(EventPublishRetries). It retries in order until the record is 24 h old and leaves the stream; nothing ' +
        'is lost before then. Coupons are issued meanwhile; only the integrations wait.',
      metric: props.eventsDelay,
      evaluationPeriods: 3,
    });
    const count = new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: 'Count',
      dimensionsMap: { ApiId: props.httpApi.apiId },
      ...minute,
    });
    const serverErrors = new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: props.httpApi.apiId },
      ...minute,
    });
    this.api5xxRate = new Alarm(this, 'Api5xxRateAlarm', {
      ...above(thresholds.api5xxRatePercent),
      alarmDescription:
        `More than ${thresholds.api5xxRatePercent}% of the HTTP API's answers are 5xx for 3 of 5 minutes. ` +
        '503 UNAVAILABLE means a backend (Redis, DynamoDB, SQS) is failing: see the IssueUnavailable metric and ' +
        'the functions\' logs ("backend failure"); nothing is oversold or lost, users may retry.',
      metric: new MathExpression({
        expression: 'IF(count > 0, 100 * FILL(errors, 0) / count, 0)',
        usingMetrics: { errors: serverErrors, count },
        label: '5xx rate (%)',
        period: Duration.minutes(1),
      }),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    if (props.edgeBlockedRequests) {
      this.edgeBlockedRequests = new Alarm(this, 'EdgeBlockedRequestsAlarm', {
        ...above(thresholds.edgeBlockedRequestsPerMinute),
        alarmDescription:
          'AWS WAF blocked more than ' +
          `${thresholds.edgeBlockedRequestsPerMinute} requests in a minute at the edge: bots at an opening, or people ` +
          "caught by a rule. The dashboard's WAF widget shows which rule blocks (IssueRatePerIp, IssueRatePerJa4, " +
          'BotControl, RateLimitPerIp); check its sampled requests in the WAF console. If they are people (a shared ' +
          "NAT, one browser build's JA4 fingerprint), raise issueRateLimitPerIp or issueRateLimitPerJa4.",
        metric: props.edgeBlockedRequests,
        evaluationPeriods: 1,
      });
    }
    if (props.alarmTopic) {
      const action = new SnsAction(props.alarmTopic);
      for (const alarm of this.all()) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }

  /** Every alarm of this construct. */
  all(): Alarm[] {
    return [
      this.deadLetterQueue,
      this.deadLetterAge,
      this.invariantViolation,
      this.parkedFailures,
      this.parkedAdmissions,
      this.consumerErrors,
      this.issueThrottles,
      this.issueErrors,
      this.api5xxRate,
      this.eventsDelayed,
      ...(this.edgeBlockedRequests ? [this.edgeBlockedRequests] : []),
    ];
  }
}
