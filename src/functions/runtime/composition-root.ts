import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Redis } from '@upstash/redis';
import * as z from 'zod/mini';
import { ENV } from '../../contract/names';
import { AltchaProofOfWork } from '../adapters/altcha/proof-of-work';
import { DynamoDbAdmissionLedger } from '../adapters/dynamodb/admission-ledger';
import { DynamoDbAdmissionStore } from '../adapters/dynamodb/admission-store';
import { DynamoDbCampaignRepository } from '../adapters/dynamodb/campaign-repository';
import { DynamoDbCouponStore } from '../adapters/dynamodb/coupon-store';
import { DynamoDbFailedEventStore } from '../adapters/dynamodb/failed-event-store';
import { DynamoDbRedemptionLedger } from '../adapters/dynamodb/redemption-ledger';
import type { StreamTables } from '../adapters/dynamodb/stream-changes';
import { DynamoDbVendorRepository } from '../adapters/dynamodb/vendor-repository';
import { EventBusPublisher } from '../adapters/eventbridge/event-bus-publisher';
import { LambdaProvisionedConcurrency } from '../adapters/lambda/provisioned-concurrency';
import { RedisAdmissionLedger, RedisAdmissionStore } from '../adapters/redis/admission-store';
import { SchedulerPrewarmScheduler } from '../adapters/scheduler/prewarm-scheduler';
import { SqsDeadLetterSource } from '../adapters/sqs/dead-letter-source';
import { SqsIssueQueue } from '../adapters/sqs/issue-queue';
import { queueDepth } from '../adapters/sqs/queue-depth';
import { type RetryLater, retryLater } from '../adapters/sqs/retry-later';
import type { AdmissionLedger, AdmissionStore, IssueQueue } from '../domain/admission/ports';
import type { ProofOfWork } from '../domain/admission/proof-of-work';
import type { CampaignRepository } from '../domain/campaign/ports';
import type { CouponLookup, CouponStore } from '../domain/coupon/ports';
import type { PrewarmScheduler, ProvisionedConcurrency } from '../domain/drop-plan/ports';
import type { EventPublisher } from '../domain/events/ports';
import type { DeadLetterSource, FailedEventStore } from '../domain/failed-events/ports';
import { systemClock } from '../domain/kernel/clock';
import { UnavailableError } from '../domain/kernel/errors';
import type { RedemptionLedger, VendorRepository } from '../domain/vendor/ports';
import { type Env, requiredString } from './config';
import { invocationSignal } from './deadline';

// The composition root: every client and adapter of a function instance, each built once, on first use, from the
// function's configuration (src/functions/runtime/config.ts). Handlers take what they need from here and construct
// nothing themselves. Each builder is a plain function, so a bundle keeps only the clients its handler reaches (a
// module-scope `new SQSClient()` would put the SQS client into every bundle). Tests replace this module as a whole
// (jest.mock), e.g. with adapters that fail like a backend does (test/unit/handlers/backend-failures.test.ts).
// Endpoints come from the SDK's standard resolution, so `AWS_ENDPOINT_URL_*` points the clients at emulators.

let documents: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let redis: Promise<Redis> | undefined;

/**
 * DynamoDB document client (undefined attributes dropped). 3 attempts; a request unanswered for 3 s is abandoned
 * and retried (single-item calls take milliseconds), so a hung connection fails the call instead of the Lambda.
 */
export function documentClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return documents;
}

/**
 * SQS client: 3 attempts, each abandoned after 1.5 s without an answer, so the issue function (10 s timeout)
 * always gets to decide: release on a rejection, keep the admission on an unknown outcome.
 */
export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_500, throwOnRequestTimeout: true },
  });
  return sqs;
}

const upstashSecretSchema = z.object({ url: z.url(), token: requiredString() });

/**
 * The value of the Secrets Manager secret `secretId` (its string, or its binary as UTF-8); undefined when it has
 * neither. @throws the SDK's error when it cannot be read.
 */
