import { createHash } from 'node:crypto';
import type { Campaign } from './campaign';
import type { Page } from './vendor';

/** The unit that quota and the one-per-user rule apply to: one campaign on one issue day (local date). */
export interface CampaignDay {
  readonly campaignId: string;
  readonly issueDate: string;
}

/** Stable string key of a campaign day, `campaignId#issueDate` (also the admission table's partition key). */
export const campaignDayKey = (day: CampaignDay): string => `${day.campaignId}#${day.issueDate}`;

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
}

/**
 * Port: the atomic admission counter and ledger of a campaign day (Redis Lua script or DynamoDB transaction).
 * Guarantees: never more than `quota` admitted users per day, one rank per user per day, and a repeated
 * `admit` for an admitted user answers `ALREADY_ADMITTED` with the same rank. Ranks count admissions in order
 * (1..quota when nothing was released); {@link AdmissionStore.release} returns the unit of quota to later users and
 * leaves a gap in ranks.
 * Every method throws the backend's error on failure (the caller maps it to 503).
 */
export interface AdmissionStore {
  admit(request: AdmitRequest): Promise<AdmitOutcome>;
  /** Undoes one admission (user -> rank, ledger entry, count) if the user still holds `rank`. */
  release(day: CampaignDay, userId: string, rank: number): Promise<void>;
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
   * through). Idempotent. Users admitted before keep their rank.
   */
  close(day: CampaignDay, options: { readonly counterShards?: number; readonly expiresAt: number }): Promise<void>;
}

/** One admitted user in a day's ledger. `admittedAt` is ISO-8601 UTC. */
export interface LedgerEntry {
  readonly userId: string;
  readonly rank: number;
  readonly admittedAt: string;
}

/** The message an admission sends to the issue queue; the consumer turns it into a coupon. */
export interface AdmissionMessage {
  readonly campaignId: string;
  /** Local date `YYYY-MM-DD` in the campaign's time zone. */
  readonly issueDate: string;
  readonly userId: string;
  /** 1-based position among the day's admitted users. */
  readonly rank: number;
  /** ISO-8601 UTC. */
  readonly admittedAt: string;
  /** Deterministic id, see {@link couponIdOf}; the consumer's idempotency key. */
  readonly couponId: string;
}

/**
 * Port: the queue between admission and the coupon writer. `send` resolves when the message was accepted,
 * throws {@link MessageRejectedError} when the queue answered that it was not, and throws anything else when the
 * outcome is unknown (a timeout: the message may have been enqueued).
 */
export interface AdmissionQueue {
  send(message: AdmissionMessage): Promise<void>;
}

/** The queue answered that it did not accept the message (after the client's retries). */
export class MessageRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageRejectedError';
  }
}

/** Port: campaign storage. */
export interface CampaignRepository {
  /** The campaign, or undefined when it does not exist. */
  get(campaignId: string): Promise<Campaign | undefined>;
  /** Stores a new campaign; throws CampaignExistsError when the id is taken. */
  create(campaign: Campaign): Promise<void>;
  /** Every campaign (a full read: for scheduled jobs, not the request path). */
  list(): Promise<Campaign[]>;
  /** One page of campaigns, in no particular order. @throws InvalidRequestError for a foreign cursor. */
  page(page: { limit: number; cursor?: string }): Promise<Page<Campaign>>;
  /**
   * Replaces a stored campaign if its version is still `campaign.version - 1`.
   * @throws CampaignConflictError when it changed meanwhile (or no longer exists).
   */
  replace(campaign: Campaign): Promise<void>;
  /**
   * Sets `closedAt` unless already set, and returns the campaign as stored after it.
   * @throws CampaignNotFoundError
   */
  close(campaignId: string, closedAt: string): Promise<Campaign>;
}

/**
 * Deterministic coupon id of (campaign, issue day, user): 32 hex characters of SHA-256. Being a pure function
 * of the admission, it is the idempotency key of the coupon write: any redelivery or replay targets one item.
 */
export function couponIdOf(campaignId: string, issueDate: string, userId: string): string {
  return createHash('sha256').update(`${campaignId}\u0000${issueDate}\u0000${userId}`).digest('hex').slice(0, 32);
}
