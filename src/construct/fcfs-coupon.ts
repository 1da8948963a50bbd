import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IMetric, Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { EventPattern, IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IAlias, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE, type EventDetailType } from '../contract/events';
import {
  type AdmissionMode,
  ENV,
  type FunctionRole,
  HANDLERS,
  type HandlerName,
  METRIC,
  METRIC_EMITTER,
  METRIC_INSTANCE_DIMENSION,
  METRICS_NAMESPACE,
  type MetricName,
} from '../contract/names';
import { ROUTES, type Route } from '../contract/routes';
import { AlarmTopic } from './alarm-topic';
import { CouponAlarms } from './alarms';
import { CouponApi, DEFAULT_STAGE_THROTTLE } from './api';
import { ApiFunctions } from './api-functions';
import type { AppFunction } from './app-function';
import { CouponConsole } from './console';
import { connectSources, pageConfigs, WAF_INTEGRATION_SOURCE } from './console-pages';
import { CouponDashboard } from './dashboard';
import { CouponData, type CouponTables } from './data';
import { CouponEdge } from './edge';
import { EdgeFirewall } from './edge-firewall';
import { CouponEvents } from './events';
import { type FcfsCouponProps, validateProps } from './fcfs-coupon-props';
import { IssuePipeline } from './pipeline';
import { IssuePrewarm } from './prewarm';
import { UserAuthorizer } from './user-auth';

export type { FcfsCouponProps } from './fcfs-coupon-props';

/**
 * First-come-first-served coupon issuance, as one construct: HTTP API -> issue function (one atomic admission,
 * Redis Lua script or DynamoDB transaction) -> SQS -> consumer (idempotent coupon write) -> DynamoDB, with a
 * dead-letter queue drained every minute by the replay-and-reconcile function, which parks what keeps failing and
 * reconciles the admission ledger with the coupons; a dashboard of the drop and alarms on what needs an operator (to `alarmTopic`
 * or a topic made for `alarmEmail`).
 *
 * It writes no CfnOutput: the stack that uses it does (see FcfsCouponStack).
 * @throws Error at construction for an invalid prop (see {@link FcfsCouponProps}).
 */
export class FcfsCoupon extends Construct {
  /** The HTTP API (`api.httpApi`), its stage, access log and routes; `api.url` is its invoke URL. */
  readonly api: CouponApi;
  /** The five tables, by role. */
  readonly tables: CouponTables;
  /** Admissions waiting to become coupons. */
  readonly issueQueue: IQueue;
  /** Where the issue queue redrives what the consumer keeps failing. */
  readonly deadLetterQueue: IQueue;
  /** Every function, by role. */
  readonly functions: Readonly<Record<FunctionRole, IFunction>>;
  /** The issue function's published alias: what the issue route invokes and pre-warming provisions concurrency on. */
  readonly issueAlias: IAlias;
  /** The user authorizer: the user pool and client in cognito mode, nothing in open mode. */
  readonly userAuth: UserAuthorizer;
  /** The alarms. */
  readonly alarms: CouponAlarms;
  /** Where the alarms notify: `alarmTopic`, or the topic created for `alarmEmail`; undefined without either. */
  readonly alarmTopic?: ITopic;
  /** The operator's CloudWatch dashboard; `dashboard.url` is its console URL. */
  readonly dashboard: CouponDashboard;
  /** `redis` when `upstashSecretName` is set, else `dynamodb`. */
  readonly admissionMode: AdmissionMode;
  /** The issue function's published alias, the pre-warm schedules' group and their applier. */
  readonly prewarm: IssuePrewarm;
  /** The bus the domain events go to: the `eventBus` prop, or the one created for them. */
  readonly eventBus: IEventBus;
  /** The domain events' publisher, reading the tables' streams (src/construct/events.ts). */
  readonly events: CouponEvents;
  /** CloudFront in front of the API without WAF, when `edge` is set and neither `wafRateLimit` nor `botDefense`. */
  readonly edge?: CouponEdge;
  /** CloudFront in front of the API with AWS WAF, when `wafRateLimit` or `botDefense` is set. */
  readonly edgeFirewall?: EdgeFirewall;
  /** The console and drop pages' bucket and distribution, when `console` is set. */
  readonly console?: CouponConsole;
  /**
   * The Secrets Manager secret whose value signs the issue route's proof-of-work challenges (README.md, "Proof of
   * work"); only the issue function reads it.
   */
  readonly proofOfWorkKey: ISecret;

