import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { USER_COUPONS_INDEX } from '../../../contract/names';
import type { CampaignDay } from '../../domain/admission/admission';
import type { Coupon } from '../../domain/coupon/coupon';
import type { BatchOutcome, CouponStore } from '../../domain/coupon/ports';
import type { Page, PageRequest } from '../../domain/kernel/page';
import { dayPk, STATS_SK } from './admission-keys';
import { batchGetKeys } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';
import { conditionFailures, firstConditionFailed } from './transaction';

/**
 * Coupons per transaction of {@link DynamoDbCouponStore.putAllIfAbsent}: TransactWriteItems takes at most 100
 * actions (the API's limit), and a chunk needs one STATS update per issue day besides its puts.
 */
const COUPONS_PER_TRANSACTION = 50;

/**
 * Coupons in the coupon table (key `couponId`, index {@link USER_COUPONS_INDEX}), with the day's `persisted`
 * and `redeemed` counts kept in the admission table's STATS item by the same transactions, so the counts never
 * drift from the coupons. Checkout redemptions change coupons too, in their own transactions
 * (src/functions/adapters/dynamodb/redemption-ledger.ts).
 */
export class DynamoDbCouponStore implements CouponStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly couponTable: string,
    private readonly admissionTable: string,
  ) {}

  async putIfAbsent(coupon: Coupon): Promise<'CREATED' | 'EXISTS'> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: this.writesOf([coupon]) }));
      return 'CREATED';
    } catch (error) {
      if (firstConditionFailed(error)) return 'EXISTS';
      throw error;
    }
  }

  /**
   * One transaction per {@link COUPONS_PER_TRANSACTION} distinct coupons: their conditional puts, then one
   * `ADD persisted :n` per issue day. When puts fail their condition (the coupons exist: redelivery), the
   * transaction is cancelled as a whole; those coupons are settled as EXISTS and it is sent again without them.
   * A cancellation for another reason (a conflict, throttling after the SDK's retries) leaves that chunk and the
   * later ones unsettled, with the error as `failure`.
   */
  async putAllIfAbsent(coupons: readonly Coupon[]): Promise<BatchOutcome> {
    const settled = new Map<string, 'CREATED' | 'EXISTS'>();
    const ids = new Set<string>();
    const distinct = coupons.filter((coupon) => !ids.has(coupon.couponId) && ids.add(coupon.couponId));
    for (let start = 0; start < distinct.length; start += COUPONS_PER_TRANSACTION) {
      let pending = distinct.slice(start, start + COUPONS_PER_TRANSACTION);
      while (pending.length > 0) {
        try {
          await this.client.send(new TransactWriteCommand({ TransactItems: this.writesOf(pending) }));
          for (const coupon of pending) settled.set(coupon.couponId, 'CREATED');
          pending = [];
        } catch (error) {
          const existing = conditionFailures(error, pending.length);
          if (existing.size === 0) return { settled, failure: error };
          for (const index of existing) settled.set((pending[index] as Coupon).couponId, 'EXISTS');
          pending = pending.filter((_, index) => !existing.has(index));
        }
      }
    }
    return { settled };
  }

  /** The conditional puts of `coupons` (in order, so cancellation reasons index them), then the STATS updates. */
  private writesOf(coupons: readonly Coupon[]) {
    const perDay = new Map<string, number>();
    for (const pk of coupons.map(dayPk)) perDay.set(pk, (perDay.get(pk) ?? 0) + 1);
    return [
      ...coupons.map((coupon) => ({
        Put: { TableName: this.couponTable, Item: coupon, ConditionExpression: 'attribute_not_exists(couponId)' },
      })),
      ...[...perDay].map(([pk, count]) => ({
        Update: {
          TableName: this.admissionTable,
          Key: { pk, sk: STATS_SK },
          UpdateExpression: 'ADD persisted :n',
          ExpressionAttributeValues: { ':n': count },
        },
      })),
    ];
  }

  async get(couponId: string): Promise<Coupon | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.couponTable, Key: { couponId }, ConsistentRead: true }),
    );
    return Item as Coupon | undefined;
  }

  /** Status and expiry of the coupons among `couponIds` that exist, by id (BatchGetItem, eventually consistent). */
  async statesOf(
    couponIds: readonly string[],
  ): Promise<Map<string, Pick<Coupon, 'couponId' | 'status' | 'expiresAt'>>> {
    const items = await batchGetKeys(this.client, this.couponTable, 'couponId', couponIds, [
      'couponId',
      'status',
      'expiresAt',
    ]);
    return new Map(
      items.map((item) => [item.couponId as string, item as Pick<Coupon, 'couponId' | 'status' | 'expiresAt'>]),
    );
  }

  async listByUser(userId: string, page: PageRequest): Promise<Page<Coupon>> {
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