async function secretString(secretId: string): Promise<string | undefined> {
  // Read once per instance (the callers keep what they build), so no cache and no Parameters utility here.
  const client = new SecretsManagerClient({});
  try {
    const { SecretString, SecretBinary } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return SecretString || (SecretBinary ? new TextDecoder().decode(SecretBinary) : undefined);
  } finally {
    client.destroy();
  }
}

/**
 * The JSON value of the Secrets Manager secret `secretId`.
 * @throws the SDK's error when it cannot be read; SyntaxError when it is not JSON.
 */
async function secretJson(secretId: string): Promise<unknown> {
  const text = await secretString(secretId);
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * The Upstash client, created on first use from the Secrets Manager secret `secretId` holding
 * `{"url","token"}`, and kept for the life of the instance; the token never reaches an environment variable or a
 * log line. Network errors are retried twice, 20-60 ms apart, so a Redis outage fails closed within the request
 * rather than hanging it. A failed creation is tried again on next use.
 * @throws Error when the secret is missing or malformed.
 */
export function redisClient(secretId: string): Promise<Redis> {
  redis ??= (async () => {
    const { url, token } = upstashSecretSchema.parse(await secretJson(secretId));
    return new Redis({
      url,
      token,
      retry: { retries: 2, backoff: (attempt) => 20 * (attempt + 1) },
      // The issue function's final deadline (src/functions/runtime/deadline.ts): no request outlives the invocation's
      // answer.
      signal: () => invocationSignal() as AbortSignal,
      enableTelemetry: false,
      // Raw strings: the admission store parses its own values. The default JSON.parses every string and pays a
      // caught SyntaxError for each one that is not JSON (every "rank|requestId" entry); BENCHMARKS.md has the cost.
      automaticDeserialization: false,
    });
  })().catch((error) => {
    redis = undefined;
    throw error;
  });
  return redis;
}

/** How long an instance caches a campaign read, ms. Admin changes reach every instance within this time. */
export const CAMPAIGN_CACHE_TTL_MS = 10_000;

let campaigns: DynamoDbCampaignRepository | undefined;
let cachedCampaigns: DynamoDbCampaignRepository | undefined;

/** The campaign repository without a read cache: every read sees the latest write (administration, jobs). */
export function campaignRepository(config: Env<typeof ENV.CAMPAIGN_TABLE>): CampaignRepository {
  campaigns ??= new DynamoDbCampaignRepository(documentClient(), config[ENV.CAMPAIGN_TABLE], systemClock);
  return campaigns;
}

/** The campaign repository with the per-instance read cache of {@link CAMPAIGN_CACHE_TTL_MS} (the request path). */
export function cachedCampaignRepository(config: Env<typeof ENV.CAMPAIGN_TABLE>): CampaignRepository {
  cachedCampaigns ??= new DynamoDbCampaignRepository(
    documentClient(),
    config[ENV.CAMPAIGN_TABLE],
    systemClock,
    CAMPAIGN_CACHE_TTL_MS,
  );
  return cachedCampaigns;
}

type AdmissionConfig = Env<typeof ENV.ADMISSION_TABLE | typeof ENV.ADMISSION_MODE | typeof ENV.UPSTASH_SECRET_ID>;

let admissions: (() => Promise<AdmissionStore>) | undefined;

/**
 * A getter for the admission store of the configured mode. Redis mode needs the Upstash secret, fetched on
 * first use; a failure to get it is UnavailableError (503), and the next call tries again.
 */
export function admissionStoreFactory(config: AdmissionConfig): () => Promise<AdmissionStore> {
  admissions ??= modeGetter<AdmissionStore>(
    config,
    (client, table) => new DynamoDbAdmissionStore(client, table),
    (redis) => new RedisAdmissionStore(redis),
  );
  return admissions;
}

let ledgers: (() => Promise<AdmissionLedger>) | undefined;

/**
 * {@link admissionStoreFactory} for the coupon pipeline (consumer, replay): the ledger's claim, entries and leaked
 * units only, so these bundles leave the admission path out.
 */
export function admissionLedgerFactory(config: AdmissionConfig): () => Promise<AdmissionLedger> {
  ledgers ??= modeGetter<AdmissionLedger>(
    config,
    (client, table) => new DynamoDbAdmissionLedger(client, table),
    (redis) => new RedisAdmissionLedger(redis),
  );
  return ledgers;
}

function modeGetter<T>(
  config: AdmissionConfig,
  dynamodb: (client: DynamoDBDocumentClient, table: string) => T,
  redisMode: (redis: Redis) => T,
): () => Promise<T> {
  if (config[ENV.ADMISSION_MODE] === 'dynamodb') {
    const store = dynamodb(documentClient(), config[ENV.ADMISSION_TABLE]);
    return async () => store;
  }
  // loadConfig refuses redis mode without a secret id.
  const secretId = config[ENV.UPSTASH_SECRET_ID] as string;
  let store: T | undefined;
  return async () => {
    if (store) return store;
    try {
      store = redisMode(await redisClient(secretId));
      return store;
    } catch (cause) {
      throw new UnavailableError('Redis credentials are unavailable', { cause });
    }
  };
}

let coupons: DynamoDbCouponStore | undefined;

/** The coupon store, with each day's persisted and redeemed counts. */
export function couponStore(config: Env<typeof ENV.COUPON_TABLE | typeof ENV.ADMISSION_TABLE>): CouponStore {
  coupons ??= new DynamoDbCouponStore(documentClient(), config[ENV.COUPON_TABLE], config[ENV.ADMISSION_TABLE]);
  return coupons;
}

/** The coupon store's many-coupon reads (the same instance as {@link couponStore}). */
export function couponLookup(config: Env<typeof ENV.COUPON_TABLE | typeof ENV.ADMISSION_TABLE>): CouponLookup {
  couponStore(config);
  return coupons as DynamoDbCouponStore;
}

let redemptions: DynamoDbRedemptionLedger | undefined;

/** Checkout redemptions, each written with its coupon, ledger entry, balance and day count in one transaction. */
export function redemptionLedger(
  config: Env<typeof ENV.COUPON_TABLE | typeof ENV.ADMISSION_TABLE | typeof ENV.VENDOR_TABLE>,
): RedemptionLedger {
  redemptions ??= new DynamoDbRedemptionLedger(
    documentClient(),
    config[ENV.COUPON_TABLE],
    config[ENV.ADMISSION_TABLE],
    config[ENV.VENDOR_TABLE],
  );
  return redemptions;
}

let vendors: DynamoDbVendorRepository | undefined;

/** Vendors and their settlement ledgers. */
export function vendorRepository(config: Env<typeof ENV.VENDOR_TABLE>): VendorRepository {
  vendors ??= new DynamoDbVendorRepository(documentClient(), config[ENV.VENDOR_TABLE]);
  return vendors;
}

let failures: DynamoDbFailedEventStore | undefined;

/** The failed-event table: replay's records and the operator's listing and redrive bookkeeping. */
export function failedEventStore(config: Env<typeof ENV.FAILED_EVENT_TABLE>): FailedEventStore {
  failures ??= new DynamoDbFailedEventStore(documentClient(), config[ENV.FAILED_EVENT_TABLE]);
  return failures;
}

let queue: SqsIssueQueue | undefined;

/** The issue queue, which the consumer turns into coupons. */
export function issueQueue(config: Env<typeof ENV.ISSUE_QUEUE_URL>): IssueQueue {
  queue ??= new SqsIssueQueue(sqsClient(), config[ENV.ISSUE_QUEUE_URL], invocationSignal);
  return queue;
}

/** The issue queue's approximate depth (visible and in-flight messages), read on each call. */
export function issueQueueDepth(config: Env<typeof ENV.ISSUE_QUEUE_URL>): () => Promise<number> {
  return () => queueDepth(sqsClient(), config[ENV.ISSUE_QUEUE_URL]);
}

let deadLetters: SqsDeadLetterSource | undefined;

/** The issue queue's dead-letter queue. */
export function deadLetterSource(config: Env<typeof ENV.DEAD_LETTER_QUEUE_URL>): DeadLetterSource {
  deadLetters ??= new SqsDeadLetterSource(sqsClient(), config[ENV.DEAD_LETTER_QUEUE_URL]);
  return deadLetters;
}

/** The pre-warm schedules (EventBridge Scheduler) in the construct's schedule group, invoking the applier. */
export function prewarmScheduler(
  config: Env<
    typeof ENV.PREWARM_SCHEDULE_GROUP | typeof ENV.PREWARM_FUNCTION_ARN | typeof ENV.PREWARM_SCHEDULER_ROLE_ARN
  >,
): PrewarmScheduler {
  return new SchedulerPrewarmScheduler({
    groupName: config[ENV.PREWARM_SCHEDULE_GROUP],
    functionArn: config[ENV.PREWARM_FUNCTION_ARN],
    roleArn: config[ENV.PREWARM_SCHEDULER_ROLE_ARN],
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
}

/** Provisioned concurrency of the issue function's published alias (the applier's only write). */
export function issueProvisionedConcurrency(
  config: Env<typeof ENV.ISSUE_FUNCTION_NAME | typeof ENV.ISSUE_ALIAS_NAME>,
): ProvisionedConcurrency {
  return new LambdaProvisionedConcurrency(
    new LambdaClient({ maxAttempts: 3 }),
    config[ENV.ISSUE_FUNCTION_NAME],
    config[ENV.ISSUE_ALIAS_NAME],
  );
}

/**
 * Shortens the visibility timeout of received issue-queue messages (see src/functions/adapters/sqs/retry-later.ts);
 * resolves to the number of messages whose change failed.
 */
export function issueQueueRetries(config: Env<typeof ENV.ISSUE_QUEUE_URL>) {
  return (messages: readonly RetryLater[]) => retryLater(sqsClient(), config[ENV.ISSUE_QUEUE_URL], messages);
}

let signer: Promise<AltchaProofOfWork> | undefined;

/**
 * The proof-of-work signer (src/functions/adapters/altcha/proof-of-work.ts), undefined without
 * `PROOF_OF_WORK_SECRET_ID`. Its key is read from that Secrets Manager secret on the first challenge or verification
 * (not before: a campaign without a proof of work never needs it) and kept for the life of the instance, so a
 * verification makes no network call. A failure to read the key is UnavailableError (503), and the next use tries
 * again.
 */
export function proofOfWork(config: Partial<Env<typeof ENV.PROOF_OF_WORK_SECRET_ID>>): ProofOfWork | undefined {
  const secretId = config[ENV.PROOF_OF_WORK_SECRET_ID];
  if (secretId === undefined) return undefined;
  const key = () => {
    signer ??= secretString(secretId)
      .then((value) => new AltchaProofOfWork(value ?? ''))
      .catch((cause: unknown) => {
        signer = undefined;
        throw new UnavailableError('The proof-of-work signing key is unavailable', { cause });
      });
    return signer;
  };
  return {
    challenge: async (binding, difficulty, expiresAt) => (await key()).challenge(binding, difficulty, expiresAt),
    verify: async (proof, binding, now) => (await key()).verify(proof, binding, now),
  };
}

let events: EventPublisher | undefined;

/**
 * The publisher of the domain events to the bus `EVENT_BUS_NAME`: 3 attempts, each abandoned after 3 s without an
 * answer (a stream batch that fails is retried from its record, so a call need not wait long).
 */
export function eventPublisher(config: Env<typeof ENV.EVENT_BUS_NAME>): EventPublisher {
  events ??= new EventBusPublisher(
    new EventBridgeClient({
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
    }),
    config[ENV.EVENT_BUS_NAME],
  );
  return events;
}

/** The names of the tables whose streams the publisher reads. */
export function streamTables(
  config: Env<
    typeof ENV.COUPON_TABLE | typeof ENV.VENDOR_TABLE | typeof ENV.ADMISSION_TABLE | typeof ENV.FAILED_EVENT_TABLE
  >,
): StreamTables {
  return {
    coupon: config[ENV.COUPON_TABLE],
    vendor: config[ENV.VENDOR_TABLE],
    admission: config[ENV.ADMISSION_TABLE],
    failedEvent: config[ENV.FAILED_EVENT_TABLE],
  };
}
