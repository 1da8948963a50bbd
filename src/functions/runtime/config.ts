import * as z from 'zod/mini';
import '../domain/kernel/zod-messages';
import { ADMISSION_MODES, DEFAULTS, ENV, FUNCTION_AUTH_MODES, type FunctionRole } from '../../contract/names';

/** A non-empty string (a table name, a queue URL). */
export function requiredString() {
  return z.string().check(z.minLength(1));
}

/** An integer variable `>= min`, parsed from its string; required. */
function requiredInteger(min: number) {
  return z.pipe(z.coerce.number(), z.int().check(z.gte(min)));
}

/** An integer variable `>= min`, parsed from its string; `fallback` when unset. */
function integerVariable(min: number, fallback: number) {
  return z._default(requiredInteger(min), fallback);
}

/** Every environment variable a function may read, by its name in {@link ENV}, with its rule. */
const VARIABLES = {
  [ENV.CAMPAIGN_TABLE]: requiredString(),
  [ENV.ADMISSION_TABLE]: requiredString(),
  [ENV.COUPON_TABLE]: requiredString(),
  [ENV.VENDOR_TABLE]: requiredString(),
  [ENV.FAILED_EVENT_TABLE]: requiredString(),
  [ENV.ISSUE_QUEUE_URL]: requiredString(),
  [ENV.DEAD_LETTER_QUEUE_URL]: requiredString(),
  /** `redis` (Upstash Lua script) or `dynamodb` (conditional transaction). */
  [ENV.ADMISSION_MODE]: z.enum(ADMISSION_MODES),
  /** Secrets Manager id of `{"url": "...", "token": "..."}` for Upstash; required in redis mode. */
  [ENV.UPSTASH_SECRET_ID]: z.optional(requiredString()),
  /** How user routes know the caller; required, so that a function never runs open by omission. */
  [ENV.AUTH_MODE]: z.enum(FUNCTION_AUTH_MODES),
  /** Days the admission state is kept after its issue day ends; default DEFAULTS.admissionRetentionDays. */
  [ENV.ADMISSION_RETENTION_DAYS]: integerVariable(1, DEFAULTS.admissionRetentionDays),
  /**
   * Replay attempts before a message failing with a non-retryable error is parked; default 3 (one per scheduled
   * run). Default DEFAULTS.maxReplayAttempts. Retryable failures are never parked (src/functions/domain/failed-events/replay.ts isRetryable).
   */
  [ENV.MAX_REPLAY_ATTEMPTS]: integerVariable(1, DEFAULTS.maxReplayAttempts),
  /**
   * Seconds an admitted user may lack a coupon before reconciliation re-enqueues it; default
   * DEFAULTS.reconcileGraceSeconds.
   */
  [ENV.RECONCILE_GRACE_SECONDS]: integerVariable(0, DEFAULTS.reconcileGraceSeconds),
  /** Visibility timeout x maxReceiveCount of the issue queue, s: how long a message can stay in it. */
  [ENV.ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS]: requiredInteger(0),
  /** The stage's throttle, requests/s; the dry run compares a campaign's expectedPeakRps with it. */
  [ENV.STAGE_THROTTLE_RATE_LIMIT]: requiredInteger(0),
  /** The stage's burst, requests. */
  [ENV.STAGE_THROTTLE_BURST_LIMIT]: requiredInteger(0),
  /** The issue function's reserved concurrency; unset when it draws on the account's pool. */
  [ENV.ISSUE_RESERVED_CONCURRENCY]: z.optional(requiredInteger(0)),
  /** `true` when CloudFront fronts the API; unset without the edge. */
  [ENV.EDGE]: z.optional(z.literal('true')),
  [ENV.PREWARM_SCHEDULE_GROUP]: requiredString(),
  [ENV.PREWARM_FUNCTION_ARN]: requiredString(),
  [ENV.PREWARM_SCHEDULER_ROLE_ARN]: requiredString(),
  [ENV.ISSUE_FUNCTION_NAME]: requiredString(),
  [ENV.ISSUE_ALIAS_NAME]: requiredString(),
  /**
   * The construct's path: the `instance` dimension of every metric (read by src/functions/runtime/powertools.ts at
   * load).
   */
  [ENV.METRICS_INSTANCE]: z.optional(requiredString()),
  /**
   * Secrets Manager id of the key that signs proof-of-work challenges (the construct creates it); unset, a campaign
   * with `proofOfWork` answers 503 (src/functions/domain/admission/proof-of-work.ts).
   */
  [ENV.PROOF_OF_WORK_SECRET_ID]: z.optional(requiredString()),
  /** The EventBridge bus of the domain events (the construct's, or the one its `eventBus` prop names). */
  [ENV.EVENT_BUS_NAME]: requiredString(),
} as const satisfies Record<(typeof ENV)[keyof typeof ENV], z.ZodMiniType>;

