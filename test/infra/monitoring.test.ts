import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { CouponAlarmThresholds } from '../../src';
import { DEFAULT_ALARM_THRESHOLDS } from '../../src/construct/alarm-thresholds';
import { FcfsCouponStack, type FcfsCouponStackProps } from '../../src/construct/fcfs-coupon-stack';
import { ISSUE_OUTCOME_METRICS, METRIC } from '../../src/contract/names';
import { localId } from '../support/template';

// Templates only: bundling is skipped here.
const app = () => new App();
const synth = (props: FcfsCouponStackProps = {}) => Template.fromStack(new FcfsCouponStack(app(), 'Test', props));

/** The stack with an existing topic (another stack's), as a team passes its paging topic. */
function withTopic(): Template {
  const scope = app();
  const shared = new Stack(scope, 'Paging');
  const topic = new Topic(shared, 'Pager');
  const stack = new FcfsCouponStack(scope, 'Test', { alarmTopic: topic });
  return Template.fromStack(stack);
}

const ALARM_IDS = [
  'DeadLetterQueueAlarm',
  'DeadLetterAgeAlarm',
  'InvariantViolationAlarm',
  'ParkedFailuresAlarm',
  'ParkedAdmissionsAlarm',
  'ConsumerErrorsAlarm',
  'IssueThrottlesAlarm',
  'IssueErrorsAlarm',
  'Api5xxRateAlarm',
  'EventsDelayedAlarm',
];

/** Each alarm's `Threshold` and `AlarmDescription`, by its construct id (`DeadLetterAgeAlarm`). */
function alarmsById(template: Template): Record<string, { threshold: number; description: string }> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, alarm]) => [
      localId(id)
        .replace(/^CouponsAlarms/, '')
        .replace(/[0-9A-F]{8}$/, ''),
      { threshold: alarm.Properties.Threshold, description: alarm.Properties.AlarmDescription },
    ]),
  );
}

/** The WAF distribution with the bot defense (us-east-1): the stack shape that has the edge-blocked alarm. */
const WAF_STACK: FcfsCouponStackProps = {
  botDefense: 'challenge',
  env: { account: '111111111111', region: 'us-east-1' },
};

/**
 * Each field of `alarmThresholds`: a value other than its default, the alarm it sets, the threshold the template
 * must then carry, the words of the alarm's description that state it (keyed by the type, so a new field without
 * a case does not compile) and, for an alarm of one stack shape only, that shape's props.
 */
const THRESHOLD_CASES: Record<
  keyof CouponAlarmThresholds,
  [CouponAlarmThresholds[keyof CouponAlarmThresholds], string, number, string, FcfsCouponStackProps?]
> = {
  deadLetterMessages: [10, 'DeadLetterQueueAlarm', 10, '(above 10 messages) for 5 minutes'],
  deadLetterAge: [Duration.minutes(30), 'DeadLetterAgeAlarm', 1800, 'older than 1800 s'],
  parkedFailuresPerMinute: [3, 'ParkedFailuresAlarm', 3, '(above 3 per minute)'],
  parkedAdmissions: [2, 'ParkedAdmissionsAlarm', 2, '(above 2 admissions)'],
  consumerErrorsPerMinute: [4, 'ConsumerErrorsAlarm', 4, '(above 4 per minute) for 3 minutes'],
  issueThrottlesPerMinute: [50, 'IssueThrottlesAlarm', 50, '(above 50 per minute) for 2 minutes'],
  issueErrorsPerMinute: [5, 'IssueErrorsAlarm', 5, '(above 5 per minute) for 2 minutes'],
  api5xxRatePercent: [2.5, 'Api5xxRateAlarm', 2.5, 'More than 2.5% of'],
  edgeBlockedRequestsPerMinute: [500, 'EdgeBlockedRequestsAlarm', 500, 'blocked more than 500 requests', WAF_STACK],
  eventsDelay: [Duration.minutes(10), 'EventsDelayedAlarm', 600_000, 'more than 600 s behind the data'],
};

jest.setTimeout(120_000);

