import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS, ENV, type FunctionAuthMode, HANDLERS } from '../contract/names';
import type { Throttle } from '../contract/routes';
import { acknowledge } from './acknowledge';
import { AppFunction } from './app-function';
import type { CouponData } from './data';

/** Props of {@link ApiFunctions}. */
export interface ApiFunctionsProps {
  /** The tables (and secret) the functions bind to. */
  readonly data: CouponData;
  /** The queue the issue function sends each admission to. */
  readonly issueQueue: IQueue;
  /** How the user-facing functions know the caller (from the user authorizer). */
  readonly authMode: FunctionAuthMode;
  /** The stage's throttle, for the dry run's capacity check. */
  readonly stageThrottle: Throttle;
  /** Reserved concurrency of the issue function. @default - none: the account's unreserved pool */
  readonly issueReservedConcurrency?: number;
  /** Whether CloudFront fronts the API and caches the count, for the dry run's simulation. @default false */
  readonly edge?: boolean;
  /** The issue function's memory, MB. @default DEFAULTS.issueMemoryMb (1,024) */
  readonly issueMemorySize?: number;
  /** Every function's log retention. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** Days an admission's ledger entries are kept after its issue day (the admission table's TTL). */
const ADMISSION_RETENTION_DAYS = String(DEFAULTS.admissionRetentionDays);

/**
 * The functions behind the HTTP API's routes, each bound to the least it needs:
 * - issue: admits (the only writer of the ledger besides the admin's close) and sends the admission to the queue;
 * - query: a campaign's public view (its vendor's name), the day's count and a user's coupon, read-only;
 * - user coupons: the caller's coupon list, read-only;
 * - checkout: quotes, redemptions and refunds (the coupon, the redemption, the vendor's ledger entry and balance,
 *   and the day's redeemed count in one transaction each);
 * - admin campaigns: writes campaigns, closes admission days (the kill switch), reads stats;
 * - admin vendors: writes vendors, reads their settlement;
 * - admin failed events: lists the failed-event table and redrives parked admissions to the issue queue, each
 *   only if the admission ledger (read) still holds it.
 */
export class ApiFunctions extends Construct {
  readonly issue: AppFunction;
  readonly query: AppFunction;
  readonly userCoupons: AppFunction;
  readonly checkout: AppFunction;
  readonly adminCampaigns: AppFunction;
  readonly adminVendors: AppFunction;
  readonly adminFailedEvents: AppFunction;
  /**
   * The key that signs proof-of-work challenges (README.md, "Proof of work"): 64 random letters and digits, read
   * only by the issue function, once per instance.
   */
  readonly proofOfWorkKey: Secret;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    const { data } = props;
    // The user-facing functions read the caller from the token's sub (jwt) or from the request (none).
    const callerEnv = { [ENV.AUTH_MODE]: props.authMode };

