import { Aws, Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricName } from '../contract/names';
import { ISSUE_OUTCOME_METRICS, METRIC } from '../contract/names';
import type { CouponAlarms } from './alarms';
import { BOT_RULE } from './bot-defense';
import type { EdgeFirewall, WafRequestMetric } from './edge-firewall';

/** Props of {@link CouponDashboard}. */
export interface CouponDashboardProps {
  /** Every function, by its name on the dashboard (its role). */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly issueQueue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly httpApi: IHttpApi;
  /** The tables, by their name on the dashboard. */
  readonly tables: Readonly<Record<string, ITable>>;
  /** A product metric (namespace and dimensions of the emitting function), e.g. `(METRIC.Admitted, 'replayAndReconcile')`. */
  readonly productMetric: (name: MetricName, emitter: 'issue' | 'replayAndReconcile') => IMetric;
  /** The alarms, shown in one status widget at the top. */
  readonly alarms: CouponAlarms;
  /** The WAF distribution, whose rules' request counts get a row. @default - no WAF row */
  readonly edgeFirewall?: EdgeFirewall;
}

const minute = Duration.minutes(1);
const WIDTH = 24;

/**
 * The operator's CloudWatch dashboard of one drop, top to bottom: the alarms' status; issue outcomes (ACCEPTED,
 * SOLD_OUT, ALREADY_ISSUED, NOT_OPEN, UNAVAILABLE, rejected) per minute; the pipeline as reconciliation counts it
 * (Admitted, Persisted, Reconciled, ParkedAdmissions, InvariantViolations); the issue and dead-letter queues'
 * depth and oldest message age; the HTTP API's 4xx, 5xx and latency p50/p99; each function's invocations, errors,
 * throttles, duration p50/p99 and concurrent executions; DynamoDB read and write throttle events per table; with
 * the WAF distribution, the requests each web ACL rule blocked and those it challenged, sent a CAPTCHA or allowed.
 */
export class CouponDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: CouponDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    const sum = (metric: IMetric, label: string) =>
      metric instanceof Metric ? metric.with({ statistic: 'Sum', period: minute, label }) : metric;
    const max = (metric: IMetric, label: string) =>
      metric instanceof Metric ? metric.with({ statistic: 'Maximum', period: minute, label }) : metric;

    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# FCFS coupon drop\nWhat each alarm means and what to do: README "Operating a drop". Parked admissions: ' +
          '`GET /v1/admin/failed-events?status=PARKED`, redrive `POST /v1/admin/failed-events/redrive`.',
        width: WIDTH,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms.all(), width: WIDTH, height: 3 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Issue outcomes (requests/min)',
        width: 12,
        left: [
          ...Object.entries(ISSUE_OUTCOME_METRICS).map(([code, name]) => sum(props.productMetric(name, 'issue'), code)),
          sum(props.productMetric(METRIC.IssueRejected, 'issue'), 'rejected (4xx)'),
        ],
      }),
      new GraphWidget({
        title: 'Pipeline (reconciliation, recent days)',
        width: 12,
        left: [
          max(props.productMetric(METRIC.Admitted, 'replayAndReconcile'), 'Admitted'),
          max(props.productMetric(METRIC.Persisted, 'replayAndReconcile'), 'Persisted'),
        ],
        right: [
          max(props.productMetric(METRIC.Reconciled, 'replayAndReconcile'), 'Reconciled'),
          max(props.productMetric(METRIC.ParkedAdmissions, 'replayAndReconcile'), 'ParkedAdmissions'),
          max(props.productMetric(METRIC.InvariantViolations, 'replayAndReconcile'), 'InvariantViolations'),
        ],
      }),
    );
    const queues = { 'issue queue': props.issueQueue, 'dead-letter queue': props.deadLetterQueue };
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue depth (messages visible)',
        width: 8,
        left: Object.entries(queues).map(([label, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum', label }),
        ),
      }),
      new GraphWidget({
        title: 'Age of oldest message (s)',
        width: 8,
        left: Object.entries(queues).map(([label, q]) =>
          q.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum', label }),
        ),
      }),
      new GraphWidget({
        title: 'HTTP API: 4xx, 5xx (per min) and latency (ms)',
        width: 8,
        left: ['4xx', '5xx'].map((metricName) => this.apiMetric(props.httpApi, metricName, 'Sum')),
        right: ['p50', 'p99'].map((statistic) => this.apiMetric(props.httpApi, 'Latency', statistic)),
      }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${name}: invocations, errors, throttles (per min)`,
          width: 8,
          left: [
            fn.metricInvocations({ period: minute, label: 'Invocations' }),
            fn.metricErrors({ period: minute, label: 'Errors' }),
            fn.metricThrottles({ period: minute, label: 'Throttles' }),
          ],
        }),
        new GraphWidget({
          title: `${name}: duration (ms)`,
          width: 8,
          left: ['p50', 'p99'].map((statistic) => fn.metricDuration({ period: minute, statistic, label: statistic })),
        }),
        new GraphWidget({
          title: `${name}: concurrent executions`,
          width: 8,
          left: [fn.metric('ConcurrentExecutions', { period: minute, statistic: 'Maximum', label: 'Concurrent' })],
        }),
      );
    }
    if (props.edgeFirewall) this.addWafRow(props.edgeFirewall);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB throttle events (per min)',
        width: WIDTH,
        left: Object.entries(props.tables).flatMap(([name, table]) =>
          ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) =>
            table.metric(metricName, { period: minute, statistic: 'Sum', label: `${name} ${metricName}` }),
          ),
        ),
      }),
    );
  }

  /** The console URL of the dashboard. */
  get url(): string {
    return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /**
   * AWS WAF's requests per minute: blocked, by rule; challenged and sent a CAPTCHA, by rule (the issue route's
   * challenge with botDefense, Bot Control's own); allowed, over the web ACL.
   */
  private addWafRow(firewall: EdgeFirewall): void {
    const metrics = (metricName: WafRequestMetric, rules: readonly string[]) =>
      rules.map((rule) => firewall.metricRequests(metricName, rule, { label: `${rule} ${metricName}` }));
    // The issue route's challenge answers without a token are ChallengeRequests or CaptchaRequests, never blocks;
    // Bot Control (TARGETED) may challenge too.
    const asking = firewall.ruleNames.filter(
      (rule) => rule === BOT_RULE.issueChallenge || rule === BOT_RULE.botControl,
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'AWS WAF: blocked requests by rule (per min)',
        width: 12,
        left: metrics(
          'BlockedRequests',
          firewall.ruleNames.filter((rule) => rule !== BOT_RULE.issueChallenge),
        ),
      }),
      new GraphWidget({
        title: 'AWS WAF: challenged, CAPTCHA and allowed requests (per min)',
        width: 12,
        left: [...metrics('ChallengeRequests', asking), ...metrics('CaptchaRequests', asking)],
        right: [firewall.metricRequests('AllowedRequests', 'ALL', { label: 'allowed (all rules)' })],
      }),
    );
  }

  private apiMetric(api: IHttpApi, metricName: string, statistic: string): IMetric {
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: api.apiId },
      statistic,
      period: minute,
      label: metricName === 'Latency' ? `latency ${statistic}` : metricName,
    });
  }
}
