import { THROTTLE_TIERS, type Throttle } from '../../../contract/routes';
import { type DeployedCapacity, issueConcurrencyLimit } from './capacity';
import { type DropLimit, type DropLimits, dropLimitsOf, TokenBucket } from './drop-limits';
import { PRICES } from './prices';

export type { DropLimit, DropLimits } from './drop-limits';

/**
 * A drop's first seconds, simulated second by second (BENCHMARKS.md, "A drop of N users, simulated"): issue
 * requests and count polls go through CloudFront (with the edge), API Gateway's route and account token buckets,
 * the issue function's execution environments, then the admission backend (Upstash or the DynamoDB counter items);
 * admitted requests wait in the issue queue for the consumer. Each second says where requests were answered, shed
 * or queued and what it cost. Pure and deterministic: no clock, no randomness, no AWS SDK.
 *
 * Model (each simplification is a stated assumption, not a measurement):
 * - A token bucket holds at most `burst` tokens and gains `rate` per second; a second admits at most the tokens
 *   it starts with plus `rate` (arrivals spread over the second). Buckets start full (the stack was idle).
 * - One issue request per user; a shed request is not retried (retries are more users in the curve).
 * - Every user with the drop page open polls the count every `countPollSeconds` (src/web/drop/main.ts).
 * - The issue function scales to `provisioned + scaling x (floor(t / 10) + 1)` environments by second t, within
 *   its concurrency limit (the best case: the burst's demand is highest at the opening). Cold starts add latency,
 *   not lost capacity (Q5 measures them). An environment serves 1 / (seconds per request) requests a second.
 * - Until the quota runs out every invoked request is an admission attempt on the backend; from the second after,
 *   instances answer from memory, each asking the backend once per sold-out cache TTL.
 * - DynamoDB: every attempt, refresh and count poll reads every counter item (1 RRU each, strongly consistent); an
 *   attempt whose read finds quota left writes the day's rank ticket item (1 WRU) and, in one transaction, its
 *   counter shard and the user's item (2 WRU each), the shards sharing the attempts evenly. Each item is limited to
 *   its own partition's rate (the best case: the day's items share one partition key, so until DynamoDB splits the
 *   key for heat they share one partition). Throttled requests are shed, not retried by the SDK.
 * - A limit that cannot serve a second's demand serves every kind of request in the same proportion.
 * - Throttled requests (429s, Lambda throttles) cost nothing; the consumer is limited only by the day's STATS item
 *   (one transaction of up to `consumerBatchSize` coupons per batch, 2 WRU on that item).
 */

/** What to simulate. */
export interface DropSimulationInput {
  /** Issue requests per second from the opening second (arrivalsOf, src/functions/domain/drop-plan/arrival-curve.ts). */
  readonly arrivals: readonly number[];
  /** The deployed settings: admission mode, stage throttle, the issue function's concurrency limit. */
  readonly deployed: DeployedCapacity;
  /** The day's quota. */
  readonly quota: number;
  /** DynamoDB mode: counter items the quota is split over. @default 1 */
  readonly counterShards?: number;
  /** Provisioned concurrency held at the opening (the pre-warm). @default 0 */
  readonly provisionedConcurrency?: number;
  /** Whether CloudFront fronts the API and caches the count (construct prop `edge`). @default false */
  readonly edge?: boolean;
  /** Users with the drop page open for the whole horizon. @default - the sum of `arrivals` */
  readonly countPollers?: number;
  /** Seconds between a page's count polls (src/web/drop/main.ts, `COUNT_EVERY_MS`). @default 2 */
  readonly countPollSeconds?: number;
  /** The count route's throttle. @default THROTTLE_TIERS.polledRead (src/contract/routes.ts) */
  readonly countThrottle?: Throttle;
  /** The issue function's memory, GB (construct prop `issueMemorySize`). @default 1 */
  readonly issueMemoryGb?: number;
  /** The query function's memory, GB. @default 0.5 */
  readonly queryMemoryGb?: number;
  /** Coupons per consumer transaction (construct prop `consumerBatchSize`). @default 25 */
  readonly consumerBatchSize?: number;
  /** Limits to use instead of the published ones (what-ifs and hand-computed tests). */
  readonly limits?: Partial<DropLimits>;
}

