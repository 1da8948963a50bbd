/**
 * The domain events the construct publishes to its EventBridge bus (README.md, "Events"), declared once here: the
 * construct's rule patterns (src/construct/events.ts), the publisher function (src/functions/domain/events/) and
 * the package's users import the same names. Every event comes from a change of the data, read from the tables'
 * DynamoDB streams, never from a second write in a request path: an event is published for each fact that was
 * stored and only for those. Delivery is at least once (a stream batch is retried after a failure), so each
 * detail carries `eventId`, stable across retries: consumers dedupe on it. This module imports nothing.
 */

/** The `source` of every event the construct publishes. */
export const EVENT_SOURCE = 'fcfs-coupon';

/** The `detail-type` of each event, by name. */
export const EVENT_DETAIL_TYPES = {
  /** A coupon was persisted (the coupon table's new item): one per winner. */
  CouponIssued: 'CouponIssued',
  /** A checkout redeemed a coupon for an order (the vendor's new redemption item). */
  CouponRedeemed: 'CouponRedeemed',
  /** A checkout refunded a redemption (the redemption item REDEEMED -> REFUNDED); the coupon is usable again. */
  RedemptionRefunded: 'RedemptionRefunded',
  /** Every coupon of an issue day's quota is persisted (the day's persisted count reached the daily quota). */
  DaySoldOut: 'DaySoldOut',
  /** Replay gave up on an admission and parked it for an operator (the failed-event record became PARKED). */
  AdmissionParked: 'AdmissionParked',
} as const;

/** One of the values of {@link EVENT_DETAIL_TYPES}. */
export type EventDetailType = (typeof EVENT_DETAIL_TYPES)[keyof typeof EVENT_DETAIL_TYPES];

/** What every event's detail carries. Instants are ISO-8601 UTC. */
export interface EventDetailBase {
  /**
   * `<detail-type>:<key of the fact>` (for example `CouponIssued:<couponId>`): the same for every delivery of the
   * same fact, different for two facts. Dedupe on it (EventBridge's own `id` differs per delivery).
   */
  readonly eventId: string;
  /** When the fact happened: the coupon's `issuedAt`, the redemption's `redeemedAt`, ... */
  readonly occurredAt: string;
  /** The FcfsCoupon construct's path (e.g. `Shop/Coupons`), to tell instances apart on a shared bus. */
  readonly instance?: string;
}

/** `CouponIssued`: the winner's coupon. `rank` is the admission's place in the day's order, 1-based. */
export interface CouponIssuedDetail extends EventDetailBase {
  /** The coupon (`GET /v1/users/me/coupons`, the checkout's `couponId`). */
  readonly couponId: string;
  /** The campaign it was won in. */
  readonly campaignId: string;
  /** The local issue day, `YYYY-MM-DD` in the campaign's time zone. */
  readonly issueDate: string;
  /** The winner: the JWT `sub` of the user who asked. */
  readonly userId: string;
  /** The admission's place in the day's order, 1 to the daily quota. */
  readonly rank: number;
  /** The vendor that funds the discount (absent on coupons of campaigns from before vendors). */
  readonly vendorId?: string;
  /** When the user was admitted (the issue request), before the coupon was written. */
  readonly admittedAt: string;
  /** Exclusive end of the coupon's validity. */
  readonly expiresAt: string;
}

/** `CouponRedeemed` and `RedemptionRefunded`: the checkout redemption. Amounts are minor units of `currency`. */
export interface RedemptionDetail extends EventDetailBase {
  /** The checkout redemption (`POST /v1/checkout/redemptions`' answer). */
  readonly redemptionId: string;
  /** The coupon redeemed. */
  readonly couponId: string;
  /** The coupon's campaign. */
  readonly campaignId: string;
  /** The coupon's local issue day, `YYYY-MM-DD`. */
  readonly issueDate: string;
  /** The coupon's holder, who placed the order. */
  readonly userId: string;
  /** The vendor whose settlement ledger the redemption moves. */
  readonly vendorId: string;
  /** The vendor's order id, the redemption's idempotency key. */
  readonly orderId: string;
  /** The order's amount before the discount, minor units of `currency`. */
  readonly orderAmount: number;
  /** ISO 4217. */
  readonly currency: string;
  /** What the vendor is credited (`CouponRedeemed`) or debited back (`RedemptionRefunded`). */
  readonly discountAmount: number;
  /** `RedemptionRefunded` only: the checkout's reason. */
  readonly refundReason?: string;
}

/** `DaySoldOut`: the day's quota is all persisted as coupons. */
export interface DaySoldOutDetail extends EventDetailBase {
  /** The campaign. */
  readonly campaignId: string;
  /** The local issue day, `YYYY-MM-DD`, whose quota is all persisted. */
  readonly issueDate: string;
  /** The campaign's daily quota. */
  readonly quota: number;
}

/** `AdmissionParked`: an admission (or a message that is not one) waits for an operator's redrive. */
export interface AdmissionParkedDetail extends EventDetailBase {
  /** The failed-event record (`GET /v1/admin/failed-events/{failedEventId}`). */
  readonly failedEventId: string;
  /** `POISON`: can never succeed; `ERROR`: a failure that may be transient. */
  readonly reason: 'POISON' | 'ERROR';
  /** The admission's campaign; absent when the parked message is not an admission. */
  readonly campaignId?: string;
  /** The admission's local issue day; absent when the parked message is not an admission. */
  readonly issueDate?: string;
  /** The last attempt's error, `Name: message`. */
  readonly lastError: string;
}

/** The detail of each event, by detail-type. */
export interface EventDetails {
  /** {@link CouponIssuedDetail}. */
  readonly CouponIssued: CouponIssuedDetail;
  /** {@link RedemptionDetail}. */
  readonly CouponRedeemed: RedemptionDetail;
  /** {@link RedemptionDetail}, with `refundReason`. */
  readonly RedemptionRefunded: RedemptionDetail;
  /** {@link DaySoldOutDetail}. */
  readonly DaySoldOut: DaySoldOutDetail;
  /** {@link AdmissionParkedDetail}. */
  readonly AdmissionParked: AdmissionParkedDetail;
}

/** An event as the publisher builds it: its detail-type, its detail, and its `time` (the detail's `occurredAt`). */
export type DomainEvent = {
  readonly [T in EventDetailType]: { readonly detailType: T; readonly detail: EventDetails[T] };
}[EventDetailType];
