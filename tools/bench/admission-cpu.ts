import * as path from 'node:path';
import IORedis from 'ioredis';
import { ADMIT_SCRIPT, dayKeys } from '../../src/functions/adapters/redis/admission-store';
import { SOLD_OUT_SNAPSHOT_MAX_QUOTA } from '../../src/functions/domain/admission/sold-out-cache';
import { startRedisServer } from '../local/emulators';
import { startUpstashBridge } from '../local/upstash-bridge';
import {
  type AdmissionCpuOptions,
  queueUrlOf,
  SECRET_ID,
  soldOutCampaignOf,
  today,
  type Variant,
  type WorkerFigures,
} from './admission-cpu-worker';

export type { AdmissionCpuOptions } from './admission-cpu-worker';

import { startAwsStub } from './aws-stub';
import { benchCampaign, runWorker } from './issue-harness';
import { clearOfNoise, type RoundsSummary, summarizeRounds } from './stats';

// Q3 (BENCHMARKS.md), "what one admission costs the function": the CPU time (user + system, process.cpuUsage)
// the issue function's execution environment spends per admitted request and per sold-out answer, against a
// minimal handler that makes the same two calls (one EVALSHA of the admission script through @upstash/redis, one
// SendMessage through the SDK) and nothing else. Both run in fresh worker processes (one per variant per round,
// alternating which goes first), one request at a time as an execution environment serves them, through the same
// clients (src/functions/runtime/composition-root.ts redisClient and sqsClient, so the same settings), to the same endpoints: a
// throwaway redis-server behind the local cloud's Upstash REST bridge, and an SQS stub (tools/bench/aws-stub.ts), both in
// the parent process, so their CPU is not the worker's. Same keys, arguments and message body sizes. The issue
// worker runs the real handler module with the real composition root (its campaign read and the Upstash secret
// answered by the stub), Redis mode.

/** The full run's sizes. */
export const ADMISSION_CPU_DEFAULTS: AdmissionCpuOptions = {
  rounds: 9,
  maxRounds: 21,
  // Fewer left the SDK and fetch paths colder: 100 warm-up admissions measured twice the CPU of 1,000.
  warmUp: 1_000,
  admissions: 2_000,
  soldOut: 5_000,
  refreshes: 3,
  // The largest day whose sold-out cache holds its winners (and so the dearest refill of that cache).
  soldOutQuota: SOLD_OUT_SNAPSHOT_MAX_QUOTA,
};

/** What the minimal handler's worker saw of its own calls: evidence that it made both calls on every request. */
interface MinimalCalls {
  readonly requests: number;
  /** HTTP requests to the Upstash REST endpoint (one EVALSHA each). */
  readonly redisRequests: number;
  /** SendMessage requests the SQS stub accepted from the worker. */
  readonly sendMessages: number;
}

/** One round: CPU µs per request of each kind. */
interface AdmissionCpuRound {
  readonly minimalUs: number;
  readonly admissionUs: number;
  readonly soldOutUs: number;
  readonly refreshUs: number;
  readonly minimalCalls: MinimalCalls;
  /** SendMessage requests the stub accepted from the issue worker (one per admission, the sold-out day's included). */
  readonly issueSendMessages: number;
}

/** The result: per-kind CPU µs per request and the goal ratios, each a median over the rounds with its interval. */
export interface AdmissionCpuResult {
  /** The issue function's memory, MB (DEFAULTS.issueMemoryMb, src/contract/names.ts), for the GB-s figures. */
  readonly memoryMb: number;
  readonly minimalUs: RoundsSummary;
  readonly admissionUs: RoundsSummary;
  readonly soldOutUs: RoundsSummary;
  readonly refreshUs: RoundsSummary;
  /** Per round, admission / minimal handler. Goal <= 1.3. */
  readonly admissionRatio: RoundsSummary;
  /** Per round, sold-out answer (from the cache) / admission. Goal <= 0.1. */
  readonly soldOutRatio: RoundsSummary;
  readonly rounds: readonly AdmissionCpuRound[];
}

/**
 * Runs the benchmark (see the file comment): starts redis-server, the Upstash bridge and the AWS stub, runs the
 * rounds, checks every worker's calls, and stops them.
 * @throws Error when a worker fails or a handler did not make its calls.
 */
