import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type StreamViewType,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type PhysicalResource,
  resourcesOfType,
  type SynthesizedStack,
} from '../template';

/**
 * Creates the template's AWS::DynamoDB::Table resources in DynamoDB Local: on demand, with their key schema, global
 * secondary indexes (key schema and projection), time to live and stream (StreamSpecification.StreamViewType,
 * which DynamoDB Local supports). Records each table's name (`Ref`), ARN and, with a stream, its `StreamArn`
 * (the LatestStreamArn DynamoDB Local answers, `arn:aws:dynamodb:ddblocal:000000000000:table/<name>/stream/<label>`)
 * in `physical`, so later resources (stream event source mappings) resolve their references to it.
 * @returns table name by logical id.
 * @throws the DynamoDB error when a table cannot be created (e.g. it exists already); Error when a table with a
 *   stream gets no stream ARN.
 */
export async function provisionTables(
  stack: SynthesizedStack,
  dynamodb: DynamoDBClient,
  physical: Record<string, PhysicalResource>,
): Promise<Record<string, string>> {
  const tables: Record<string, string> = {};
  for (const [id, table] of resourcesOfType(stack, 'AWS::DynamoDB::Table')) {
    const p = table.Properties ?? {};
    const name = (p.TableName as string | undefined) ?? id;
    const streamView = (p.StreamSpecification as { StreamViewType?: StreamViewType } | undefined)?.StreamViewType;
    const created = await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: p.KeySchema as KeySchemaElement[],
        AttributeDefinitions: p.AttributeDefinitions as AttributeDefinition[],
        ...(p.GlobalSecondaryIndexes
          ? {
              GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as GlobalSecondaryIndex[]).map((g) => ({
                IndexName: g.IndexName,
                KeySchema: g.KeySchema,
                Projection: g.Projection,
              })),
            }
          : {}),
        ...(streamView ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamView } } : {}),
      }),
    );
    const streamArn = created.TableDescription?.LatestStreamArn;
    if (streamView && !streamArn) throw new Error(`table ${name}: DynamoDB Local answered no LatestStreamArn`);
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    if (ttl?.Enabled && ttl.AttributeName) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
        }),
      );
    }
    tables[id] = name;
    physical[id] = {
      ref: name,
      attributes: {
        Arn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`,
        ...(streamArn ? { StreamArn: streamArn } : {}),
      },
    };
  }
  return tables;
}
