import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type EventPattern, matchesAnyPattern } from './event-pattern';
import type { LocalFunction } from './lambda-runtime';
import { toLambdaRecord } from './stream-record';

/** A DynamoDB stream event source mapping as the template declares it. */
export interface LocalStreamMapping {
  readonly functionLogicalId: string;
  readonly tableLogicalId: string;
  /** The table's StreamArn (DynamoDB Local's LatestStreamArn). */
  readonly streamArn: string;
  /** Records per invocation (BatchSize, default 100). */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds (default 0). */
  readonly batchingWindowS: number;
  /** FunctionResponseTypes includes ReportBatchItemFailures. */
  readonly reportBatchItemFailures: boolean;
  /** FilterCriteria.Filters[].Pattern, parsed; empty: every record. */
  readonly filters: readonly EventPattern[];
}

/** Timings of {@link StreamPoller}, ms. */
export interface StreamPollerTimings {
  /** Between DescribeStream calls that find new shards. @default 1000 */
  readonly describeEveryMs?: number;
  /** Between GetRecords calls on a shard with nothing new (Lambda polls each shard 4 times a second). @default 250 */
  readonly idleMs?: number;
  /** First and last retry delay of a failed batch, doubling in between. @default [200, 2000] */
  readonly backoffMs?: readonly [number, number];
}

/**
 * The Lambda DynamoDB stream poller for one event source mapping: reads every shard of the stream from
 * TRIM_HORIZON (children after their parent is read to its end), one loop per shard so each shard's records go
 * to the function in order, and re-describes the stream for new shards. Records matching none of the mapping's
 * filters are skipped and count as processed. Up to `batchSize` matching records (gathered for up to the
 * batching window) go in one invocation; a function error retries the whole batch, a partial batch response
 * checkpoints before its first `itemIdentifier` (a SequenceNumber; an unknown one fails the whole batch) and
 * retries from it; every retry waits a little longer (`backoffMs`). As on AWS, nothing moves past a record that
 * keeps failing: the mapping has no MaximumRetryAttempts locally.
 */
