import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignDay } from '../../domain/admission';
import type { Coupon, CouponStore, Redemption } from '../../domain/coupon';
import type { Page } from '../../domain/vendor';
import { dayPk } from './admission-store';
import { batchGetKeys } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';
import { firstConditionFailed } from './transaction';
import { creditSk, VENDOR_SK } from './vendor-repository';

/** Sort key of a day's statistics item (`persisted`, `redeemed` counts) in the admission table. */
export const STATS_SK = 'STATS';
/** The coupon table's index of a user's coupons: partition `userId`, sort `admittedAt`. */
export const USER_COUPONS_INDEX = 'byUser';

/**
 * Coupons in the coupon table (key `couponId`, index {@link USER_COUPONS_INDEX}), with the day's `persisted`
 * and `redeemed` counts kept in the admission table's STATS item by the same transactions, so the counts never
 * drift from the coupons. Redemption also writes the vendor table's credit and balance (`vendorTable`).
 */
export class DynamoDbCouponStore implements CouponStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly couponTable: string,
    private readonly admissionTable: string,
    /** Needed only by {@link redeem}. */
    private readonly vendorTable?: string,
  ) {}

  async putIfAbsent(coupon: Coupon): Promise<'CREATED' | 'EXISTS'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.couponTable,
                Item: coupon,
                ConditionExpression: 'attribute_not_exists(couponId)',
              },
            },
            {
              Update: {
                TableName: this.admissionTable,
                Key: { pk: dayPk(coupon), sk: STATS_SK },
                UpdateExpression: 'ADD persisted :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return 'CREATED';
    } catch (error) {
      if (firstConditionFailed(error)) return 'EXISTS';
      throw error;
    }
  }

  async get(couponId: string): Promise<Coupon | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.couponTable, Key: { couponId }, ConsistentRead: true }),
    );
    return Item as Coupon | undefined;
  }

  async redeem(coupon: Coupon & { vendorId: string }, redemption: Redemption): Promise<'REDEEMED' | 'CONFLICT'> {
    if (!this.vendorTable) throw new Error('DynamoDbCouponStore.redeem needs the vendor table');
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
                  ':redemption': redemption,
                  ':userId': coupon.userId,
                  ':now': redemption.redeemedAt,
                },
              },
            },
            {
              Put: {
                TableName: this.vendorTable,
                Item: {
                  vendorId: coupon.vendorId,
                  sk: creditSk(redemption.redeemedAt, coupon.couponId),
                  couponId: coupon.couponId,
                  campaignId: coupon.campaignId,
                  orderId: redemption.orderId,
                  amount: redemption.amount,
                  redeemedAt: redemption.redeemedAt,
                },
                ConditionExpression: 'attribute_not_exists(sk)',
              },
            },
            {
              Update: {
                TableName: this.vendorTable,
                Key: { vendorId: coupon.vendorId, sk: VENDOR_SK },
                UpdateExpression: 'ADD balance :amount, redemptions :one',
                ConditionExpression: 'attribute_exists(vendorId)',
                ExpressionAttributeValues: { ':amount': redemption.amount, ':one': 1 },
              },
            },
            {
              Update: {
                TableName: this.admissionTable,
                Key: { pk: dayPk(coupon), sk: STATS_SK },
                UpdateExpression: 'ADD redeemed :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return 'REDEEMED';
    } catch (error) {
      if (firstConditionFailed(error)) return 'CONFLICT';
      throw error;
    }
  }

  async listByUser(userId: string, page: { limit: number; cursor?: string }): Promise<Page<Coupon>> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.couponTable,
        IndexName: USER_COUPONS_INDEX,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, ['couponId', 'userId', 'admittedAt'], { userId }),
      }),
    );
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items: (Items ?? []) as Coupon[], ...(nextCursor ? { nextCursor } : {}) };
  }

  async existing(couponIds: readonly string[]): Promise<Set<string>> {
    return new Set(
      (await batchGetKeys(this.client, this.couponTable, 'couponId', couponIds)).map((item) => item.couponId as string),
    );
  }

  async persistedCount(day: CampaignDay): Promise<number> {
    return (await this.dayCounts(day)).persisted;
  }

  async dayCounts(day: CampaignDay): Promise<{ persisted: number; redeemed: number }> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.admissionTable, Key: { pk: dayPk(day), sk: STATS_SK }, ConsistentRead: true }),
    );
    return {
      persisted: (Item?.persisted as number | undefined) ?? 0,
      redeemed: (Item?.redeemed as number | undefined) ?? 0,
    };
  }
}
