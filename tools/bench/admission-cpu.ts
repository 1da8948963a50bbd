import { createHmac, scryptSync } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createChallenge, type DeriveKeyFunction } from 'altcha-lib';
import IORedis from 'ioredis';
import { solveProofOfWork } from '../../src/client/proof-of-work';
import {
  PROOF_OF_WORK_ALGORITHM,
  type ProofOfWorkChallenge,
  type ProofOfWorkDifficulty,
  SCRYPT_PARAMETERS,
} from '../../src/contract/proof-of-work';
import { AltchaProofOfWork } from '../../src/functions/adapters/altcha/proof-of-work';
import { ADMIT_SCRIPT, dayKeys } from '../../src/functions/adapters/redis/admission-store';
import { SOLD_OUT_SNAPSHOT_MAX_QUOTA } from '../../src/functions/domain/admission/sold-out-cache';
import { startRedisServer } from '../local/emulators';
import { startUpstashBridge } from '../local/upstash-bridge';
import {
  type AdmissionCpuOptions,
  PROOF_OF_WORK_KEY,
  PROOF_OF_WORK_SECRET_ID,
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
// A third variant in the same rounds (issue 29, "Fair against bots"): the same issue worker on a campaign that requires
// a proof of work, each request carrying a valid solution for its own user in `x-proof-of-work`, so its admissions
// also pay the verification (the header decoded and parsed, two HMAC-SHA-256; src/functions/adapters/altcha/
// proof-of-work.ts), against the plain admission of the same round. The verification does the same work at every
// difficulty (a difficulty only widens the secret counter's range, i.e. the solver's work), so the challenges are
// signed, before the rounds, with secret counter 0 (one scrypt derivation to sign, one attempt of the typed client's
// solver to solve; a proof differs from one of counter 100 by two digits) and checked by the product's verifier. A
// solution is bound to (campaign, issue day, user, expiry), so every round's worker admits the same users on the same
// campaign, whose Redis keys and send count are reset before it: the solving is paid once per run.

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
  /** An admission on the campaign with a proof of work, its valid solution verified. */
  readonly proofOfWorkUs: number;
  readonly soldOutUs: number;
  readonly refreshUs: number;
  readonly minimalCalls: MinimalCalls;
  /** SendMessage requests the stub accepted from the issue worker (one per admission, the sold-out day's included). */
  readonly issueSendMessages: number;
  /** SendMessage requests the stub accepted from the proof-of-work worker (one per admission). */
  readonly proofOfWorkSendMessages: number;
}

