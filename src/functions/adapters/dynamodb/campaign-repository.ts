import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '../../domain/campaign/campaign';
import type { CampaignRepository } from '../../domain/campaign/ports';
import type { Clock } from '../../domain/kernel/clock';
import { CampaignConflictError, CampaignExistsError, CampaignNotFoundError } from '../../domain/kernel/errors';
import type { Page, PageRequest } from '../../domain/kernel/page';
import { decodeCursor, encodeCursor } from './cursor';

/** Campaigns in DynamoDB (key `campaignId`), with an optional per-instance read cache. */
export class DynamoDbCampaignRepository implements CampaignRepository {
  private readonly cache = new Map<string, { campaign: Campaign; until: number }>();

  /**
   * @param cacheTtlMs how long a campaign read stays cached in this instance, ms (0 disables). The issue path
   *   reads the campaign on every request; caching keeps a burst from becoming a burst of reads.
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly cacheTtlMs = 0,
  ) {}

  async get(campaignId: string): Promise<Campaign | undefined> {
    const now = this.clock().getTime();
    const hit = this.cache.get(campaignId);
    if (hit && hit.until > now) return hit.campaign;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { campaignId } }));
    const campaign = Item as Campaign | undefined;
    if (campaign && this.cacheTtlMs > 0) this.cache.set(campaignId, { campaign, until: now + this.cacheTtlMs });
    return campaign;
  }

  remember(campaigns: readonly Campaign[]): void {
    if (this.cacheTtlMs <= 0) return;
    const until = this.clock().getTime() + this.cacheTtlMs;
    for (const campaign of campaigns) this.cache.set(campaign.campaignId, { campaign, until });
  }

  async create(campaign: Campaign): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: campaign,
          ConditionExpression: 'attribute_not_exists(campaignId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new CampaignExistsError(campaign.campaignId);
      throw error;
    }
  }

  async list(): Promise<Campaign[]> {
    const campaigns: Campaign[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start }));
      campaigns.push(...((page.Items ?? []) as Campaign[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return campaigns;
  }

  async page(page: PageRequest): Promise<Page<Campaign>> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, ['campaignId']),
      }),
    );
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items: (Items ?? []) as Campaign[], ...(nextCursor ? { nextCursor } : {}) };
  }

  async replace(campaign: Campaign): Promise<void> {
    const previous = (campaign.version ?? 1) - 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: campaign,
          // Campaigns stored before versions existed count as version 0.
          ConditionExpression:
            'attribute_exists(campaignId) AND attribute_not_exists(closedAt) AND ' +
            (previous === 0 ? '(attribute_not_exists(version) OR version = :v)' : 'version = :v'),
          ExpressionAttributeValues: { ':v': previous },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new CampaignConflictError(campaign.campaignId);
      throw error;
    }
    this.cache.delete(campaign.campaignId);
  }

  async close(campaignId: string, closedAt: string): Promise<Campaign> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { campaignId },
          UpdateExpression:
            'SET closedAt = if_not_exists(closedAt, :now), version = if_not_exists(version, :zero) + :one',
          ConditionExpression: 'attribute_exists(campaignId)',
          ExpressionAttributeValues: { ':now': closedAt, ':zero': 0, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      this.cache.delete(campaignId);
      return Attributes as Campaign;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new CampaignNotFoundError(campaignId);
      throw error;
    }
  }
}