export async function benchAdmissionCpu(
  options: AdmissionCpuOptions = ADMISSION_CPU_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<AdmissionCpuResult> {
  const server = await startRedisServer('.local/bench');
  const bridge = await startUpstashBridge({ redisPort: server.port, token: 'bench' });
  const stub = await startAwsStub({ [SECRET_ID]: JSON.stringify({ url: bridge.url, token: bridge.token }) });
  const redis = new IORedis({ host: '127.0.0.1', port: server.port });
  const runId = Date.now().toString(36);
  const rounds: AdmissionCpuRound[] = [];
  // Loaded here, not at the top: the workers load this file too, and need no CDK.
  const { DEFAULTS } = await import('../../src/contract/names');
  const ISSUE_MEMORY_MB = DEFAULTS.issueMemoryMb;
  try {
    // Loaded once, so neither variant pays EVAL's NOSCRIPT fallback.
    await redis.script('LOAD', ADMIT_SCRIPT);
    const perWorker = options.warmUp + options.admissions;
    for (let round = 0; round < options.maxRounds; round++) {
      if (round >= options.rounds && goalsClear(rounds)) break;
      const order: Variant[] = round % 2 === 0 ? ['issue', 'minimal'] : ['minimal', 'issue'];
      const figures: Partial<Record<Variant, WorkerFigures & { sent: number }>> = {};
      for (const variant of order) {
        const campaignId = `cpu-${runId}-${round}-${variant}`;
        stub.campaigns.set(campaignId, benchCampaign(campaignId, perWorker));
        const soldOutDay = soldOutCampaignOf(campaignId);
        if (variant === 'issue') stub.campaigns.set(soldOutDay, benchCampaign(soldOutDay, options.soldOutQuota));
        const worker = await runWorker<WorkerFigures>(path.join(__dirname, 'admission-cpu-worker.ts'), [
          variant,
          campaignId,
          stub.url,
          JSON.stringify(options),
        ]);
        const sent = stub.sentByQueue.get(queueUrlOf(stub.url, campaignId)) ?? 0;
        const admitted = await redis.hlen(dayKeys({ campaignId, issueDate: today() }).users);
        // The issue worker also filled the sold-out day (its sends go to the same queue).
        const soldOutAdmitted = variant === 'issue' ? options.soldOutQuota : 0;
        const admittedSoldOutDay = await redis.hlen(dayKeys({ campaignId: soldOutDay, issueDate: today() }).users);
        // Each admission made exactly its two calls, whichever the handler.
        if (
          sent !== perWorker + soldOutAdmitted ||
          admitted !== perWorker ||
          admittedSoldOutDay !== soldOutAdmitted ||
          worker.redisRequests !== perWorker
        ) {
          throw new Error(
            `${variant} worker: ${perWorker} admissions (and ${soldOutAdmitted} on the sold-out day) expected; ` +
              `${admitted} (${admittedSoldOutDay}) in Redis, ${worker.redisRequests} Upstash requests, ${sent} SendMessage`,
          );
        }
        figures[variant] = { ...worker, sent };
      }
      const issue = figures.issue as WorkerFigures & { sent: number };
      const minimal = figures.minimal as WorkerFigures & { sent: number };
      rounds.push({
        minimalUs: minimal.admissionUs,
        admissionUs: issue.admissionUs,
        soldOutUs: issue.soldOutUs ?? 0,
        refreshUs: issue.refreshUs ?? 0,
        minimalCalls: {
          requests: perWorker,
          redisRequests: minimal.redisRequests,
          sendMessages: minimal.sent,
        },
        issueSendMessages: issue.sent,
      });
      log(
        `admission CPU round ${round + 1} (${options.rounds} to ${options.maxRounds}): minimal ${minimal.admissionUs.toFixed(1)} µs, ` +
          `issue ${issue.admissionUs.toFixed(1)} µs, sold out ${issue.soldOutUs?.toFixed(1)} µs`,
      );
    }
  } finally {
    redis.disconnect();
    await stub.stop();
    await bridge.stop();
    await server.stop();
  }
  return { memoryMb: ISSUE_MEMORY_MB, ...summarize(rounds) };
}

/** The goals of Q3: CPU per admission <= 1.3x the minimal handler's; per sold-out answer <= 0.1x an admission. */
export const ADMISSION_CPU_GOALS = { admissionVsMinimal: 1.3, soldOutVsAdmission: 0.1 } as const;

function summarize(rounds: readonly AdmissionCpuRound[]): Omit<AdmissionCpuResult, 'memoryMb'> {
  const of = (pick: (r: AdmissionCpuRound) => number) => summarizeRounds(rounds.map(pick));
  return {
    minimalUs: of((r) => r.minimalUs),
    admissionUs: of((r) => r.admissionUs),
    soldOutUs: of((r) => r.soldOutUs),
    refreshUs: of((r) => r.refreshUs),
    admissionRatio: of((r) => r.admissionUs / r.minimalUs),
    soldOutRatio: of((r) => r.soldOutUs / r.admissionUs),
    rounds,
  };
}

/** Whether both goal ratios of `rounds` are clear of noise (stats.ts clearOfNoise). */
function goalsClear(rounds: readonly AdmissionCpuRound[]): boolean {
  const { admissionRatio, soldOutRatio } = summarize(rounds);
  return (
    clearOfNoise(admissionRatio, ADMISSION_CPU_GOALS.admissionVsMinimal) &&
    clearOfNoise(soldOutRatio, ADMISSION_CPU_GOALS.soldOutVsAdmission)
  );
}

/**
 * GB-s of CPU per 100,000 requests at `cpuUs` µs each on a function of `memoryMb`: what Lambda would bill if the
 * request did nothing but compute (Lambda bills wall time, which adds the network waits, so a floor).
 */
export function gbSecondsPer100k(cpuUs: number, memoryMb: number): number {
  return Math.round(cpuUs * 1e-6 * (memoryMb / 1024) * 100_000 * 100) / 100;
}

/** Memory at which a Lambda function has one full vCPU, MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). */
const LAMBDA_MB_PER_VCPU = 1769;

/**
 * The least GB-s per 100,000 requests Lambda bills for `cpuUs` µs of CPU each on a function of `memoryMb`: below
 * {@link LAMBDA_MB_PER_VCPU} the function has `memoryMb / 1769` of a vCPU, so the CPU alone takes `cpuUs / share`
 * of wall time (the same GB-s at any memory below 1,769 MB). Measured on this machine's cores, not Graviton's.
 */
export function billedFloorGbSecondsPer100k(cpuUs: number, memoryMb: number): number {
  return gbSecondsPer100k(cpuUs / Math.min(1, memoryMb / LAMBDA_MB_PER_VCPU), memoryMb);
}
