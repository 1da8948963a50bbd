import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FailureStatus } from '../../domain/reconcile';
import { batchGetKeys } from './batch-get';

/**
 * A dead-lettered message that replay could not apply (the "FailedEvent" of the source designs), keyed by the
 * coupon id of the admission it carries (so reconciliation can look it up), or `message#<SQS message id>` for a
 * body that is not an admission. `status` is RETRYING while replay still tries it and PARKED once it gave up (the message then
 * lives only here, with its original body and last error).
 */
export interface FailureRecord {
  readonly failedEventId: string;
  /** Original message body, unchanged. */
  readonly body: string;
  readonly error: string;
  /** `POISON`: can never succeed (bad body, unknown campaign); `ERROR`: a failure that may be transient. */
  readonly reason: 'POISON' | 'ERROR';
  /** SQS message attributes (SentTimestamp, ApproximateReceiveCount, ...). */
  readonly attributes: Record<string, string>;
}

/** Failure records in the failed-events table (key `failedEventId`). */
export class DynamoDbFailedEventStore {
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
