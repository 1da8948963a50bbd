import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { arrivalsOf, openingSecondShare, usersForPeak } from '../../../../src/functions/domain/drop-plan/arrival-curve';
import type { DeployedCapacity } from '../../../../src/functions/domain/drop-plan/capacity';
import {
  type DropSecond,
  type DropSimulationInput,
  simulateDropSeconds,
} from '../../../../src/functions/domain/drop-plan/drop-simulation';
import { simulateDrop } from '../../../../src/functions/domain/drop-plan/drop-summary';
import { PRICES } from '../../../../src/functions/domain/drop-plan/prices';

const redis: DeployedCapacity = { admissionMode: 'redis', stageThrottleRateLimit: 100, stageThrottleBurstLimit: 100 };
const dynamodb: DeployedCapacity = { ...redis, admissionMode: 'dynamodb' };
/** A hand-sized drop: no count polls unless a case adds them. */
const run = (input: Partial<DropSimulationInput> & Pick<DropSimulationInput, 'arrivals'>) =>
  simulateDropSeconds({ deployed: redis, quota: 1_000, countPollers: 0, ...input });
const column = (seconds: DropSecond[], key: keyof Omit<DropSecond, 'shedBy'>) => seconds.map((s) => s[key]);
const shedOf = (s: DropSecond) => s.shedAtEdge + s.shedByGateway + s.shedByLambda + s.shedByBackend;

describe('domain: the arrival curve', () => {
  it('puts 1 - e^(-1/5) of the crowd in the opening second and everyone within the minute', () => {
    const arrivals = arrivalsOf({ users: 1_000_000 });
    expect(arrivals).toHaveLength(60);
    expect(arrivals.reduce((a, b) => a + b, 0)).toBe(1_000_000);
    // F(1) = (1 - e^-0.2) / (1 - e^-12) = 0.181269247 / 0.999993856 = 0.181270361
    expect(arrivals[0]).toBe(181_270);
    expect(openingSecondShare({})).toBeCloseTo(0.18127, 5);
    expect(Math.abs(usersForPeak(181_270) - 1_000_000)).toBeLessThan(10);
  });

  it('spreads a small crowd by hand: floor(N F(t+1)) - floor(N F(t))', () => {
    // τ = 1 s over 3 s: F = (1 - e^-t) / (1 - e^-3) = 0, 0.66524, 0.90996, 1 -> floor(10 F) = 0, 6, 9, 10.
    expect(arrivalsOf({ users: 10, decaySeconds: 1, seconds: 3 })).toEqual([6, 3, 1]);
  });

  it('refuses a crowd or a curve out of range', () => {
    expect(() => arrivalsOf({ users: -1 })).toThrow(RangeError);
    expect(() => arrivalsOf({ users: 1.5 })).toThrow(RangeError);
    expect(() => arrivalsOf({ users: 10, decaySeconds: 0 })).toThrow(RangeError);
    expect(() => arrivalsOf({ users: 10, seconds: 0 })).toThrow(RangeError);
  });
});

