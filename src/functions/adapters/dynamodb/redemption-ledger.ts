import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { EVENT_ITEM_SORT_KEYS } from '../../../contract/names';
import type { Redemption } from '../../domain/coupon/coupon';
import type { CheckoutRedemption } from '../../domain/vendor/checkout';
import type { RedemptionLedger } from '../../domain/vendor/ports';
import { dayPk, STATS_SK } from './admission-keys';
import { conditionFailures } from './transaction';
import { creditSk, VENDOR_SK } from './vendor-repository';

/** The sort key prefix of the checkout redemptions in the vendor table (the publisher's stream decoder reads it). */
export const ORDER_SK_PREFIX = EVENT_ITEM_SORT_KEYS.redemptionPrefix;
/** Sort key of a checkout redemption in the vendor table: one item per (vendor, orderId), the idempotency key. */
export const orderSk = (orderId: string) => `${ORDER_SK_PREFIX}${orderId}`;
/**
 * Sort key of a checkout's ledger entry: {@link creditSk} of its instant, then the redemption id (and `#REFUND` for
 * a refund), so entries list oldest first with the others (`CREDIT#` prefix) and never collide: one coupon may be
 * redeemed, refunded and redeemed again within one millisecond, but each redemption is written once and refunded
 * at most once.
 */
export const entrySk = (kind: 'REDEMPTION' | 'REFUND', at: string, couponId: string, redemptionId: string) =>
  `${creditSk(at, couponId)}#${redemptionId}${kind === 'REFUND' ? '#REFUND' : ''}`;

/**
 * Checkout redemptions in the vendor table (`ORDER#<orderId>` items beside the vendor's PROFILE and ledger
 * entries), each written in one TransactWriteItems with the coupon (coupon table), the ledger entry and balance
 * (vendor table) and the day's redeemed count (admission table's STATS item): a redemption is never stored without
 * its credit, nor a refund without its reversal.
 */
export class DynamoDbRedemptionLedger implements RedemptionLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly couponTable: string,
    private readonly admissionTable: string,
    private readonly vendorTable: string,
  ) {}

  async find(vendorId: string, orderId: string): Promise<CheckoutRedemption | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.vendorTable, Key: { vendorId, sk: orderSk(orderId) }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { sk: _sk, ...redemption } = Item;
    return redemption as CheckoutRedemption;
  }

  async redeem(
    coupon: { couponId: string; userId: string },
    redemption: CheckoutRedemption,
  ): Promise<'REDEEMED' | 'COUPON_CONFLICT' | 'ORDER_EXISTS'> {
    const onCoupon: Redemption = {
      redemptionId: redemption.redemptionId,
      orderId: redemption.orderId,
      orderAmount: redemption.orderAmount,
      currency: redemption.currency,
      amount: redemption.discountAmount,
      redeemedAt: redemption.redeemedAt,
    };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.couponTable,
                Key: { couponId: coupon.couponId },
                UpdateExpression: 'SET #status = :redeemed, redemption = :redemption',
                ConditionExpression: '#status = :issued AND userId = :userId AND expiresAt > :now',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':redeemed': 'REDEEMED',
                  ':issued': 'ISSUED',
                  ':redemption': onCoupon,
                  ':userId': coupon.userId,
                  ':now': redemption.redeemedAt,
                },
              },
            },
            {
              Put: {
                TableName: this.vendorTable,
                Item: { ...redemption, sk: orderSk(redemption.orderId) },
                ConditionExpression: 'attribute_not_exists(sk)',
              },
            },
            this.entryPut(redemption, 'REDEMPTION', redemption.redeemedAt, redemption.discountAmount),
            this.balanceUpdate(redemption.vendorId, redemption.discountAmount, 'redemptions'),
            this.redeemedCountUpdate(redemption, 1),
          ],
        }),
      );
      return 'REDEEMED';
    } catch (error) {
      const failed = conditionFailures(error, 2);
      if (failed.has(1)) return 'ORDER_EXISTS';
      if (failed.has(0)) return 'COUPON_CONFLICT';
      throw error;
    }
  }

  async refund(refunded: CheckoutRedemption): Promise<'REFUNDED' | 'CONFLICT'> {
    const refundedAt = refunded.refundedAt as string;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.vendorTable,
                Key: { vendorId: refunded.vendorId, sk: orderSk(refunded.orderId) },
                UpdateExpression: 'SET #status = :refunded, refundedAt = :at, refundReason = :reason',
                ConditionExpression: '#status = :redeemed',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':refunded': 'REFUNDED',
                  ':redeemed': 'REDEEMED',
                  ':at': refundedAt,
                  ':reason': refunded.refundReason ?? '',
                },
              },
            },
            {
              Update: {
                TableName: this.couponTable,
                Key: { couponId: refunded.couponId },
                UpdateExpression: 'SET #status = :issued REMOVE redemption',
                ConditionExpression: '#status = :redeemed AND redemption.redemptionId = :id',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':issued': 'ISSUED',
                  ':redeemed': 'REDEEMED',
                  ':id': refunded.redemptionId,
                },
              },
            },
            this.entryPut(refunded, 'REFUND', refundedAt, -refunded.discountAmount),
            this.balanceUpdate(refunded.vendorId, -refunded.discountAmount, 'refunds'),
            this.redeemedCountUpdate(refunded, -1),
          ],
        }),
      );
      return 'REFUNDED';
    } catch (error) {
      if (conditionFailures(error, 1).has(0)) return 'CONFLICT';
      throw error;
    }
  }

  /** The conditional put of a new ledger entry (entries are never edited). */
  private entryPut(redemption: CheckoutRedemption, kind: 'REDEMPTION' | 'REFUND', at: string, amount: number) {
    return {
      Put: {
        TableName: this.vendorTable,
        Item: {
          vendorId: redemption.vendorId,
          sk: entrySk(kind, at, redemption.couponId, redemption.redemptionId),
          kind,
          redemptionId: redemption.redemptionId,
          couponId: redemption.couponId,
          campaignId: redemption.campaignId,
          orderId: redemption.orderId,
          amount,
          redeemedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(sk)',
      },
    };
  }

  /** Adds `amount` (negative for a refund) to the vendor's balance and counts the entry. */
  private balanceUpdate(vendorId: string, amount: number, counter: 'redemptions' | 'refunds') {
    return {
      Update: {
        TableName: this.vendorTable,
        Key: { vendorId, sk: VENDOR_SK },
        UpdateExpression: 'ADD balance :amount, #counter :one',
        ConditionExpression: 'attribute_exists(vendorId)',
        ExpressionAttributeNames: { '#counter': counter },
        ExpressionAttributeValues: { ':amount': amount, ':one': 1 },
      },
    };
  }

  /** Moves the coupon's issue day's redeemed count by `delta`. */
  private redeemedCountUpdate(day: { campaignId: string; issueDate: string }, delta: 1 | -1) {
    return {
      Update: {
        TableName: this.admissionTable,
        Key: { pk: dayPk(day), sk: STATS_SK },
        UpdateExpression: 'ADD redeemed :delta',
        ExpressionAttributeValues: { ':delta': delta },
      },
    };
  }
}
