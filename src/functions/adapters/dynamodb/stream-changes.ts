import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Coupon } from '../../domain/coupon/coupon';
import type { DataChange, ParkingState } from '../../domain/events/data-change';
import type { CheckoutRedemption } from '../../domain/vendor/checkout';
import { STATS_SK } from './admission-keys';
import { ORDER_SK_PREFIX } from './redemption-ledger';

/** The tables whose streams the publisher reads, by name (the construct's tables, src/construct/data.ts). */
export interface StreamTables {
  readonly coupon: string;
  readonly vendor: string;
  readonly admission: string;
  readonly failedEvent: string;
}

type Item = Record<string, unknown>;

/** The table name of a stream ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`). */
export function tableOfStreamArn(arn: string): string | undefined {
  return /:table\/([^/]+)\/stream\//.exec(arn)?.[1];
}

/** The record's image, unmarshalled, or undefined. */
function image(record: DynamoDBRecord, which: 'OldImage' | 'NewImage'): Item | undefined {
  const attributes = record.dynamodb?.[which];
  return attributes === undefined ? undefined : unmarshall(attributes as Record<string, AttributeValue>);
}

/** `dayPk` (`campaignId#issueDate`, src/functions/adapters/dynamodb/admission-keys.ts) split back. */
function dayOfPk(pk: string): { campaignId: string; issueDate: string } | undefined {
  const at = pk.lastIndexOf('#');
  return at <= 0 ? undefined : { campaignId: pk.slice(0, at), issueDate: pk.slice(at + 1) };
}

/** A redemption item without its sort key. */
function redemptionOf(item: Item | undefined): CheckoutRedemption | undefined {
  if (item === undefined) return undefined;
  const { sk: _sk, ...redemption } = item;
  return redemption as unknown as CheckoutRedemption;
}

/**
 * Decodes one stream record of the tables in `tables` (stream view NEW_AND_OLD_IMAGES) into the change it reports:
 * the coupon table's coupons, the vendor table's redemption items (sort key `ORDER#<orderId>`), the admission
 * table's STATS items (the day's persisted count) and the failed-event table's records. Every other item, and a
 * record of another table, is `other`.
 */
export function changeOfRecord(record: DynamoDBRecord, tables: StreamTables): DataChange {
  const table = tableOfStreamArn(record.eventSourceARN ?? '');
  const before = image(record, 'OldImage');
  const after = image(record, 'NewImage');
  const sk = (after ?? before)?.sk;
  switch (table) {
    case tables.coupon:
      return { entity: 'coupon', before: before as Coupon | undefined, after: after as Coupon | undefined };
    case tables.vendor:
      return typeof sk === 'string' && sk.startsWith(ORDER_SK_PREFIX)
        ? { entity: 'redemption', before: redemptionOf(before), after: redemptionOf(after) }
        : { entity: 'other' };
    case tables.admission: {
      const day = sk === STATS_SK ? dayOfPk(String((after ?? before)?.pk ?? '')) : undefined;
      if (day === undefined) return { entity: 'other' };
      const seconds = record.dynamodb?.ApproximateCreationDateTime ?? 0;
      return {
        entity: 'dayStats',
        day,
        persistedBefore: Number(before?.persisted ?? 0),
        persistedAfter: Number(after?.persisted ?? 0),
        changedAt: new Date(seconds * 1000).toISOString(),
      };
    }
    case tables.failedEvent:
      return {
        entity: 'failedEvent',
        before: before as ParkingState | undefined,
        after: after as ParkingState | undefined,
      };
    default:
      return { entity: 'other' };
  }
}