describe('domain: simulateDropSeconds, hand-computed', () => {
  it('admits until the quota is used, then answers SOLD_OUT, and costs each request at list prices', () => {
    const seconds = run({ arrivals: [3, 2, 0], quota: 4 });
    expect(column(seconds, 'admitted')).toEqual([3, 1, 0]);
    expect(column(seconds, 'soldOut')).toEqual([0, 1, 0]);
    expect(column(seconds, 'persisted')).toEqual([3, 1, 0]);
    expect(seconds.every((s) => shedOf(s) === 0)).toBe(true);
    // Second 0: 3 API requests, 3 invocations of 20 ms at 1 GB, 3 EVALSHA, 3 sends + 2 SQS batch calls (receive,
    // delete), 3 coupons at 2 WRU + one STATS update at 2 WRU.
    const expected =
      3 * PRICES.apiGatewayHttpRequest.usd +
      3 * PRICES.lambdaRequest.usd +
      3 * 0.02 * PRICES.lambdaArmGbSecond.usd +
      3 * PRICES.upstashCommand.usd +
      (3 + 2) * PRICES.sqsRequest.usd +
      (6 + 2) * PRICES.dynamoDbWriteUnit.usd;
    expect(seconds[0]?.costUsd).toBeCloseTo(expected, 12);
  });

  it("sheds 429 at the stage's token bucket: burst + rate in the first second, then the rate", () => {
    // rate 2, burst 3: second 0 spends 3 + 2 = 5 tokens; 1: 2; 2: 1 of 2 (1 left); 3: 1 of 1 + 2.
    const seconds = run({
      arrivals: [10, 10, 1, 1],
      deployed: { ...redis, stageThrottleRateLimit: 2, stageThrottleBurstLimit: 3 },
    });
    expect(column(seconds, 'shedByGateway')).toEqual([5, 8, 0, 0]);
    expect(column(seconds, 'admitted')).toEqual([5, 2, 1, 1]);
    expect(seconds[1]?.shedBy).toEqual({ stageThrottle: 8 });
  });

  it("sheds 429 at the account's token bucket above the stage's", () => {
    const seconds = run({ arrivals: [10, 10], limits: { accountRateLimit: 4, accountBurstLimit: 2 } });
    expect(column(seconds, 'shedByGateway')).toEqual([4, 6]);
    expect(seconds[0]?.shedBy).toEqual({ accountThrottle: 4 });
  });

  it('adds execution environments at the scaling rate every 10 s, on top of the provisioned ones', () => {
    // 1 provisioned + 1 per 10 s, 2 requests/s each (0.5 s per request): 4 requests/s until second 10, then 6.
    const seconds = run({
      arrivals: Array(12).fill(10),
      provisionedConcurrency: 1,
      limits: { lambdaScalingPer10s: 1, admissionSeconds: 0.5 },
    });
    expect(column(seconds, 'environments')).toEqual([...Array(10).fill(2), 3, 3]);
    expect(column(seconds, 'shedByLambda')).toEqual([...Array(10).fill(6), 4, 4]);
    expect(seconds[0]?.shedBy).toEqual({ lambdaScaling: 6 });
  });

  it("sheds at the issue function's concurrency limit", () => {
    const seconds = run({
      arrivals: [10],
      deployed: { ...redis, issueReservedConcurrency: 2 },
      limits: { admissionSeconds: 0.5 },
    });
    expect(seconds[0]).toMatchObject({ environments: 2, shedByLambda: 6, shedBy: { lambdaConcurrency: 6 } });
  });

  it("sheds 503 above Upstash's commands/s, sharing it with the count reads", () => {
    // 8 attempts + 2 count polls (4 pages every 2 s) = 10 commands for 5: each kind gets half.
    const seconds = run({ arrivals: [8], countPollers: 4, limits: { upstashCommandsPerSecond: 5 } });
    expect(seconds[0]).toMatchObject({
      admitted: 4,
      shedByBackend: 4,
      countPolls: 2,
      countAnswered: 1,
      shedBy: { upstash: 4 },
    });
  });

  it("sheds 503 at a DynamoDB item's writes: 2 WRU per transaction on a shard, 1 on the rank ticket item", () => {
    const one = run({ arrivals: [8], deployed: dynamodb, limits: { itemWritesPerSecond: 10 } });
    expect(one[0]).toMatchObject({ admitted: 5, shedByBackend: 3, shedBy: { dynamoDbWrites: 3 } });
    // Four shards take 20 attempts/s, but every attempt also writes the day's one rank ticket item: 10.
    const four = run({ arrivals: [12], deployed: dynamodb, counterShards: 4, limits: { itemWritesPerSecond: 10 } });
    expect(four[0]).toMatchObject({ admitted: 10, shedByBackend: 2 });
  });

  it("sheds 503 at a counter item's reads: every attempt reads every shard", () => {
    // 8 attempts read each counter item, which serves 6 reads: 2 shed; 3 of the 6 find quota (the quota), 3 find it used.
    const seconds = run({
      arrivals: [8],
      quota: 3,
      deployed: dynamodb,
      counterShards: 2,
      limits: { itemReadsPerSecond: 6 },
    });
    expect(seconds[0]).toMatchObject({ admitted: 3, soldOut: 3, shedByBackend: 2, shedBy: { dynamoDbReads: 2 } });
  });

  it('answers no SOLD_OUT while throttled writes leave quota unused: those attempts are shed too', () => {
    // 8 attempts, quota 6, 2 writes/s on the one shard (2 WRU each, 4 WRU/s): 2 admitted, 6 shed, none sold out.
    const seconds = run({ arrivals: [8], quota: 6, deployed: dynamodb, limits: { itemWritesPerSecond: 4 } });
    expect(seconds[0]).toMatchObject({ admitted: 2, soldOut: 0, shedByBackend: 6, shedBy: { dynamoDbWrites: 6 } });
  });

  it("sheds at CloudFront's request rate, issue requests and count polls in proportion", () => {
    const seconds = run({ arrivals: [12], edge: true, countPollers: 16, limits: { cloudFrontRequestsPerSecond: 10 } });
    expect(seconds[0]).toMatchObject({ countPolls: 8, countAnswered: 4, shedAtEdge: 6, admitted: 6 });
  });

  it('answers a sold-out day from memory, one backend refresh per active environment per cache TTL', () => {
    const fast = { soldOutSeconds: 0.01, soldOutCacheSeconds: 2 };
    const seconds = run({ arrivals: [2, 100], quota: 2, limits: fast });
    // 100 answers of 10 ms keep 1 environment busy; it refreshes ceil(1/2) = 1 time: 2 commands, served.
    expect(seconds[1]).toMatchObject({ soldOut: 100, shedByBackend: 0 });
    // At 1 command/s the refresh's 2 commands are shed (503); the 99 answers from memory are not.
    const starved = run({ arrivals: [1, 100], quota: 1, limits: { ...fast, upstashCommandsPerSecond: 1 } });
    expect(starved[1]).toMatchObject({ soldOut: 99, shedByBackend: 1 });
  });

  it('sheds fewer in all when the quota runs out earlier: the sold-out day is answered from memory', () => {
    // Found by the monotonicity property (seed -1545196785): a counter item that serves 1 read a second.
    const deployment = {
      deployed: { ...dynamodb, stageThrottleRateLimit: 2, stageThrottleBurstLimit: 0 },
      quota: 1,
      limits: { itemReadsPerSecond: 1 },
    };
    // [0, 2]: second 1's 2 attempts read the counter, 1 read is shed (503), the other is admitted.
    expect(run({ ...deployment, arrivals: [0, 2] }).map(shedOf)).toEqual([0, 1]);
    // [1, 2]: second 0 sells out; second 1 answers from memory with one refresh read, served: nothing shed.
    expect(run({ ...deployment, arrivals: [1, 2] }).map(shedOf)).toEqual([0, 0]);
  });

  it("drains the issue queue at the STATS item's rate: one 2-WRU transaction per consumer batch", () => {
    const seconds = run({ arrivals: [5, 0, 0], consumerBatchSize: 1, limits: { itemWritesPerSecond: 4 } });
    expect(column(seconds, 'persisted')).toEqual([2, 2, 1]);
    expect(column(seconds, 'queued')).toEqual([3, 1, 0]);
  });

  it('without the edge, count polls take the account pool the issue function draws on', () => {
    // 300 polls/s through a 10,000 route tier at 10 ms hold 3 environments of a 5-environment account.
    const seconds = run({
      arrivals: [10],
      countPollers: 600,
      countThrottle: { rateLimit: 10_000, burstLimit: 10_000 },
      deployed: { ...redis, accountConcurrency: 5 },
      limits: { admissionSeconds: 0.5 },
    });
    expect(seconds[0]).toMatchObject({ environments: 2, shedByLambda: 6, countAnswered: 300 });
  });
});

