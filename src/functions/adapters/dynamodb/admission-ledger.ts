import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PENDING_ADMISSIONS_INDEX } from '../../../contract/names';
import type { CampaignDay } from '../../domain/admission/admission';
import type {
  AdmissionLedger,
  ClaimRequest,
  LedgerEntry,
  PendingAdmission,
  PendingQuery,
} from '../../domain/admission/ports';
import { counterSk, dayPk, userSk } from './admission-keys';
import { DynamoDbCounterShards } from './counter-shards';
import { isConditionalCheckFailed } from './transaction';

/**
 * A user's item of the day. With `rank` it is the user's admission (the ledger entry); without, a marker that no
 * admission of a request in `voided` may land (written by a void, or left by a release), so that a late or retried
 * admission write can never admit a user who was told 503.
 */
export interface UserItem {
  userId: string;
  rank?: number;
  requestId?: string;
  /** Sort key of the counter shard that counted this admission. */
  counter?: string;
  admittedAt?: string;
  /** ISO-8601 UTC, set once a coupon writer claimed the admission (see claim): it can no longer be released. */
  claimedAt?: string;
  /** Request ids whose admission write must never land (a string set). */
  voided?: Set<string>;
  /** True when the admission wrote the user's campaign marker ({@link MarkerItem}): its release removes it. */
  campaignMarker?: boolean;
  /**
   * Present while no coupon writer has claimed the admission: {@link pendingKeyOf} its day and counter shard, and
   * the ISO-8601 instant of its last message (PENDING_ADMISSIONS_INDEX, src/contract/names.ts).
   */
  pendingKey?: string;
  pendingAt?: string;
}

/** The pending index's partition of a day's counter shard (sort key `counter`): writes spread as the counters'. */
export const pendingKeyOf = (pk: string, counter: string) => `${pk}|${counter}`;

/**
 * The admission ledger as the coupon pipeline sees it (the consumer, replay, reconciliation and redrive): claims, the
 * ledger and a user's rank, without the admission path, so their bundles leave it out. {@link DynamoDbAdmissionStore}
 * adds admission, release and close.
 */
export class DynamoDbAdmissionLedger implements AdmissionLedger {
  protected readonly counters: DynamoDbCounterShards;

  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {
    this.counters = new DynamoDbCounterShards(client, tableName);
  }

  /**
   * One conditional update per admission, in parallel: `SET claimedAt` on the user's ledger item if it holds the
   * rank (1 WCU; the release is conditioned on `claimedAt` being absent). Idempotent.
   */
  async claim(day: CampaignDay, admissions: readonly ClaimRequest[]): Promise<boolean[]> {
    // The claim ends the admission's pending state: its message is the queue's to deliver from now on.
    return this.updateRanked(day, admissions, {
      update: 'SET claimedAt = if_not_exists(claimedAt, :now) REMOVE pendingKey, pendingAt',
      values: { ':now': new Date().toISOString() },
    });
  }

  async ledger(day: CampaignDay): Promise<LedgerEntry[]> {
    const items: LedgerEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :user)',
          // Void markers and released admissions keep the user's item without a rank.
          FilterExpression: 'attribute_exists(#rank)',
          ExpressionAttributeValues: { ':pk': dayPk(day), ':user': 'USER#' },
          ProjectionExpression: 'userId, #rank, admittedAt',
          ExpressionAttributeNames: { '#rank': 'rank' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as LedgerEntry[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => a.rank - b.rank);
  }

  async rankOf(day: CampaignDay, userId: string): Promise<number | undefined> {
    return (await this.user(dayPk(day), userId))?.rank;
  }

  /**
   * One Query of PENDING_ADMISSIONS_INDEX per counter shard (`pendingAt <= before`, at most `limit` each), merged
   * oldest first. The index is eventually consistent: an admission claimed a moment ago may still be listed.
   */
  async pending(day: CampaignDay, query: PendingQuery): Promise<PendingAdmission[]> {
    const pk = dayPk(day);
    const shards = query.counterShards ?? 1;
    const before = new Date(query.before).toISOString();
    const pages = await Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        const items: UserItem[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: PENDING_ADMISSIONS_INDEX,
              KeyConditionExpression: 'pendingKey = :key AND pendingAt <= :before',
              ExpressionAttributeValues: { ':key': pendingKeyOf(pk, counterSk(shard, shards)), ':before': before },
              Limit: query.limit - items.length,
              ExclusiveStartKey: start,
            }),
          );
          items.push(...((page.Items ?? []) as UserItem[]));
          start = page.LastEvaluatedKey;
        } while (start && items.length < query.limit);
        return items;
      }),
    );
    return pages
      .flat()
      .filter((item) => item.rank !== undefined && item.pendingAt !== undefined)
      .map((item) => ({
        userId: item.userId,
        rank: item.rank as number,
        admittedAt: item.admittedAt ?? (item.pendingAt as string),
        lastSentAt: Date.parse(item.pendingAt as string),
      }))
      .sort((a, b) => a.lastSentAt - b.lastSentAt)
      .slice(0, query.limit);
  }

  /** One conditional update per admission, in parallel: `pendingAt` moved to `at` while the admission is pending. */
  async resent(day: CampaignDay, admissions: readonly ClaimRequest[], at: number): Promise<void> {
    await this.updateRanked(day, admissions, {
      update: 'SET pendingAt = :at',
      condition: 'attribute_exists(pendingKey)',
      values: { ':at': new Date(at).toISOString() },
    });
  }

  /**
   * One UpdateItem per admission, in parallel, applied only where the user's item still holds the admission's rank
   * (and `condition`): true where it applied, false where a condition failed. @throws the first other error.
   */
  private async updateRanked(
    day: CampaignDay,
    admissions: readonly ClaimRequest[],
    { update, condition, values }: { update: string; condition?: string; values: Record<string, unknown> },
  ): Promise<boolean[]> {
    const pk = dayPk(day);
    return Promise.all(
      admissions.map(async ({ userId, rank }) => {
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk, sk: userSk(userId) },
              UpdateExpression: update,
              ConditionExpression: condition ? `#rank = :rank AND ${condition}` : '#rank = :rank',
              ExpressionAttributeNames: { '#rank': 'rank' },
              ExpressionAttributeValues: { ':rank': rank, ...values },
            }),
          );
          return true;
        } catch (error) {
          if (isConditionalCheckFailed(error)) return false;
          throw error;
        }
      }),
    );
  }

  /** The sum of the day's counter shards (one item unless the campaign is sharded). */
  admittedCount(day: CampaignDay): Promise<number> {
    return this.counters.admittedCount(day);
  }

  protected async user(pk: string, userId: string, signal?: AbortSignal): Promise<UserItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: userSk(userId) }, ConsistentRead: true }),
      { abortSignal: signal },
    );
    return Item as UserItem | undefined;
  }
}
