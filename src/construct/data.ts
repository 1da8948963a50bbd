import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  type CfnTable,
  type ITable,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  type AdmissionMode,
  ENV,
  type KeySchema,
  PENDING_ADMISSIONS_INDEX,
  PENDING_ADMISSIONS_INDEX_ATTRIBUTES,
  PENDING_ADMISSIONS_INDEX_KEYS,
  TABLE_KEYS,
  USER_COUPONS_INDEX,
  USER_COUPONS_INDEX_KEYS,
  VENDORS_INDEX,
  VENDORS_INDEX_ATTRIBUTES,
  VENDORS_INDEX_KEYS,
} from '../contract/names';
import { acknowledge } from './acknowledge';

/** What a function may do with a table: `read` (get, query, scan) or `readWrite` (and put, update, delete). */
export type TableAccess = 'read' | 'readWrite';

/**
 * What a function does with admission state: `admit` (the issue and admin functions change the ledger: in
 * DynamoDB mode they write the admission table; in Redis mode the ledger lives in Redis and the table is only
 * read) or `read` (query and reconciliation read the ledger).
 */
export type AdmissionAccess = 'admit' | 'read';

/** A Lambda function a table can be bound to: it takes environment variables and grants. */
export type BindableFunction = IGrantable & Pick<LambdaFunction, 'addEnvironment'>;

/** A table's or index's key props for `Table` from a {@link KeySchema}: string attributes. */
function tableKeys(keys: KeySchema): { partitionKey: Attribute; sortKey?: Attribute } {
  const partitionKey = { name: keys.partitionKey, type: AttributeType.STRING };
  return keys.sortKey === undefined
    ? { partitionKey }
    : { partitionKey, sortKey: { name: keys.sortKey, type: AttributeType.STRING } };
}

/** Props of {@link CouponData}. */
export interface CouponDataProps {
  /**
   * Name of a Secrets Manager secret `{"url","token"}` of an Upstash Redis database; when set, admission runs in
   * Redis mode.
   * @default - DynamoDB admission mode: no secret
   */
  readonly upstashSecretName?: string;
  /** What happens to the tables when they leave the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The product's tables, as `FcfsCoupon.tables` exposes them. */
export interface CouponTables {
  /** Campaign definitions, key `campaignId`. */
  readonly campaign: ITable;
  /**
   * Per campaign day: the COUNTER and USER#<id> ledger items (DynamoDB mode) and the STATS item (both modes);
   * keys `pk`, `sk`; TTL `expiresAt`.
   */
  readonly admission: ITable;
  /** Coupons, key `couponId`; index USER_COUPONS_INDEX (`userId`, `admittedAt`) for a user's coupons. */
  readonly coupon: ITable;
  /**
   * Per vendor: the PROFILE item and one CREDIT#<redeemedAt>#<couponId> per redemption; keys `vendorId`, `sk`; sparse
   * index VENDORS_INDEX (`listing`, `vendorId`) of the PROFILE items, for the vendor list.
   */
  readonly vendor: ITable;
  /** Admissions the replay parked after its last attempt, key `failedEventId`. */
  readonly failedEvent: ITable;
}

/**
 * The data layer: five on-demand tables (point-in-time recovery, AWS-managed encryption) and, in Redis mode, the
 * Upstash secret. Functions reach them only through the `bind...()` methods, each of which sets the environment
 * variable the function reads (src/contract/names.ts `ENV`) AND grants the least access it needs, in one
 * call, so a name can never drift from its grant.
 */
export class CouponData extends Construct {
  /** The tables, by role. */
  readonly tables: CouponTables;
  /** `redis` when an Upstash secret is configured, else `dynamodb`. */
  readonly admissionMode: AdmissionMode;
  /** The Upstash secret (Redis mode only). */
  readonly upstashSecret?: ISecret;