  constructor(scope: Construct, id: string, props: FcfsCouponProps = {}) {
    super(scope, id);
    validateProps(props);
    const data = new CouponData(this, 'Data', {
      upstashSecretName: props.upstashSecretName,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.tables = data.tables;
    this.admissionMode = data.admissionMode;
    this.userAuth = new UserAuthorizer(this, 'UserAuth', props);
    const pipeline = new IssuePipeline(this, 'Pipeline', {
      data,
      consumerMaxConcurrency: props.consumerMaxConcurrency,
      reconcileGraceSeconds: props.reconcileGraceSeconds,
      consumerBatchSize: props.consumerBatchSize,
      consumerMaxBatchingWindow: props.consumerMaxBatchingWindow,
      maxReceiveCount: props.maxReceiveCount,
      logRetention: props.logRetention,
    });
    this.issueQueue = pipeline.issueQueue;
    this.deadLetterQueue = pipeline.deadLetterQueue;
    const apiFunctions = new ApiFunctions(this, 'Functions', {
      data,
      issueQueue: pipeline.issueQueue,
      authMode: this.userAuth.functionAuthMode,
      stageThrottle: {
        rateLimit: props.throttleRateLimit ?? DEFAULT_STAGE_THROTTLE.rateLimit,
        burstLimit: props.throttleBurstLimit ?? DEFAULT_STAGE_THROTTLE.burstLimit,
      },
      issueReservedConcurrency: props.issueReservedConcurrency,
      // The edge below: a plain distribution, or the firewall's (wafRateLimit implies it).
      edge: props.edge === true || props.wafRateLimit !== undefined,
      issueMemorySize: props.issueMemorySize,
      logRetention: props.logRetention,
    });
    this.prewarm = new IssuePrewarm(this, 'Prewarm', {
      issueFunction: apiFunctions.issue,
      adminFunction: apiFunctions.adminCampaigns,
      data,
      logRetention: props.logRetention,
    });
    this.events = new CouponEvents(this, 'Events', {
      data,
      eventBus: props.eventBus,
      logRetention: props.logRetention,
    });
    this.eventBus = this.events.eventBus;
    const functions: Record<FunctionRole, AppFunction> = {
      issue: apiFunctions.issue,
      query: apiFunctions.query,
      userCoupons: apiFunctions.userCoupons,
      checkout: apiFunctions.checkout,
      adminCampaigns: apiFunctions.adminCampaigns,
      adminVendors: apiFunctions.adminVendors,
      adminFailedEvents: apiFunctions.adminFailedEvents,
      consumer: pipeline.consumer,
      replayAndReconcile: pipeline.replayAndReconcile,
      prewarm: this.prewarm.applier,
      publishEvents: this.events.publisher,
    };
    this.functions = functions;
    this.proofOfWorkKey = apiFunctions.proofOfWorkKey;
    this.issueAlias = this.prewarm.alias;
    // Keeps this instance's metrics apart from another's in the same account and region.
    for (const fn of Object.values(functions)) fn.addEnvironment(ENV.METRICS_INSTANCE, this.node.path);
    // Before the API, whose CORS allows its origin; published after it, since config.json names the API.
    this.console = props.console
      ? new CouponConsole(this, 'Console', {
          connectSources: connectSources(this, this.userAuth.userPool?.env.region),
          // The drop page loads WAF's challenge.js from the web ACL's integration URL (botDefense).
          scriptSources: props.botDefense ? [WAF_INTEGRATION_SOURCE] : undefined,
          // ...and with 'captcha' renders WAF's CAPTCHA puzzle, whose images and audio come from WAF's hosts.
          puzzleSources: props.botDefense === 'captcha' ? [WAF_INTEGRATION_SOURCE] : undefined,
        })
      : undefined;
    this.api = new CouponApi(this, 'Api', {
      functions: {
        ...(Object.fromEntries(
          Object.entries(functions).map(([role, fn]) => [HANDLERS[role as FunctionRole], fn]),
        ) as Record<HandlerName, AppFunction>),
        // The issue route invokes the published alias, where pre-warming provisions concurrency.
        [HANDLERS.issue]: this.prewarm.alias,
      },
      userAuthorizer: this.userAuth.authorizer,
      throttleRateLimit: props.throttleRateLimit,
      throttleBurstLimit: props.throttleBurstLimit,
      corsAllowOrigins: [...(props.corsAllowOrigins ?? []), ...(this.console ? [this.console.origin] : [])],
      logRetention: props.logRetention,
    });
    const { botDefense } = props;
    if (props.wafRateLimit !== undefined || botDefense !== undefined) {
      this.edgeFirewall = new EdgeFirewall(this, 'EdgeFirewall', {
        api: this.api.httpApi,
        rateLimitPerIp: props.wafRateLimit,
        botDefense: botDefense === undefined ? undefined : { ...props, botDefense },
        // The drop page acquires its WAF token on the console's origin and sends it to this distribution.
        tokenDomains: this.console && botDefense ? [this.console.distribution.distributionDomainName] : undefined,
      });
    } else if (props.edge) {
      this.edge = new CouponEdge(this, 'Edge', { api: this.api.httpApi });
    }
    this.console?.publish(
      pageConfigs({
        apiUrl: this.api.url,
        protectedApiUrl: this.edgeFirewall?.url,
        countUrl: (this.edge ?? this.edgeFirewall)?.url,
        wafIntegrationUrl: this.edgeFirewall?.integrationUrl,
        wafCaptchaApiKey: this.edgeFirewall?.captchaApiKey,
        region: Stack.of(this).region,
        userAuth: this.userAuth.webUserAuth,
      }),
    );
    this.alarmTopic =
      props.alarmTopic ??
      (props.alarmEmail === undefined
        ? undefined
        : new AlarmTopic(this, 'AlarmTopic', { email: props.alarmEmail }).topic);
    this.alarms = new CouponAlarms(this, 'Alarms', {
      deadLetterDepth: this.metricDeadLetterDepth(),
      deadLetterAge: this.deadLetterQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      invariantViolations: this.metricInvariantViolations(),
      parked: this.productMetric(METRIC.Parked, { statistic: 'Sum' }),
      parkedAdmissions: this.metricParkedAdmissions(),
      issueFunction: functions.issue,
      consumerFunction: functions.consumer,
      eventsDelay: this.events.metricDelay(),
      httpApi: this.api.httpApi,
      edgeBlockedRequests: this.edgeFirewall?.metricBlockedRequests(),
      alarmTopic: this.alarmTopic,
      thresholds: props.alarmThresholds,
    });
    this.dashboard = new CouponDashboard(this, 'Dashboard', {
      functions,
      issueQueue: this.issueQueue,
      deadLetterQueue: this.deadLetterQueue,
      httpApi: this.api.httpApi,
      tables: { ...this.tables },
      productMetric: (name, emitter) => this.productMetric(name, {}, emitter),
      alarms: this.alarms,
      edgeFirewall: this.edgeFirewall,
    });
  }

  /** Admissions of the recent campaign days, as the replay's reconciliation counts them each minute. Maximum. */
  metricAdmitted(options?: MetricOptions): IMetric {
    return this.productMetric(METRIC.Admitted, options);
  }

  /** Coupons persisted for the recent campaign days, as reconciliation counts them. Maximum. */
  metricPersisted(options?: MetricOptions): IMetric {
    return this.productMetric(METRIC.Persisted, options);
  }

  /** Campaign days breaking `persisted <= admitted <= quota`; anything above 0 is an incident. Maximum. */
  metricInvariantViolations(options?: MetricOptions): IMetric {
    return this.productMetric(METRIC.InvariantViolations, options);
  }

  /** Admissions parked without a coupon, waiting for an operator. Maximum. */
  metricParkedAdmissions(options?: MetricOptions): IMetric {
    return this.productMetric(METRIC.ParkedAdmissions, options);
  }

  /** Messages visible in the dead-letter queue (SQS's own metric, per minute). Maximum. */
  metricDeadLetterDepth(options?: MetricOptions): IMetric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      ...options,
    });
  }

  /**
   * Any metric the functions emit ({@link METRIC}: namespace {@link METRICS_NAMESPACE}, dimensions `service`, the
   * emitting function's handler name ({@link METRIC_EMITTER}), and this construct's path), per minute, Maximum
   * unless `options` say otherwise.
   */
  metric(metricName: MetricName, options?: MetricOptions): Metric {
    return this.productMetric(metricName, options, METRIC_EMITTER[metricName]);
  }

  /**
   * The pattern of a rule matching this construct's domain events of `detailTypes` (every one when none is given):
   * `source` EVENT_SOURCE, the detail-types, and the detail's `instance`, this construct's path, so that a rule on a
   * shared bus never matches another instance's events. E.g.
   * `new Rule(this, 'Winners', { eventBus: coupons.eventBus, eventPattern: coupons.eventPattern('CouponIssued'), targets: [...] })`.
   */
  eventPattern(...detailTypes: EventDetailType[]): EventPattern {
    return {
      source: [EVENT_SOURCE],
      ...(detailTypes.length > 0 ? { detailType: detailTypes } : {}),
      detail: { instance: [this.node.path] },
    };
  }

  /**
   * Allows `grantee` to call every admin route (execute-api:Invoke on each route of the route table whose
   * authorization is `admin`, on the API's stage): operators and their tools.
   */
  grantAdminInvoke(grantee: IGrantable): Grant {
    return this.grantInvoke(
      grantee,
      ROUTES.filter((r) => r.authorization === 'admin'),
    );
  }

  /**
   * Allows `grantee` to call the admin routes that change nothing (the admin GET routes: campaigns, stats, winners,
   * vendors, failed events), and no other: dashboards, auditors, read-only tools.
   */
  grantOperatorRead(grantee: IGrantable): Grant {
    return this.grantInvoke(
      grantee,
      ROUTES.filter((r) => r.authorization === 'admin' && r.method === 'GET'),
    );
  }

  /**
   * Allows `grantee` to call the checkout routes (quote, redeem, refund; execute-api:Invoke on each route of the
   * route table whose authorization is `checkout`) and no other: a shop's checkout service, server side, with its own
   * role. The admin routes stay refused to it, as the checkout routes are to an admin granted by
   * {@link grantAdminInvoke}.
   */
  grantCheckout(grantee: IGrantable): Grant {
    return this.grantInvoke(
      grantee,
      ROUTES.filter((r) => r.authorization === 'checkout'),
    );
  }

  private grantInvoke(grantee: IGrantable, routes: readonly Route[]): Grant {
    const { httpApi, stage } = this.api;
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: routes.map((r) =>
        httpApi.arnForExecuteApi(r.method, r.path.replace(/\{[^}]+\}/g, '*'), stage.stageName),
      ),
    });
  }

  /** A metric `emitter` emits (namespace and names: src/contract/names.ts), per minute. */
  private productMetric(
    metricName: MetricName,
    options: MetricOptions = {},
    emitter: (typeof METRIC_EMITTER)[MetricName] = 'replayAndReconcile',
  ): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: HANDLERS[emitter], [METRIC_INSTANCE_DIMENSION]: this.node.path },
      statistic: 'Maximum',
      period: Duration.minutes(1),
      ...options,
    });
  }
}
