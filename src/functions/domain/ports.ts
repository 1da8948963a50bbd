import type { AdmissionMessage, CampaignDay } from './admission';
import type { Campaign } from './campaign';
import type { Coupon, Redemption } from './coupon';
import type { PrewarmSchedule } from './prewarm';
import type { FailedEventFilter, FailedEventView } from './redrive';
import type { Settlement, SettlementEntry, Vendor } from './vendor';

// Every port of the domain: what the use cases need from storage, queues, logs and time. The adapters under
// src/functions/adapters/ implement them; src/functions/runtime/adapters.ts builds those once per instance. Unless a method
// says otherwise, it throws the backend's error as is on failure (the HTTP edge answers it with 503 UNAVAILABLE).

/** A source of the current instant; injected so rules and tests never read the wall clock directly. */
export type Clock = () => Date;

/** Minimal structured logger (Powertools Logger satisfies it). */
export interface LogPort {
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** A page request of a listing: at most `limit` items, after the page that returned `cursor` as `nextCursor`. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** One page of a listing; `nextCursor` is absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/**
 * Result of one atomic admission attempt. `admittedAt` is ISO-8601 UTC. `CLOSED`: the day was closed by
 * {@link AdmissionStore.close} (the campaign's kill switch).
 */
export type AdmitOutcome =
  | { readonly kind: 'ADMITTED'; readonly rank: number; readonly admittedAt: string }
  | { readonly kind: 'ALREADY_ADMITTED'; readonly rank: number }
  | { readonly kind: 'SOLD_OUT' }
  | { readonly kind: 'CLOSED' };

/** Request to admit one user, as one atomic step. */
export interface AdmitRequest {
  readonly day: CampaignDay;
  readonly userId: string;
  /**
   * Unique id of this request (the Lambda request id). A retry of the same request that finds the user admitted
   * with the same id answers ADMITTED again, not ALREADY_ADMITTED, so a lost response never strands a user.
   */
  readonly requestId: string;
  /** The day's quota: at most this many distinct users are ever admitted for `day`. */
  readonly quota: number;
  /**
   * Counter items the quota is split over (the campaign's `counterShards`; DynamoDB mode, the Redis store
   * ignores it). @default 1
   */
  readonly counterShards?: number;
  /** Admission instant, ISO-8601 UTC; stored in the ledger. */
  readonly admittedAt: string;
  /** Epoch seconds after which the day's admission state may be deleted. */
  readonly expiresAt: number;
  /** The invocation's deadlines (runtime/deadline.ts). @default - none: calls end with the clients' own timeouts */
  readonly deadline?: Deadline;
}

/**
 * An invocation's deadlines: the admission's backend calls are abandoned when `signal` aborts; the void that settles
 * an admission left ambiguous (AdmissionStore.admit) may run until `finalSignal`, a little later, before the
 * function's own timeout.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly finalSignal: AbortSignal;
}

/** Outcome of {@link AdmissionStore.release}. */
export type ReleaseOutcome = 'RELEASED' | 'CLAIMED' | 'NOT_HELD';

/** One admission a coupon writer is about to turn into a coupon: the user and the rank its message carries. */
export interface ClaimRequest {
  readonly userId: string;
  readonly rank: number;
}

/** One admitted user in a day's ledger. `admittedAt` is ISO-8601 UTC. */
export interface LedgerEntry {
  readonly userId: string;
  readonly rank: number;
  readonly admittedAt: string;
}

/**
 * The atomic admission counter and ledger of a campaign day (Redis Lua script or DynamoDB transaction).
 * Guarantees: never more than `quota` admitted users per day, one rank per user per day, and a repeated
 * `admit` for an admitted user answers `ALREADY_ADMITTED` with the same rank. Ranks count admissions in order
 * (1..quota when nothing was released); {@link AdmissionStore.release} returns the unit of quota to later users and
 * leaves a gap in ranks.
 */
export interface AdmissionStore {
  admit(request: AdmitRequest): Promise<AdmitOutcome>;
  /**
   * Undoes one admission (user -> rank, ledger entry, count) if the user still holds `rank` and no coupon writer
   * has claimed it ({@link AdmissionStore.claim}). `RELEASED`: undone, the unit of quota returns; `CLAIMED`: a
   * writer claimed it first (a copy of its message was stored and consumed), so it stands and its coupon is
   * (being) written; `NOT_HELD`: the user does not hold `rank`. Claim and release exclude each other: whichever
   * reaches the store first wins.
   */
  release(day: CampaignDay, userId: string, rank: number): Promise<ReleaseOutcome>;
  /**
   * The coupon writers' ledger check: for each admission, whether the day's ledger holds the user with that rank,
   * marking each held one claimed in the same atomic step, so that no release can undo it afterwards (claiming is
   * idempotent). Returns one flag per admission, in order; false means released or never admitted: no coupon may
   * be written for it.
   */
  claim(day: CampaignDay, admissions: readonly ClaimRequest[]): Promise<boolean[]>;
  /** The user's rank on that day, or undefined when not admitted. */
  rankOf(day: CampaignDay, userId: string): Promise<number | undefined>;
  /** Every admitted user of that day with their rank (at most `quota` entries). */
  admittedUsers(day: CampaignDay): Promise<Map<string, number>>;
  /** Number of users admitted on that day. */
  admittedCount(day: CampaignDay): Promise<number>;
  /** The day's admission ledger, in rank order (reconciliation reads it). */
  ledger(day: CampaignDay): Promise<LedgerEntry[]>;
  /**
   * Closes the day: from the moment this resolves, every `admit` of a user not yet admitted answers CLOSED
   * (checked in the same atomic step as the quota, so no request admitted from a stale campaign cache slips
   * through). Idempotent. Users admitted before keep their rank. `expiresAt` is epoch seconds.
   */
  close(day: CampaignDay, options: { readonly counterShards?: number; readonly expiresAt: number }): Promise<void>;
  /**
   * Does ahead of the first admission what it would do on its way (Redis: loads the scripts, so the first EVALSHA
   * finds them, and opens the connection). Absent where there is nothing to load. Run at a provisioned INIT
   * (domain/warm-up.ts). @throws the backend's error.
   */
  warmUp?(): Promise<void>;
}

/**
 * What the coupon pipeline (consumer, replay, reconciliation, redrive) needs of the admission ledger: the claim
 * before each coupon write, the ledger and a user's rank; never admission itself.
 */
export type AdmissionLedger = Pick<AdmissionStore, 'claim' | 'ledger' | 'rankOf'>;

/**
 * The queue between admission and the coupon writer. `send` resolves when the message was accepted, throws
 * MessageRejectedError (domain/admission.ts) when the queue answered that it was not, and throws anything else
 * when the outcome is unknown (a timeout: the message may have been enqueued).
 */
export interface IssueQueue {
  send(message: AdmissionMessage): Promise<void>;
  /**
   * Opens the connection to the queue ahead of the first send, sending nothing (domain/warm-up.ts). Absent where
   * there is none. @throws the backend's error.
   */
  warmUp?(): Promise<void>;
}

/** Campaign storage. */
export interface CampaignRepository {
  /** The campaign, or undefined when it does not exist. */
  get(campaignId: string): Promise<Campaign | undefined>;
  /** Stores a new campaign. @throws CampaignExistsError when the id is taken. */
  create(campaign: Campaign): Promise<void>;
  /** Every campaign (a full read: for scheduled jobs, not the request path). */
  list(): Promise<Campaign[]>;
  /** One page of campaigns, in no particular order. @throws InvalidRequestError for a foreign cursor. */
  page(page: PageRequest): Promise<Page<Campaign>>;
  /**
   * Replaces a stored campaign if its version is still `campaign.version - 1`.
   * @throws CampaignConflictError when it changed meanwhile (or no longer exists).
   */
  replace(campaign: Campaign): Promise<void>;
  /**
   * Sets `closedAt` (ISO-8601 UTC) unless already set, and returns the campaign as stored after it.
   * @throws CampaignNotFoundError
   */
  close(campaignId: string, closedAt: string): Promise<Campaign>;
  /**
   * Puts campaigns just read (by {@link CampaignRepository.list}) into the instance's read cache, as `get` would,
   * for the same time to live. Absent without a cache.
   */
  remember?(campaigns: readonly Campaign[]): void;
}

/** What a batch write settled: outcome by coupon id, and the error that left the rest unsettled, if any. */
export interface BatchOutcome {
  readonly settled: Map<string, 'CREATED' | 'EXISTS'>;
  readonly failure?: unknown;
}

/** Coupon storage, with each day's persisted and redeemed counts kept by the same writes. */
export interface CouponStore {
  /**
   * Writes the coupon unless one with its id exists, and counts it as persisted for its day in the same
   * transaction. Returns 'CREATED' or 'EXISTS'.
   */
  putIfAbsent(coupon: Coupon): Promise<'CREATED' | 'EXISTS'>;
  /**
   * {@link putIfAbsent} for many coupons in as few transactions as the store allows, each transaction counting
   * the coupons it wrote. `settled` has the outcome of every coupon id it settled; when a transaction fails for
   * another reason than a coupon existing, its coupons are left out of `settled` and the error is `failure`.
   */
  putAllIfAbsent(coupons: readonly Coupon[]): Promise<BatchOutcome>;
  /** The coupon (strongly consistent read), or undefined. */
  get(couponId: string): Promise<Coupon | undefined>;
  /** The subset of `couponIds` that exist. */
  existing(couponIds: readonly string[]): Promise<Set<string>>;
  /** Coupons persisted for the day. */
  persistedCount(day: CampaignDay): Promise<number>;
  /** Coupons persisted and redeemed for the day (the day's STATS counters). */
  dayCounts(day: CampaignDay): Promise<{ persisted: number; redeemed: number }>;
  /**
   * ISSUED -> REDEEMED in one transaction with the vendor's credit: the coupon update is conditional on it being
   * ISSUED, owned by `coupon.userId` and unexpired at `redemption.redeemedAt`; the same transaction appends the
   * settlement entry, adds `amount` to the vendor's balance and counts the day's redemption. 'CONFLICT' when the
   * coupon's condition failed (redeemed or expired meanwhile: read it again).
   */
  redeem(coupon: Coupon & { vendorId: string }, redemption: Redemption): Promise<'REDEEMED' | 'CONFLICT'>;
  /**
   * The user's coupons, newest admission first.
   * @throws InvalidRequestError for a cursor this listing did not issue for this user.
   */
  listByUser(userId: string, page: PageRequest): Promise<Page<Coupon>>;
}

/** Reads of many coupons at once (the winners of a day, domain/winners.ts). */
export interface CouponLookup {
  /** The status and expiry of the coupons among `couponIds` that exist, by id (eventually consistent reads). */
  statesOf(couponIds: readonly string[]): Promise<Map<string, Pick<Coupon, 'couponId' | 'status' | 'expiresAt'>>>;
}

/** Vendors and their settlement ledgers. */
export interface VendorRepository {
  get(vendorId: string): Promise<Vendor | undefined>;
  /** Stores a new vendor with a zero balance. @throws VendorExistsError when the id is taken. */
  create(vendor: Vendor): Promise<void>;
  /**
   * The vendor and its settlement account (balance and redemption count) from one read of the profile item, or
   * undefined when the vendor does not exist.
   */
  account(vendorId: string): Promise<{ vendor: Vendor; settlement: Settlement } | undefined>;
  /** The vendor's credits, oldest first. @throws InvalidRequestError for a cursor this listing did not issue. */
  entries(vendorId: string, page: PageRequest): Promise<Page<SettlementEntry>>;
}

/** A message received from the dead-letter queue. */
export interface DeadLetter {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
}

/** The dead-letter queue of the issue queue. */
export interface DeadLetterSource {
  /** Up to 10 messages, hidden from other receivers for a while; [] when the queue is empty. */
  receive(): Promise<DeadLetter[]>;
  delete(message: DeadLetter): Promise<void>;
  /** Approximate number of messages in the queue, visible or being worked on. */
  depth(): Promise<number>;
}

/**
 * Status of a failure record: still being replayed from the dead-letter queue (RETRYING), given up on (PARKED),
 * or re-enqueued by an operator (REDRIVEN, domain/redrive.ts).
 */
export type FailedEventStatus = 'RETRYING' | 'PARKED' | 'REDRIVEN';

/**
 * A dead-lettered message that replay could not apply, keyed by the coupon id of the admission it carries (so
 * reconciliation can look it up), or `message#<SQS message id>` for a body that is not an admission. Its status is
 * RETRYING while replay still tries it and PARKED once replay gave up (the message then lives only in the
 * failed-event table, with its original body and last error).
 */
export interface FailedEventRecord {
  readonly failedEventId: string;
  /** Original message body, unchanged. */
  readonly body: string;
  /** The last attempt's error, `Name: message`. */
  readonly error: string;
  /** `POISON`: can never succeed (bad body, unknown campaign); `ERROR`: a failure that may be transient. */
  readonly reason: 'POISON' | 'ERROR';
  /** SQS message attributes (SentTimestamp, ApproximateReceiveCount, ...). */
  readonly attributes: Record<string, string>;
}

/**
 * The failed-event table: one {@link FailedEventRecord} per admission (or body) that replay could not apply, as
 * replay keeps it and as an operator sees it (domain/redrive.ts). Each use case takes the methods it needs.
 */
export interface FailedEventStore {
  /**
   * Records one failed replay attempt at `now` and returns the attempts so far (1 on the first failure).
   * `park` true marks the record PARKED (replay gives up on it), false RETRYING.
   */
  recordFailure(failure: FailedEventRecord, park: boolean, now: Date): Promise<number>;
  /** Marks a record PARKED at `now` (after {@link recordFailure} reached the attempt limit). */
  park(failedEventId: string, now: Date): Promise<void>;
  /** Removes the record of a message that a later replay applied. */
  resolve(failedEventId: string): Promise<void>;
  /** Status of each existing record among `failedEventIds`. */
  statuses(failedEventIds: readonly string[]): Promise<Map<string, FailedEventStatus>>;
  /**
   * One page of records matching every filter given, in no particular order; a page may hold fewer than `limit`
   * items while `nextCursor` is present. @throws InvalidRequestError for a cursor this listing did not issue.
   */
  page(filter: FailedEventFilter, page: PageRequest): Promise<Page<FailedEventView>>;
  /** The record (strongly consistent read), or undefined. */
  get(failedEventId: string): Promise<FailedEventView | undefined>;
  /**
   * Marks the record REDRIVEN at `now` by `principal` (`redrivenAt`, `redrivenBy`, `redriveCount` + 1), keeping
   * the rest of its history, and returns it as stored after.
   */
  markRedriven(failedEventId: string, principal: string, now: Date): Promise<FailedEventView>;
}

/** The pre-warm schedules of campaigns (EventBridge Scheduler; src/functions/adapters/scheduler). */
export interface PrewarmScheduler {
  /** Creates each schedule, or updates it when one of its name exists. @throws on a backend failure. */
  put(schedules: readonly PrewarmSchedule[]): Promise<void>;
  /** Deletes the schedules of these names; a missing one is not an error. @throws on a backend failure. */
  remove(names: readonly string[]): Promise<void>;
}

/** Provisioned concurrency of the issue function's published alias (src/functions/adapters/lambda). */
export interface ProvisionedConcurrency {
  /** Sets it to `executions` execution environments; 0 removes the configuration. @throws on a backend failure. */
  set(executions: number): Promise<void>;
}
