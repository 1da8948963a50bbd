import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAdmissionStore } from '../../src/functions/adapters/dynamodb/admission-store';
import type { AdmitOutcome } from '../../src/functions/domain/admission/ports';
import { SoldOutCache } from '../../src/functions/domain/admission/sold-out-cache';
import { systemClock } from '../../src/functions/domain/kernel/clock';
import { createAdmissionTable, localDynamoDbClient } from '../local/dynamodb-local';
import { startDynamoDbLocal } from '../local/emulators';
import { workload } from './admission-strategies';
import { closedLoop, type Latency, latency } from './stats';

/** One run of DynamoDB-mode admission with the quota split over `shards` counter items. */
export interface ShardRunResult {
  readonly shards: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly admissionsPerSecond: number;
  readonly latencyMs: Latency;
  readonly admitted: number;
  /** Admitted beyond the quota: must be 0. */
  readonly oversold: number;
  /** Quota left unused while users were turned away: must be 0. */
  readonly unusedQuota: number;
  /** Requests that failed with a backend error. */
  readonly errors: number;
}

/** Sizes of the counter-shard benchmark. */
export interface CounterShardOptions {
  readonly requests: number;
  readonly users: number;
  readonly quota: number;
  readonly concurrency: number;
  readonly shardCounts: readonly number[];
}

/**
 * Quota 1,000 at concurrency 50, K = 1 and 8: 4,000 requests from 3,000 users (DynamoDB Local serves a few hundred
 * requests/s here, so the admission benchmark's 20,000 would take minutes per run and measure the same thing).
 */
export const COUNTER_SHARD_DEFAULTS: CounterShardOptions = {
  requests: 4_000,
  users: 3_000,
  quota: 1_000,
  concurrency: 50,
  shardCounts: [1, 8],
};

/**
 * Runs the product's DynamoDB admission store against DynamoDB Local with 1 and K counter shards, one store and
 * one sold-out cache (one "instance") per concurrent caller. DynamoDB Local has no per-item write limit, so this measures the cost of the
 * fall-over logic here; the gain on AWS (K x ~1,000 writes/s) is in BENCHMARKS.md's capacity model.
 */
export async function benchCounterShards(
  options: CounterShardOptions = COUNTER_SHARD_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<ShardRunResult[]> {
  const dynamo = await startDynamoDbLocal('.local/bench');
  const client = localDynamoDbClient(dynamo.endpoint);
  const results: ShardRunResult[] = [];
  try {
    await createAdmissionTable(client, 'admission');
    const documents = DynamoDBDocumentClient.from(client);
    const requests = workload(options.requests, options.users);
    for (const shards of options.shardCounts) {
      const stores = Array.from(
        { length: options.concurrency },
        () => new DynamoDbAdmissionStore(documents, 'admission'),
      );
      const day = { campaignId: `shards-${shards}-${Date.now().toString(36)}`, issueDate: '2026-05-01' };
      // As the issue function does: an instance that saw SOLD_OUT answers from memory for 2 s.
      const soldOut = stores.map(() => new SoldOutCache(systemClock));
      const outcomes: (AdmitOutcome | undefined)[] = new Array(requests.length);
      let errors = 0;
      const { elapsedMs, samples } = await closedLoop(requests.length, options.concurrency, async (i, w) => {
        const cache = soldOut[w] as SoldOutCache;
        if (cache.get(day) !== undefined) {
          outcomes[i] = { kind: 'SOLD_OUT' };
          return;
        }
        outcomes[i] = await (stores[w] as DynamoDbAdmissionStore)
          .admit({
            day,
            userId: requests[i] as string,
            requestId: `r${i}`,
            quota: options.quota,
            counterShards: shards,
            admittedAt: new Date().toISOString(),
            expiresAt: Math.floor(Date.now() / 1000) + 3_600,
          })
          .catch((error) => {
            if (process.env.BENCH_DEBUG) console.error(error);
            errors++;
            return undefined;
          });
        if (outcomes[i]?.kind === 'SOLD_OUT') cache.mark(day, options.quota);
      });
      const admitted = new Set(requests.filter((_, i) => outcomes[i]?.kind === 'ADMITTED')).size;
      const ledger = await (stores[0] as DynamoDbAdmissionStore).ledger(day);
      const result: ShardRunResult = {
        shards,
        concurrency: options.concurrency,
        requests: requests.length,
        admissionsPerSecond: Math.round((requests.length / elapsedMs) * 1000),
        latencyMs: latency(samples),
        admitted,
        oversold: Math.max(0, ledger.length - options.quota),
        unusedQuota: Math.max(0, options.quota - ledger.length),
        errors,
      };
      log(`K=${shards}: ${result.admissionsPerSecond} req/s, p99 ${result.latencyMs.p99} ms, admitted ${admitted}`);
      results.push(result);
    }
  } finally {
    client.destroy();
    await dynamo.stop();
  }
  return results;
}
