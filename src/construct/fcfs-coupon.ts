import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IMetric, Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IAlias, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
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
import { AlarmTopic, checkAlarmEmail } from './alarm-topic';
import { CouponAlarms } from './alarms';
import { CouponApi, DEFAULT_STAGE_THROTTLE } from './api';
import { ApiFunctions } from './api-functions';
import type { AppFunction } from './app-function';
import { CouponConsole } from './console';
import { connectSources, pageConfigs } from './console-pages';
import { CouponDashboard } from './dashboard';
import { CouponData, type CouponTables } from './data';
import { CouponEdge } from './edge';
import { EdgeFirewall } from './edge-firewall';
import { IssuePipeline } from './pipeline';
import { IssuePrewarm } from './prewarm';
import { type UserAuthMode, UserAuthorizer, validateUserAuth } from './user-auth';
import { checkBoolean, checkCorsOrigins, checkInteger, checkName } from './validate';

/** Props of {@link FcfsCoupon}. Every prop is optional: `new FcfsCoupon(this, 'Coupons')` deploys a working API. */
export interface FcfsCouponProps {
  /**
   * Name of a Secrets Manager secret holding `{"url","token"}` of an Upstash Redis database. When set, admission
   * runs the Redis Lua script; the secret's name (never its value) reaches the functions that read the ledger.
   * @default - DynamoDB admission mode (conditional transactions on the admission table): nothing external
   */
  readonly upstashSecretName?: string;
  /**
   * Steady-state request rate of the HTTP API stage, requests/s: the issue route's limit (other routes have
   * their own tiers, src/contract/routes.ts). API Gateway answers 429 above it.
   * @default 5000
   */
  readonly throttleRateLimit?: number;
  /** Burst capacity of the HTTP API stage, requests. @default 5000 */
  readonly throttleBurstLimit?: number;
  /**
   * Most concurrent consumer invocations the event source mapping may run (2-1000); bounds the write rate on
   * the coupon table during a drain.
   * @default 10
   */
  readonly consumerMaxConcurrency?: number;
  /**
   * Seconds an admitted user may lack a coupon before reconciliation re-enqueues the admission (when the issue
   * queue is empty; otherwise after the issue queue's visibility timeout x maxReceiveCount = 900 s).
   * @default 300 (DEFAULTS.reconcileGraceSeconds)
   */
  readonly reconcileGraceSeconds?: number;
  /**
   * Messages per consumer invocation (1-10,000; above 10 needs a batching window): larger batches mean fewer
   * invocations during a drain and a longer retry of a failed batch's records.
   * @default 25 (DEFAULTS.consumerBatchSize)
   */
  readonly consumerBatchSize?: number;
  /** How long the event source mapping waits to fill a consumer batch (0-300 s). @default Duration.seconds(1) */
  readonly consumerMaxBatchingWindow?: Duration;
  /**
   * Receives of an issue-queue message before SQS moves it to the dead-letter queue (1-1,000); with the queue's
   * 180 s visibility timeout it also bounds how long an admission may wait in the queue.
   * @default 5 (DEFAULTS.maxReceiveCount)
   */
  readonly maxReceiveCount?: number;
  /**
   * The issue function's memory, MB (128-10,240): its CPU share (a full vCPU at 1,769 MB) and its GB-s price
   * (BENCHMARKS.md prices an admission's measured CPU with it).
   * @default 1024 (DEFAULTS.issueMemoryMb)
   */
  readonly issueMemorySize?: number;
  /** Log retention of every function's log group and of the API's access logs. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Origins allowed by CORS, each `https://host[:port]` (or `http://localhost[:port]` for development); `*` is
   * refused.
   * @default - no CORS: browsers on other origins cannot call the API
   */
  readonly corsAllowOrigins?: readonly string[];
  /**
   * How user routes authenticate: `cognito` (a user pool: `userPool` or a new one), `oidc` (any OpenID Connect
   * issuer: `oidcIssuer`, `oidcAudience`) or `none` (open: any caller acts as any userId; demos only, synth warns).
   * @default 'cognito'
   */
  readonly userAuth?: UserAuthMode;
  /**
   * An existing Cognito user pool whose tokens the user routes accept (with `userPoolClient`).
   * @default - in cognito mode, a new pool (email sign-in, optional TOTP MFA, Lite plan, retained on removal)
   */
  readonly userPool?: IUserPool;
  /**
   * The app client of `userPool` whose id the JWT authorizer accepts as audience; required with `userPool`.
   * @default - in cognito mode without `userPool`, a new public client (SRP sign-in, no secret, 1 h tokens)
   */
  readonly userPoolClient?: IUserPoolClient;
  /** Issuer (`iss`, https) of the OIDC provider in oidc mode. @default - none; required when userAuth is 'oidc' */
  readonly oidcIssuer?: string;
  /** Audiences (`aud`, or `client_id`) the API accepts in oidc mode. @default - none; required in oidc mode */
  readonly oidcAudience?: readonly string[];
  /**
   * When set, a CloudFront distribution with an AWS WAF web ACL fronts the API, blocking a client IP above this
   * many requests per 5 minutes (integer >= 10; see EdgeFirewall; the stack must be in us-east-1).
   * @default - no WAF: clients call the execute-api endpoint
   */
  readonly wafRateLimit?: number;
  /**
   * When true, a CloudFront distribution fronts the API in any region (CouponEdge), caching only
   * `GET /v1/campaigns/{campaignId}/count` for 1 s so a crowd polling it reaches the API about once per second per
   * edge location; user routes pass through uncached with their Authorization header. `wafRateLimit` implies it
   * (its distribution has the same behaviours behind WAF).
   * @default false - clients call the execute-api endpoint, every count poll invokes the query function
   */
  readonly edge?: boolean;
  /**
   * Reserved concurrency of the issue function (1-10,000): a drop cannot starve the account's other functions,
   * and pre-warming is bounded by it. The dry run checks campaigns against it.
   * @default - none: the issue function draws on the account's unreserved concurrency
   */
  readonly issueReservedConcurrency?: number;
  /** What happens to the five tables when they leave the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Topic notified when an alarm fires and when it recovers. @default - `alarmEmail`'s topic, else no actions */
  readonly alarmTopic?: ITopic;
  /**
   * An e-mail address to page: the construct creates an SNS topic subscribed to it for the alarms (exclusive with
   * `alarmTopic`). @default - no topic is created
   */
  readonly alarmEmail?: string;
  /**
   * When true, the operator console (`/console/`) and the example drop page (`/drop/`) deploy to a private S3
   * bucket behind a CloudFront distribution of their own (origin access control; CouponConsole), each with a
   * `config.json` naming this API, its region and user sign-in (never credentials: the operator pastes those).
   * The API's CORS then allows the distribution's origin as well as `corsAllowOrigins`.
   * @default false - no console on AWS (the local cloud serves both pages anyway)
   */
  readonly console?: boolean;
}

