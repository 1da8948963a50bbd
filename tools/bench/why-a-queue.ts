import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ENV } from '../../src/contract/names';
import { openCampaign, type RunningCloud, startCloudProcess } from '../local/child-cloud';
import { DEFAULT_FUNCTION_CONCURRENCY } from '../local/provision/functions';
import { buildDirectIssue } from './direct-issue/build';
import { fire, type HttpRun } from './end-to-end';
import {
  backendCalls,
  countsOf,
  createCampaign,
  functionId,
  poll,
  type RequestPart,
  setChaos,
  tableName,
  updateCode,
  usersOf,
} from './local-bench';
import { CHART_SIZE, type ChartSpec } from './plot';

/**
 * Q1 (BENCHMARKS.md), "why a queue": does issuance under heavy traffic gain from a queue between admission and
 * the coupon write? The product's issue function, which admits and sends the coupon to SQS for the consumer to write,
 * against a benchmark-only variant that writes the coupon to DynamoDB inside the request, with DynamoDB's
 * coupon writes (TransactWriteItems, which both the consumer and the variant use) slowed at the network by the
 * local cloud's chaos.
 *
 * How the variant runs: in the same local cloud, as the same function. tools/bench/direct-issue/build.ts bundles the
 * product's unchanged issue handler with a composition root whose `issueQueue` applies the admission at once
 * (the consumer's own applyAdmission: ledger claim, then the conditional coupon write), and
 * `POST /_local/functions/<issue function>/code` makes the issue function run that bundle (with the coupon
 * table's name added to its environment). So both paths answer on the same route, through the same API,
 * authorizer, execution environments (memory, timeout, concurrency) and chaos proxy, to the same autocannon
 * client with the same burst; only the composition differs. The variant is never part of the construct.
 *
 * Concurrency: one request in flight per execution environment (`connections` = `functionConcurrency`), as
 * Lambda gives each concurrent request an environment of its own, and only 4 of them: this machine runs the
 * client, the API, every function and every emulator on its cores, and at a higher concurrency its CPU becomes
 * the queue every request waits in, adding the same hundreds of ms to both paths and hiding the difference the
 * question is about (at 64 connections to 4 environments on 2 cores both paths' p99 was mostly that wait). With
 * as many environments as connections nobody waits for an environment either, so each path's latency shows its
 * own work: the direct path waits for its coupon write, the queued path for SQS. Redis admission mode (the
 * product's default), so the slowed operation is only the coupon write. Every run starts on warm execution
 * environments (a warm-up burst at a throwaway campaign after the code changes), so a cold start is in neither
 * path.
 */

/** Sizes of the benchmark. */
export interface WhyQueueOptions {
  /** Distinct users in each burst (one request each). */
  readonly users: number;
  /** Daily quota of each run's campaign: the coupons each burst writes. */
  readonly quota: number;
  readonly connections: number;
  /** Latency added to DynamoDB TransactWriteItems (the coupon writes), ms; one run per path and value. */
  readonly dbLatenciesMs: readonly number[];
  /** How long the queued path may take to persist every admitted coupon after its burst, ms. */
  readonly drainTimeoutMs: number;
  /** Execution environments per function. @default the local cloud's (DEFAULT_FUNCTION_CONCURRENCY) */
  readonly functionConcurrency?: number;
}

/**
 * The full run's values: latency 0, 20 and 100 ms; a burst of 3,000 users at a quota of 1,000 over 4 connections
 * to 4 environments.
 */
export const WHY_QUEUE_DEFAULTS: WhyQueueOptions = {
  users: 3_000,
  quota: 1_000,
  connections: 4,
  dbLatenciesMs: [0, 20, 100],
  drainTimeoutMs: 300_000,
  functionConcurrency: 4,
};

/** How the issue route gets the coupon written. */
export type IssuePath = 'queued' | 'direct';

/** One burst of one path at one DynamoDB latency. */
export interface WhyQueueRun {
  readonly path: IssuePath;
  /** Latency added to each coupon write, ms. */
  readonly dbLatencyMs: number;
  readonly burst: HttpRun;
  /** 202 answers (admissions) of the burst. */
  readonly admitted: number;
  /** SQS SendMessage requests the functions made during the burst: one per admission queued, none direct. */
  readonly queueSends: number;
  /** Coupons of the campaign persisted when the drain ended (or timed out). */
  readonly persisted: number;
  /** Burst start until `persisted == admitted`, ms; undefined when that was not reached within the timeout. */
  readonly drainMs?: number;
}

/** Every run, queued first, in the order of `dbLatenciesMs`, and the execution environments per function. */
export interface WhyQueueResult {
  readonly runs: WhyQueueRun[];
  readonly functionConcurrency: number;
}

/** The run of `path` at `dbLatencyMs`, if measured. */
export function runOf(result: WhyQueueResult, path: IssuePath, dbLatencyMs: number): WhyQueueRun | undefined {
  return result.runs.find((r) => r.path === path && r.dbLatencyMs === dbLatencyMs);
}