/** One simulated second. Issue requests: `arrivals` = the four `shed…` + `admitted` + `soldOut`. */
export interface DropSecond {
  /** Seconds since the window opened (0 = the opening second). */
  readonly second: number;
  /** Issue requests sent. */
  readonly arrivals: number;
  /** Issue requests CloudFront refused (its request rate per distribution). */
  readonly shedAtEdge: number;
  /** Issue requests API Gateway answered 429 (the stage's or the account's throttle). */
  readonly shedByGateway: number;
  /** Issue requests over the issue function's environments (scaling or concurrency limit). */
  readonly shedByLambda: number;
  /** Issue requests the backend could not serve (Upstash's or a DynamoDB item's rate): 503. */
  readonly shedByBackend: number;
  /** 202: admitted, sent to the issue queue. */
  readonly admitted: number;
  /** 409 SOLD_OUT, from the backend or from an instance's memory. */
  readonly soldOut: number;
  /** Count polls sent. */
  readonly countPolls: number;
  /** Count polls answered (by CloudFront's cache with the edge, else by the query function). */
  readonly countAnswered: number;
  /** The issue function's execution environments available. */
  readonly environments: number;
  /** Admissions waiting in the issue queue at the end of the second. */
  readonly queued: number;
  /** Coupons the consumer wrote in the second. */
  readonly persisted: number;
  /** Issue requests shed in the second, per limit (only the limits that shed). */
  readonly shedBy: Partial<Record<DropLimit, number>>;
  /** What the second cost, USD ({@link PRICES}). */
  readonly costUsd: number;
}

/** Splits `capacity` over two demands in proportion when they exceed it; the first gets the rounding down. */
const share = (a: number, b: number, capacity: number): [number, number] => {
  if (a + b <= capacity) return [a, b];
  const first = Math.floor((a * capacity) / (a + b));
  return [first, Math.min(b, capacity - first)];
};

/** Scales every demand by `capacity / load` when `load` exceeds it (rounding down). */
const scaled = (demands: number[], load: number, capacity: number) =>
  load <= capacity ? demands : demands.map((d) => Math.floor((d * capacity) / load));

/** Requests `environments` serve in a second at `seconds` each (the epsilon absorbs 0.02's binary rounding). */
const servedBy = (environments: number, seconds: number) => Math.floor(environments / seconds + 1e-9);

/** Count polls in second t when `pollers` poll every `every` s, spread evenly (sums exactly over the seconds). */
const pollsAt = (t: number, pollers: number, every: number) =>
  Math.floor(((t + 1) * pollers) / every) - Math.floor((t * pollers) / every);

/**
 * Simulates the seconds of `input.arrivals` (see the module comment for the model): one {@link DropSecond} each.
 * @throws RangeError when an arrival, the quota or the counter shards is not a non-negative integer (shards >= 1).
 */
