import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  AttributeType,
  BillingMode,
  type CfnTable,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './constructs/acknowledge';
import { AppFunction } from './constructs/app-function';
import { EdgeFirewall } from './constructs/edge-firewall';
import { OPEN_MODE_WARNING, type UserAuth, UserAuthorizer } from './constructs/user-auth';

/** Props of {@link FcfsCouponStack}. */
export interface FcfsCouponStackProps extends StackProps {
  /**
   * Name of a Secrets Manager secret holding `{"url","token"}` of an Upstash Redis database. When set, admission
   * runs the Redis Lua script; otherwise it runs DynamoDB transactions and the stack needs nothing external.
   * @default undefined (DynamoDB mode)
   */
  readonly upstashSecretName?: string;
  /** Steady-state request rate of the HTTP API stage, requests/s. @default 5000 */
  readonly throttleRateLimit?: number;
  /** Burst capacity of the HTTP API stage, requests. @default 5000 */
  readonly throttleBurstLimit?: number;
  /**
   * Most concurrent consumer invocations the event source mapping may run (2-1000); bounds the write rate on
   * the coupon table during a drain. @default 10
   */
  readonly consumerMaxConcurrency?: number;
  /**
   * Seconds an admitted user may lack a coupon before reconciliation re-enqueues the admission (when the issue
   * queue is empty; otherwise after visibility timeout x maxReceiveCount = 900 s). @default 300
   */
  readonly reconcileGraceSeconds?: number;
  /**
   * Origins allowed by CORS, each `https://host[:port]` (or `http://localhost[:port]` for development); `*` is
   * refused. @default [] (no CORS: browsers on other origins cannot call the API)
   */
  readonly corsAllowOrigins?: string[];
  /** How user routes authenticate (see {@link UserAuth}). @default { mode: 'cognito' } */
  readonly auth?: UserAuth;
  /**
   * When set, a CloudFront distribution with an AWS WAF web ACL fronts the API, blocking a client IP above this
   * many requests per 5 minutes (see EdgeFirewall; the stack must be in us-east-1). @default undefined (no WAF)
   */
  readonly wafRateLimit?: number;
}

/** Throttle tiers, requests/s and burst: reads a landing page polls, a signed-in user's own calls, admin calls. */
const POLLED_READ = { rateLimit: 2000, burstLimit: 2000 };
const USER_CALL = { rateLimit: 500, burstLimit: 1000 };
const ADMIN_CALL = { rateLimit: 20, burstLimit: 50 };

/**
 * Per-route throttles of the HTTP API stage, requests/s and burst, on top of the stage default (the issue route's
 * `throttleRateLimit`/`throttleBurstLimit`). API Gateway answers 429 above them. Reads that a landing page polls
 * get more room than a user's own calls; admin calls are rare and get least.
 */
export const ROUTE_THROTTLES: Record<string, { rateLimit: number; burstLimit: number }> = {
  'GET /v1/campaigns/{campaignId}/count': POLLED_READ,
  'GET /v1/campaigns/{campaignId}/users/{userId}/coupon': USER_CALL,
  'POST /v1/coupons/{couponId}/redeem': USER_CALL,
  'GET /v1/users/me/coupons': USER_CALL,
  'POST /v1/admin/campaigns': ADMIN_CALL,
  'GET /v1/admin/campaigns': ADMIN_CALL,
  'GET /v1/admin/campaigns/{campaignId}': ADMIN_CALL,
  'PATCH /v1/admin/campaigns/{campaignId}': ADMIN_CALL,
  'POST /v1/admin/campaigns/{campaignId}/close': ADMIN_CALL,
  'GET /v1/admin/campaigns/{campaignId}/stats': ADMIN_CALL,
  'POST /v1/admin/vendors': ADMIN_CALL,
  'GET /v1/admin/vendors/{vendorId}': ADMIN_CALL,
};

const ORIGIN = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;