describe('domain: simulateDrop', () => {
  it('summarizes per-phase totals, the first second of shedding, the bottleneck and the cost', () => {
    const { seconds, summary } = simulateDrop(
      { users: 1_000_000 },
      { deployed: { ...redis, stageThrottleRateLimit: 5_000, stageThrottleBurstLimit: 5_000 }, quota: 1_000 },
    );
    expect(summary.totals.arrivals).toBe(1_000_000);
    expect(summary.totals.admitted).toBe(1_000);
    expect(summary.firstShedSecond).toBe(0);
    expect(summary.soldOutSecond).toBe(0);
    expect(summary.bottleneck).toBe('stageThrottle');
    expect(summary.totals.shedByGateway).toBe(seconds.reduce((sum, s) => sum + s.shedByGateway, 0));
    expect(summary.costUsd).toBeCloseTo(
      seconds.reduce((sum, s) => sum + s.costUsd, 0),
      3,
    );
  });

  it('reports no bottleneck and no first shed second when every request is served', () => {
    const { summary } = simulateDrop({ users: 100, decaySeconds: 1 }, { deployed: redis, quota: 1_000 });
    expect(summary).toMatchObject({ bottleneck: 'none', shedBy: {} });
    expect(summary.firstShedSecond).toBeUndefined();
    expect(summary.soldOutSecond).toBeUndefined();
  });
});

