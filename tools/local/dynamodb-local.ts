import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type KeySchema,
  PENDING_ADMISSIONS_INDEX,
  PENDING_ADMISSIONS_INDEX_ATTRIBUTES,
  PENDING_ADMISSIONS_INDEX_KEYS,
  TABLE_KEYS,
  USER_COUPONS_INDEX,
  USER_COUPONS_INDEX_KEYS,
  VENDORS_INDEX,
  VENDORS_INDEX_ATTRIBUTES,
  VENDORS_INDEX_KEYS,
} from '../../src/contract/names';

/** A client for DynamoDB Local at `endpoint` (any credentials are accepted there). */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
}

/**
 * Creates an on-demand table with the key attributes of one of the stack's tables ({@link TABLE_KEYS}): the
 * AdmissionTable's (`pk`, `sk`) unless told otherwise (for the VendorTable with its index, {@link createVendorTable}).
 */
export async function createAdmissionTable(
  client: DynamoDBClient,
  tableName: string,
  keys: KeySchema = TABLE_KEYS.admission,
): Promise<void> {
  if (keys !== TABLE_KEYS.admission) {
    await client.send(
      new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', ...keySchema(keys) }),
    );
    return;
  }
  const table = keySchema(keys);
  const index = keySchema(PENDING_ADMISSIONS_INDEX_KEYS);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: table.KeySchema,
      AttributeDefinitions: [...table.AttributeDefinitions, ...index.AttributeDefinitions],
      GlobalSecondaryIndexes: [
        {
          IndexName: PENDING_ADMISSIONS_INDEX,
          KeySchema: index.KeySchema,
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...PENDING_ADMISSIONS_INDEX_ATTRIBUTES] },
        },
      ],
    }),
  );
}

/** CreateTable's KeySchema and AttributeDefinitions for `keys` (string attributes). */
function keySchema(keys: KeySchema) {
  const names = keys.sortKey === undefined ? [keys.partitionKey] : [keys.partitionKey, keys.sortKey];
  return {
    KeySchema: names.map((name, i) => ({
      AttributeName: name,
      KeyType: i === 0 ? ('HASH' as const) : ('RANGE' as const),
    })),
    AttributeDefinitions: names.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
  };
}

/** Creates an on-demand table shaped like the stack's CouponTable: {@link TABLE_KEYS}.coupon, index USER_COUPONS_INDEX. */
export async function createCouponTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const table = keySchema(TABLE_KEYS.coupon);
  const index = keySchema(USER_COUPONS_INDEX_KEYS);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: table.KeySchema,
      AttributeDefinitions: [...table.AttributeDefinitions, ...index.AttributeDefinitions],
      GlobalSecondaryIndexes: [
        { IndexName: USER_COUPONS_INDEX, KeySchema: index.KeySchema, Projection: { ProjectionType: 'ALL' } },
      ],
    }),
  );
}

/** Creates an on-demand table shaped like the stack's VendorTable: {@link TABLE_KEYS}.vendor, sparse index VENDORS_INDEX. */
export async function createVendorTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const table = keySchema(TABLE_KEYS.vendor);
  const index = keySchema(VENDORS_INDEX_KEYS);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: table.KeySchema,
      // vendorId is a key of both; declared once.
      AttributeDefinitions: [
        ...table.AttributeDefinitions,
        ...index.AttributeDefinitions.filter((a) => a.AttributeName !== TABLE_KEYS.vendor.partitionKey),
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: VENDORS_INDEX,
          KeySchema: index.KeySchema,
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...VENDORS_INDEX_ATTRIBUTES] },
        },
      ],
    }),
  );
}