/**
 * Checks CORS origins. @throws Error for `*` or anything but `https://host[:port]` or `http://localhost[:port]`.
 */
export function checkCorsOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    if (!ORIGIN.test(origin)) {
      throw new Error(
        `corsAllowOrigins: '${origin}' is not allowed; name each origin as https://host[:port] ` +
          '(or http://localhost[:port]); * is refused',
      );
    }
  }
}

/**
 * The whole product: HTTP API -> issue function (atomic admission) -> SQS -> consumer (idempotent coupon write),
 * with a dead-letter queue drained every minute by the replay function, which parks what keeps failing and
 * reconciles the admission ledger with the coupons.
 */
export class FcfsCouponStack extends Stack {
  constructor(scope: Construct, id: string, props: FcfsCouponStackProps = {}) {
    super(scope, id, props);
    const redisMode = props.upstashSecretName !== undefined;
    checkCorsOrigins(props.corsAllowOrigins ?? []);
    const userAuth = new UserAuthorizer(this, 'UserAuth', props.auth ?? { mode: 'cognito' });
    // The user-facing functions read the caller from the token's sub (jwt) or from the request (none).
    const userAuthEnv = { AUTH_MODE: userAuth.functionAuthMode };

    const tableDefaults: Partial<TableProps> = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: false,
    };
    const campaignTable = new Table(this, 'CampaignTable', {
      ...tableDefaults,
      partitionKey: { name: 'campaignId', type: AttributeType.STRING },
    });
    // Per campaign day: the COUNTER and USER#<id> ledger items (DynamoDB mode) and the STATS item (both modes).
    const admissionTable = new Table(this, 'AdmissionTable', {
      ...tableDefaults,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });
    const couponTable = new Table(this, 'CouponTable', {
      ...tableDefaults,
      partitionKey: { name: 'couponId', type: AttributeType.STRING },
    });
    // GET /v1/users/me/coupons: a user's coupons, newest admission first (USER_COUPONS_INDEX of the coupon store).
    couponTable.addGlobalSecondaryIndex({
      indexName: 'byUser',
      partitionKey: { name: 'userId', type: AttributeType.STRING },
      sortKey: { name: 'admittedAt', type: AttributeType.STRING },
    });
    const couponTableArn = `<${this.getLogicalId(couponTable.node.defaultChild as CfnTable)}.Arn>`;
    acknowledge(this, 'AwsSolutions', {
      [`AwsSolutions-IAM5[Resource::${couponTableArn}/index/*]`]:
        "Table grants cover the coupon table's indexes; it has one, byUser (a user's coupons).",
    });
    // Per vendor: the PROFILE item (with the settlement balance) and one CREDIT#<redeemedAt>#<couponId> per redemption.
    const vendorTable = new Table(this, 'VendorTable', {
      ...tableDefaults,
      partitionKey: { name: 'vendorId', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
    });
    const failedEventTable = new Table(this, 'FailedEventTable', {
      ...tableDefaults,
      partitionKey: { name: 'failedEventId', type: AttributeType.STRING },
    });

    const consumerTimeout = Duration.seconds(30);
    const deadLetterQueue = new Queue(this, 'IssueDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(deadLetterQueue, 'Serverless', {
      'Serverless-SQSRedrivePolicy':
        'This is the dead-letter queue; the replay function drains it and parks what fails.',
    });
    // AWS guidance for Lambda event sources: a visibility timeout of at least 6x the function timeout.
    const issueVisibility = Duration.seconds(consumerTimeout.toSeconds() * 6);
    const maxReceiveCount = 5;
    const issueQueue = new Queue(this, 'IssueQueue', {
      visibilityTimeout: issueVisibility,
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
    });

