import { CreateTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { createAdmissionTable, createCouponTable, localDynamoDbClient } from '../local/dynamodb-local';
import { type Emulator, startDynamoDbLocal, startRedisServer } from '../local/emulators';
import { startUpstashBridge, type UpstashBridge } from '../local/upstash-bridge';
import { StreamTail } from './stream-tail';

// The real backends every run of the explorer talks to: DynamoDB Local (admission, coupon and failed-event tables)
// (with their streams, which the events' publisher reads: tools/explorer/events.ts) and redis-server behind the
// Upstash REST bridge. SQS is the in-memory model (tools/explorer/sqs-model.ts), whose time
// the explorer controls. Runs share them and keep apart by campaign id.

/** Where the backends listen and the tables they hold. */
export interface Backends {
  readonly dynamodbEndpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly redisUrl: string;
  readonly redisToken: string;
  readonly tables: { readonly admission: string; readonly coupon: string; readonly failedEvent: string };
  /** The tables' streams, read from where the last run stopped. */
  readonly tail: StreamTail;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local, redis-server and the bridge (logs under `logDir`) and creates the tables. */
export async function startBackends(logDir: string): Promise<Backends> {
  const [dynamo, redisServer] = await Promise.all([startDynamoDbLocal(logDir), startRedisServer(logDir)]);
  let bridge: UpstashBridge | undefined;
  const emulators: Emulator[] = [dynamo, redisServer];
  try {
    bridge = await startUpstashBridge({ redisPort: redisServer.port, token: 'explorer' });
    const client = localDynamoDbClient(dynamo.endpoint);
    const tables = { admission: 'explorer-admission', coupon: 'explorer-coupon', failedEvent: 'explorer-failed' };
    await createAdmissionTable(client, tables.admission);
    await createCouponTable(client, tables.coupon);
    await client.send(
      new CreateTableCommand({
        TableName: tables.failedEvent,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'failedEventId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'failedEventId', AttributeType: 'S' }],
      }),
    );
    for (const TableName of Object.values(tables)) {
      await client.send(
        new UpdateTableCommand({
          TableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      );
    }
    client.destroy();
    const credentials = { accessKeyId: 'explorer', secretAccessKey: 'explorer' };
    const tail = new StreamTail(dynamo.endpoint, credentials, Object.values(tables));
    const started = bridge;
    return {
      dynamodbEndpoint: dynamo.endpoint,
      credentials,
      tail,
      redisUrl: started.url,
      redisToken: started.token,
      tables,
      stop: async () => {
        tail.destroy();
        await started.stop();
        await Promise.all(emulators.map((e) => e.stop()));
      },
    };
  } catch (error) {
    await bridge?.stop();
    await Promise.all(emulators.map((e) => e.stop()));
    throw error;
  }
}
