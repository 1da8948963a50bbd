import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { admissionDayOf } from '../../domain/coupon/admission-message';
import type {
  FailedEventFilter,
  FailedEventRecord,
  FailedEventStatus,
  FailedEventView,
} from '../../domain/failed-events/failed-event';
import type { FailedEventStore } from '../../domain/failed-events/ports';
import type { Page, PageRequest } from '../../domain/kernel/page';
import { batchGetKeys } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';

/** Scan rounds one page may take to find `limit` matching records before it answers with fewer. */
const MAX_SCAN_ROUNDS = 10;

/**
 * Failure records (FailedEventRecord, src/functions/domain/failed-events/failed-event.ts) in the failed-event table (key `failedEventId`), with
 * `status`, `attempts`, `firstFailedAt`, `updatedAt` and, once parked, `parkedAt` (ISO-8601 UTC); `campaignId`
 * and `issueDate` when the body is an admission; `redrivenAt`, `redrivenBy`, `redriveCount` once redriven.
 * The table holds only what failed, so listings scan it with filters (no index to keep).
 */
export class DynamoDbFailedEventStore implements FailedEventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records one failed replay attempt and returns the attempts so far (1 on the first failure).
   * @param park true to mark the record PARKED (replay gives up on it).
   */
  async recordFailure(failure: FailedEventRecord, park: boolean, now: Date): Promise<number> {
    const day = admissionDayOf(failure.body);
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { failedEventId: failure.failedEventId },
        UpdateExpression:
          'SET body = :body, lastError = :error, reason = :reason, attributes = :attributes, #status = :status, ' +
          `updatedAt = :now, firstFailedAt = if_not_exists(firstFailedAt, :now)${day ? ', campaignId = :campaignId, issueDate = :issueDate' : ''} ` +
          'ADD attempts :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':body': failure.body,
          ':error': failure.error,
          ':reason': failure.reason,
          ':attributes': failure.attributes,
          ':status': park ? 'PARKED' : 'RETRYING',
          ':now': now.toISOString(),
          ':one': 1,
          ...(day ? { ':campaignId': day.campaignId, ':issueDate': day.issueDate } : {}),
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
  async statuses(failedEventIds: readonly string[]): Promise<Map<string, FailedEventStatus>> {
    const items = await batchGetKeys(this.client, this.tableName, 'failedEventId', failedEventIds, [
      'failedEventId',
      'status',
    ]);
    return new Map(items.map((item) => [item.failedEventId as string, item.status as FailedEventStatus]));
  }

  /** Removes the record of a message that a later replay applied. */
  async resolve(failedEventId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { failedEventId } }));
  }

  async page(filter: FailedEventFilter, page: PageRequest): Promise<Page<FailedEventView>> {
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      conditions.push(`#${name} = :${name}`);
      names[`#${name}`] = name;
      values[`:${name}`] = value;
    }
    const items: FailedEventView[] = [];
    let startKey = decodeCursor(page.cursor, ['failedEventId']) as Record<string, unknown> | undefined;
    // Each round examines at most the items still wanted, so a page never overflows and its cursor is exact.
    for (let round = 0; round < MAX_SCAN_ROUNDS && items.length < page.limit; round++) {
      const { Items, LastEvaluatedKey } = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          Limit: page.limit - items.length,
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
          ...(conditions.length > 0
            ? {
                FilterExpression: conditions.join(' AND '),
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              }
            : {}),
        }),
      );
      items.push(...((Items ?? []) as FailedEventView[]));
      startKey = LastEvaluatedKey;
      if (!startKey) break;
    }
    const nextCursor = encodeCursor(startKey);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  async get(failedEventId: string): Promise<FailedEventView | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { failedEventId }, ConsistentRead: true }),
    );
    return Item as FailedEventView | undefined;
  }

  async markRedriven(failedEventId: string, principal: string, now: Date): Promise<FailedEventView> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { failedEventId },
        UpdateExpression:
          'SET #status = :redriven, redrivenAt = :now, redrivenBy = :by, updatedAt = :now ADD redriveCount :one',
        ConditionExpression: 'attribute_exists(failedEventId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':redriven': 'REDRIVEN', ':now': now.toISOString(), ':by': principal, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as FailedEventView;
  }
}
