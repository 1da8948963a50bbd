/**
 * Names shared by the infrastructure (src/construct/) and the functions (src/functions/): declared once here and
 * imported on both sides, so that a table's environment variable, an index, a metric or a mode can never differ between
 * the two. This module imports nothing, so it costs the function bundles nothing.
 */

/** How the issue function admits: `redis` (Upstash Lua script) or `dynamodb` (conditional transaction). */
export const ADMISSION_MODES = ['redis', 'dynamodb'] as const;
/** One of {@link ADMISSION_MODES}. */
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

/**
 * How the user-facing functions know the caller (`AUTH_MODE`):
 * - `jwt`: API Gateway's JWT authorizer verified a bearer token; the caller is its `sub` claim;
 * - `none`: open mode (`-c auth=none`, demos only): the caller is the `userId` the request names.
 */
export const FUNCTION_AUTH_MODES = ['jwt', 'none'] as const;
/** One of {@link FUNCTION_AUTH_MODES}. */
export type FunctionAuthMode = (typeof FUNCTION_AUTH_MODES)[number];

/** Environment variables the construct sets and the functions read (src/functions/runtime/config.ts). */
export const ENV = {
  CAMPAIGN_TABLE: 'CAMPAIGN_TABLE_NAME',
  ADMISSION_TABLE: 'ADMISSION_TABLE_NAME',
  COUPON_TABLE: 'COUPON_TABLE_NAME',
  VENDOR_TABLE: 'VENDOR_TABLE_NAME',
  FAILED_EVENT_TABLE: 'FAILED_EVENT_TABLE_NAME',
  ISSUE_QUEUE_URL: 'ISSUE_QUEUE_URL',
  DEAD_LETTER_QUEUE_URL: 'DEAD_LETTER_QUEUE_URL',
  ADMISSION_MODE: 'ADMISSION_MODE',
  UPSTASH_SECRET_ID: 'UPSTASH_SECRET_ID',
  AUTH_MODE: 'AUTH_MODE',
  ADMISSION_RETENTION_DAYS: 'ADMISSION_RETENTION_DAYS',
  MAX_REPLAY_ATTEMPTS: 'MAX_REPLAY_ATTEMPTS',
  RECONCILE_GRACE_SECONDS: 'RECONCILE_GRACE_SECONDS',
  ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS: 'ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS',
  /** The stage's steady-state throttle, requests/s (the dry run's capacity check). */
  STAGE_THROTTLE_RATE_LIMIT: 'STAGE_THROTTLE_RATE_LIMIT',
  /** The stage's burst, requests (the dry run's capacity check). */
  STAGE_THROTTLE_BURST_LIMIT: 'STAGE_THROTTLE_BURST_LIMIT',
  /** The issue function's reserved concurrency, when it has one (the dry run's capacity check). */
  ISSUE_RESERVED_CONCURRENCY: 'ISSUE_RESERVED_CONCURRENCY',
  /**
   * `true` when CloudFront fronts the API and caches the count (construct prop `edge` or `wafRateLimit`); unset
   * otherwise (the dry run's simulation, src/functions/domain/drop-plan/drop-simulation.ts).
   */
  EDGE: 'EDGE',
  /** The schedule group of the pre-warm schedules (EventBridge Scheduler). */
  PREWARM_SCHEDULE_GROUP: 'PREWARM_SCHEDULE_GROUP',
  /** ARN of the function the pre-warm schedules invoke (the applier). */
  PREWARM_FUNCTION_ARN: 'PREWARM_FUNCTION_ARN',
  /** Role EventBridge Scheduler assumes to invoke the applier. */
  PREWARM_SCHEDULER_ROLE_ARN: 'PREWARM_SCHEDULER_ROLE_ARN',
  /** Name of the issue function, whose alias the applier provisions. */
  ISSUE_FUNCTION_NAME: 'ISSUE_FUNCTION_NAME',
  /** The issue function's published alias the route invokes. */
  ISSUE_ALIAS_NAME: 'ISSUE_ALIAS_NAME',
  /**
   * The construct's path, the {@link METRIC_INSTANCE_DIMENSION} of every metric (src/functions/runtime/powertools.ts).
   */
  METRICS_INSTANCE: 'METRICS_INSTANCE',
  /**
   * Secrets Manager id of the key that signs proof-of-work challenges (src/construct/api-functions.ts creates the
   * secret; src/functions/runtime/composition-root.ts reads it once per instance).
   */
  PROOF_OF_WORK_SECRET_ID: 'PROOF_OF_WORK_SECRET_ID',
  /** Name of the EventBridge bus the publisher puts the domain events on (src/contract/events.ts). */
  EVENT_BUS_NAME: 'EVENT_BUS_NAME',
} as const;