export function simulateDropSeconds(input: DropSimulationInput): DropSecond[] {
  const { deployed, quota } = input;
  const shards = input.counterShards ?? 1;
  if (!Number.isInteger(quota) || quota < 0) throw new RangeError(`quota must be an integer >= 0, got ${quota}`);
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`counterShards must be an integer >= 1`);
  if (input.arrivals.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new RangeError('arrivals must be integers >= 0');
  }
  const limits = dropLimitsOf(deployed.admissionMode, input.limits);
  const edge = input.edge ?? false;
  const pollers = input.countPollers ?? input.arrivals.reduce((sum, n) => sum + n, 0);
  const pollEvery = input.countPollSeconds ?? 2;
  const provisioned = input.provisionedConcurrency ?? 0;
  const issueGb = input.issueMemoryGb ?? 1;
  const queryGb = input.queryMemoryGb ?? 0.5;
  const batch = input.consumerBatchSize ?? 25;
  const stage = new TokenBucket({
    rateLimit: deployed.stageThrottleRateLimit,
    burstLimit: deployed.stageThrottleBurstLimit,
  });
  const countRoute = new TokenBucket(input.countThrottle ?? THROTTLE_TIERS.polledRead);
  const account = new TokenBucket({ rateLimit: limits.accountRateLimit, burstLimit: limits.accountBurstLimit });
  const concurrencyLimit = issueConcurrencyLimit(deployed);
  // One transaction per consumer batch, 2 WRU on the day's STATS item.
  const drainPerSecond = Math.floor(limits.itemWritesPerSecond / 2) * batch;
  let remaining = quota;
  let queued = 0;
  const seconds: DropSecond[] = [];

  input.arrivals.forEach((arrivals, t) => {
    const shedBy: Partial<Record<DropLimit, number>> = {};
    const shed = (limit: DropLimit, n: number) => {
      if (n > 0) shedBy[limit] = (shedBy[limit] ?? 0) + n;
    };
    const polls = pollsAt(t, pollers, pollEvery);

    // CloudFront: every request of the API's hostname with the edge; the count is answered from its cache.
    const [issueIn, pollsAtEdge] = edge ? share(arrivals, polls, limits.cloudFrontRequestsPerSecond) : [arrivals, 0];
    shed('cloudFront', arrivals - issueIn);
    const originPolls = edge ? 0 : polls;

    // API Gateway: the route's bucket, then the account's, shared by both routes.
    const issuePass = Math.min(issueIn, stage.available());
    stage.spend(issuePass);
    shed('stageThrottle', issueIn - issuePass);
    const countPass = Math.min(originPolls, countRoute.available());
    countRoute.spend(countPass);
    const [issueAccepted, countAccepted] = share(issuePass, countPass, account.available());
    account.spend(issueAccepted + countAccepted);
    shed('accountThrottle', issuePass - issueAccepted);

    // Lambda: without reserved concurrency the issue function shares the account's pool with the query function.
    const queryEnvironments = Math.ceil(countAccepted * limits.querySeconds);
    const limit = deployed.issueReservedConcurrency ?? Math.max(0, concurrencyLimit - queryEnvironments);
    const ramp = provisioned + limits.lambdaScalingPer10s * (Math.floor(t / 10) + 1);
    const environments = Math.min(limit, ramp);
    const soldOutBefore = remaining === 0;
    const invoked = Math.min(
      issueAccepted,
      servedBy(environments, soldOutBefore ? limits.soldOutSeconds : limits.admissionSeconds),
    );
    shed(ramp < limit ? 'lambdaScaling' : 'lambdaConcurrency', issueAccepted - invoked);

    // The backend: admission attempts until sold out, then one refresh per active environment per cache TTL.
    const attempts = soldOutBefore ? 0 : invoked;
    const active = soldOutBefore ? Math.min(environments, Math.ceil(invoked * limits.soldOutSeconds)) : 0;
    const refreshes = Math.min(invoked, Math.ceil(active / limits.soldOutCacheSeconds));
    const fromMemory = soldOutBefore ? invoked - refreshes : 0;
    let admitted: number;
    let attemptsServed: number;
    let refreshesServed: number;
    let countServed: number;
    let backendUsd: number;
    if (deployed.admissionMode === 'redis') {
      // One EVALSHA per attempt and per count read; a refresh is the EVALSHA and the winners' snapshot.
      const load = attempts + 2 * refreshes + countAccepted;
      [attemptsServed = 0, refreshesServed = 0, countServed = 0] = scaled(
        [attempts, refreshes, countAccepted],
        load,
        limits.upstashCommandsPerSecond,
      );
      shed('upstash', attempts - attemptsServed + refreshes - refreshesServed);
      admitted = Math.min(attemptsServed, remaining);
      backendUsd = (attemptsServed + 2 * refreshesServed + countServed) * PRICES.upstashCommand.usd;
    } else {
      // Every attempt, refresh and count read first reads each counter item once.
      const [read = 0, f = 0, c = 0] = scaled(
        [attempts, refreshes, countAccepted],
        attempts + refreshes + countAccepted,
        limits.itemReadsPerSecond,
      );
      shed('dynamoDbReads', attempts - read + refreshes - f);
      // Attempts whose read finds quota left write the rank ticket and the transaction; once the quota is used, the
      // rest find the day sold out. While writes are throttled the quota is not used, so every other attempt writes too.
      const writers = Math.min(read, remaining);
      const writeCapacity = Math.min(limits.itemWritesPerSecond, Math.floor((limits.itemWritesPerSecond * shards) / 2));
      const w = Math.min(writers, writeCapacity);
      const soldOutReads = w === remaining ? read - writers : 0;
      shed('dynamoDbWrites', read - w - soldOutReads);
      const r = soldOutReads;
      admitted = w;
      attemptsServed = w + r;
      refreshesServed = f;
      countServed = c;
      const readUnits = (read + f) * (shards + 1) + 2 * c;
      backendUsd = 5 * w * PRICES.dynamoDbWriteUnit.usd + readUnits * PRICES.dynamoDbReadUnit.usd;
    }
    remaining -= admitted;
    const soldOut = attemptsServed - admitted + refreshesServed + fromMemory;
    const shedByBackend = attempts - attemptsServed + refreshes - refreshesServed;

    queued += admitted;
    const persisted = Math.min(queued, drainPerSecond);
    queued -= persisted;

    const gbSeconds =
      ((attempts + refreshes) * limits.admissionSeconds + fromMemory * limits.soldOutSeconds) * issueGb +
      countAccepted * limits.querySeconds * queryGb;
    const costUsd =
      (edge ? (issueIn + pollsAtEdge) * PRICES.cloudFrontHttpsRequest.usd : 0) +
      (issueAccepted + countAccepted) * PRICES.apiGatewayHttpRequest.usd +
      (invoked + countAccepted) * PRICES.lambdaRequest.usd +
      gbSeconds * PRICES.lambdaArmGbSecond.usd +
      backendUsd +
      // One send per admission; the consumer's receive and delete per 10 messages; 2 WRU per coupon and per batch.
      (admitted + 2 * Math.ceil(persisted / 10)) * PRICES.sqsRequest.usd +
      (2 * persisted + 2 * Math.ceil(persisted / batch)) * PRICES.dynamoDbWriteUnit.usd;

    seconds.push({
      second: t,
      arrivals,
      shedAtEdge: arrivals - issueIn,
      shedByGateway: issueIn - issueAccepted,
      shedByLambda: issueAccepted - invoked,
      shedByBackend,
      admitted,
      soldOut,
      countPolls: polls,
      countAnswered: pollsAtEdge + countServed,
      environments,
      queued,
      persisted,
      shedBy,
      costUsd,
    });
  });
  return seconds;
}
