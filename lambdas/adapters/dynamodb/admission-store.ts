import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CampaignDay } from '../../domain/admission';
import type {
  AdmissionLedger,
  AdmissionStore,
  AdmitOutcome,
  AdmitRequest,
  ClaimRequest,
  LedgerEntry,
  ReleaseOutcome,
} from '../../domain/ports';
import { COUNTER_SK, dayPk, userSk } from './admission-keys';
import { DynamoDbCounterShards } from './counter-shards';
import { firstConditionFailed } from './transaction';

/**
 * How long a request that found the day sold out waits before it looks for the same user's concurrent winner a
 * second time, ms: longer than one ledger write takes.
 */
const WINNER_WAIT_MS = 50;

interface UserItem {
  userId: string;
  rank: number;
  requestId?: string;
  /** Sort key of the counter shard that counted this admission (absent on items written before sharding). */
  counter?: string;
  /** ISO-8601 UTC, set once a coupon writer claimed the admission (see claim): it can no longer be released. */
  claimedAt?: string;
}

/**
 * The admission ledger as the coupon pipeline sees it (the consumer, replay and reconciliation): claims, the ledger
 * and leaked units, without the admission path, so their bundles leave it out. {@link DynamoDbAdmissionStore}
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
   * rank (a plain write, 1 WCU; the release's delete is conditioned on `claimedAt` being absent).
   */
  async claim(day: CampaignDay, admissions: readonly ClaimRequest[]): Promise<boolean[]> {
    const pk = dayPk(day);
    const claimedAt = new Date().toISOString();
    return Promise.all(
      admissions.map(async ({ userId, rank }) => {
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk, sk: userSk(userId) },
              UpdateExpression: 'SET claimedAt = if_not_exists(claimedAt, :now)',
              ConditionExpression: '#rank = :rank',
              ExpressionAttributeNames: { '#rank': 'rank' },
              ExpressionAttributeValues: { ':rank': rank, ':now': claimedAt },
            }),
          );
          return true;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return false;
          throw error;
        }
      }),
    );
  }

  async ledger(day: CampaignDay): Promise<LedgerEntry[]> {
    return (await this.ledgerItems(day))
      .map(({ userId, rank, admittedAt }) => ({ userId, rank, admittedAt }))
      .sort((a, b) => a.rank - b.rank);
  }

  /**
   * A crash between the count (step 1) and the ledger put (step 2) leaves a unit counted with no user. Once a shard
   * has not counted since `quietBefore` (longer ago than the issue function's timeout), every admission it counted
   * has ended, and nothing but a new count changes it: its units without a ledger item are leaked, and are given
   * back by a write conditioned on the shard being exactly as read (so a count racing this leaves it alone).
   */
  async returnLeakedUnits(day: CampaignDay, quietBefore: Date): Promise<number> {
    const quiet = (await this.counters.shards(day)).filter(
      (s) => s.countedAt !== undefined && s.countedAt <= quietBefore.getTime() && s.admitted > 0,
    );
    if (quiet.length === 0) return 0;
    const held = new Map<string, number>();
    for (const { counter = COUNTER_SK } of await this.ledgerItems(day)) held.set(counter, (held.get(counter) ?? 0) + 1);
    let returned = 0;
    for (const shard of quiet) {
      const leaked = shard.admitted - (held.get(shard.counter) ?? 0);
      if (leaked > 0 && (await this.counters.giveBack(day, shard, leaked))) returned += leaked;
    }
    return returned;
  }

  /** Every ledger item of the day (strongly consistent, all pages). */
  protected async ledgerItems(day: CampaignDay): Promise<(LedgerEntry & Pick<UserItem, 'counter'>)[]> {
    const items: (LedgerEntry & Pick<UserItem, 'counter'>)[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :user)',
          ExpressionAttributeValues: { ':pk': dayPk(day), ':user': 'USER#' },
          ProjectionExpression: 'userId, #rank, admittedAt, #counter',
          ExpressionAttributeNames: { '#rank': 'rank', '#counter': 'counter' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as (LedgerEntry & Pick<UserItem, 'counter'>)[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/**
 * DynamoDB admission in two conditional writes, with no read-modify-write loop:
 * 1. a counter item of the day: `admitted + 1, seq + 1` only if `admitted` is below its share of the quota (each
 *    item applies concurrent updates one at a time, and the shares sum to the quota, so the quota can never be
 *    exceeded);
 * 2. the user's ledger item, only if it does not exist (one admission per user per day).
 * With `counterShards` K > 1 the quota is split over K items (one item's write limit on AWS, README.md "API"): a
 * request tries a random shard first and falls over to the others in turn when it is exhausted, so every unit of
 * quota is used before SOLD_OUT. The rank is `shard + 1 + K x (seq - 1)`: unique per day, in arrival order within a
 * shard (with K = 1 it is simply the arrival order).
 * If (2) finds the user already admitted (a concurrent duplicate), (1) is undone and the existing rank returned.
 * A crash between (1) and (2) leaves one unit of quota counted with no user: never an oversell, and reconciliation
 * gives it back once the shard has been quiet for longer than any admission can run (returnLeakedUnits). A released admission leaves a gap in ranks.
 * Concurrent requests of one user: one is ADMITTED, the others ALREADY_ADMITTED; each counted a unit at (1)
 * that it gives back when (2) finds the winner, so for that moment another user may be told SOLD_OUT while a
 * unit is about to free up (never an oversell), and the duplicate's rank is skipped. A duplicate that saw
 * SOLD_OUT re-reads the user (twice, 50 ms apart, to let a winner between its (1) and (2) finish), answering
 * ALREADY_ADMITTED when it finds it.
 */
export class DynamoDbAdmissionStore extends DynamoDbAdmissionLedger implements AdmissionStore {
  async admit(request: AdmitRequest): Promise<AdmitOutcome> {
    const pk = dayPk(request.day);
    const existing = await this.user(pk, request.userId);
    if (existing) return this.repeat(existing, request);

    const counted = await this.counters.count(request);
    if (counted === 'CLOSED') return { kind: 'CLOSED' };
    if (!counted) {
      // Sold out, unless a concurrent request of the same user took the last unit: then it is a repeat. That
      // request may be between its count and its ledger write (milliseconds), so look twice.
      for (const pause of [0, WINNER_WAIT_MS]) {
        if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
        const winner = await this.user(pk, request.userId);
        if (winner) return this.repeat(winner, request);
      }
      return { kind: 'SOLD_OUT' };
    }
    const { rank, counter } = counted;

    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            sk: userSk(request.userId),
            userId: request.userId,
            rank,
            counter,
            requestId: request.requestId,
            admittedAt: request.admittedAt,
            expiresAt: request.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'ADMITTED', rank, admittedAt: request.admittedAt };
    } catch (error) {
      // An ambiguous failure may have written the item: keep the count (undersell at worst, never oversell).
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.counters.uncount(request.day, counter);
      const winner =
        (error.Item ? (unmarshall(error.Item) as UserItem) : undefined) ?? (await this.user(pk, request.userId));
      if (!winner) throw new Error('user item vanished during admission');
      return this.repeat(winner, request);
    }
  }

  async release(day: CampaignDay, userId: string, rank: number): Promise<ReleaseOutcome> {
    const pk = dayPk(day);
    const holder = await this.user(pk, userId);
    if (holder?.rank !== rank) return 'NOT_HELD';
    if (holder.claimedAt) return 'CLAIMED';
    const counter = holder.counter ?? COUNTER_SK;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk, sk: userSk(userId) },
                // Serialized with claim()'s conditional update of the same item: whichever lands first wins.
                ConditionExpression: '#rank = :rank AND attribute_not_exists(claimedAt)',
                ExpressionAttributeNames: { '#rank': 'rank' },
                ExpressionAttributeValues: { ':rank': rank },
              },
            },
            { Update: { ...this.counters.uncountInput(day, counter), ConditionExpression: 'attribute_exists(pk)' } },
          ],
        }),
      );
      return 'RELEASED';
    } catch (error) {
      if (!firstConditionFailed(error)) throw error;
      // Claimed (or released) between the read and the delete: the next read settles it (a claim is never undone
      // and a rank never reused, so this recurses once).
      return this.release(day, userId, rank);
    }
  }

  /** Closes the day on every counter shard (see DynamoDbCounterShards.close). Idempotent. */
  async close(
    day: CampaignDay,
    options: { readonly counterShards?: number; readonly expiresAt: number },
  ): Promise<void> {
    await this.counters.close(day, options.counterShards ?? 1, options.expiresAt);
  }

  async rankOf(day: CampaignDay, userId: string): Promise<number | undefined> {
    return (await this.user(dayPk(day), userId))?.rank;
  }

  async admittedUsers(day: CampaignDay): Promise<Map<string, number>> {
    return new Map((await this.ledger(day)).map((entry) => [entry.userId, entry.rank]));
  }

  /** The sum of the day's counter shards (one item unless the campaign is sharded). */
  admittedCount(day: CampaignDay): Promise<number> {
    return this.counters.admittedCount(day);
  }

  private repeat(user: UserItem, request: AdmitRequest): AdmitOutcome {
    return user.requestId === request.requestId
      ? { kind: 'ADMITTED', rank: user.rank, admittedAt: request.admittedAt }
      : { kind: 'ALREADY_ADMITTED', rank: user.rank };
  }

  private async user(pk: string, userId: string): Promise<UserItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: userSk(userId) }, ConsistentRead: true }),
    );
    return Item as UserItem | undefined;
  }
}
