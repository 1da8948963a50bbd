import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AdmissionStore, AdmitOutcome, AdmitRequest, CampaignDay } from '../../domain/admission';

/** Partition key of a campaign day in the admission table: `campaignId#issueDate`. */
export const dayPk = (day: CampaignDay) => `${day.campaignId}#${day.issueDate}`;
/** Sort key of the day's counter item (admitted, seq, free ranks, version). */
export const COUNTER_SK = 'COUNTER';
/** Sort key prefix of a user's admission (ledger) item: `USER#<userId>`. */
export const userSk = (userId: string) => `USER#${userId}`;

interface CounterItem {
  admitted?: number;
  seq?: number;
  version?: number;
  free?: Set<number>;
}

/** Tuning of {@link DynamoDbAdmissionStore}. */
export interface DynamoDbAdmissionOptions {
  /** Attempts of the optimistic transaction before giving up (default 200). */
  readonly maxAttempts?: number;
  /** Upper bound of the random backoff between attempts, ms (default 20). */
  readonly maxBackoffMs?: number;
}

/**
 * DynamoDB admission: one counter item per campaign day and one ledger item per admitted user, changed together
 * by TransactWriteItems. The counter update is conditional on the version read (optimistic concurrency), so two
 * requests can never take the same rank or exceed the quota; the user item is conditional on not existing, so a
 * user is admitted once per day. Conflicts are retried with jitter. Within one process, admissions of one day are
 * serialised: concurrent requests of one Lambda instance would only conflict with each other.
 */
export class DynamoDbAdmissionStore implements AdmissionStore {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly maxAttempts: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbAdmissionOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 20;
  }

  async admit(request: AdmitRequest): Promise<AdmitOutcome> {
    const pk = dayPk(request.day);
    // Cheap answers first, outside the per-day queue: repeats and a day already sold out.
    const [counter, user] = await Promise.all([this.counter(pk), this.user(pk, request.userId)]);
    if (user) return this.repeat(user, request);
    if ((counter.admitted ?? 0) >= request.quota) return { kind: 'SOLD_OUT' };
    return this.serialised(pk, () => this.admitWithRetry(pk, request));
  }

  private async admitWithRetry(pk: string, request: AdmitRequest): Promise<AdmitOutcome> {
    for (let attempt = 1; ; attempt++) {
      const counter = await this.counter(pk);
      const admitted = counter.admitted ?? 0;
      if (admitted >= request.quota) return { kind: 'SOLD_OUT' };
      const version = counter.version ?? 0;
      const freed = counter.free ? Math.min(...counter.free) : undefined;
      const rank = freed ?? (counter.seq ?? 0) + 1;
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk, sk: COUNTER_SK },
                  UpdateExpression:
                    freed === undefined
                      ? 'SET admitted = :admitted, seq = :rank, version = :next, expiresAt = :exp'
                      : 'SET admitted = :admitted, version = :next, expiresAt = :exp DELETE free :freed',
                  ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
                  ExpressionAttributeValues: {
                    ':admitted': admitted + 1,
                    ':next': version + 1,
                    ':exp': request.expiresAt,
                    ...(freed === undefined ? { ':rank': rank } : { ':freed': new Set([freed]) }),
                    ...(version === 0 ? {} : { ':version': version }),
                  },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    pk,
                    sk: userSk(request.userId),
                    userId: request.userId,
                    rank,
                    requestId: request.requestId,
                    admittedAt: request.admittedAt,
                    expiresAt: request.expiresAt,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        );
        return { kind: 'ADMITTED', rank, admittedAt: request.admittedAt };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [counterReason, userReason] = error.CancellationReasons ?? [];
        if (userReason?.Code === 'ConditionalCheckFailed') {
          const existing = await this.user(pk, request.userId);
          if (existing) return this.repeat(existing, request);
        }
        const retryable = ['ConditionalCheckFailed', 'TransactionConflict'];
        if (!retryable.includes(counterReason?.Code ?? '') && !retryable.includes(userReason?.Code ?? '')) throw error;
        if (attempt >= this.maxAttempts) throw new Error(`admission still contended after ${attempt} attempts`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * this.maxBackoffMs));
      }
    }
  }

  async release(day: CampaignDay, userId: string, rank: number): Promise<void> {
    const pk = dayPk(day);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk, sk: userSk(userId) },
                ConditionExpression: '#rank = :rank',
                ExpressionAttributeNames: { '#rank': 'rank' },
                ExpressionAttributeValues: { ':rank': rank },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: COUNTER_SK },
                UpdateExpression: 'SET admitted = admitted - :one ADD version :one, free :rank',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':one': 1, ':rank': new Set([rank]) },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // The user no longer holds this rank: nothing to release.
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return;
      throw error;
    }
  }

  async rankOf(day: CampaignDay, userId: string): Promise<number | undefined> {
    return (await this.user(dayPk(day), userId))?.rank;
  }

  async admittedCount(day: CampaignDay): Promise<number> {
    return (await this.counter(dayPk(day))).admitted ?? 0;
  }

  private repeat(user: { rank: number; requestId?: string }, request: AdmitRequest): AdmitOutcome {
    return user.requestId === request.requestId
      ? { kind: 'ADMITTED', rank: user.rank, admittedAt: request.admittedAt }
      : { kind: 'ALREADY_ADMITTED', rank: user.rank };
  }

  private async counter(pk: string): Promise<CounterItem> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: COUNTER_SK }, ConsistentRead: true }),
    );
    return (Item ?? {}) as CounterItem;
  }

  private async user(pk: string, userId: string) {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: userSk(userId) }, ConsistentRead: true }),
    );
    return Item as { rank: number; requestId?: string } | undefined;
  }

  private serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
