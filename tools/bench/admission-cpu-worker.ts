import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ADMIT_SCRIPT, admitScriptCall } from '../../src/functions/adapters/redis/admission-store';
import { SOLD_OUT_SNAPSHOT_MAX_QUOTA } from '../../src/functions/domain/admission/sold-out-cache';
import { issueEvent, issueFunctionEnv, lambdaContext, reportResult, statusOf } from './issue-harness';

// The worker process of tools/bench/admission-cpu.ts (see there): one variant, the product's issue handler (on a
// campaign without or with a proof of work) or the minimal handler, in a fresh Node process as an execution
// environment; `tsx tools/bench/admission-cpu-worker.ts <variant> <campaignId> <endpoint> <options JSON> [<proofs
// file>]`, the proofs file (variant `proofOfWork`) a JSON array of `x-proof-of-work` values, the i-th for `user-<i>`.

/** Sizes of the benchmark (tools/bench/admission-cpu.ts); a worker reads them from its arguments. */
export interface AdmissionCpuOptions {
  /** Rounds at least; each runs the three variants in fresh processes. */
  readonly rounds: number;
  /** Rounds at most: after `rounds`, rounds are added while a goal's 95% interval straddles its threshold. */
  readonly maxRounds: number;
  /** Admissions per worker before measuring (JIT, connections, the campaign read and the secret). */
  readonly warmUp: number;
  /** Admissions measured per worker. */
  readonly admissions: number;
  /** Sold-out answers measured per issue worker, answered from the instance's sold-out cache. */
  readonly soldOut: number;
  /**
   * Sold-out answers that (re)fill the sold-out cache (an EVALSHA answering SOLD_OUT, then the day's winners read),
   * per issue worker: the first after the quota, then one each time the cache's 2 s lapse (the worker waits).
   */
  readonly refreshes: number;
  /**
   * Daily quota of the day whose sold-out answers are measured ({@link soldOutCampaignOf}), filled by the issue
   * worker after its measured admissions (not measured). At most SOLD_OUT_SNAPSHOT_MAX_QUOTA
   * (src/functions/domain/admission/sold-out-cache.ts), so the cache holds the day's winners and a cached answer
   * makes no Upstash request.
   */
  readonly soldOutQuota: number;
}

/** The campaign whose day the issue worker sells out and answers from its sold-out cache. */
export const soldOutCampaignOf = (campaignId: string) => `${campaignId}-sold-out`;

/** Batches of cached sold-out answers discarded (each met a cache refill) before the worker gives up. */
const MAX_DISCARDED_BATCHES = 20;

/** Figures of one worker, CPU µs per request; the sold-out ones for the issue handler only. */
export interface WorkerFigures {
  readonly admissionUs: number;
  /** A sold-out answer from the instance's sold-out cache. */
  readonly soldOutUs?: number;
  /** A sold-out answer that refilled the cache (mean of the refills). */
  readonly refreshUs?: number;
  /** Upstash HTTP requests during the admissions, warm-up included (one per admission is right). */
  readonly redisRequests: number;
}

/**
 * The product's issue handler (`issue`), the same on a campaign that requires a proof of work, each request carrying
 * a valid solution (`proofOfWork`), or the minimal handler making only its two calls.
 */
export type Variant = 'issue' | 'minimal' | 'proofOfWork';

/** The Secrets Manager id of the Upstash `{"url","token"}` the AWS stub serves. */
export const SECRET_ID = 'bench/upstash';
/**
 * The Secrets Manager id of the proof-of-work signing key the AWS stub serves ({@link PROOF_OF_WORK_KEY}), set for
 * every variant, as the construct sets it on the issue function (src/functions/runtime/config.ts); the function reads
 * it on its first challenge or verification only.
 */
export const PROOF_OF_WORK_SECRET_ID = 'bench/proof-of-work';
/** The benchmark's proof-of-work signing key (src/functions/adapters/altcha/proof-of-work.ts: 32 characters or more). */
export const PROOF_OF_WORK_KEY = 'bench-proof-of-work-signing-key-'.padEnd(48, 'x');
/** A worker's own queue URL on the stub, so the stub's count of SendMessage is that worker's. */
export const queueUrlOf = (endpoint: string, campaignId: string) => `${endpoint}/000000000000/issue-${campaignId}`;

/** Today's issue date of the benchmark's campaigns (time zone UTC), `YYYY-MM-DD`. */
export const today = () => new Date().toISOString().slice(0, 10);
const cpuUs = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return used.user + used.system;
};

/**
 * In the worker: one variant, timed; reports its figures on stderr (tools/bench/issue-harness.ts reportResult).
 * `proofsFile` (variant `proofOfWork`): the JSON array of `x-proof-of-work` values, the i-th for `user-<i>`.
 */
