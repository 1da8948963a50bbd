import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link CouponAlarms}. */
export interface CouponAlarmsProps {
  /** Messages visible in the dead-letter queue, per minute. */
  readonly deadLetterDepth: IMetric;
  /** Campaign days breaking `persisted <= admitted <= quota`, as the replay's reconciliation counts them. */
  readonly invariantViolations: IMetric;
  /** Dead letters parked in the failed-event table by the replay. */
  readonly parked: IMetric;
  /** Where each alarm and its recovery are sent. @default - no action: the alarms only change state */
  readonly alarmTopic?: ITopic;
}

/**
 * The alarms an operator must hear about: admissions piling up in the dead-letter queue, an invariant violation
 * (an oversell or a coupon without an admission), and parked admissions waiting for an operator. Each notifies
 * the alarm topic when it fires and when it recovers.
 */
export class CouponAlarms extends Construct {
  readonly deadLetterQueue: Alarm;
  readonly invariantViolation: Alarm;
  readonly parkedFailures: Alarm;

  constructor(scope: Construct, id: string, props: CouponAlarmsProps) {
    super(scope, id);
    const aboveZero = {
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    };
    this.deadLetterQueue = new Alarm(this, 'DeadLetterQueueAlarm', {
      ...aboveZero,
      alarmDescription: 'Admissions are failing to become coupons and piling up in the dead-letter queue',
      metric: props.deadLetterDepth,
      evaluationPeriods: 5,
    });
    this.invariantViolation = new Alarm(this, 'InvariantViolationAlarm', {
      ...aboveZero,
      alarmDescription:
        'Reconciliation found a campaign day breaking persisted <= admitted <= quota (an oversell or a coupon ' +
        'without an admission); see the replay function log line "invariant violated"',
      metric: props.invariantViolations,
      evaluationPeriods: 1,
    });
    this.parkedFailures = new Alarm(this, 'ParkedFailuresAlarm', {
      ...aboveZero,
      alarmDescription: 'Replay parked admissions in the failed-events table; they need an operator',
      metric: props.parked,
      evaluationPeriods: 1,
    });
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
    return [this.deadLetterQueue, this.invariantViolation, this.parkedFailures];
  }
}
