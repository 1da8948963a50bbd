import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignDay } from '../../domain/admission';
import type { Coupon, CouponStore } from '../../domain/coupon';
import { dayPk } from './admission-store';
import { batchGetKeys } from './batch-get';

/** Sort key of a day's statistics item (persisted count) in the admission table. */
export const STATS_SK = 'STATS';

/**
 * Coupons in the coupon table (key `couponId`), with the day's `persisted` count kept in the admission table's
 * STATS item by the same transaction, so the count never drifts from the coupons.
 */
export class DynamoDbCouponStore implements CouponStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly couponTable: string,
    private readonly admissionTable: string,
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
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return 'EXISTS';
      }
      throw error;
    }
  }

  async get(couponId: string): Promise<Coupon | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.couponTable, Key: { couponId } }));
    return Item as Coupon | undefined;
  }

  async existing(couponIds: readonly string[]): Promise<Set<string>> {
    return new Set(
      (await batchGetKeys(this.client, this.couponTable, 'couponId', couponIds)).map((item) => item.couponId as string),
    );
  }

  async persistedCount(day: CampaignDay): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.admissionTable, Key: { pk: dayPk(day), sk: STATS_SK }, ConsistentRead: true }),
    );
    return (Item?.persisted as number | undefined) ?? 0;
  }
}