/** An environment variable's name, a value of {@link ENV}. */
export type EnvName = keyof typeof VARIABLES;

/** What every function reads. */
const COMMON = [ENV.METRICS_INSTANCE] as const;
const ADMISSION = [ENV.CAMPAIGN_TABLE, ENV.ADMISSION_TABLE, ENV.ADMISSION_MODE, ENV.UPSTASH_SECRET_ID] as const;

/**
 * The variables each function reads: what src/construct/ sets on it (the `bind...()` calls of src/construct/data.ts and
 * each function's `environment`; test/infra/construct.test.ts checks that the two agree).
 */
export const FUNCTION_ENV = {
  issue: [
    ...COMMON,
    ...ADMISSION,
    ENV.AUTH_MODE,
    ENV.ISSUE_QUEUE_URL,
    ENV.ADMISSION_RETENTION_DAYS,
    ENV.PROOF_OF_WORK_SECRET_ID,
  ],
  query: [...COMMON, ...ADMISSION, ENV.AUTH_MODE, ENV.COUPON_TABLE, ENV.VENDOR_TABLE],
  userCoupons: [...COMMON, ENV.AUTH_MODE, ENV.COUPON_TABLE, ENV.ADMISSION_TABLE],
  checkout: [...COMMON, ENV.COUPON_TABLE, ENV.ADMISSION_TABLE, ENV.VENDOR_TABLE],
  adminCampaigns: [
    ...COMMON,
    ...ADMISSION,
    ENV.VENDOR_TABLE,
    ENV.COUPON_TABLE,
    ENV.FAILED_EVENT_TABLE,
    ENV.ADMISSION_RETENTION_DAYS,
    ENV.STAGE_THROTTLE_RATE_LIMIT,
    ENV.STAGE_THROTTLE_BURST_LIMIT,
    ENV.ISSUE_RESERVED_CONCURRENCY,
    ENV.EDGE,
    ENV.PREWARM_SCHEDULE_GROUP,
    ENV.PREWARM_FUNCTION_ARN,
    ENV.PREWARM_SCHEDULER_ROLE_ARN,
  ],
  prewarm: [...COMMON, ENV.CAMPAIGN_TABLE, ENV.ISSUE_FUNCTION_NAME, ENV.ISSUE_ALIAS_NAME],
  adminVendors: [...COMMON, ENV.VENDOR_TABLE],
  adminFailedEvents: [
    ...COMMON,
    ...ADMISSION,
    ENV.FAILED_EVENT_TABLE,
    ENV.ISSUE_QUEUE_URL,
    ENV.ADMISSION_RETENTION_DAYS,
  ],
  consumer: [...COMMON, ...ADMISSION, ENV.COUPON_TABLE, ENV.ISSUE_QUEUE_URL],
  replayAndReconcile: [
    ...COMMON,
    ...ADMISSION,
    ENV.COUPON_TABLE,
    ENV.FAILED_EVENT_TABLE,
    ENV.DEAD_LETTER_QUEUE_URL,
    ENV.ISSUE_QUEUE_URL,
    ENV.MAX_REPLAY_ATTEMPTS,
    ENV.RECONCILE_GRACE_SECONDS,
    ENV.ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS,
  ],
  publishEvents: [
    ...COMMON,
    ENV.CAMPAIGN_TABLE,
    ENV.COUPON_TABLE,
    ENV.VENDOR_TABLE,
    ENV.ADMISSION_TABLE,
    ENV.FAILED_EVENT_TABLE,
    ENV.EVENT_BUS_NAME,
  ],
} as const satisfies Record<FunctionRole, readonly EnvName[]>;

/** Parsed values of the variables `K`, keyed by variable name. */
export type Env<K extends EnvName> = { readonly [P in K]: z.infer<(typeof VARIABLES)[P]> };

/** The configuration of the function `role`: its variables of {@link FUNCTION_ENV}, parsed. */
export type Config<R extends FunctionRole> = Env<(typeof FUNCTION_ENV)[R][number]>;

/**
 * Reads and validates the function's environment variables, once, at cold start. A missing or malformed variable
 * throws, failing the cold start loudly instead of running with a default nobody chose.
 * @throws Error naming every invalid variable; Error when ADMISSION_MODE=redis lacks UPSTASH_SECRET_ID.
 */
export function loadConfig<R extends FunctionRole>(role: R, env: NodeJS.ProcessEnv = process.env): Config<R> {
  const names: readonly EnvName[] = FUNCTION_ENV[role];
  const schema = z.object(Object.fromEntries(names.map((name) => [name, VARIABLES[name]])));
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  const config = parsed.data as Record<string, unknown>;
  if (config[ENV.ADMISSION_MODE] === 'redis' && !config[ENV.UPSTASH_SECRET_ID]) {
    throw new Error(`Invalid configuration: ${ENV.ADMISSION_MODE}=redis requires ${ENV.UPSTASH_SECRET_ID}`);
  }
  return config as Config<R>;
}