/**
 * Sort keys of items whose changes state events (src/contract/events.ts): the construct's stream filters
 * (src/construct/events.ts) match them and the adapters write them (src/functions/adapters/dynamodb/).
 */
export const EVENT_ITEM_SORT_KEYS = {
  /** The admission table's per-day STATS item (`persisted`, `redeemed` counts). */
  dayStats: 'STATS',
  /** The prefix of the vendor table's checkout redemption items, `ORDER#<orderId>`. */
  redemptionPrefix: 'ORDER#',
} as const;

/** Global secondary index of the coupon table: a user's coupons (`userId`, sorted by `admittedAt`). */
export const USER_COUPONS_INDEX = 'byUser';

/** A table's or index's key attributes, all strings. */
export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/**
 * Every table's key attributes (src/construct/data.ts creates the tables; the adapters and the local tables of the
 * tests and tools, tools/local/dynamodb-local.ts, use the same names).
 */
export const TABLE_KEYS = {
  coupon: { partitionKey: 'couponId' },
  campaign: { partitionKey: 'campaignId' },
  admission: { partitionKey: 'pk', sortKey: 'sk' },
  vendor: { partitionKey: 'vendorId', sortKey: 'sk' },
  failedEvent: { partitionKey: 'failedEventId' },
} as const satisfies Record<string, KeySchema>;

/** The key attributes of {@link USER_COUPONS_INDEX}. */
export const USER_COUPONS_INDEX_KEYS = { partitionKey: 'userId', sortKey: 'admittedAt' } as const satisfies KeySchema;

/**
 * Global secondary index of the vendor table: every vendor, by `vendorId` (`GET /v1/admin/vendors`). Sparse: only a
 * vendor's PROFILE item carries its partition key attribute, always {@link VENDORS_INDEX_PARTITION}, so the
 * redemptions' CREDIT items stay out of it and listing vendors reads vendors only, however many redemptions there
 * were. One index partition holds every vendor: vendors are created at admin rate, far below a partition's limit.
 */
export const VENDORS_INDEX = 'vendors';

/** The key attributes of {@link VENDORS_INDEX}: `listing` (set on PROFILE items only) and `vendorId`. */
export const VENDORS_INDEX_KEYS = { partitionKey: 'listing', sortKey: 'vendorId' } as const satisfies KeySchema;

/** The value of {@link VENDORS_INDEX_KEYS}' partition key on every vendor's PROFILE item. */
export const VENDORS_INDEX_PARTITION = 'VENDOR';

/**
 * The attributes {@link VENDORS_INDEX} projects beside its keys: the vendor's own fields. The settlement account
 * (`balance`, `redemptions`) is left out, so the update of the PROFILE item at each redemption writes no index item.
 */
export const VENDORS_INDEX_ATTRIBUTES = ['name', 'currency', 'createdAt'] as const;

/**
 * Sparse global secondary index of the admission table: the admissions no coupon writer has claimed yet, per
 * campaign day and counter shard (`pendingKey`), by the ISO-8601 instant of their last message (`pendingAt`).
 * Reconciliation reads it instead of the day's ledger (src/functions/adapters/dynamodb/admission-ledger.ts).
 */
export const PENDING_ADMISSIONS_INDEX = 'pending';

/** The key attributes of {@link PENDING_ADMISSIONS_INDEX}. */
export const PENDING_ADMISSIONS_INDEX_KEYS = {
  partitionKey: 'pendingKey',
  sortKey: 'pendingAt',
} as const satisfies KeySchema;

