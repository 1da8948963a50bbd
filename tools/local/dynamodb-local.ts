import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { USER_COUPONS_INDEX } from '../../src/contract/names';

/** A client for DynamoDB Local at `endpoint` (any credentials are accepted there). */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
}

/**
 * Creates an on-demand table shaped like the stack's AdmissionTable (`pk`, `sk` strings), or with other key names
 * (the VendorTable: `vendorId`, `sk`).
 */
export async function createAdmissionTable(
  client: DynamoDBClient,
  tableName: string,
  [hash, range] = ['pk', 'sk'],
): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: hash, KeyType: 'HASH' },
        { AttributeName: range, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: hash, AttributeType: 'S' },
        { AttributeName: range, AttributeType: 'S' },
      ],
    }),
  );
}

/** Creates an on-demand table shaped like the stack's CouponTable: key `couponId`, index USER_COUPONS_INDEX. */
export async function createCouponTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'couponId', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'couponId', AttributeType: 'S' },
        { AttributeName: 'userId', AttributeType: 'S' },
        { AttributeName: 'admittedAt', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: USER_COUPONS_INDEX,
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'admittedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}