describe('domain: simulateDropSeconds, properties', () => {
  /** Hand-sized or large: every limit binds in some runs, at sizes where one request matters. */
  const upTo = (max: number, min = 0) =>
    fc.oneof(fc.integer({ min, max: Math.min(max, min + 100) }), fc.integer({ min, max }));
  const deployment = fc.record({
    mode: fc.constantFrom('redis' as const, 'dynamodb' as const),
    rate: upTo(20_000, 1),
    burst: upTo(20_000),
    quota: upTo(50_000),
    shards: fc.integer({ min: 1, max: 8 }),
    provisioned: upTo(2_000),
    edge: fc.boolean(),
    pollers: upTo(2_000_000),
    // What-if limits (the published ones rarely bind behind API Gateway's).
    limits: fc.record(
      {
        accountRateLimit: upTo(50_000, 1),
        accountBurstLimit: upTo(50_000),
        lambdaScalingPer10s: upTo(2_000, 1),
        cloudFrontRequestsPerSecond: upTo(300_000, 1),
        upstashCommandsPerSecond: upTo(20_000, 1),
        itemWritesPerSecond: upTo(2_000, 2),
        itemReadsPerSecond: upTo(5_000, 1),
      },
      { requiredKeys: [] },
    ),
  });
  type Deployment = typeof deployment extends fc.Arbitrary<infer D> ? D : never;
  const inputOf = (d: Deployment, arrivals: number[]) => ({
    arrivals,
    deployed: {
      admissionMode: d.mode,
      stageThrottleRateLimit: d.rate,
      stageThrottleBurstLimit: d.burst,
    } satisfies DeployedCapacity,
    quota: d.quota,
    counterShards: d.shards,
    provisionedConcurrency: d.provisioned,
    edge: d.edge,
    countPollers: d.pollers,
    limits: d.limits,
  });
  const arrivals = fc.array(upTo(300_000), { minLength: 1, maxLength: 15 });

  it('accounts for every request every second and never admits more than the quota', () => {
    fc.assert(
      fc.property(deployment, arrivals, (d, a) => {
        const seconds = simulateDropSeconds(inputOf(d, a));
        for (const s of seconds) {
          expect(shedOf(s) + s.admitted + s.soldOut).toBe(s.arrivals);
          expect(
            Math.min(s.shedAtEdge, s.shedByGateway, s.shedByLambda, s.shedByBackend, s.soldOut),
          ).toBeGreaterThanOrEqual(0);
          expect(s.countAnswered).toBeLessThanOrEqual(s.countPolls);
          expect(Object.values(s.shedBy).reduce((x, y) => x + y, 0)).toBe(shedOf(s));
        }
        expect(seconds.reduce((sum, s) => sum + s.admitted, 0)).toBeLessThanOrEqual(d.quota);
      }),
    );
  });

  // Shed in all is not monotone: an earlier sell-out makes the next requests cheap (the hand case below). What is
  // shed at the front door, CloudFront and API Gateway, never falls as requests grow.
  const frontDoor = (s: DropSecond) => s.shedAtEdge + s.shedByGateway;

  it('never sheds fewer requests at the edge and the gateway when a second brings more', () => {
    fc.assert(
      fc.property(deployment, arrivals, fc.nat(), upTo(100_000, 1), (d, a, at, more) => {
        const bigger = a.map((n, t) => (t === at % a.length ? n + more : n));
        const shed = (x: number[]) => simulateDropSeconds(inputOf(d, x)).reduce((sum, s) => sum + frontDoor(s), 0);
        expect(shed(bigger)).toBeGreaterThanOrEqual(shed(a));
      }),
      // A fault that sheds less only in a narrow band of load shows up in about 1 run in 1,000.
      { numRuns: 3_000 },
    );
  });

  it('never sheds fewer requests at the edge and the gateway when more users come', () => {
    fc.assert(
      fc.property(
        deployment,
        fc.integer({ min: 0, max: 3_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (d, users, more) => {
          const { arrivals: _, ...rest } = inputOf(d, []);
          const shed = (n: number) => {
            const { totals } = simulateDrop({ users: n }, rest).summary;
            return totals.shedAtEdge + totals.shedByGateway;
          };
          expect(shed(users + more)).toBeGreaterThanOrEqual(shed(users));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('domain: drop simulation prices', () => {
  it("are the ones BENCHMARKS.md's capacity model cites, with the same sources", () => {
    const benchmarks = readFileSync(path.join(__dirname, '..', '..', '..', '..', 'BENCHMARKS.md'), 'utf8');
    for (const price of Object.values(PRICES)) expect(benchmarks).toContain(price.source);
  });
});