export class StreamPoller {
  private running = false;
  private discovery: Promise<void> | undefined;
  private readonly shardLoops = new Map<string, Promise<void>>();
  private readonly finished = new Set<string>();
  private readonly wakers = new Set<() => void>();
  /** Invocations made, records delivered, records skipped by the filters, failed invocations, retried batches. */
  readonly stats = {
    source: '',
    shards: 0,
    invocations: 0,
    delivered: 0,
    skipped: 0,
    failedInvocations: 0,
    partialFailures: 0,
  };
  private readonly describeEveryMs: number;
  private readonly idleMs: number;
  private readonly backoffMs: readonly [number, number];

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly mapping: LocalStreamMapping,
    private readonly fn: LocalFunction,
    timings: StreamPollerTimings = {},
  ) {
    this.describeEveryMs = timings.describeEveryMs ?? 1_000;
    this.idleMs = timings.idleMs ?? 250;
    this.backoffMs = timings.backoffMs ?? [200, 2_000];
    this.stats.source = mapping.tableLogicalId;
  }

  /** Starts reading the stream. */
  start(): void {
    this.running = true;
    this.discovery = this.discover();
  }

  /** Stops reading; resolves once every shard loop has finished its current read or invocation. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await this.discovery;
    await Promise.allSettled([...this.shardLoops.values()]);
  }

  /** Waits `ms`, or less when the poller stops. */
  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private async discover(): Promise<void> {
    while (this.running) {
      try {
        for (const shard of await this.shards()) {
          const id = shard.ShardId as string;
          if (!this.running) break;
          if (this.shardLoops.has(id)) continue;
          this.shardLoops.set(id, this.readShard(shard));
          this.stats.shards = this.shardLoops.size;
        }
      } catch {
        // DynamoDB Local busy or stopping: the next round describes again.
      }
      await this.sleep(this.describeEveryMs);
    }
  }

  private async shards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.mapping.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private async iterator(shardId: string, after: string | undefined): Promise<string | undefined> {
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.mapping.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  /** Reads one shard to its end (a closed shard) or until stopped, delivering its records in order. */
  private async readShard(shard: Shard): Promise<void> {
    const id = shard.ShardId as string;
    const parent = shard.ParentShardId;
    // A child's records follow its parent's: wait until the parent is read (or is not ours to wait for).
    while (this.running && parent && this.shardLoops.has(parent) && !this.finished.has(parent)) {
      await this.sleep(this.idleMs);
    }
    /** Read, not yet processed (delivered or skipped), in stream order. */
    const pending: StreamRecord[] = [];
    let lastRead: string | undefined;
    let iterator: string | undefined;
    let ended = false;
    let windowEnds = 0;
    let failures = 0;
    while (this.running) {
      try {
        if (!ended && iterator === undefined) iterator = await this.iterator(id, lastRead);
        const matching = this.matchingCount(pending);
        const windowOpen = matching < this.mapping.batchSize && Date.now() < windowEnds;
        if (!ended && iterator !== undefined && pending.length < 1_000 && (matching === 0 || windowOpen)) {
          const { Records = [], NextShardIterator } = await this.streams.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }),
          );
          iterator = NextShardIterator;
          ended = NextShardIterator === undefined;
          pending.push(...Records);
          lastRead = Records.at(-1)?.dynamodb?.SequenceNumber ?? lastRead;
          const nowMatching = this.matchingCount(pending);
          if (nowMatching === 0) {
            // Nothing the function would get: processed, as on AWS.
            this.stats.skipped += pending.length;
            pending.length = 0;
            if (Records.length === 0 && !ended) await this.sleep(this.idleMs);
            continue;
          }
          if (matching === 0) windowEnds = Date.now() + this.mapping.batchingWindowS * 1000;
          if (!ended && nowMatching < this.mapping.batchSize && Date.now() < windowEnds) {
            if (Records.length === 0) await this.sleep(Math.min(this.idleMs, windowEnds - Date.now()));
            continue;
          }
        }
        if (pending.length === 0) {
          if (ended) break;
          continue;
        }
        if ((await this.deliver(pending)) === 'done') failures = 0;
        else await this.sleep(Math.min(this.backoffMs[1], this.backoffMs[0] * 2 ** failures++));
      } catch {
        // An expired or refused iterator, or DynamoDB Local busy: a new iterator after the last record read.
        iterator = undefined;
        await this.sleep(this.backoffMs[0]);
      }
    }
    if (ended && pending.length === 0) this.finished.add(id);
  }

  /** How many of `records` the filters let through. */
  private matchingCount(records: readonly StreamRecord[]): number {
    return records.filter((r) => matchesAnyPattern(this.mapping.filters, toLambdaRecord(r, this.mapping.streamArn)))
      .length;
  }

  /**
   * Invokes the function with the first batch of `pending` and removes from it what is processed: the skipped
   * records before and inside the batch, and the batch (all of it on success, up to the first failed record on a
   * partial batch response).
   * @returns `done`, or `retry` when records of the batch remain to be retried.
   */
  private async deliver(pending: StreamRecord[]): Promise<'done' | 'retry'> {
    const batch: { index: number; record: DynamoDBRecord }[] = [];
    let scanned = 0;
    for (; scanned < pending.length && batch.length < this.mapping.batchSize; scanned++) {
      const record = toLambdaRecord(pending[scanned] as StreamRecord, this.mapping.streamArn);
      if (matchesAnyPattern(this.mapping.filters, record)) batch.push({ index: scanned, record });
    }
    if (batch.length === 0) {
      this.stats.skipped += scanned;
      pending.splice(0, scanned);
      return 'done';
    }
    const event: DynamoDBStreamEvent = { Records: batch.map((b) => b.record) };
    this.stats.invocations++;
    let result: { batchItemFailures?: { itemIdentifier?: string }[] } | null;
    try {
      result = (await this.fn.invoke(event)) as typeof result;
    } catch {
      this.stats.failedInvocations++;
      this.dropSkipped(pending, batch[0]?.index ?? 0);
      return 'retry';
    }
    const failed = this.mapping.reportBatchItemFailures ? (result?.batchItemFailures ?? []) : [];
    if (failed.length === 0) {
      this.stats.delivered += batch.length;
      this.stats.skipped += scanned - batch.length;
      pending.splice(0, scanned);
      return 'done';
    }
    this.stats.partialFailures++;
    const positions = failed.map((f) => batch.findIndex((b) => b.record.dynamodb?.SequenceNumber === f.itemIdentifier));
    // An identifier that names no record of the batch fails the whole batch, as on AWS.
    const from = positions.some((p) => p < 0) ? 0 : Math.min(...positions);
    const checkpoint = (batch[from] as { index: number }).index;
    this.stats.delivered += from;
    this.stats.skipped += checkpoint - from;
    pending.splice(0, checkpoint);
    return 'retry';
  }

  /** Removes the `count` skipped records at the head of `pending` (all before the batch's first record). */
  private dropSkipped(pending: StreamRecord[], count: number): void {
    this.stats.skipped += count;
    pending.splice(0, count);
  }
}
