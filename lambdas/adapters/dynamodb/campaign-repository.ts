import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignRepository } from '../../domain/admission';
import type { Campaign } from '../../domain/campaign';
import type { Clock } from '../../domain/clock';
import { CampaignExistsError } from '../../domain/errors';

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
}