    const admissionEnv = {
      CAMPAIGN_TABLE_NAME: campaignTable.tableName,
      ADMISSION_TABLE_NAME: admissionTable.tableName,
      ADMISSION_MODE: redisMode ? 'redis' : 'dynamodb',
      ...(redisMode ? { UPSTASH_SECRET_ID: props.upstashSecretName as string } : {}),
    };
    const upstashSecret = redisMode
      ? Secret.fromSecretNameV2(this, 'UpstashSecret', props.upstashSecretName as string)
      : undefined;
    // Admission state lives in Redis (secret) or in the admission table; only the issue function writes it.
    const grantAdmission = (fn: AppFunction, access: 'admit' | 'read') => {
      campaignTable.grantReadData(fn);
      upstashSecret?.grantRead(fn);
      if (access === 'admit' && !redisMode) admissionTable.grantReadWriteData(fn);
      else admissionTable.grantReadData(fn);
    };
    // The consumer and replay write coupons and the day's persisted count, reading the campaign.
    const grantCouponWrites = (fn: AppFunction) => {
      campaignTable.grantReadData(fn);
      couponTable.grantReadWriteData(fn);
      admissionTable.grantReadWriteData(fn);
    };

    const issueFunction = new AppFunction(this, 'IssueCouponFunction', {
      handler: 'issue-coupon',
      timeout: Duration.seconds(10),
      memorySize: 1024,
      environment: {
        ...admissionEnv,
        ...userAuthEnv,
        ISSUE_QUEUE_URL: issueQueue.queueUrl,
        ADMISSION_RETENTION_DAYS: '7',
      },
    });
    grantAdmission(issueFunction, 'admit');
    issueQueue.grantSendMessages(issueFunction);

    const queryFunction = new AppFunction(this, 'QueryIssuanceFunction', {
      handler: 'query-issuance',
      timeout: Duration.seconds(10),
      environment: { ...admissionEnv, ...userAuthEnv, COUPON_TABLE_NAME: couponTable.tableName },
    });
    grantAdmission(queryFunction, 'read');
    couponTable.grantReadData(queryFunction);

    const adminFunction = new AppFunction(this, 'AdminCampaignsFunction', {
      handler: 'admin-campaigns',
      timeout: Duration.seconds(20),
      environment: {
        ...admissionEnv,
        VENDOR_TABLE_NAME: vendorTable.tableName,
        COUPON_TABLE_NAME: couponTable.tableName,
        FAILED_EVENT_TABLE_NAME: failedEventTable.tableName,
        ADMISSION_RETENTION_DAYS: '7',
      },
    });
    // Writes campaigns and closes admission days (the kill switch); reads vendors and, for stats, coupons and failures.
    campaignTable.grantReadWriteData(adminFunction);
    grantAdmission(adminFunction, 'admit');
    vendorTable.grantReadData(adminFunction);
    couponTable.grantReadData(adminFunction);
    failedEventTable.grantReadData(adminFunction);

    const vendorFunction = new AppFunction(this, 'AdminVendorsFunction', {
      handler: 'admin-vendors',
      timeout: Duration.seconds(10),
      environment: { VENDOR_TABLE_NAME: vendorTable.tableName },
    });
    vendorTable.grantReadWriteData(vendorFunction);

    // Redemption: the coupon's state, the vendor's credit and balance, and the day's redeemed count, in one transaction.
    const userCouponsFunction = new AppFunction(this, 'UserCouponsFunction', {
      handler: 'user-coupons',
      timeout: Duration.seconds(10),
      environment: {
        ...userAuthEnv,
        COUPON_TABLE_NAME: couponTable.tableName,
        ADMISSION_TABLE_NAME: admissionTable.tableName,
        VENDOR_TABLE_NAME: vendorTable.tableName,
      },
    });
    couponTable.grantReadWriteData(userCouponsFunction);
    vendorTable.grantReadWriteData(userCouponsFunction);
    admissionTable.grantReadWriteData(userCouponsFunction);

