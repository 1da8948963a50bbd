import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import {
  changeOfRecord,
  type StreamTables,
  tableOfStreamArn,
} from '../../../../src/functions/adapters/dynamodb/stream-changes';

const tables: StreamTables = { coupon: 'Coupons', vendor: 'Vendors', admission: 'Admissions', failedEvent: 'Failed' };

/** A stream record of `table` as Lambda delivers it (NEW_AND_OLD_IMAGES). */
function record(
  table: string,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { old?: Record<string, unknown>; new?: Record<string, unknown> },
): DynamoDBRecord {
  return {
    eventName,
    eventSourceARN: `arn:aws:dynamodb:eu-west-1:111111111111:table/${table}/stream/2026-12-07T00:00:00.000`,
    dynamodb: {
      ApproximateCreationDateTime: 1_780_000_000,
      SequenceNumber: '100',
      ...(images.old ? { OldImage: marshall(images.old) as never } : {}),
      ...(images.new ? { NewImage: marshall(images.new) as never } : {}),
    },
  };
}

describe('adapter: DynamoDB stream changes', () => {
  it('reads the table name of a stream ARN', () => {
    expect(tableOfStreamArn('arn:aws:dynamodb:eu-west-1:1:table/Shop-Coupons-X/stream/2026-12-07T00:00:00.000')).toBe(
      'Shop-Coupons-X',
    );
    expect(tableOfStreamArn('arn:aws:sqs:eu-west-1:1:queue')).toBeUndefined();
  });

  it('decodes a new coupon, a redemption refunded, a STATS count and a parked record; other items are other', () => {
    // Prepare
    const coupon = { couponId: 'k1', campaignId: 'c1', rank: 2, status: 'ISSUED' };
    const order = { vendorId: 'v1', sk: 'ORDER#o1', redemptionId: 'r1', status: 'REDEEMED' };
    // Act
    const changes = [
      changeOfRecord(record('Coupons', 'INSERT', { new: coupon }), tables),
      changeOfRecord(record('Vendors', 'MODIFY', { old: order, new: { ...order, status: 'REFUNDED' } }), tables),
      changeOfRecord(
        record('Vendors', 'MODIFY', { old: { vendorId: 'v1', sk: 'PROFILE' }, new: { vendorId: 'v1', sk: 'PROFILE' } }),
        tables,
      ),
      changeOfRecord(
        record('Admissions', 'MODIFY', {
          old: { pk: 'c1#2026-05-01', sk: 'STATS', persisted: 4 },
          new: { pk: 'c1#2026-05-01', sk: 'STATS', persisted: 6 },
        }),
        tables,
      ),
      changeOfRecord(
        record('Admissions', 'INSERT', { new: { pk: 'c1#2026-05-01', sk: 'STATS', redeemed: 1 } }),
        tables,
      ),
      changeOfRecord(record('Admissions', 'INSERT', { new: { pk: 'c1#2026-05-01', sk: 'USER#u1', rank: 1 } }), tables),
      changeOfRecord(
        record('Failed', 'MODIFY', {
          old: { failedEventId: 'f1', status: 'RETRYING' },
          new: { failedEventId: 'f1', status: 'PARKED' },
        }),
        tables,
      ),
      changeOfRecord(record('Elsewhere', 'INSERT', { new: { id: 'x' } }), tables),
    ];
    // Assess
    expect(changes).toEqual([
      { entity: 'coupon', before: undefined, after: coupon },
      {
        entity: 'redemption',
        before: { vendorId: 'v1', redemptionId: 'r1', status: 'REDEEMED' },
        after: { vendorId: 'v1', redemptionId: 'r1', status: 'REFUNDED' },
      },
      { entity: 'other' },
      {
        entity: 'dayStats',
        day: { campaignId: 'c1', issueDate: '2026-05-01' },
        persistedBefore: 4,
        persistedAfter: 6,
        changedAt: '2026-05-28T20:26:40.000Z',
      },
      {
        entity: 'dayStats',
        day: { campaignId: 'c1', issueDate: '2026-05-01' },
        persistedBefore: 0,
        persistedAfter: 0,
        changedAt: '2026-05-28T20:26:40.000Z',
      },
      { entity: 'other' },
      {
        entity: 'failedEvent',
        before: { failedEventId: 'f1', status: 'RETRYING' },
        after: { failedEventId: 'f1', status: 'PARKED' },
      },
      { entity: 'other' },
    ]);
  });
});
