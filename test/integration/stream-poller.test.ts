import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { type Emulator, startDynamoDbLocal } from '../../tools/local/emulators';
import { parsePattern } from '../../tools/local/event-pattern';
import type { LocalFunction } from '../../tools/local/lambda-runtime';
import { type LocalStreamMapping, StreamPoller } from '../../tools/local/stream-poller';

jest.setTimeout(120_000);

// The local DynamoDB stream event source mapping against DynamoDB Local's streams, with a scripted function.

let dynamo: Emulator;
let client: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal('.local/test-stream-poller');
  const options = {
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  };
  client = new DynamoDBClient(options);
  streams = new DynamoDBStreamsClient(options);
});

afterAll(async () => {
  client?.destroy();
  streams?.destroy();
  await dynamo?.stop();
});

/** A new table with a NEW_AND_OLD_IMAGES stream holding one item per sort key, written in order; its stream ARN. */
async function tableWith(sortKeys: readonly string[]): Promise<string> {
  const TableName = `stream-${++tableCount}`;
  const created = await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  for (const sk of sortKeys) {
    await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'p' }, sk: { S: sk } } }));
  }
  return created.TableDescription?.LatestStreamArn as string;
}

/** A function that records the sort keys of every batch it gets and answers what `answer` says. */
function scripted(answer: (keys: string[], call: number) => unknown): { fn: LocalFunction; batches: string[][] } {
  const batches: string[][] = [];
  const fn = {
    invoke: async (event: DynamoDBStreamEvent) => {
      const keys = event.Records.map((r) => r.dynamodb?.Keys?.sk?.S as string);
      batches.push(keys);
      const result = answer(keys, batches.length);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as LocalFunction;
  return { fn, batches };
}

const mapping = (streamArn: string, filters: string[] = []): LocalStreamMapping => ({
  functionLogicalId: 'Fn',
  tableLogicalId: 'Table',
  streamArn,
  batchSize: 3,
  batchingWindowS: 0,
  reportBatchItemFailures: true,
  filters: filters.map((f) => parsePattern(f)),
});

/** Runs a poller until `done()` or 30 s, then stops it. */
async function run(poller: StreamPoller, done: () => boolean): Promise<void> {
  poller.start();
  const deadline = Date.now() + 30_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500)); // anything more would show up now
  await poller.stop();
}

const timings = { describeEveryMs: 200, idleMs: 50, backoffMs: [20, 100] as const };

describe('local: DynamoDB stream poller', () => {
  it('delivers the records its filter lets through, in stream order, in batches of BatchSize', async () => {
    // Prepare
    const keys = ['ORDER#1', 'LEDGER#1', 'ORDER#2', 'ORDER#3', 'LEDGER#2', 'ORDER#4', 'ORDER#5'];
    const arn = await tableWith(keys);
    const { fn, batches } = scripted(() => ({ batchItemFailures: [] }));
    const poller = new StreamPoller(
      streams,
      mapping(arn, ['{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"ORDER#"}]}}}}']),
      fn,
      timings,
    );
    // Act
    await run(poller, () => batches.flat().length >= 5);
    // Assess
    expect(batches.flat()).toEqual(['ORDER#1', 'ORDER#2', 'ORDER#3', 'ORDER#4', 'ORDER#5']);
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    expect(poller.stats).toMatchObject({ delivered: 5, skipped: 2, failedInvocations: 0 });
  });

  it('retries a failed batch whole, and a partial batch response from the record it names', async () => {
    // Prepare: the first call fails, the second names its second record.
    const arn = await tableWith(['a', 'b', 'c', 'd', 'e']);
    const sequence = new Map<string, string>();
    const { fn, batches } = scripted((keys, call) => {
      if (call === 1) return new Error('crashed');
      if (call === 2) return { batchItemFailures: [{ itemIdentifier: sequence.get(keys[1] as string) }] };
      return { batchItemFailures: [] };
    });
    const recording = {
      invoke: async (event: DynamoDBStreamEvent) => {
        for (const r of event.Records)
          sequence.set(r.dynamodb?.Keys?.sk?.S as string, r.dynamodb?.SequenceNumber as string);
        return fn.invoke(event);
      },
    } as unknown as LocalFunction;
    const poller = new StreamPoller(streams, mapping(arn), recording, timings);
    // Act
    await run(poller, () => batches.flat().includes('e'));
    // Assess: the whole batch again after the error; from b (a done) after the partial failure; then the rest.
    expect(batches).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['b', 'c', 'd'], ['e']]);
    expect(poller.stats).toMatchObject({ delivered: 5, failedInvocations: 1, partialFailures: 1 });
  });
});