    const couponWriterEnv = {
      CAMPAIGN_TABLE_NAME: campaignTable.tableName,
      COUPON_TABLE_NAME: couponTable.tableName,
      ADMISSION_TABLE_NAME: admissionTable.tableName,
    };
    const consumerFunction = new AppFunction(this, 'ConsumeAdmissionsFunction', {
      handler: 'consume-admissions',
      timeout: consumerTimeout,
      environment: couponWriterEnv,
    });
    grantCouponWrites(consumerFunction);
    acknowledge(consumerFunction, 'Serverless', {
      'Serverless-LambdaEventSourceMappingDestination':
        "Failed batches go to the issue queue's dead-letter queue by its redrive policy (maxReceiveCount 5).",
    });
    consumerFunction.addEventSource(
      new SqsEventSource(issueQueue, {
        batchSize: 25,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: props.consumerMaxConcurrency ?? 10,
      }),
    );

    const replayFunction = new AppFunction(this, 'ReplayDeadLettersFunction', {
      handler: 'replay-dead-letters',
      timeout: Duration.seconds(50),
      environment: {
        ...admissionEnv,
        COUPON_TABLE_NAME: couponTable.tableName,
        FAILED_EVENT_TABLE_NAME: failedEventTable.tableName,
        DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl,
        ISSUE_QUEUE_URL: issueQueue.queueUrl,
        MAX_REPLAY_ATTEMPTS: '3',
        RECONCILE_GRACE_SECONDS: String(props.reconcileGraceSeconds ?? 300),
        ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS: String(issueVisibility.toSeconds() * maxReceiveCount),
      },
    });
    // Replay writes coupons; reconciliation reads the ledger and the campaigns and re-enqueues admissions.
    grantCouponWrites(replayFunction);
    grantAdmission(replayFunction, 'read');
    failedEventTable.grantReadWriteData(replayFunction);
    deadLetterQueue.grantConsumeMessages(replayFunction);
    issueQueue.grantSendMessages(replayFunction);
    const replaySchedule = new Rule(this, 'ReplaySchedule', {
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(replayFunction, { retryAttempts: 0 })],
    });
    const nextRunCovers = 'The replay runs every minute and is idempotent: the next run covers a failed one.';
    acknowledge(replaySchedule, 'Serverless', { 'Serverless-EventBusDLQ': nextRunCovers });
    // Only the replay function is invoked asynchronously (by the schedule); the others are invoked synchronously
    // (API Gateway, the SQS event source mapping), where a function dead-letter queue never receives anything.
    acknowledge(replayFunction, 'Serverless', { 'Serverless-LambdaDLQ': nextRunCovers });
    for (const fn of [
      issueFunction,
      queryFunction,
      adminFunction,
      vendorFunction,
      userCouponsFunction,
      consumerFunction,
    ]) {
      acknowledge(fn, 'Serverless', {
        'Serverless-LambdaDLQ': 'Invoked synchronously (API Gateway or the SQS event source mapping), never async.',
      });
    }

    const api = new HttpApi(this, 'HttpApi', {
      createDefaultStage: false,
      corsPreflight: props.corsAllowOrigins?.length
        ? {
            allowOrigins: props.corsAllowOrigins,
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PATCH],
            allowHeaders: ['content-type', 'authorization'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 5000, burstLimit: props.throttleBurstLimit ?? 5000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            authorizerError: '$context.authorizer.error',
            principal: '$context.identity.userArn',
          }),
        ),
      },
    });
    (stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      Object.entries(ROUTE_THROTTLES).map(([routeKey, t]) => [
        routeKey,
        // RouteSettings is untyped JSON in the L1: CloudFormation's own (Pascal case) names.
        { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit },
      ]),
    );
    // Users by JWT (or open in auth=none); admins by IAM (SigV4) in every mode; the count is public.
    const user = userAuth.authorizer;
    const admin = new HttpIamAuthorizer();
    const route = (
      method: HttpMethod,
      path: string,
      fn: AppFunction,
      id: string,
      authorizer: IHttpRouteAuthorizer | undefined,
    ) => {
      const added = api.addRoutes({
        path,
        methods: [method],
        integration: new HttpLambdaIntegration(id, fn),
        authorizer,
      });
      // CloudFormation refuses RouteSettings that name a route not created yet ("Unable to find Route by key").
      for (const r of added) stage.node.addDependency(r);
      return added;
    };
    const userRoute = (method: HttpMethod, path: string, fn: AppFunction, id: string) => {
      const routes = route(method, path, fn, id, user);
      if (!user) {
        for (const r of routes) acknowledge(r, 'AwsSolutions', { 'AwsSolutions-APIG4': OPEN_MODE_WARNING });
      }
    };
    userRoute(HttpMethod.POST, '/v1/campaigns/{campaignId}/issue', issueFunction, 'IssueIntegration');
    const [countRoute] = route(
      HttpMethod.GET,
      '/v1/campaigns/{campaignId}/count',
      queryFunction,
      'CountIntegration',
      undefined,
    );
    acknowledge(countRoute as Construct, 'AwsSolutions', {
      'AwsSolutions-APIG4':
        "Public by design: the day's quota, admitted and remaining counts, for a landing page; route-throttled.",
    });
    userRoute(
      HttpMethod.GET,
      '/v1/campaigns/{campaignId}/users/{userId}/coupon',
      queryFunction,
      'UserCouponIntegration',
    );
    userRoute(HttpMethod.POST, '/v1/coupons/{couponId}/redeem', userCouponsFunction, 'RedeemIntegration');
    userRoute(HttpMethod.GET, '/v1/users/me/coupons', userCouponsFunction, 'UserCouponsIntegration');
    route(HttpMethod.POST, '/v1/admin/campaigns', adminFunction, 'CreateCampaignIntegration', admin);
    route(HttpMethod.GET, '/v1/admin/campaigns', adminFunction, 'ListCampaignsIntegration', admin);
    route(HttpMethod.GET, '/v1/admin/campaigns/{campaignId}', adminFunction, 'GetCampaignIntegration', admin);
    route(HttpMethod.PATCH, '/v1/admin/campaigns/{campaignId}', adminFunction, 'UpdateCampaignIntegration', admin);
    route(HttpMethod.POST, '/v1/admin/campaigns/{campaignId}/close', adminFunction, 'CloseCampaignIntegration', admin);
    route(HttpMethod.GET, '/v1/admin/campaigns/{campaignId}/stats', adminFunction, 'CampaignStatsIntegration', admin);
    route(HttpMethod.POST, '/v1/admin/vendors', vendorFunction, 'CreateVendorIntegration', admin);
    route(HttpMethod.GET, '/v1/admin/vendors/{vendorId}', vendorFunction, 'GetVendorIntegration', admin);
    if (props.wafRateLimit !== undefined) {
      new EdgeFirewall(this, 'EdgeFirewall', { api, rateLimitPerIp: props.wafRateLimit });
    }

    new Alarm(this, 'DeadLetterQueueAlarm', {
      alarmDescription: 'Admissions are failing to become coupons and piling up in the dead-letter queue',
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new Alarm(this, 'InvariantViolationAlarm', {
      alarmDescription:
        'Reconciliation found a campaign day breaking persisted <= admitted <= quota (an oversell or a coupon ' +
        'without an admission); see the replay function log line "invariant violated"',
      metric: new Metric({
        namespace: 'FcfsCoupon',
        metricName: 'InvariantViolations',
        dimensionsMap: { service: 'replay-dead-letters' },
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new Alarm(this, 'ParkedFailuresAlarm', {
      alarmDescription: 'Replay parked admissions in the failed-events table; they need an operator',
      metric: new Metric({
        namespace: 'FcfsCoupon',
        metricName: 'Parked',
        dimensionsMap: { service: 'replay-dead-letters' },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'AdmissionMode', { value: redisMode ? 'redis' : 'dynamodb' });
  }
}
