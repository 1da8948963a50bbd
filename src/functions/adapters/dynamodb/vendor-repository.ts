import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { VENDORS_INDEX, VENDORS_INDEX_KEYS, VENDORS_INDEX_PARTITION } from '../../../contract/names';
import { VendorExistsError } from '../../domain/kernel/errors';
import type { Page, PageRequest } from '../../domain/kernel/page';
import type { VendorRepository } from '../../domain/vendor/ports';
import type { Settlement, SettlementEntry, Vendor } from '../../domain/vendor/vendor';
import { decodeCursor, encodeCursor } from './cursor';

/** Sort key of a vendor's profile item, which also holds its settlement account (`balance`, `redemptions`, `refunds`). */
export const VENDOR_SK = 'PROFILE';
/** Sort key of a ledger entry: `CREDIT#<redeemedAt>#<couponId>`, so a query lists entries oldest first. */
export const creditSk = (redeemedAt: string, couponId: string) => `CREDIT#${redeemedAt}#${couponId}`;

/**
 * Vendors in the vendor table (key `vendorId`, `sk`): one PROFILE item per vendor, one CREDIT item per ledger
 * entry (a redemption's credit or a refund's reversal) and one ORDER item per checkout redemption. The redemption
 * ledger (redemption-ledger.ts) writes the entries, the balance and the redemptions, in one transaction each.
 * PROFILE items carry `listing` = VENDORS_INDEX_PARTITION, which puts them (and only them) in the sparse index
 * VENDORS_INDEX.
 */
export class DynamoDbVendorRepository implements VendorRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(vendorId: string): Promise<Vendor | undefined> {
    return (await this.account(vendorId))?.vendor;
  }

  async create(vendor: Vendor): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...vendor,
            sk: VENDOR_SK,
            [VENDORS_INDEX_KEYS.partitionKey]: VENDORS_INDEX_PARTITION,
            balance: 0,
            redemptions: 0,
          },
          ConditionExpression: 'attribute_not_exists(vendorId)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VendorExistsError(vendor.vendorId);
      throw error;
    }
  }

  async account(vendorId: string): Promise<{ vendor: Vendor; settlement: Settlement } | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { vendorId, sk: VENDOR_SK }, ConsistentRead: true }),
    );
    if (!item) return undefined;
    const currency = item.currency as string;
    return {
      vendor: { vendorId, name: item.name as string, currency, createdAt: item.createdAt as string },
      settlement: {
        vendorId,
        currency,
        balance: (item.balance as number | undefined) ?? 0,
        redemptions: (item.redemptions as number | undefined) ?? 0,
        refunds: (item.refunds as number | undefined) ?? 0,
      },
    };
  }

  /**
   * One query of the sparse index VENDORS_INDEX: vendors only (never a credit), by `vendorId`. Index reads are
   * eventually consistent, so a vendor created a moment ago may be missing from the list for that moment.
   */
  async page(page: PageRequest): Promise<Page<Vendor>> {
    const partition = VENDORS_INDEX_KEYS.partitionKey;
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: VENDORS_INDEX,
        KeyConditionExpression: '#listing = :vendor',
        ExpressionAttributeNames: { '#listing': partition },
        ExpressionAttributeValues: { ':vendor': VENDORS_INDEX_PARTITION },
        Limit: page.limit,
        // An index query's key: the table's keys and the index's.
        ExclusiveStartKey: decodeCursor(page.cursor, ['vendorId', 'sk', partition], {
          [partition]: VENDORS_INDEX_PARTITION,
          sk: VENDOR_SK,
        }),
      }),
    );
    const items = (Items ?? []).map(
      (item): Vendor => ({
        vendorId: item.vendorId as string,
        name: item.name as string,
        currency: item.currency as string,
        createdAt: item.createdAt as string,
      }),
    );
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  async entries(vendorId: string, page: PageRequest): Promise<Page<SettlementEntry>> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'vendorId = :v AND begins_with(sk, :credit)',
        ExpressionAttributeValues: { ':v': vendorId, ':credit': 'CREDIT#' },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, ['vendorId', 'sk'], { vendorId }),
        ConsistentRead: true,
      }),
    );
    const items = (Items ?? []).map(
      (item): SettlementEntry => ({
        kind: (item.kind as SettlementEntry['kind'] | undefined) ?? 'REDEMPTION',
        ...(item.redemptionId ? { redemptionId: item.redemptionId as string } : {}),
        couponId: item.couponId as string,
        campaignId: item.campaignId as string,
        orderId: item.orderId as string,
        amount: item.amount as number,
        redeemedAt: item.redeemedAt as string,
      }),
    );
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }
}