/**
 * @throws Error naming the first prop that is out of range or disagrees with another.
 */
function validateProps(props: FcfsCouponProps): void {
  checkName('upstashSecretName', props.upstashSecretName);
  checkInteger('throttleRateLimit', props.throttleRateLimit, 1, Number.MAX_SAFE_INTEGER, 'requests/s');
  checkInteger('throttleBurstLimit', props.throttleBurstLimit, 0, Number.MAX_SAFE_INTEGER, 'requests');
  checkInteger('consumerMaxConcurrency', props.consumerMaxConcurrency, 2, 1000, 'invocations');
  checkInteger('reconcileGraceSeconds', props.reconcileGraceSeconds, 0, 86_400, 's');
  checkInteger('consumerBatchSize', props.consumerBatchSize, 1, 10_000, 'messages');
  checkInteger('maxReceiveCount', props.maxReceiveCount, 1, 1000, 'receives');
  checkInteger('issueMemorySize', props.issueMemorySize, 128, 10_240, 'MB');
  if (props.consumerMaxBatchingWindow !== undefined && !props.consumerMaxBatchingWindow.isUnresolved()) {
    checkInteger('consumerMaxBatchingWindow', props.consumerMaxBatchingWindow.toSeconds(), 0, 300, 's');
  }
  checkInteger('wafRateLimit', props.wafRateLimit, 10, Number.MAX_SAFE_INTEGER, 'requests per 5 minutes');
  checkInteger('issueReservedConcurrency', props.issueReservedConcurrency, 1, 10_000, 'concurrent executions');
  checkCorsOrigins(props.corsAllowOrigins ?? []);
  validateUserAuth(props);
  checkAlarmEmail(props.alarmEmail, props.alarmTopic !== undefined);
  checkBoolean('console', props.console);
}

