import { type DomainEvent, EVENT_DETAIL_TYPES as T } from '../../../contract/events';
import type { CheckoutRedemption } from '../vendor/checkout';
import type { DataChange } from './data-change';
import type { DailyQuotaLookup } from './ports';

/**
 * The facts a change of the data states, as domain events (src/contract/events.ts), each with an `eventId` that
 * depends only on the change, so that every delivery of the same stream record gives the same ids:
 * - a new coupon: `CouponIssued:<couponId>` (a coupon is written once: a conditional put);
 * - a new redemption, REDEEMED: `CouponRedeemed:<redemptionId>`; a redemption REDEEMED -> REFUNDED:
 *   `RedemptionRefunded:<redemptionId>` (a redemption is refunded at most once, src/functions/domain/vendor/checkout.ts);
 * - a day's persisted count crossing its campaign's daily quota: `DaySoldOut:<campaignId>#<issueDate>` (the count
 *   only grows, so it crosses once; a campaign that no longer exists gives none);
 * - a failed-event record becoming PARKED: `AdmissionParked:<failedEventId>#<attempts>` (every parking follows a
 *   failed attempt, which counts up, so a record parked again after a redrive gives a new id).
 * Any other change states nothing. `instance` is the construct's path, copied into every detail.
 * @throws what `quotaOf` throws (a failed campaign read): the record is then retried.
 */
export async function eventsOfChange(
  change: DataChange,
  quotaOf: DailyQuotaLookup,
  instance?: string,
): Promise<DomainEvent[]> {
  const base = instance === undefined ? {} : { instance };
  switch (change.entity) {
    case 'coupon': {
      const coupon = change.after;
      if (change.before !== undefined || coupon === undefined) return [];
      return [
        {
          detailType: T.CouponIssued,
          detail: {
            eventId: `${T.CouponIssued}:${coupon.couponId}`,
            occurredAt: coupon.issuedAt,
            ...base,
            couponId: coupon.couponId,
            campaignId: coupon.campaignId,
            issueDate: coupon.issueDate,
            userId: coupon.userId,
            rank: coupon.rank,
            ...(coupon.vendorId === undefined ? {} : { vendorId: coupon.vendorId }),
            admittedAt: coupon.admittedAt,
            expiresAt: coupon.expiresAt,
          },
        },
      ];
    }
    case 'redemption': {
      const { before, after } = change;
      if (after === undefined) return [];
      if (before === undefined && after.status === 'REDEEMED') {
        return [
          { detailType: T.CouponRedeemed, detail: redemptionDetail(T.CouponRedeemed, after, after.redeemedAt, base) },
        ];
      }
      if (before?.status === 'REDEEMED' && after.status === 'REFUNDED') {
        const detail = redemptionDetail(T.RedemptionRefunded, after, after.refundedAt ?? after.redeemedAt, base);
        return [
          {
            detailType: T.RedemptionRefunded,
            detail: after.refundReason === undefined ? detail : { ...detail, refundReason: after.refundReason },
          },
        ];
      }
      return [];
    }
    case 'dayStats': {
      const { day, persistedBefore, persistedAfter } = change;
      if (persistedAfter <= persistedBefore) return [];
      const quota = await quotaOf(day.campaignId);
      if (quota === undefined || persistedBefore >= quota || persistedAfter < quota) return [];
      return [
        {
          detailType: T.DaySoldOut,
          detail: {
            eventId: `${T.DaySoldOut}:${day.campaignId}#${day.issueDate}`,
            occurredAt: change.changedAt,
            ...base,
            campaignId: day.campaignId,
            issueDate: day.issueDate,
            quota,
          },
        },
      ];
    }
    case 'failedEvent': {
      const { before, after } = change;
      if (after?.status !== 'PARKED' || before?.status === 'PARKED') return [];
      return [
        {
          detailType: T.AdmissionParked,
          detail: {
            eventId: `${T.AdmissionParked}:${after.failedEventId}#${after.attempts}`,
            occurredAt: after.parkedAt ?? after.updatedAt,
            ...base,
            failedEventId: after.failedEventId,
            reason: after.reason,
            ...(after.campaignId === undefined ? {} : { campaignId: after.campaignId }),
            ...(after.issueDate === undefined ? {} : { issueDate: after.issueDate }),
            lastError: after.lastError,
          },
        },
      ];
    }
    default:
      return [];
  }
}

/** The detail of a redemption's event. */
function redemptionDetail(
  detailType: typeof T.CouponRedeemed | typeof T.RedemptionRefunded,
  redemption: CheckoutRedemption,
  occurredAt: string,
  base: { instance?: string },
) {
  return {
    eventId: `${detailType}:${redemption.redemptionId}`,
    occurredAt,
    ...base,
    redemptionId: redemption.redemptionId,
    couponId: redemption.couponId,
    campaignId: redemption.campaignId,
    issueDate: redemption.issueDate,
    userId: redemption.userId,
    vendorId: redemption.vendorId,
    orderId: redemption.orderId,
    orderAmount: redemption.orderAmount,
    currency: redemption.currency,
    discountAmount: redemption.discountAmount,
  };
}
