import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FailureLog, FailureRecord, FailureStatus } from '../../domain/ports';
import { batchGetKeys } from './batch-get';

/**
 * Failure records (FailureRecord, domain/ports.ts) in the failed-event table (key `failedEventId`), with
 * `status`, `attempts`, `firstFailedAt`, `updatedAt` and, once parked, `parkedAt` (ISO-8601 UTC).
 */
export class DynamoDbFailedEventStore implements FailureLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records one failed replay attempt and returns the attempts so far (1 on the first failure).
   * @param park true to mark the record PARKED (replay gives up on it).
   */
  async recordFailure(failure: FailureRecord, park: boolean, now: Date): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { failedEventId: failure.failedEventId },
        UpdateExpression:
          'SET body = :body, lastError = :error, reason = :reason, attributes = :attributes, #status = :status, ' +
          'updatedAt = :now, firstFailedAt = if_not_exists(firstFailedAt, :now) ADD attempts :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':body': failure.body,
          ':error': failure.error,
          ':reason': failure.reason,
          ':attributes': failure.attributes,
          ':status': park ? 'PARKED' : 'RETRYING',
          ':now': now.toISOString(),
          ':one': 1,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return (Attributes?.attempts as number | undefined) ?? 1;
  }

  /** Marks a record PARKED (after {@link recordFailure} reached the attempt limit). */
  async park(failedEventId: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { failedEventId },
        UpdateExpression: 'SET #status = :parked, parkedAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':parked': 'PARKED', ':now': now.toISOString() },
      }),
    );
  }

  /** Status of each existing record among `failedEventIds`. */
  async statuses(failedEventIds: readonly string[]): Promise<Map<string, FailureStatus>> {
    const items = await batchGetKeys(this.client, this.tableName, 'failedEventId', failedEventIds, [
      'failedEventId',
      'status',
    ]);
    return new Map(items.map((item) => [item.failedEventId as string, item.status as FailureStatus]));
  }

  /** Removes the record of a message that a later replay applied. */
  async resolve(failedEventId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { failedEventId } }));
  }
}
