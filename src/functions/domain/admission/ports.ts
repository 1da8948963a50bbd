import type { AdmissionMessage, CampaignDay } from './admission';

// The ports of admission: the atomic admission counter and ledger, and the queue to the coupon writer. The adapters
// under src/functions/adapters/ implement them; src/functions/runtime/composition-root.ts builds those once per instance.
// Unless a method says otherwise, it throws the backend's error as is on failure (the HTTP edge answers it with
// 503 UNAVAILABLE).

/**
 * Result of one atomic admission attempt. `admittedAt` is ISO-8601 UTC. `CLOSED`: the day was closed by
 * {@link AdmissionStore.close} (the campaign's kill switch). `ALREADY_ADMITTED` carries the rank the user holds;
 * its `issueDate` (local date) is set when that admission is on another issue day of the campaign (the campaign
 * limit, {@link AdmitRequest.campaignLimit}), and absent when it is on the requested day.
 */
export type AdmitOutcome =
  | { readonly kind: 'ADMITTED'; readonly rank: number; readonly admittedAt: string }
  | { readonly kind: 'ALREADY_ADMITTED'; readonly rank: number; readonly issueDate?: string }
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
  /**
   * Set when the campaign has `perUserCampaignLimit` (src/functions/domain/campaign/campaign.ts): at most one
   * admission per user over all the campaign's issue days. The store keeps a campaign marker per admitted user (the
   * issue day and rank it holds), checked and written in the same atomic step as the day's quota, and removed with
   * the admission by {@link AdmissionStore.release}. `expiresAt`: epoch seconds after which the marker may be deleted
   * (the last issue day's admission expiry). @default - none: one admission per user per issue day only
   */
  readonly campaignLimit?: { readonly expiresAt: number };
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
 * An admission no coupon writer has claimed yet (its message was never received, or never sent): what
 * reconciliation reads instead of the whole ledger. `lastSentAt` is epoch ms of its last message: the admission,
 * or its last re-enqueue ({@link AdmissionStore.resent}).
 */
export interface PendingAdmission extends LedgerEntry {
  readonly lastSentAt: number;
}

/** Which pending admissions to read: those whose last message is at or before `before`, at most `limit` of them. */
export interface PendingQuery {
  /** Epoch ms. */
  readonly before: number;
  readonly limit: number;
  /** The campaign's `counterShards` (DynamoDB mode reads one index partition per shard). @default 1 */
  readonly counterShards?: number;
}

/**
 * The atomic admission counter and ledger of a campaign day (Redis Lua script or DynamoDB transaction).
 * Guarantees: never more than `quota` admitted users per day, one rank per user per day (per campaign with
 * {@link AdmitRequest.campaignLimit}), and a repeated `admit` for an admitted user answers `ALREADY_ADMITTED` with
 * the same rank. Ranks count admissions in order
 * (1..quota when nothing was released); {@link AdmissionStore.release} returns the unit of quota to later users and
 * leaves a gap in ranks.
 */
export interface AdmissionStore {
  admit(request: AdmitRequest): Promise<AdmitOutcome>;
  /**
   * Undoes one admission (user -> rank, ledger entry, count, and the user's campaign marker when it points at this
   * admission) if the user still holds `rank` and no coupon writer has claimed it ({@link AdmissionStore.claim}). `RELEASED`: undone, the unit of quota returns; `CLAIMED`: a
   * writer claimed it first (a copy of its message was stored and consumed), so it stands and its coupon is
   * (being) written; `NOT_HELD`: the user does not hold `rank`. Claim and release exclude each other: whichever
   * reaches the store first wins.
   */
  release(day: CampaignDay, userId: string, rank: number): Promise<ReleaseOutcome>;
  /**
   * The coupon writers' ledger check: for each admission, whether the day's ledger holds the user with that rank,
   * marking each held one claimed in the same atomic step, so that no release can undo it afterwards (claiming is
   * idempotent). Returns one flag per admission, in order; false means released or never admitted: no coupon may
   * be written for it. A claimed admission leaves the day's pending admissions ({@link AdmissionStore.pending}) in the
   * same step: from its first receive on, its message is the queue's and the dead-letter queue's to deliver.
   */
  claim(day: CampaignDay, admissions: readonly ClaimRequest[]): Promise<boolean[]>;
  /**
   * The day's pending admissions (admitted, neither claimed nor released) whose last message is older than the
   * query's `before`, oldest first, at most `limit`: a read proportional to what is pending, not to the ledger.
   * DynamoDB mode reads an eventually consistent index: an admission claimed a moment ago may still be listed.
   */
  pending(day: CampaignDay, query: PendingQuery): Promise<PendingAdmission[]>;
  /**
   * Records that `admissions` (still pending) were sent again at `at` (epoch ms), so the next reconciliation leaves
   * them alone until the age rule passes again. Admissions no longer pending are left as they are.
   */
  resent(day: CampaignDay, admissions: readonly ClaimRequest[], at: number): Promise<void>;
  /** The user's rank on that day, or undefined when not admitted. */
  rankOf(day: CampaignDay, userId: string): Promise<number | undefined>;
  /** Every admitted user of that day with their rank (at most `quota` entries): a copy of the ledger, for tools and the sold-out cache of small days (sold-out-cache.ts). */
  admittedUsers(day: CampaignDay): Promise<Map<string, number>>;
  /** Number of users admitted on that day (one read: Redis HLEN, or the day's counter shards). */
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
   * (src/functions/domain/admission/warm-up.ts). @throws the backend's error.
   */
  warmUp?(): Promise<void>;
}

/**
 * What the coupon pipeline (consumer, replay, reconciliation, redrive) needs of the admission ledger: the claim
 * before each coupon write, the ledger, a user's rank, the admitted count and the pending admissions; never
 * admission itself.
 */
export type AdmissionLedger = Pick<
  AdmissionStore,
  'claim' | 'ledger' | 'rankOf' | 'admittedCount' | 'pending' | 'resent'
>;

/**
 * The queue between admission and the coupon writer. `send` resolves when the message was accepted, throws
 * MessageRejectedError (src/functions/domain/admission/admission.ts) when the queue answered that it was not, and throws anything else
 * when the outcome is unknown (a timeout: the message may have been enqueued).
 */
export interface IssueQueue {
  send(message: AdmissionMessage): Promise<void>;
  /**
   * Opens the connection to the queue ahead of the first send, sending nothing (src/functions/domain/admission/warm-up.ts). Absent where
   * there is none. @throws the backend's error.
   */
  warmUp?(): Promise<void>;
}