/** The result: per-kind CPU µs per request and the goal ratios, each a median over the rounds with its interval. */
export interface AdmissionCpuResult {
  /** The issue function's memory, MB (DEFAULTS.issueMemoryMb, src/contract/names.ts), for the GB-s figures. */
  readonly memoryMb: number;
  readonly minimalUs: RoundsSummary;
  readonly admissionUs: RoundsSummary;
  readonly soldOutUs: RoundsSummary;
  readonly refreshUs: RoundsSummary;
  /**
   * An admission on a campaign with a proof of work, a valid solution verified. Absent from runs saved before it was
   * measured (docs/bench/run.json of 2026-11-30).
   */
  readonly proofOfWorkUs?: RoundsSummary;
  /** Per round, admission / minimal handler. Goal <= 1.3. */
  readonly admissionRatio: RoundsSummary;
  /** Per round, sold-out answer (from the cache) / admission. Goal <= 0.1. */
  readonly soldOutRatio: RoundsSummary;
  /** Per round, admission with a proof of work / admission without. Goal <= 1.1 (issue 29). Absent as proofOfWorkUs. */
  readonly proofOfWorkRatio?: RoundsSummary;
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
  const stub = await startAwsStub({
    [SECRET_ID]: JSON.stringify({ url: bridge.url, token: bridge.token }),
    [PROOF_OF_WORK_SECRET_ID]: PROOF_OF_WORK_KEY,
  });
  const redis = new IORedis({ host: '127.0.0.1', port: server.port });
  const runId = Date.now().toString(36);
  const rounds: AdmissionCpuRound[] = [];
  // One campaign with a proof of work for every round, its users' solutions made once (see the file comment).
  const proofCampaignId = `cpu-${runId}-pow`;
  const proofsFile = path.join('.local', 'bench', `admission-cpu-proofs-${runId}.json`);
  // Loaded here, not at the top: the workers load this file too, and need no CDK.
  const { DEFAULTS } = await import('../../src/contract/names');
  const ISSUE_MEMORY_MB = DEFAULTS.issueMemoryMb;
  try {
    // Loaded once, so neither variant pays EVAL's NOSCRIPT fallback.
    await redis.script('LOAD', ADMIT_SCRIPT);
    const perWorker = options.warmUp + options.admissions;
    stub.campaigns.set(proofCampaignId, {
      ...benchCampaign(proofCampaignId, perWorker),
      proofOfWork: { difficulty: PROOF_OF_WORK_DIFFICULTY },
    });
    const solvingStarted = performance.now();
    const proofs = await solvedProofs(proofCampaignId, perWorker);
    log(
      `admission CPU: ${perWorker} proofs of work signed and solved in ${Math.round(performance.now() - solvingStarted)} ms`,
    );
    await mkdir(path.dirname(proofsFile), { recursive: true });
    await writeFile(proofsFile, JSON.stringify(proofs));
    const variants: Variant[] = ['issue', 'minimal', 'proofOfWork'];
    for (let round = 0; round < options.maxRounds; round++) {
      if (round >= options.rounds && goalsClear(rounds)) break;
      // Each variant goes first, second and third in turn.
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      const figures: Partial<Record<Variant, WorkerFigures & { sent: number }>> = {};
      for (const variant of order) {
        const campaignId = variant === 'proofOfWork' ? proofCampaignId : `cpu-${runId}-${round}-${variant}`;
        if (variant === 'proofOfWork') {
          await resetCampaign(redis, proofCampaignId);
          stub.sentByQueue.delete(queueUrlOf(stub.url, campaignId));
        } else {
          stub.campaigns.set(campaignId, benchCampaign(campaignId, perWorker));
        }
        const soldOutDay = soldOutCampaignOf(campaignId);
        if (variant === 'issue') stub.campaigns.set(soldOutDay, benchCampaign(soldOutDay, options.soldOutQuota));
        const worker = await runWorker<WorkerFigures>(path.join(__dirname, 'admission-cpu-worker.ts'), [
          variant,
          campaignId,
          stub.url,
          JSON.stringify(options),
          ...(variant === 'proofOfWork' ? [proofsFile] : []),
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
      const proofOfWork = figures.proofOfWork as WorkerFigures & { sent: number };
      rounds.push({
        minimalUs: minimal.admissionUs,
        admissionUs: issue.admissionUs,
        proofOfWorkUs: proofOfWork.admissionUs,
        soldOutUs: issue.soldOutUs ?? 0,
        refreshUs: issue.refreshUs ?? 0,
        minimalCalls: {
          requests: perWorker,
          redisRequests: minimal.redisRequests,
          sendMessages: minimal.sent,
        },
        issueSendMessages: issue.sent,
        proofOfWorkSendMessages: proofOfWork.sent,
      });
      log(
        `admission CPU round ${round + 1} (${options.rounds} to ${options.maxRounds}): minimal ${minimal.admissionUs.toFixed(1)} µs, ` +
          `issue ${issue.admissionUs.toFixed(1)} µs, with proof of work ${proofOfWork.admissionUs.toFixed(1)} µs, ` +
          `sold out ${issue.soldOutUs?.toFixed(1)} µs`,
      );
    }
  } finally {
    await rm(proofsFile, { force: true });
    redis.disconnect();
    await stub.stop();
    await bridge.stop();
    await server.stop();
  }
  return { memoryMb: ISSUE_MEMORY_MB, ...summarize(rounds) };
}

/**
 * The goals of Q3: CPU per admission <= 1.3x the minimal handler's; per sold-out answer <= 0.1x an admission; per
 * admission with a proof of work verified <= 1.1x an admission without (issue 29, "Fair against bots").
 */
export const ADMISSION_CPU_GOALS = {
  admissionVsMinimal: 1.3,
  soldOutVsAdmission: 0.1,
  proofOfWorkVsAdmission: 1.1,
} as const;

/**
 * The proof-of-work campaign's difficulty. The verification does the same work at every difficulty (the difficulty
 * sets the secret counter's range, src/contract/proof-of-work.ts PROOF_OF_WORK_MAX_COUNTER, which only the solver
 * pays), and the benchmark's challenges have counter 0 whatever it says; it matters only for a refused proof's new
 * challenge, which no measured request gets.
 */
const PROOF_OF_WORK_DIFFICULTY: ProofOfWorkDifficulty = 'LOW';

/** Expiry of the benchmark's challenges, s after signing: longer than any run (production's is PROOF_OF_WORK_VALIDITY_S). */
const PROOF_EXPIRY_S = 6 * 3600;

/** Node's native scrypt, to sign the challenges (the client's solver, @noble/hashes, solves them). */
const nativeScrypt: DeriveKeyFunction = async (parameters, salt, password) => ({
  derivedKey: scryptSync(password, salt, parameters.keyLength, {
    N: parameters.cost,
    r: parameters.memoryCost ?? 8,
    p: parameters.parallelism ?? 1,
    maxmem: 2 * 128 * parameters.cost * (parameters.memoryCost ?? 8),
  }),
});

/**
 * The `x-proof-of-work` values of `user-0` .. `user-<count - 1>` on `campaignId`'s issue day today: challenges in
 * the issue function's format (src/functions/adapters/altcha/proof-of-work.ts: its scrypt parameters, the binding and
 * expiry in `data`, signed with the two HMAC keys it derives from {@link PROOF_OF_WORK_KEY}, as
 * test/unit/domain/admission/proof-of-work.test.ts derives them) with secret counter 0, each solved by the typed
 * client (src/client/proof-of-work.ts) and checked by the issue function's verifier.
 * @throws Error when the verifier refuses one (the signing here no longer matches the adapter's).
 */
async function solvedProofs(campaignId: string, count: number): Promise<string[]> {
  const keys = {
    hmacSignatureSecret: createHmac('sha256', PROOF_OF_WORK_KEY).update('challenge').digest('base64url'),
    hmacKeySignatureSecret: createHmac('sha256', PROOF_OF_WORK_KEY).update('derived-key').digest('base64url'),
  };
  const verifier = new AltchaProofOfWork(PROOF_OF_WORK_KEY);
  const issueDate = today();
  const now = new Date();
  const expiresAt = Math.floor(now.getTime() / 1000) + PROOF_EXPIRY_S;
  const proofs: string[] = [];
  for (let i = 0; i < count; i++) {
    const binding = { campaignId, issueDate, userId: `user-${i}` };
    const challenge = await createChallenge({
      algorithm: PROOF_OF_WORK_ALGORITHM,
      ...SCRYPT_PARAMETERS,
      counter: 0,
      data: { ...binding, expiresAt },
      deriveKey: nativeScrypt,
      ...keys,
    });
    const proof = await solveProofOfWork(challenge as ProofOfWorkChallenge);
    const refusal = await verifier.verify(proof, binding, now);
    if (refusal !== undefined) throw new Error(`the issue function's verifier refused a bench proof: ${refusal}`);
    proofs.push(proof);
  }
  return proofs;
}

/**
 * Deletes every Redis key naming `campaignId` (its days' admissions, ledger and counters, src/functions/adapters/
 * redis/admission-store.ts), so its users can be admitted again; `campaignId` must be no other campaign's substring.
 */
async function resetCampaign(redis: IORedis, campaignId: string): Promise<void> {
  const keys = await redis.keys(`*${campaignId}*`);
  if (keys.length > 0) await redis.del(...keys);
}

function summarize(rounds: readonly AdmissionCpuRound[]): Omit<AdmissionCpuResult, 'memoryMb'> {
  const of = (pick: (r: AdmissionCpuRound) => number) => summarizeRounds(rounds.map(pick));
  return {
    minimalUs: of((r) => r.minimalUs),
    admissionUs: of((r) => r.admissionUs),
    soldOutUs: of((r) => r.soldOutUs),
    refreshUs: of((r) => r.refreshUs),
    proofOfWorkUs: of((r) => r.proofOfWorkUs),
    admissionRatio: of((r) => r.admissionUs / r.minimalUs),
    soldOutRatio: of((r) => r.soldOutUs / r.admissionUs),
    proofOfWorkRatio: of((r) => r.proofOfWorkUs / r.admissionUs),
    rounds,
  };
}

/** Whether every goal ratio of `rounds` is clear of noise (stats.ts clearOfNoise). */
function goalsClear(rounds: readonly AdmissionCpuRound[]): boolean {
  const { admissionRatio, soldOutRatio, proofOfWorkRatio } = summarize(rounds);
  return (
    clearOfNoise(admissionRatio, ADMISSION_CPU_GOALS.admissionVsMinimal) &&
    clearOfNoise(soldOutRatio, ADMISSION_CPU_GOALS.soldOutVsAdmission) &&
    proofOfWorkRatio !== undefined &&
    clearOfNoise(proofOfWorkRatio, ADMISSION_CPU_GOALS.proofOfWorkVsAdmission)
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