/** The attributes {@link PENDING_ADMISSIONS_INDEX} projects besides its keys (a pending admission's message). */
export const PENDING_ADMISSIONS_INDEX_ATTRIBUTES = ['userId', 'rank', 'admittedAt'] as const;

/** CloudWatch namespace of the product's metrics (EMF through Powertools Metrics). */
export const METRICS_NAMESPACE = 'FcfsCoupon';

/**
 * Dimension naming which FcfsCoupon construct emitted a metric (its construct path, e.g. `Shop/Coupons`), so that
 * two instances in one account and region keep apart metrics and alarms.
 */
export const METRIC_INSTANCE_DIMENSION = 'instance';

/**
 * The product's metrics, all counts. Their dimensions are `service`, the emitting function's handler name
 * (`POWERTOOLS_SERVICE_NAME`, see {@link HANDLERS}), and {@link METRIC_INSTANCE_DIMENSION}.
 */
export const METRIC = {
  /** Consumer: coupons written by this delivery. */
  CouponsPersisted: 'CouponsPersisted',
  /** Consumer: deliveries of an admission whose coupon already existed (SQS at-least-once). */
  DuplicateDeliveries: 'DuplicateDeliveries',
  /** Consumer: records answered as failed in the partial batch response. */
  CouponWriteFailures: 'CouponWriteFailures',
  /**
   * Consumer and replay: messages of an admission the ledger no longer holds (released after a failed send, or
   * never admitted), dropped without a coupon.
   */
  ReleasedAdmissionsDropped: 'ReleasedAdmissionsDropped',
  /** Replay: dead letters written as coupons. */
  Replayed: 'Replayed',
  /** Replay: dead letters parked in the failed-event table after their last attempt. */
  Parked: 'Parked',
  /** Replay: dead letters kept for another attempt. */
  Retained: 'Retained',
  /** Reconciliation: admissions of the recent campaign days. */
  Admitted: 'Admitted',
  /** Reconciliation: coupons persisted for the recent campaign days. */
  Persisted: 'Persisted',
  /** Reconciliation: admissions parked without a coupon, waiting for an operator. */
  ParkedAdmissions: 'ParkedAdmissions',
  /** Reconciliation: admissions without a coupon re-enqueued to the issue queue. */
  Reconciled: 'Reconciled',
  /** Reconciliation: messages waiting in the dead-letter queue. */
  DeadLetterDepth: 'DeadLetterDepth',
  /** Reconciliation: campaign days breaking `persisted <= admitted <= quota`. */
  InvariantViolations: 'InvariantViolations',
  /** Issue: requests answered 202 ACCEPTED (one per admission). */
  IssueAccepted: 'IssueAccepted',
  /** Issue: requests answered 409 SOLD_OUT. */
  IssueSoldOut: 'IssueSoldOut',
  /** Issue: requests answered 409 ALREADY_ISSUED (the user was admitted before). */
  IssueAlreadyIssued: 'IssueAlreadyIssued',
  /** Issue: requests answered 409 NOT_OPEN or ENDED (outside the campaign's windows, closed, or over). */
  IssueNotOpen: 'IssueNotOpen',
  /** Issue: requests answered 503 UNAVAILABLE (a backend failed; the user may retry). */
  IssueUnavailable: 'IssueUnavailable',
  /** Issue: requests refused for their input or caller (400, 401, 403 FORBIDDEN, 404). */
  IssueRejected: 'IssueRejected',
  /** Publisher: domain events the bus accepted (src/contract/events.ts). */
  EventsPublished: 'EventsPublished',
  /** Publisher: stream batches answered with a record to retry from (an event unpublished, retried). */
  EventPublishRetries: 'EventPublishRetries',
} as const;
/**
 * The issue function's outcome metric of each answer code (`IssueRejected` for any other 4xx), one count per
 * request; the dashboard graphs them (src/construct/dashboard.ts).
 */
