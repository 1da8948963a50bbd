import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
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
];

jest.setTimeout(120_000);

describe('infra: operating a drop (dashboard, alarms, outputs)', () => {
  const plain = synth();

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