  constructor(scope: Construct, id: string, props: CouponDataProps = {}) {
    super(scope, id);
    const tableDefaults: Partial<TableProps> = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: false,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    };
    const coupon = new Table(this, 'CouponTable', {
      // Its changes state the domain events (src/construct/events.ts).
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      ...tableDefaults,
      ...tableKeys(TABLE_KEYS.coupon),
    });
    coupon.addGlobalSecondaryIndex({
      indexName: USER_COUPONS_INDEX,
      ...tableKeys(USER_COUPONS_INDEX_KEYS),
    });
    const couponTableArn = `<${Stack.of(this).getLogicalId(coupon.node.defaultChild as CfnTable)}.Arn>`;
    acknowledge(Stack.of(this), 'AwsSolutions', {
      [`AwsSolutions-IAM5[Resource::${couponTableArn}/index/*]`]: `Table grants cover the coupon table's indexes; it has one, ${USER_COUPONS_INDEX} (a user's coupons).`,
    });
    const vendor = new Table(this, 'VendorTable', {
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      ...tableDefaults,
      ...tableKeys(TABLE_KEYS.vendor),
    });
    vendor.addGlobalSecondaryIndex({
      indexName: VENDORS_INDEX,
      ...tableKeys(VENDORS_INDEX_KEYS),
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...VENDORS_INDEX_ATTRIBUTES],
    });
    const vendorTableArn = `<${Stack.of(this).getLogicalId(vendor.node.defaultChild as CfnTable)}.Arn>`;
    acknowledge(Stack.of(this), 'AwsSolutions', {
      [`AwsSolutions-IAM5[Resource::${vendorTableArn}/index/*]`]: `Table grants cover the vendor table's indexes; it has one, ${VENDORS_INDEX} (the vendor list).`,
    });
    const admission = new Table(this, 'AdmissionTable', {
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      ...tableDefaults,
      ...tableKeys(TABLE_KEYS.admission),
      timeToLiveAttribute: 'expiresAt',
    });
    admission.addGlobalSecondaryIndex({
      indexName: PENDING_ADMISSIONS_INDEX,
      ...tableKeys(PENDING_ADMISSIONS_INDEX_KEYS),
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...PENDING_ADMISSIONS_INDEX_ATTRIBUTES],
    });
    const admissionTableArn = `<${Stack.of(this).getLogicalId(admission.node.defaultChild as CfnTable)}.Arn>`;
    acknowledge(Stack.of(this), 'AwsSolutions', {
      [`AwsSolutions-IAM5[Resource::${admissionTableArn}/index/*]`]: `Table grants cover the admission table's indexes; it has one, ${PENDING_ADMISSIONS_INDEX} (the admissions no coupon writer has claimed, which reconciliation reads).`,
    });
    this.tables = {
      campaign: new Table(this, 'CampaignTable', {
        ...tableDefaults,
        ...tableKeys(TABLE_KEYS.campaign),
      }),
      admission,
      coupon,
      vendor,
      failedEvent: new Table(this, 'FailedEventTable', {
        stream: StreamViewType.NEW_AND_OLD_IMAGES,
        ...tableDefaults,
        ...tableKeys(TABLE_KEYS.failedEvent),
      }),
    };
    this.admissionMode = props.upstashSecretName === undefined ? 'dynamodb' : 'redis';
    if (props.upstashSecretName !== undefined) {
      this.upstashSecret = Secret.fromSecretNameV2(this, 'UpstashSecret', props.upstashSecretName);
    }
  }

  /** Sets `CAMPAIGN_TABLE_NAME` on `fn` and grants it `access` to the campaign table. */
  bindCampaignTable(fn: BindableFunction, access: TableAccess): void {
    bindTable(fn, this.tables.campaign, ENV.CAMPAIGN_TABLE, access);
  }

  /**
   * Sets `ADMISSION_TABLE_NAME` on `fn` and grants it `access` to the admission table (the consumer, replay and
   * redemption update the day's STATS item there in both modes).
   */
  bindAdmissionTable(fn: BindableFunction, access: TableAccess): void {
    bindTable(fn, this.tables.admission, ENV.ADMISSION_TABLE, access);
  }

  /**
   * Binds `fn` to the admission store of the configured mode: sets `ADMISSION_MODE`, `CAMPAIGN_TABLE_NAME`,
   * `ADMISSION_TABLE_NAME` and, in Redis mode, `UPSTASH_SECRET_ID` (the secret's name, never its value); grants
   * the campaign table's read, the secret's read, and the admission table's write only for `admit` in DynamoDB
   * mode (where the ledger lives in the table).
   */
  bindAdmissionStore(fn: BindableFunction, access: AdmissionAccess): void {
    fn.addEnvironment(ENV.ADMISSION_MODE, this.admissionMode);
    this.bindCampaignTable(fn, 'read');
    this.bindAdmissionTable(fn, access === 'admit' && this.admissionMode === 'dynamodb' ? 'readWrite' : 'read');
    if (this.upstashSecret) {
      fn.addEnvironment(ENV.UPSTASH_SECRET_ID, this.upstashSecret.secretName);
      this.upstashSecret.grantRead(fn);
    }
  }

  /** Sets `COUPON_TABLE_NAME` on `fn` and grants it `access` to the coupon table and its index. */
  bindCouponTable(fn: BindableFunction, access: TableAccess): void {
    bindTable(fn, this.tables.coupon, ENV.COUPON_TABLE, access);
  }

  /** Sets `VENDOR_TABLE_NAME` on `fn` and grants it `access` to the vendor table and its index. */
  bindVendorTable(fn: BindableFunction, access: TableAccess): void {
    bindTable(fn, this.tables.vendor, ENV.VENDOR_TABLE, access);
  }

  /** Sets `FAILED_EVENT_TABLE_NAME` on `fn` and grants it `access` to the failed-event table. */
  bindFailedEventTable(fn: BindableFunction, access: TableAccess): void {
    bindTable(fn, this.tables.failedEvent, ENV.FAILED_EVENT_TABLE, access);
  }
}

function bindTable(fn: BindableFunction, table: ITable, variable: string, access: TableAccess): void {
  fn.addEnvironment(variable, table.tableName);
  if (access === 'readWrite') table.grantReadWriteData(fn);
  else table.grantReadData(fn);
}