describe('infra: operating a drop (dashboard, alarms, outputs)', () => {
  const plain = synth();

  // Tracing is off (src/construct/app-function.ts): no function pays for X-Ray segments, no role may write them.
  it('runs every function without X-Ray tracing, and no role carries X-Ray permissions', () => {
    const template = synth({ upstashSecretName: 'prod/upstash', operatorTokenClient: true });
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn.Properties.TracingConfig).toBeUndefined();
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('xray:');
  });

  it('draws one dashboard with the functions, queues, API, tables and every product metric', () => {
    const dashboards = plain.findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(Object.values(dashboards)[0]?.Properties.DashboardBody);
    const productMetrics = [
      ...Object.values(ISSUE_OUTCOME_METRICS),
      METRIC.Admitted,
      METRIC.Persisted,
      METRIC.Reconciled,
      METRIC.ParkedAdmissions,
      METRIC.InvariantViolations,
    ];
    for (const name of productMetrics) expect(body).toContain(`\\"FcfsCoupon\\",\\"${name}\\"`);
    for (const name of ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions']) {
      expect(body).toContain(`\\"AWS/Lambda\\",\\"${name}\\"`);
    }
    for (const stat of ['p50', 'p99']) expect(body).toContain(`\\"stat\\":\\"${stat}\\"`);
    for (const name of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage']) {
      expect(body).toContain(`\\"AWS/SQS\\",\\"${name}\\"`);
    }
    for (const name of ['4xx', '5xx', 'Latency']) expect(body).toContain(`\\"AWS/ApiGateway\\",\\"${name}\\"`);
    for (const name of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      expect(body).toContain(`\\"AWS/DynamoDB\\",\\"${name}\\"`);
    }
    // Every function of the stack is on it.
    for (const id of Object.keys(plain.findResources('AWS::Lambda::Function'))) expect(body).toContain(id);
  });

  it('alarms on each condition an operator must act on, with a runbook line, and no action without a topic', () => {
    const alarms = plain.findResources('AWS::CloudWatch::Alarm');
    expect(
      Object.keys(alarms)
        .map((id) =>
          localId(id)
            .replace(/^CouponsAlarms/, '')
            .replace(/[0-9A-F]{8}$/, ''),
        )
        .sort(),
    ).toEqual([...ALARM_IDS].sort());
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmDescription.length).toBeGreaterThan(120);
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
    plain.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC.ParkedAdmissions,
      AlarmDescription: Match.stringLikeRegexp('POST /v1/admin/failed-events/redrive'),
    });
    plain.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage' });
    plain.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('errors') })]),
    });
    expect(plain.findResources('AWS::SNS::Topic')).toEqual({});
  });

  it('fires each alarm above its default threshold: at the first occurrence, a 10-minute-old dead letter, 1% 5xx', () => {
    const thresholds = Object.fromEntries(Object.entries(alarmsById(plain)).map(([id, a]) => [id, a.threshold]));
    expect(thresholds).toEqual({
      DeadLetterQueueAlarm: 0,
      DeadLetterAgeAlarm: 600,
      InvariantViolationAlarm: 0,
      ParkedFailuresAlarm: 0,
      ParkedAdmissionsAlarm: 0,
      ConsumerErrorsAlarm: 0,
      IssueThrottlesAlarm: 0,
      IssueErrorsAlarm: 0,
      Api5xxRateAlarm: 1,
      EventsDelayedAlarm: 300_000,
    });
    expect(DEFAULT_ALARM_THRESHOLDS.deadLetterAge.toSeconds()).toBe(thresholds.DeadLetterAgeAlarm);
    expect(DEFAULT_ALARM_THRESHOLDS.api5xxRatePercent).toBe(thresholds.Api5xxRateAlarm);
  });

  it.each(Object.entries(THRESHOLD_CASES))(
    'alarmThresholds.%s sets its alarm alone, and its description says the figure',
    (field, [value, alarmId, threshold, words, shape]) => {
      const before = alarmsById(shape ? synth(shape) : plain);
      const after = alarmsById(synth({ ...shape, alarmThresholds: { [field]: value } }));
      expect(after[alarmId]?.threshold).toBe(threshold);
      expect(before[alarmId]?.threshold).not.toBe(threshold);
      expect(after[alarmId]?.description).toContain(words);
      expect(before[alarmId]?.description).not.toContain(words);
      for (const [id, alarm] of Object.entries(after)) {
        if (id !== alarmId) expect([id, alarm.threshold]).toEqual([id, before[id]?.threshold]);
      }
    },
  );

  it.each<[string, CouponAlarmThresholds, RegExp]>([
    [
      'a negative dead-letter count',
      { deadLetterMessages: -1 },
      /alarmThresholds\.deadLetterMessages must be an integer >= 0/,
    ],
    ['a fractional parked count', { parkedFailuresPerMinute: 1.5 }, /alarmThresholds\.parkedFailuresPerMinute/],
    ['a negative parked-admission count', { parkedAdmissions: -1 }, /alarmThresholds\.parkedAdmissions/],
    ['NaN consumer errors', { consumerErrorsPerMinute: Number.NaN }, /alarmThresholds\.consumerErrorsPerMinute/],
    ['negative throttles', { issueThrottlesPerMinute: -2 }, /alarmThresholds\.issueThrottlesPerMinute/],
    ['fractional issue errors', { issueErrorsPerMinute: 0.5 }, /alarmThresholds\.issueErrorsPerMinute/],
    [
      'a dead-letter age under a minute',
      { deadLetterAge: Duration.seconds(30) },
      /alarmThresholds\.deadLetterAge must be an integer from 60 to 1209600 s/,
    ],
    ['a dead-letter age beyond its retention', { deadLetterAge: Duration.days(15) }, /alarmThresholds\.deadLetterAge/],
    [
      'a dead-letter age in fractional seconds',
      { deadLetterAge: Duration.millis(90_500) },
      /alarmThresholds\.deadLetterAge/,
    ],
    [
      'a dead-letter age in plain seconds',
      { deadLetterAge: 600 as never },
      /alarmThresholds\.deadLetterAge must be a Duration/,
    ],
    ['a 5xx rate of 100%', { api5xxRatePercent: 100 }, /alarmThresholds\.api5xxRatePercent must be a number from 0/],
    ['a negative 5xx rate', { api5xxRatePercent: -1 }, /alarmThresholds\.api5xxRatePercent/],
    ['a 5xx rate of NaN', { api5xxRatePercent: Number.NaN }, /alarmThresholds\.api5xxRatePercent/],
    ['an unknown field', { api5xxRate: 1 } as never, /alarmThresholds\.api5xxRate is not an alarm threshold/],
  ])('refuses %s, naming the field', (_, alarmThresholds, message) => {
    expect(() => synth({ alarmThresholds })).toThrow(message);
  });

  it("with the WAF distribution, draws each rule's blocked, challenged and CAPTCHA requests and alarms on a jump in blocks", () => {
    const template = synth({ ...WAF_STACK, wafRateLimit: 2000 });
    const body = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody,
    );
    for (const rule of ['RateLimitPerIp', 'KnownBadInputs', 'IssueRatePerIp', 'IssueRatePerJa4', 'BotControl']) {
      expect(body).toContain(
        `\\"AWS/WAFV2\\",\\"BlockedRequests\\",\\"Rule\\",\\"${rule}\\",\\"WebACL\\",\\"FcfsCouponWebAcl\\"`,
      );
    }
    for (const name of ['ChallengeRequests', 'CaptchaRequests']) {
      expect(body).toContain(`\\"${name}\\",\\"Rule\\",\\"IssueChallenge\\",\\"WebACL\\",\\"FcfsCouponWebAcl\\"`);
    }
    expect(body).toContain('\\"AllowedRequests\\",\\"Rule\\",\\"ALL\\",\\"WebACL\\",\\"FcfsCouponWebAcl\\"');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Dimensions: Match.arrayWith([{ Name: 'Rule', Value: 'ALL' }]),
      Statistic: 'Sum',
      Period: 60,
      Threshold: DEFAULT_ALARM_THRESHOLDS.edgeBlockedRequestsPerMinute,
      EvaluationPeriods: 1,
    });
    expect(JSON.stringify(plain.findResources('AWS::CloudWatch::Alarm'))).not.toContain('AWS/WAFV2');
    expect(JSON.stringify(plain.findResources('AWS::CloudWatch::Dashboard'))).not.toContain('AWS/WAFV2');
  });

  it('keeps the defaults of fields left out or undefined', () => {
    const template = synth({ alarmThresholds: { api5xxRatePercent: undefined, issueErrorsPerMinute: 7 } });
    const thresholds = alarmsById(template);
    expect(thresholds.Api5xxRateAlarm?.threshold).toBe(1);
    expect(thresholds.DeadLetterAgeAlarm?.threshold).toBe(600);
    expect(thresholds.IssueErrorsAlarm?.threshold).toBe(7);
  });

  it('sends every alarm and its recovery to the topic given as a prop', () => {
    const template = withTopic();
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(ALARM_IDS.length);
    for (const alarm of alarms) {
      // Another stack's topic arrives as an import of its exported ARN.
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toContain('Pager');
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
    template.hasOutput('AlarmTopicArn', {});
  });

  it('creates a TLS-only topic with an e-mail subscription from alarmEmail, and refuses a bad or doubled setting', () => {
    const template = synth({ alarmEmail: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny' })]) },
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    expect(() => synth({ alarmEmail: 'not-an-address' })).toThrow(/alarmEmail must be an e-mail address/);
    const scope = app();
    const topic = new Topic(new Stack(scope, 'Paging'), 'Pager');
    expect(() => new FcfsCouponStack(scope, 'Both', { alarmTopic: topic, alarmEmail: 'a@example.com' })).toThrow(
      /exclusive/,
    );
  });

  it('outputs what a team needs after deploy: dashboard URL, admin ARN pattern, dead-letter queue and failed-event table', () => {
    const outputs = plain.findOutputs('*');
    expect(JSON.stringify(outputs.DashboardUrl?.Value)).toContain('#dashboards:name=');
    const adminArn = JSON.stringify(outputs.AdminApiArn?.Value);
    expect(adminArn).toContain(':execute-api:');
    expect(adminArn).toContain('/*/*/v1/admin/*');
    const [dlq] = Object.keys(plain.findResources('AWS::SQS::Queue')).filter((id) =>
      localId(id).includes('DeadLetter'),
    );
    expect(outputs.DeadLetterQueueName?.Value).toEqual({ 'Fn::GetAtt': [dlq, 'QueueName'] });
    const [failedEvents] = Object.keys(plain.findResources('AWS::DynamoDB::Table')).filter((id) =>
      localId(id).includes('FailedEvent'),
    );
    expect(outputs.FailedEventTableName?.Value).toEqual({ Ref: failedEvents });
    expect(outputs.AlarmTopicArn).toBeUndefined();
  });
});