export const ISSUE_OUTCOME_METRICS = {
  ACCEPTED: METRIC.IssueAccepted,
  SOLD_OUT: METRIC.IssueSoldOut,
  ALREADY_ISSUED: METRIC.IssueAlreadyIssued,
  NOT_OPEN: METRIC.IssueNotOpen,
  ENDED: METRIC.IssueNotOpen,
  UNAVAILABLE: METRIC.IssueUnavailable,
} as const;

/** One of the names in {@link METRIC}. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * The function that emits each metric, whose Powertools service name ({@link HANDLERS}) is the metric's `service`
 * dimension. ReleasedAdmissionsDropped is the consumer's here; replay emits it too, under its own service.
 */
export const METRIC_EMITTER: Readonly<
  Record<MetricName, 'issue' | 'consumer' | 'replayAndReconcile' | 'publishEvents'>
> = {
  CouponsPersisted: 'consumer',
  DuplicateDeliveries: 'consumer',
  CouponWriteFailures: 'consumer',
  ReleasedAdmissionsDropped: 'consumer',
  Replayed: 'replayAndReconcile',
  Parked: 'replayAndReconcile',
  Retained: 'replayAndReconcile',
  Admitted: 'replayAndReconcile',
  Persisted: 'replayAndReconcile',
  ParkedAdmissions: 'replayAndReconcile',
  Reconciled: 'replayAndReconcile',
  DeadLetterDepth: 'replayAndReconcile',
  InvariantViolations: 'replayAndReconcile',
  IssueAccepted: 'issue',
  IssueSoldOut: 'issue',
  IssueAlreadyIssued: 'issue',
  IssueNotOpen: 'issue',
  IssueUnavailable: 'issue',
  IssueRejected: 'issue',
  EventsPublished: 'publishEvents',
  EventPublishRetries: 'publishEvents',
};

/**
 * Handler files under `src/functions/handlers/` (without `.ts`), one per function; also each function's Powertools
 * service name.
 */
export const HANDLERS = {
  issue: 'issue-coupon',
  query: 'query-issuance',
  userCoupons: 'user-coupons',
  checkout: 'checkout',
  adminCampaigns: 'admin-campaigns',
  adminVendors: 'admin-vendors',
  adminFailedEvents: 'admin-failed-events',
  consumer: 'consume-admissions',
  replayAndReconcile: 'replay-and-reconcile',
  prewarm: 'apply-prewarm',
  publishEvents: 'publish-events',
} as const;
/** A function's role in the product: a key of {@link HANDLERS}. */
export type FunctionRole = keyof typeof HANDLERS;
/** A handler file name: a value of {@link HANDLERS}. */
export type HandlerName = (typeof HANDLERS)[FunctionRole];

/**
 * The headers of the winners CSV response (`getWinners` in src/contract/api-contract.ts) beside
 * `content-disposition`: the API's CORS exposes them (src/construct/api.ts) so that the console can read them.
 */
export const WINNERS_CSV_HEADERS = ['x-quota', 'x-admitted', 'x-persisted', 'x-next-cursor'] as const;

/**
 * Defaults the construct sets and the functions fall back to, declared once (src/construct/,
 * src/functions/runtime/config.ts).
 */
export const DEFAULTS = {
  /** Days an admission's ledger entries are kept after its issue day ends (the admission table's TTL). */
  admissionRetentionDays: 7,
  /** Replay attempts of a dead letter before it is parked in the failed-event table. */
  maxReplayAttempts: 3,
  /** Seconds an admitted user may lack a coupon before reconciliation re-enqueues the admission. */
  reconcileGraceSeconds: 300,
  /** Receives of an issue-queue message before SQS moves it to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Messages per consumer invocation. */
  consumerBatchSize: 25,
  /** Seconds the event source mapping waits to fill a consumer batch. */
  consumerMaxBatchingWindowSeconds: 1,
  /** The issue function's memory, MB: its CPU share (a full vCPU at 1,769 MB) and its GB-s price. */
  issueMemoryMb: 1024,
} as const;

/**
 * The request header that carries a proof-of-work solution: base64 of the JSON `{challenge, solution}` (ALTCHA's
 * payload; src/contract/proof-of-work.ts). The API's CORS allow-list and the issue handler read it.
 */
export const PROOF_OF_WORK_HEADER = 'x-proof-of-work';