async function burst(
  cloud: RunningCloud,
  campaignId: string,
  options: WhyQueueOptions,
  users: (i: number) => RequestPart,
): Promise<HttpRun> {
  await createCampaign(cloud, openCampaign(campaignId, options.quota));
  return fire(`${cloud.endpoints.apiUrl}/v1/campaigns/${campaignId}/issue`, options.users, options.connections, users);
}

async function measure(
  cloud: RunningCloud,
  path: IssuePath,
  dbLatencyMs: number,
  options: WhyQueueOptions,
  users: (i: number) => RequestPart,
): Promise<WhyQueueRun> {
  const campaignId = `why-${path}-${dbLatencyMs}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await setChaos(cloud, dbLatencyMs > 0 ? { dynamodb: { TransactWriteItems: { latencyMs: dbLatencyMs } } } : {});
  try {
    const sendsBefore = (await backendCalls(cloud))['sqs.SendMessage'] ?? 0;
    const started = performance.now();
    const run = await burst(cloud, campaignId, options, users);
    const queueSends = ((await backendCalls(cloud))['sqs.SendMessage'] ?? 0) - sendsBefore;
    const admitted = run.byStatus['202'] ?? 0;
    // The direct path has written every coupon it answered 202 for, unless a write failed (then never here).
    const timeoutMs = path === 'queued' ? options.drainTimeoutMs : 5_000;
    let persisted = 0;
    const drainedAt = await poll(async () => {
      persisted = (await countsOf(cloud, campaignId)).persisted;
      return persisted >= admitted ? performance.now() : undefined;
    }, timeoutMs);
    return {
      path,
      dbLatencyMs,
      burst: run,
      admitted,
      queueSends,
      persisted,
      drainMs: drainedAt === undefined ? undefined : Math.round(drainedAt - started),
    };
  } finally {
    await setChaos(cloud, {});
  }
}

/**
 * Starts a local cloud (Redis mode), and for the queued path and then the direct variant: a warm-up burst, then
 * for each DynamoDB latency a burst of `users` distinct users at a fresh campaign of `quota`, its p50/p99, and
 * the coupons persisted once drained.
 * @throws Error when the cloud does not start or the variant does not build.
 */
export async function benchWhyQueue(
  options: WhyQueueOptions = WHY_QUEUE_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<WhyQueueResult> {
  const cloud = await startCloudProcess('redis', {
    tag: 'bench-why-queue',
    checkResponses: false,
    functionConcurrency: options.functionConcurrency,
  });
  const outDir = mkdtempSync(path.join(tmpdir(), 'direct-issue-'));
  try {
    const users = await usersOf(cloud, 'u', options.users);
    const runs: WhyQueueRun[] = [];
    for (const issuePath of ['queued', 'direct'] as const) {
      if (issuePath === 'direct') {
        await updateCode(cloud, functionId(cloud, 'IssueCouponFunction'), {
          codeDir: await buildDirectIssue(outDir),
          environment: { [ENV.COUPON_TABLE]: tableName(cloud, 'CouponTable') },
        });
      }
      await measure(cloud, issuePath, 0, options, users); // warm-up, not recorded
      for (const dbLatencyMs of options.dbLatenciesMs) {
        const run = await measure(cloud, issuePath, dbLatencyMs, options, users);
        log(
          `why a queue: ${issuePath}, DB +${dbLatencyMs} ms: p50 ${run.burst.latencyMs.p50} ms, p99 ${run.burst.latencyMs.p99} ms, ` +
            `${run.admitted} admitted, ${run.persisted} persisted${run.drainMs === undefined ? '' : ` in ${run.drainMs} ms`}`,
        );
        runs.push(run);
      }
    }
    const functionConcurrency =
      options.functionConcurrency ?? (Number(process.env.LOCAL_LAMBDA_CONCURRENCY) || DEFAULT_FUNCTION_CONCURRENCY);
    return { runs, functionConcurrency };
  } finally {
    await cloud.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * The chart of Q1: issue p50 and p99 (ms, log scale) against the latency added to DynamoDB's coupon
 * writes (ms), one colour per path, solid p99 and dashed p50.
 */
export function whyQueueChart(result: WhyQueueResult): ChartSpec {
  const values = result.runs.flatMap((r) =>
    (['p50', 'p99'] as const).map((stat) => ({
      path: r.path,
      stat,
      dbLatencyMs: r.dbLatencyMs,
      ms: Math.max(0.1, r.burst.latencyMs[stat]),
    })),
  );
  return {
    ...CHART_SIZE,
    title: 'Why a queue: issue latency as DynamoDB slows',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'dbLatencyMs', type: 'quantitative', title: 'latency added to coupon writes (ms)' },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'issue latency (ms, log)' },
      color: { field: 'path', type: 'nominal', title: 'path' },
      strokeDash: {
        field: 'stat',
        type: 'nominal',
        title: 'percentile',
        sort: ['p99', 'p50'],
        legend: { symbolType: 'stroke' },
      },
    },
  };
}