async function worker(
  variant: Variant,
  campaignId: string,
  endpoint: string,
  options: AdmissionCpuOptions,
  proofsFile?: string,
) {
  Object.assign(
    process.env,
    issueFunctionEnv({
      mode: 'redis',
      endpoint,
      queueUrl: queueUrlOf(endpoint, campaignId),
      upstashSecretId: SECRET_ID,
      proofOfWorkSecretId: PROOF_OF_WORK_SECRET_ID,
    }),
  );
  // Read before anything is timed; one solution per admitted user, warm-up included.
  const proofs = variant === 'proofOfWork' ? (JSON.parse(readFileSync(String(proofsFile), 'utf8')) as string[]) : [];
  if (variant === 'proofOfWork' && proofs.length < options.warmUp + options.admissions) {
    throw new Error(`${proofs.length} proofs for ${options.warmUp + options.admissions} admissions`);
  }
  // Counts the Upstash client's HTTP requests (it calls the global fetch; the SDK uses node:http): a sold-out
  // answer from the cache's copy of the winners makes none, and the minimal handler exactly one per request.
  const realFetch = globalThis.fetch;
  let redisRequests = 0;
  globalThis.fetch = (...args: Parameters<typeof fetch>) => {
    redisRequests++;
    return realFetch(...args);
  };
  const handler = variant === 'minimal' ? await minimalHandler(options.warmUp + options.admissions) : issueHandler();
  const expect = (status: number, response: unknown) => {
    if (statusOf(response) !== status) throw new Error(`expected ${status}: ${JSON.stringify(response)}`);
  };
  let user = 0;
  const invoke = (campaign = campaignId) => {
    const proof = proofs[user];
    const userId = `user-${user++}`;
    return handler(issueEvent(campaign, userId, proof), lambdaContext(`req-${campaign}-${userId}`));
  };

  for (let i = 0; i < options.warmUp; i++) expect(202, await invoke());
  const start = process.cpuUsage();
  for (let i = 0; i < options.admissions; i++) expect(202, await invoke());
  const admissionUs = cpuUs(start) / options.admissions;
  // Every admission, warm-up included: one Upstash request each, for either handler.
  const admissionRedisRequests = redisRequests;
  if (variant !== 'issue') {
    reportResult({ admissionUs, redisRequests: admissionRedisRequests } satisfies WorkerFigures);
    return;
  }

  // A day of quota `soldOutQuota` (within the cache's snapshot limit), filled, then sold out from here. A refresh:
  // the EVALSHA answering SOLD_OUT and the read of the day's winners (HGETALL) that marks the cache.
  if (options.soldOutQuota > SOLD_OUT_SNAPSHOT_MAX_QUOTA) {
    throw new Error(`soldOutQuota ${options.soldOutQuota} is above the snapshot limit ${SOLD_OUT_SNAPSHOT_MAX_QUOTA}`);
  }
  const soldOutDay = soldOutCampaignOf(campaignId);
  for (let i = 0; i < options.soldOutQuota; i++) expect(202, await invoke(soldOutDay));
  const refreshCpu: number[] = [];
  const refresh = async () => {
    const before = redisRequests;
    const t0 = process.cpuUsage();
    expect(409, await invoke(soldOutDay));
    refreshCpu.push(cpuUs(t0));
    if (redisRequests - before !== 2) throw new Error(`a refresh made ${redisRequests - before} Redis requests`);
  };
  await refresh();
  // Cached answers in batches short enough to fall inside the cache's 2 s; a batch that met a refresh (Redis
  // requests where the cached answers make none) is measured again after it, so only answers from memory count.
  const batch = 100;
  for (let i = 0; i < batch; i++) expect(409, await invoke(soldOutDay)); // warms the sold-out path
  let soldOutCpu = 0;
  let soldOutAnswers = 0;
  let discarded = 0;
  while (soldOutAnswers < options.soldOut) {
    const before = redisRequests;
    const t0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) expect(409, await invoke(soldOutDay));
    const used = cpuUs(t0);
    if (redisRequests !== before) {
      if (++discarded > MAX_DISCARDED_BATCHES) {
        throw new Error(`${discarded} batches of sold-out answers made Redis requests (cached answers make none)`);
      }
      continue;
    }
    soldOutCpu += used;
    soldOutAnswers += batch;
  }
  for (let i = 1; i < options.refreshes; i++) {
    // The sold-out cache's TTL (src/functions/domain/admission/sold-out-cache.ts).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await refresh();
  }
  reportResult({
    admissionUs,
    soldOutUs: soldOutCpu / soldOutAnswers,
    refreshUs: refreshCpu.reduce((a, b) => a + b, 0) / refreshCpu.length,
    redisRequests: admissionRedisRequests,
  } satisfies WorkerFigures);
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** The product's issue handler, with its real composition root. */
function issueHandler(): Handler {
  const { handler } =
    require('../../src/functions/handlers/issue-coupon') as typeof import('../../src/functions/handlers/issue-coupon');
  return handler as Handler;
}

/**
 * The minimal handler: the admission script's EVALSHA and the SendMessage, with the keys, arguments and message
 * body the product sends (same sizes; the coupon id a constant of its length), through the product's two clients,
 * and nothing else: no middleware, validation, campaign rules, logging or metrics.
 */
async function minimalHandler(quota: number): Promise<Handler> {
  const adapters =
    require('../../src/functions/runtime/composition-root') as typeof import('../../src/functions/runtime/composition-root');
  const redis = await adapters.redisClient(SECRET_ID);
  const sqs = adapters.sqsClient();
  const sha = createHash('sha1').update(ADMIT_SCRIPT).digest('hex');
  const queueUrl = process.env.ISSUE_QUEUE_URL as string;
  const issueDate = today();
  const expiresAt = String(Math.floor(Date.now() / 1000) + 8 * 86_400);
  const couponId = '0'.repeat(32);
  return async (event, context) => {
    const campaignId = event.pathParameters?.campaignId as string;
    const { userId } = JSON.parse(event.body as string) as { userId: string };
    const admittedAt = new Date().toISOString();
    const call = admitScriptCall({
      day: { campaignId, issueDate },
      userId,
      requestId: context.awsRequestId,
      quota,
      admittedAt,
      expiresAt,
    });
    const [, rank] = await redis.evalsha<string[], [number, number]>(sha, call.keys, call.args);
    const message = { campaignId, issueDate, userId, rank, admittedAt, couponId };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    return {
      statusCode: 202,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'ACCEPTED', rank, couponId, issueDate }),
    };
  };
}

if (require.main === module) {
  const [, , variant, campaignId, endpoint, options, proofsFile] = process.argv;
  worker(variant as Variant, String(campaignId), String(endpoint), JSON.parse(String(options)), proofsFile).catch(
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
