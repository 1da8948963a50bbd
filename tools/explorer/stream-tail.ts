import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { toLambdaRecord } from '../local/stream-record';

// The tail of DynamoDB Local's streams of some tables: each read returns the records written since the last one,
// per shard in order, shaped as Lambda's DynamoDB event source delivers them. The explorer's runs are sequential,
// so a run's read holds that run's changes (and it filters by campaign anyway).

/** A record as Lambda delivers it, with its table's name. */
export interface TailRecord {
  readonly table: string;
  /** The shard it came from: order holds within a shard only. */
  readonly shardId: string;
  readonly record: DynamoDBRecord;
}

/** Reads the streams of `tables` from where the previous {@link StreamTail.read} stopped. */
export class StreamTail {
  private readonly client: DynamoDBStreamsClient;
  /** Last sequence number read, by shard id. */
  private readonly positions = new Map<string, string>();

  constructor(
    endpoint: string,
    credentials: { accessKeyId: string; secretAccessKey: string },
    private readonly tables: readonly string[],
  ) {
    this.client = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials });
  }

  /** Every record written since the last read, table by table, shard by shard in order. */
  async read(): Promise<TailRecord[]> {
    const records: TailRecord[] = [];
    for (const table of this.tables) {
      const { Streams = [] } = await this.client.send(new ListStreamsCommand({ TableName: table }));
      for (const { StreamArn } of Streams) {
        if (!StreamArn) continue;
        const { StreamDescription } = await this.client.send(new DescribeStreamCommand({ StreamArn }));
        for (const { ShardId } of StreamDescription?.Shards ?? []) {
          if (!ShardId) continue;
          for (const record of await this.shardRecords(StreamArn, ShardId)) {
            records.push({ table, shardId: ShardId, record: toLambdaRecord(record, StreamArn) });
          }
        }
      }
    }
    return records;
  }

  private async shardRecords(streamArn: string, shardId: string): Promise<StreamRecord[]> {
    const after = this.positions.get(shardId);
    let { ShardIterator: iterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
    );
    const records: StreamRecord[] = [];
    while (iterator) {
      const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const got = page.Records ?? [];
      records.push(...got);
      if (got.length === 0) break;
      iterator = page.NextShardIterator;
    }
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last !== undefined) this.positions.set(shardId, last);
    return records;
  }

  destroy(): void {
    this.client.destroy();
  }
}