/**
 * First-come-first-served coupon issuance, as one construct: HTTP API -> issue function (one atomic admission,
 * Redis Lua script or DynamoDB transaction) -> SQS -> consumer (idempotent coupon write) -> DynamoDB, with a
 * dead-letter queue drained every minute by the replay function, which parks what keeps failing and reconciles the
 * admission ledger with the coupons; a dashboard of the drop and alarms on what needs an operator (to `alarmTopic`
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
  /** CloudFront in front of the API without WAF, when `edge` is set and `wafRateLimit` is not. */
  readonly edge?: CouponEdge;
  /** CloudFront in front of the API with AWS WAF, when `wafRateLimit` is set. */
  readonly edgeFirewall?: EdgeFirewall;
  /** The console and drop pages' bucket and distribution, when `console` is set. */
  readonly console?: CouponConsole;

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
      issueMemorySize: props.issueMemorySize,
      logRetention: props.logRetention,
    });
    this.prewarm = new IssuePrewarm(this, 'Prewarm', {
      issueFunction: apiFunctions.issue,
      adminFunction: apiFunctions.adminCampaigns,
      data,
      logRetention: props.logRetention,
    });
    const functions: Record<FunctionRole, AppFunction> = {
      issue: apiFunctions.issue,
      query: apiFunctions.query,
      userCoupons: apiFunctions.userCoupons,
      adminCampaigns: apiFunctions.adminCampaigns,
      adminVendors: apiFunctions.adminVendors,
      adminFailedEvents: apiFunctions.adminFailedEvents,
      consumer: pipeline.consumer,
      replay: pipeline.replay,
      prewarm: this.prewarm.applier,
    };
    this.functions = functions;
    this.issueAlias = this.prewarm.alias;
    // Keeps this instance's metrics apart from another's in the same account and region.
    for (const fn of Object.values(functions)) fn.addEnvironment(ENV.METRICS_INSTANCE, this.node.path);
    // Before the API, whose CORS allows its origin; published after it, since config.json names the API.
    this.console = props.console
      ? new CouponConsole(this, 'Console', { connectSources: connectSources(this, this.userAuth.userPool?.env.region) })
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
    if (props.wafRateLimit !== undefined) {
      this.edgeFirewall = new EdgeFirewall(this, 'EdgeFirewall', {
        api: this.api.httpApi,
        rateLimitPerIp: props.wafRateLimit,
      });
    } else if (props.edge) {
      this.edge = new CouponEdge(this, 'Edge', { api: this.api.httpApi });
    }
    this.console?.publish(
      pageConfigs({
        apiUrl: this.api.url,
        protectedApiUrl: this.edgeFirewall?.url,
        countUrl: (this.edge ?? this.edgeFirewall)?.url,
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
      httpApi: this.api.httpApi,
      alarmTopic: this.alarmTopic,
    });
    this.dashboard = new CouponDashboard(this, 'Dashboard', {
      functions,
      issueQueue: this.issueQueue,
      deadLetterQueue: this.deadLetterQueue,
      httpApi: this.api.httpApi,
      tables: { ...this.tables },
      productMetric: (name, emitter) => this.productMetric(name, {}, emitter),
      alarms: this.alarms,
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
    emitter: 'issue' | 'consumer' | 'replay' = 'replay',
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
