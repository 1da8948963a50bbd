import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type CouponAlarmThresholds, checkAlarmThresholds } from './alarm-thresholds';
import { checkAlarmEmail } from './alarm-topic';
import { type BotControlInspectionLevel, type BotDefenseAction, checkBotDefense } from './bot-defense';
import { type UserAuthMode, validateUserAuth } from './user-auth';
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
  /**
   * When true, the user pool the construct creates gets a second app client, the operators' (`OperatorClient`):
   * admin-initiated sign-in only (ADMIN_USER_PASSWORD_AUTH, which needs IAM credentials allowed
   * `cognito-idp:AdminInitiateAuth`), also accepted as audience by the API. `npm run token` (tools/ops/token.ts)
   * signs test users in through it for smoke and load tests; FcfsCouponStack outputs its id as `OperatorClientId`.
   * Only with a pool the construct creates (cognito mode without `userPool`): with your own pool, add such a client
   * to it yourself.
   * @default false - the pool has the public app client alone (SRP sign-in), and no second door for tokens
   */
  readonly operatorTokenClient?: boolean;
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
   * When set, the WAF distribution (EdgeFirewall, stack in us-east-1) guards `POST /v1/campaigns/{campaignId}/issue`
   * against scripts: the AWS WAF Bot Control rule group, then `challenge` (a silent browser challenge) or `captcha`
   * (a puzzle) for a request without a valid WAF token, and rate limits per IP (`issueRateLimitPerIp`) and per TLS
   * fingerprint (`issueRateLimitPerJa4`). Only the issue route is inspected, so count polls pay no Bot Control or
   * challenge fee. The issue route then serves browsers that run WAF's JavaScript: the drop page loads it (the
   * integration URL comes in its config.json) and acquires the token during the countdown; with `captcha` and the
   * console, the construct also creates a CAPTCHA API key for the console's domain at deploy and the page shows the
   * puzzle before the claim (EdgeFirewall.captchaApiKey, src/web/drop/waf-captcha.ts); a mobile or server client
   * of the issue route needs the WAF mobile SDK or another route. Price (https://aws.amazon.com/waf/pricing/,
   * README "Bot defense at the edge"): Bot Control $10 a month plus $1 per million inspected requests (COMMON),
   * Challenge $0.40 per million challenge responses, CAPTCHA $0.40 per thousand attempts.
   * @default - no bot defense: the issue route is guarded by the API's throttles (and `wafRateLimit` when set)
   */
  readonly botDefense?: BotDefenseAction;
  /**
   * The Bot Control rule group's inspection level, with `botDefense`: `COMMON` (self-identifying bots and HTTP
   * libraries; $1 per million inspected requests, the first 10 million a month free) or `TARGETED` (adds
   * browser-fingerprint, token-session and machine-learning detection of bots posing as browsers; $10 per million
   * inspected requests, the first million a month free, its own challenges and CAPTCHAs free), plus $10 a month
   * either way (https://aws.amazon.com/waf/pricing/).
   * @default 'COMMON'
   */
  readonly botControlInspectionLevel?: BotControlInspectionLevel;
  /**
   * How long a solved challenge or CAPTCHA keeps a client's WAF token valid for the issue route, s (60-259,200; the
   * web ACL's immunity time). The drop page refreshes its token during the countdown, so a short time costs a
   * person nothing; a long one lets a solved token be replayed by a script for longer.
   * @default 300 (AWS WAF's default)
   */
  readonly botTokenImmunitySeconds?: number;
  /**
   * Issue requests one client IP may send in any 5 minutes before WAF blocks it, with `botDefense` (integer >= 10).
   * People behind one NAT (an office, a carrier) share an IP: keep it well above one claim each.
   * @default 100
   */
  readonly issueRateLimitPerIp?: number;
  /**
   * Issue requests one TLS fingerprint (JA4, a WAF rate-based rule's custom aggregation key) may send in any 5
   * minutes before WAF blocks it, with `botDefense` (integer >= 10): it stops a fleet with one TLS stack behind many
   * IPs. Every visitor on one browser build shares one JA4, so keep it above the crowd expected per browser build.
   * @default 20000
   */
  readonly issueRateLimitPerJa4?: number;
  /**
   * When true, a CloudFront distribution fronts the API in any region (CouponEdge), caching only
   * `GET /v1/campaigns/{campaignId}/count` for 1 s so a crowd polling it reaches the API about once per second per
   * edge location; user routes pass through uncached with their Authorization header. `wafRateLimit` and
   * `botDefense` imply it (their distribution has the same behaviours behind WAF).
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
  /**
   * The EventBridge bus the domain events go to (`CouponIssued`, `CouponRedeemed`, `RedemptionRefunded`,
   * `DaySoldOut`, `AdmissionParked`; src/contract/events.ts, README.md "Events"), for example the account's default
   * bus or an integration team's. Match them with `FcfsCoupon.eventPattern()`.
   * @default - a new bus, `FcfsCoupon.eventBus`
   */
  readonly eventBus?: IEventBus;
  /** Topic notified when an alarm fires and when it recovers. @default - `alarmEmail`'s topic, else no actions */
  readonly alarmTopic?: ITopic;
  /**
   * An e-mail address to page: the construct creates an SNS topic subscribed to it for the alarms (exclusive with
   * `alarmTopic`). @default - no topic is created
   */
  readonly alarmEmail?: string;
  /**
   * Each alarm's threshold, by alarm, units in the field names (CouponAlarmThresholds): e.g.
   * `{ api5xxRatePercent: 2, deadLetterAge: Duration.minutes(30) }`. A field left out keeps its default.
   * @default - DEFAULT_ALARM_THRESHOLDS: any dead letter, parked record, failed invocation or throttle fires its
   *   alarm; a dead letter older than 10 minutes; more than 1% of the API's answers 5xx
   */
  readonly alarmThresholds?: CouponAlarmThresholds;
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
export function validateProps(props: FcfsCouponProps): void {
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
  checkBotDefense(props);
  checkInteger('issueReservedConcurrency', props.issueReservedConcurrency, 1, 10_000, 'concurrent executions');
  checkCorsOrigins(props.corsAllowOrigins ?? []);
  checkBoolean('operatorTokenClient', props.operatorTokenClient);
  validateUserAuth(props);
  checkAlarmEmail(props.alarmEmail, props.alarmTopic !== undefined);
  checkAlarmThresholds(props.alarmThresholds);
  checkBoolean('edge', props.edge);
  checkBoolean('console', props.console);
}
