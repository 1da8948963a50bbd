import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignDay } from '../../domain/admission';
import type { AdmitRequest } from '../../domain/ports';
import { COUNTER_SK, counterSk, dayPk } from './admission-keys';

/**
 * Quota of shard `shard` when `quota` is split over `shards` items: the remainder goes to the first shards, so
 * the shares sum to the quota exactly (a shard may get 0 when quota < shards).
 */
export const shardQuota = (quota: number, shard: number, shards: number) =>
  Math.floor(quota / shards) + (shard < quota % shards ? 1 : 0);

/**
 * A shard an instance saw exhausted is tried last for this long, ms, so the fall-over does not keep paying rejected
 * conditional writes (which consume write capacity) on shards known to be full.
 */
const EXHAUSTED_SHARD_TTL_MS = 1_000;

/** A counter shard as stored: its sort key, `admitted`, and `countedAt` (epoch ms of its last count, if recorded). */
export interface Shard {
  readonly counter: string;
  readonly admitted: number;
  readonly countedAt?: number;
}

/** One admission counted on a shard: its rank and the shard's sort key. */
export interface Counted {
  readonly rank: number;
  readonly counter: string;
}

/**
 * The counter items of a campaign day in the admission table (step 1 of DynamoDbAdmissionStore's admission): with
 * K = `counterShards` items, `admitted` of shard s never exceeds {@link shardQuota}, so the day never exceeds its
 * quota. Remembers, per instance, the shards it saw exhausted.
 */
export class DynamoDbCounterShards {
  /** Shards this instance saw exhausted (`pk#shard`) -> when to try them again, epoch ms. */
  private readonly exhausted = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Counts one admission on a shard with quota left, starting at a random one and falling over to the next ones;
   * undefined when every shard is exhausted (sold out), 'CLOSED' when the day was closed. The rank is
   * `shard + 1 + K x (seq - 1)`: unique per day, in arrival order within a shard. A shard this instance saw
   * exhausted within {@link EXHAUSTED_SHARD_TTL_MS} is tried after the others rather than first, and never skipped,
   * so a unit given back is always found. A sold-out day costs K rejected writes per request only until the issue
   * function's sold-out cache answers from memory (one such request per instance per 2 s).
   */
  async count(request: AdmitRequest): Promise<Counted | 'CLOSED' | undefined> {
    const pk = dayPk(request.day);
    const shards = request.counterShards ?? 1;
    const first = Math.floor(Math.random() * shards);
    const order = Array.from({ length: shards }, (_, i) => (first + i) % shards);
    const now = Date.now();
    const seenExhausted = (shard: number) => (this.exhausted.get(`${pk}#${shard}`) ?? 0) > now;
    for (const shard of [...order.filter((s) => !seenExhausted(s)), ...order.filter(seenExhausted)]) {
      const quota = shardQuota(request.quota, shard, shards);
      if (quota === 0) continue;
      const counter = counterSk(shard, shards);
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: counter },
            // countedAt (epoch ms) lets reconciliation prove that no admission counted here is still running.
            UpdateExpression: 'SET expiresAt = :exp, countedAt = :now ADD admitted :one, seq :one',
            ConditionExpression:
              'attribute_not_exists(closed) AND (attribute_not_exists(admitted) OR admitted < :quota)',
            ExpressionAttributeValues: { ':one': 1, ':quota': quota, ':exp': request.expiresAt, ':now': Date.now() },
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        this.exhausted.delete(`${pk}#${shard}`);
        return { rank: shard + 1 + shards * ((Attributes?.seq as number) - 1), counter };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (error.Item?.closed) return 'CLOSED';
        this.exhausted.set(`${pk}#${shard}`, now + EXHAUSTED_SHARD_TTL_MS);
      }
    }
    return undefined;
  }

  /** The update that gives `units` (default 1) of quota back to the counter shard `counter` (ranks are not reused). */
  uncountInput(day: CampaignDay, counter: string, units = 1) {
    return {
      TableName: this.tableName,
      Key: { pk: dayPk(day), sk: counter },
      UpdateExpression: 'ADD admitted :minus',
      ExpressionAttributeValues: { ':minus': -units } as Record<string, unknown>,
    };
  }

  /** Gives one unit of quota back to the counter shard `counter`. */
  async uncount(day: CampaignDay, counter: string): Promise<void> {
    await this.client.send(new UpdateCommand(this.uncountInput(day, counter)));
  }

  /**
   * Marks every counter shard of the day `closed` (creating the items when the day has not started), so the
   * counting write's condition rejects every later admission. Idempotent. `expiresAt` is epoch seconds.
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

  /**
   * The day's counter shards as stored: sort key, `admitted`, and `countedAt` (epoch ms of the last count; absent on
   * items last counted before it was recorded). Strongly consistent.
   */
  async shards(day: CampaignDay): Promise<Shard[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :counter)',
        ExpressionAttributeValues: { ':pk': dayPk(day), ':counter': COUNTER_SK },
        ProjectionExpression: 'sk, admitted, countedAt',
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map((item) => ({ counter: item.sk, admitted: item.admitted ?? 0, countedAt: item.countedAt }));
  }

  /**
   * Gives `units` back to `shard` if it is exactly as read: `admitted` and `countedAt` unchanged (no count, release
   * or give-back since). Returns whether it did.
   */
  async giveBack(day: CampaignDay, shard: Shard, units: number): Promise<boolean> {
    const input = this.uncountInput(day, shard.counter, units);
    input.ExpressionAttributeValues[':admitted'] = shard.admitted;
    input.ExpressionAttributeValues[':countedAt'] = shard.countedAt;
    try {
      await this.client.send(
        new UpdateCommand({ ...input, ConditionExpression: 'admitted = :admitted AND countedAt = :countedAt' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The sum of the day's counter shards (one item unless the campaign is sharded). */
  async admittedCount(day: CampaignDay): Promise<number> {
    return (await this.shards(day)).reduce((sum, shard) => sum + shard.admitted, 0);
  }
}
