import { createHash } from 'node:crypto';

/** The unit that quota and the one-per-user rule apply to: one campaign on one issue day (local date). */
export interface CampaignDay {
  readonly campaignId: string;
  readonly issueDate: string;
}

/** Stable string key of a campaign day, `campaignId#issueDate` (also the admission table's partition key). */
export const campaignDayKey = (day: CampaignDay): string => `${day.campaignId}#${day.issueDate}`;

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

/** The queue answered that it did not accept the message (after the client's retries); see IssueQueue (ports.ts). */
export class MessageRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageRejectedError';
  }
}

/**
 * Deterministic coupon id of (campaign, issue day, user): 32 hex characters of SHA-256. Being a pure function
 * of the admission, it is the idempotency key of the coupon write: any redelivery or replay targets one item.
 */
export function couponIdOf(campaignId: string, issueDate: string, userId: string): string {
  return createHash('sha256').update(`${campaignId}\u0000${issueDate}\u0000${userId}`).digest('hex').slice(0, 32);
}

/**
 * Key of one admission, `couponId#rank`: a user whose admission was released and who was admitted again on the same
 * issue day has two admissions (their messages may share a batch) with one coupon id, told apart by rank.
 */
export function admissionKeyOf(admission: Pick<AdmissionMessage, 'couponId' | 'rank'>): string {
  return `${admission.couponId}#${admission.rank}`;
}