    this.issue = new AppFunction(this, 'IssueCouponFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.issue,
      timeout: Duration.seconds(10),
      memorySize: props.issueMemorySize ?? DEFAULTS.issueMemoryMb,
      // An ES module (src/functions/bundling/bundles.ts): pre-warmed environments warm up during INIT.
      reservedConcurrentExecutions: props.issueReservedConcurrency,
      environment: {
        ...callerEnv,
        [ENV.ISSUE_QUEUE_URL]: props.issueQueue.queueUrl,
        [ENV.ADMISSION_RETENTION_DAYS]: ADMISSION_RETENTION_DAYS,
      },
    });
    data.bindAdmissionStore(this.issue, 'admit');
    props.issueQueue.grantSendMessages(this.issue);
    this.proofOfWorkKey = new Secret(this, 'ProofOfWorkKey', {
      description: 'Signs the proof-of-work challenges of the issue route (fcfs-coupon)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    this.issue.addEnvironment(ENV.PROOF_OF_WORK_SECRET_ID, this.proofOfWorkKey.secretArn);
    this.proofOfWorkKey.grantRead(this.issue);
    acknowledge(this.proofOfWorkKey, 'AwsSolutions', {
      'AwsSolutions-SMG4':
        'A rotation would only refuse the challenges issued before it (valid 10 minutes); nothing else depends on the key',
    });

    this.query = new AppFunction(this, 'QueryIssuanceFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.query,
      timeout: Duration.seconds(10),
      environment: callerEnv,
    });
    data.bindAdmissionStore(this.query, 'read');
    data.bindCouponTable(this.query, 'read');
    data.bindVendorTable(this.query, 'read');

    this.adminCampaigns = new AppFunction(this, 'AdminCampaignsFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.adminCampaigns,
      timeout: Duration.seconds(20),
      environment: {
        [ENV.ADMISSION_RETENTION_DAYS]: ADMISSION_RETENTION_DAYS,
        // What the dry run checks a campaign against (src/functions/domain/drop-plan/capacity.ts).
        [ENV.STAGE_THROTTLE_RATE_LIMIT]: String(props.stageThrottle.rateLimit),
        [ENV.STAGE_THROTTLE_BURST_LIMIT]: String(props.stageThrottle.burstLimit),
        ...(props.issueReservedConcurrency === undefined
          ? {}
          : { [ENV.ISSUE_RESERVED_CONCURRENCY]: String(props.issueReservedConcurrency) }),
        ...(props.edge ? { [ENV.EDGE]: 'true' } : {}),
      },
    });
    data.bindAdmissionStore(this.adminCampaigns, 'admit');
    data.bindCampaignTable(this.adminCampaigns, 'readWrite');
    data.bindVendorTable(this.adminCampaigns, 'read');
    data.bindCouponTable(this.adminCampaigns, 'read');
    data.bindFailedEventTable(this.adminCampaigns, 'read');

    this.adminVendors = new AppFunction(this, 'AdminVendorsFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.adminVendors,
      timeout: Duration.seconds(10),
    });
    data.bindVendorTable(this.adminVendors, 'readWrite');

    this.adminFailedEvents = new AppFunction(this, 'AdminFailedEventsFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.adminFailedEvents,
      timeout: Duration.seconds(30),
      environment: {
        [ENV.ISSUE_QUEUE_URL]: props.issueQueue.queueUrl,
        // When a day's ledger is gone, so a redrive is refused rather than dropped by the consumer's claim.
        [ENV.ADMISSION_RETENTION_DAYS]: ADMISSION_RETENTION_DAYS,
      },
    });
    data.bindAdmissionStore(this.adminFailedEvents, 'read');
    data.bindFailedEventTable(this.adminFailedEvents, 'readWrite');
    props.issueQueue.grantSendMessages(this.adminFailedEvents);

    this.userCoupons = new AppFunction(this, 'UserCouponsFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.userCoupons,
      timeout: Duration.seconds(10),
      environment: callerEnv,
    });
    data.bindCouponTable(this.userCoupons, 'read');
    data.bindAdmissionTable(this.userCoupons, 'read');

    this.checkout = new AppFunction(this, 'CheckoutFunction', {
      logRetention: props.logRetention,
      handler: HANDLERS.checkout,
      timeout: Duration.seconds(10),
    });
    data.bindCouponTable(this.checkout, 'readWrite');
    data.bindVendorTable(this.checkout, 'readWrite');
    data.bindAdmissionTable(this.checkout, 'readWrite');

    for (const fn of this.all()) {
      acknowledge(fn, 'Serverless', {
        'Serverless-LambdaDLQ': 'Invoked synchronously by API Gateway, never asynchronously.',
      });
    }
  }

  /** Every function of this construct. */
  all(): AppFunction[] {
    return [
      this.issue,
      this.query,
      this.userCoupons,
      this.checkout,
      this.adminCampaigns,
      this.adminVendors,
      this.adminFailedEvents,
    ];
  }
}
