import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type AdmissionStore,
  type AdmitOutcome,
  type AdmitRequest,
  type CampaignDay,
  campaignDayKey,
  type LedgerEntry,
} from '../../domain/admission';

/** Partition key of a campaign day in the admission table: `campaignId#issueDate`. */
export const dayPk = campaignDayKey;
/** Sort key of the day's counter item (`admitted`, `seq`). */
export const COUNTER_SK = 'COUNTER';
/** Sort key of a user's admission (ledger) item: `USER#<userId>`, holding rank, requestId, admittedAt. */
export const userSk = (userId: string) => `USER#${userId}`;

interface UserItem {
  userId: string;
  rank: number;
  requestId?: string;
}

/**
 * DynamoDB admission in two conditional writes, with no read-modify-write loop:
 * 1. the day's counter item: `admitted + 1, seq + 1` only if `admitted < quota` (one item, so DynamoDB applies
 *    concurrent updates one at a time: the quota can never be exceeded, and `seq` is the rank);
 * 2. the user's ledger item, only if it does not exist (one admission per user per day).
 * If (2) finds the user already admitted (a concurrent duplicate), (1) is undone and the existing rank returned.
 * A crash between (1) and (2) leaves one unit of quota counted with no user: it can undersell, never oversell
 * (reconciliation compares `admitted` with the ledger items). A released admission leaves a gap in ranks.
 * Concurrent requests of one user: one is ADMITTED, the others ALREADY_ADMITTED; each counted a unit at (1)
 * that it gives back when (2) finds the winner, so for that moment another user may be told SOLD_OUT while a
 * unit is about to free up (never an oversell), and the duplicate's rank is skipped. A duplicate that saw
 * SOLD_OUT re-reads the user, answering ALREADY_ADMITTED unless the winner is between its (1) and (2).
 */
export class DynamoDbAdmissionStore implements AdmissionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async admit(request: AdmitRequest): Promise<AdmitOutcome> {
    const pk = dayPk(request.day);
    const existing = await this.user(pk, request.userId);
    if (existing) return this.repeat(existing, request);

    let rank: number;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: COUNTER_SK },
          UpdateExpression: 'SET expiresAt = :exp ADD admitted :one, seq :one',
          ConditionExpression: 'attribute_not_exists(admitted) OR admitted < :quota',
          ExpressionAttributeValues: { ':one': 1, ':quota': request.quota, ':exp': request.expiresAt },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      rank = Attributes?.seq as number;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Sold out, unless a concurrent request of the same user took the last unit: then it is a repeat.
      const winner = await this.user(pk, request.userId);
      return winner ? this.repeat(winner, request) : { kind: 'SOLD_OUT' };
    }

    try {
      await this.client.send(
        new PutCommand({
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
        }),
      );
      return { kind: 'ADMITTED', rank, admittedAt: request.admittedAt };
    } catch (error) {
      // An ambiguous failure may have written the item: keep the count (undersell at worst, never oversell).
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.uncount(pk);
      const winner =
        (error.Item ? (unmarshall(error.Item) as UserItem) : undefined) ?? (await this.user(pk, request.userId));
      if (!winner) throw new Error('user item vanished during admission');
      return this.repeat(winner, request);
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
            { Update: { ...this.uncountInput(pk), ConditionExpression: 'attribute_exists(pk)' } },
          ],
        }),
      );
    } catch (error) {
      // The user no longer holds this rank: nothing to release.
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return;
      throw error;
    }
  }

  async rankOf(day: CampaignDay, userId: string): Promise<number | undefined> {
    return (await this.user(dayPk(day), userId))?.rank;
  }

  async admittedUsers(day: CampaignDay): Promise<Map<string, number>> {
    return new Map((await this.ledger(day)).map((entry) => [entry.userId, entry.rank]));
  }

  async ledger(day: CampaignDay): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :user)',
          ExpressionAttributeValues: { ':pk': dayPk(day), ':user': 'USER#' },
          ProjectionExpression: 'userId, #rank, admittedAt',
          ExpressionAttributeNames: { '#rank': 'rank' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        entries.push({
          userId: item.userId as string,
          rank: item.rank as number,
          admittedAt: item.admittedAt as string,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return entries.sort((a, b) => a.rank - b.rank);
  }

  async admittedCount(day: CampaignDay): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: dayPk(day), sk: COUNTER_SK }, ConsistentRead: true }),
    );
    return (Item?.admitted as number | undefined) ?? 0;
  }

  private repeat(user: UserItem, request: AdmitRequest): AdmitOutcome {
    return user.requestId === request.requestId
      ? { kind: 'ADMITTED', rank: user.rank, admittedAt: request.admittedAt }
      : { kind: 'ALREADY_ADMITTED', rank: user.rank };
  }

  /** Gives one unit of quota back to the day's counter (the rank is not reused). */
  private uncountInput(pk: string) {
    return {
      TableName: this.tableName,
      Key: { pk, sk: COUNTER_SK },
      UpdateExpression: 'ADD admitted :minus',
      ExpressionAttributeValues: { ':minus': -1 },
    };
  }

  private async uncount(pk: string): Promise<void> {
    await this.client.send(new UpdateCommand(this.uncountInput(pk)));
  }

  private async user(pk: string, userId: string): Promise<UserItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: userSk(userId) }, ConsistentRead: true }),
    );
    return Item as UserItem | undefined;
  }
}
