import type { CampaignDay } from '../admission/admission';
import type { Coupon } from '../coupon/coupon';
import type { FailedEventView } from '../failed-events/failed-event';
import type { CheckoutRedemption } from '../vendor/checkout';

/**
 * A change of one stored item, as a table's stream reports it (src/functions/adapters/dynamodb/stream-changes.ts
 * decodes the records): the item before and after (absent when it was created or removed). Only the items events
 * come from are decoded; the rest are `other`.
 */
export type DataChange =
  | { readonly entity: 'coupon'; readonly before?: Coupon; readonly after?: Coupon }
  | { readonly entity: 'redemption'; readonly before?: CheckoutRedemption; readonly after?: CheckoutRedemption }
  | {
      readonly entity: 'dayStats';
      readonly day: CampaignDay;
      /** The day's persisted coupons before and after the change (0 for a new STATS item). */
      readonly persistedBefore: number;
      readonly persistedAfter: number;
      /** When the change was stored (the stream record's creation time), ISO-8601 UTC. */
      readonly changedAt: string;
    }
  | {
      readonly entity: 'failedEvent';
      readonly before?: ParkingState;
      readonly after?: ParkingState;
    }
  | { readonly entity: 'other' };

/** The fields of a failed-event record that say whether and when it was parked. */
export type ParkingState = Pick<
  FailedEventView,
  | 'failedEventId'
  | 'status'
  | 'reason'
  | 'campaignId'
  | 'issueDate'
  | 'lastError'
  | 'attempts'
  | 'updatedAt'
  | 'parkedAt'
>;
