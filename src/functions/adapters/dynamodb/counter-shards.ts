import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignDay } from '../../domain/admission/admission';
import type { AdmitRequest } from '../../domain/admission/ports';
import { COUNTER_SK, counterSk, dayPk } from './admission-keys';

/**
 * Quota of shard `shard` when `quota` is split over `shards` items: the remainder goes to the first shards, so
 * the shares sum to the quota exactly (a shard may get 0 when quota < shards).
 */
export const shardQuota = (quota: number, shard: number, shards: number) =>
  Math.floor(quota / shards) + (shard < quota % shards ? 1 : 0);

/** Sort key of the day's rank ticket item (`seq`: the highest rank handed out). */
const RANKS_SK = 'RANKS';

/**
 * A shard an instance saw exhausted is tried last for this long, ms, so the fall-over does not keep paying rejected
 * conditional writes (which consume write capacity) on shards known to be full.
 */
const EXHAUSTED_SHARD_TTL_MS = 1_000;

/** A counter shard as stored: its sort key and `admitted`. */
export interface Shard {
  readonly counter: string;
  readonly admitted: number;
}

/**
 * The counter items of a campaign day in the admission table and its rank ticket: with K = `counterShards` items,
 * `admitted` of shard s never exceeds {@link shardQuota}, so the day never exceeds its quota. The counting update
 * is one item of the admission transaction (DynamoDbAdmissionStore). Remembers, per instance, the shards it saw
 * exhausted.
 */
export class DynamoDbCounterShards {
  /** Shards this instance saw exhausted (`pk#shard`) -> when to try them again, epoch ms. */
  private readonly exhaustedUntil = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The next rank of the day: `ADD seq 1` on its RANKS item (1 WCU). Ranks are unique and in arrival order; a
   * retried update, a request that finds the day sold out and a released admission leave gaps.
   */
  async ticket(day: CampaignDay, expiresAt: number, signal?: AbortSignal): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: dayPk(day), sk: RANKS_SK },
        UpdateExpression: 'SET expiresAt = :exp ADD seq :one',
        ExpressionAttributeValues: { ':one': 1, ':exp': expiresAt },
        ReturnValues: 'UPDATED_NEW',
      }),
      { abortSignal: signal },
    );
    return Attributes?.seq as number;
  }

  /**
   * The shards to try, in order: from a random one onwards, those this instance saw exhausted within
   * {@link EXHAUSTED_SHARD_TTL_MS} last (never skipped, so a unit given back is always found); shards whose share
   * of the quota is 0 left out.
   */
  order(request: Pick<AdmitRequest, 'day' | 'quota' | 'counterShards'>): number[] {
    const pk = dayPk(request.day);
    const shards = request.counterShards ?? 1;
    const first = Math.floor(Math.random() * shards);
    const now = Date.now();
    const all = Array.from({ length: shards }, (_, i) => (first + i) % shards).filter(
      (s) => shardQuota(request.quota, s, shards) > 0,
    );
    const seen = (s: number) => (this.exhaustedUntil.get(`${pk}#${s}`) ?? 0) > now;
    return [...all.filter((s) => !seen(s)), ...all.filter(seen)];
  }

  /** Sort key of `shard` for the request's shard count. */
  key(request: Pick<AdmitRequest, 'counterShards'>, shard: number): string {
    return counterSk(shard, request.counterShards ?? 1);
  }

  /**
   * The transaction item that counts one admission on `shard`: `admitted + 1` only if the day is not closed and
   * `admitted` is below the shard's share of the quota (ALL_OLD on failure says which).
   */
  countInput(request: AdmitRequest, shard: number) {
    const shards = request.counterShards ?? 1;
    return {
      TableName: this.tableName,
      Key: { pk: dayPk(request.day), sk: counterSk(shard, shards) },
      UpdateExpression: 'SET expiresAt = :exp ADD admitted :one',
      ConditionExpression: 'attribute_not_exists(closed) AND (attribute_not_exists(admitted) OR admitted < :quota)',
      ExpressionAttributeValues: {
        ':one': 1,
        ':quota': shardQuota(request.quota, shard, shards),
        ':exp': request.expiresAt,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /** Records that `shard` had quota left (it is tried in its turn again). */
  counted(request: Pick<AdmitRequest, 'day'>, shard: number): void {
    this.exhaustedUntil.delete(`${dayPk(request.day)}#${shard}`);
  }

  /** Records that `shard` was seen exhausted. */
  exhausted(request: Pick<AdmitRequest, 'day'>, shard: number): void {
    this.exhaustedUntil.set(`${dayPk(request.day)}#${shard}`, Date.now() + EXHAUSTED_SHARD_TTL_MS);
  }

  /**
   * The transaction item that gives one unit back to the counter shard `counter` (a release's: the same
   * transaction removes the user's rank, so it is applied once). Ranks are not reused.
   */
  uncountInput(day: CampaignDay, counter: string) {
    return {
      TableName: this.tableName,
      Key: { pk: dayPk(day), sk: counter },
      UpdateExpression: 'ADD admitted :minus',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':minus': -1 },
    };
  }

  /**
   * Marks every counter shard of the day `closed` (creating the items when the day has not started), so the
   * counting condition rejects every later admission. Idempotent. `expiresAt` is epoch seconds.
   */
  async close(day: CampaignDay, shards: number, expiresAt: number): Promise<void> {
    await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: dayPk(day), sk: counterSk(shard, shards) },
            UpdateExpression: 'SET closed = :true, expiresAt = if_not_exists(expiresAt, :exp)',
            ExpressionAttributeValues: { ':true': true, ':exp': expiresAt },
          }),
        ),
      ),
    );
  }

  /** The day's counter shards as stored: sort key and `admitted`. Strongly consistent. */
  async shards(day: CampaignDay): Promise<Shard[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :counter)',
        ExpressionAttributeValues: { ':pk': dayPk(day), ':counter': COUNTER_SK },
        ProjectionExpression: 'sk, admitted',
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map((item) => ({ counter: item.sk, admitted: item.admitted ?? 0 }));
  }

  /** The sum of the day's counter shards (one item unless the campaign is sharded). */
  async admittedCount(day: CampaignDay): Promise<number> {
    return (await this.shards(day)).reduce((sum, shard) => sum + shard.admitted, 0);
  }
}
