import { COLD_START_GOALS } from '../../tools/bench/cold-start';
import { pipelineCharts } from '../../tools/bench/pipeline-report';
import { renderSvg } from '../../tools/bench/plot';
import { BENCHMARKS, type BenchReport, formatReport, runBenchmarks, SMOKE_SIZES } from '../../tools/bench/run';
import { localId } from '../support/template';

jest.setTimeout(600_000);

describe('bench: every benchmark at smoke sizes', () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBenchmarks(BENCHMARKS, SMOKE_SIZES);
  });

  it('runs the five admission strategies over RESP and REST at each concurrency, with the expected end states', () => {
    const { quota, concurrencies } = SMOKE_SIZES.admission;
    const runs = report.admission ?? [];
    expect(runs).toHaveLength(5 * concurrencies.length * 2);
    for (const run of runs) {
      expect(run.opsPerSecond).toBeGreaterThan(0);
      if (run.strategy === 'b' || run.strategy === 'd') {
        // The lock and the Lua script: exactly the quota, nobody stranded or wrongly turned away.
        expect(run).toMatchObject({ admitted: quota, oversold: 0, stranded: 0, wronglyRejected: 0, errors: 0 });
      }
      if (run.strategy === 'c') {
        // SADD-then-INCR marks every user it turns away as SOLD_OUT: their retries hear ALREADY_ADMITTED.
        expect(run.stranded).toBeGreaterThan(0);
        expect(run.wronglyRejected).toBeGreaterThan(0);
      }
    }
  });

  it("compares (d) with the others per round at the goals' concurrency, adding rounds up to the most allowed", () => {
    const { goalConcurrency, goalRounds } = SMOKE_SIZES.admission;
    const ratios = report.admissionRatios ?? [];
    expect(ratios.map((r) => `${r.transport} ${r.versus} ${r.concurrency}`)).toEqual(
      ['resp', 'rest'].flatMap((t) => ['b', 'c', 'e'].map((id) => `${t} ${id} ${goalConcurrency}`)),
    );
    for (const r of ratios) {
      const { min, max } = goalRounds[r.transport];
      expect(r.ratio.rounds.length).toBeGreaterThanOrEqual(min);
      expect(r.ratio.rounds.length).toBeLessThanOrEqual(max);
      expect(Math.min(...r.ratio.rounds)).toBeGreaterThan(0);
      // Too few rounds at smoke sizes for a 95% interval: no verdict may claim to be clear of noise.
      expect(r.clear).toBe(false);
    }
    const d = report.admission?.find(
      (r) => r.transport === 'resp' && r.strategy === 'd' && r.concurrency === goalConcurrency,
    );
    expect(d?.roundsOpsPerSecond.length).toBe(goalRounds.resp.max);
  });

  it('measures the CPU of an admission (without and with a proof of work), a sold-out answer and the minimal handler, which made its two calls', () => {
    const cpu = report.admissionCpu;
    const { rounds, warmUp, admissions, soldOutQuota } = SMOKE_SIZES.admissionCpu;
    expect(cpu?.rounds).toHaveLength(rounds);
    for (const summary of [cpu?.minimalUs, cpu?.admissionUs, cpu?.soldOutUs, cpu?.refreshUs, cpu?.proofOfWorkUs]) {
      expect(summary?.median).toBeGreaterThan(0);
    }
    // The proof of work's ratio is computed per round, against that round's admission without it.
    expect(cpu?.proofOfWorkRatio?.rounds).toEqual(
      (cpu?.rounds ?? []).map((r) => Math.round((r.proofOfWorkUs / r.admissionUs) * 1000) / 1000),
    );
    expect(report.goals.filter((g) => g.question === 'Q3').map((g) => g.goal)).toContainEqual(
      expect.stringContaining('with a proof of work verified'),
    );
    for (const round of cpu?.rounds ?? []) {
      // One Upstash request and one SendMessage per request, warm-up included, and nothing more.
      expect(round.minimalCalls).toEqual({
        requests: warmUp + admissions,
        redisRequests: warmUp + admissions,
        sendMessages: warmUp + admissions,
      });
      // The issue worker also filled the day whose sold-out answers it measures.
      expect(round.issueSendMessages).toBe(warmUp + admissions + soldOutQuota);
      // Every request on the campaign with a proof of work was admitted: its solution verified.
      expect(round.proofOfWorkSendMessages).toBe(warmUp + admissions);
      // A sold-out answer from the cache costs less than an admission, which costs more than nothing.
      expect(round.soldOutUs).toBeLessThan(round.admissionUs);
    }
    expect(cpu?.memoryMb).toBe(1024);
  });

  it('measures every function bundle and its init time', () => {
    const functions = report.coldStart ?? [];
    expect(functions.map((f) => localId(f.function).replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'AdminCampaignsFunction',
      'AdminFailedEventsFunction',
      'AdminVendorsFunction',
      'ApplyPrewarmFunction',
      'CheckoutFunction',
      'ConsumeAdmissionsFunction',
      'IssueCouponFunction',
      'PublishEventsFunction',
      'QueryIssuanceFunction',
      'ReplayAndReconcileFunction',
      'UserCouponsFunction',
    ]);
    for (const fn of functions) {
      expect(fn.bundleBytes).toBeLessThanOrEqual(COLD_START_GOALS.bundleBytes);
      expect(fn.initRunsMs).toHaveLength(SMOKE_SIZES.coldStartRuns);
      expect(fn.initMs).toBeGreaterThan(0);
      expect(fn.initCpuMs).toBeGreaterThan(0);
    }
  });

  it('admits exactly the quota with one and with eight counter shards', () => {
    expect((report.shards ?? []).map((r) => [r.shards, r.admitted, r.oversold, r.unusedQuota, r.errors])).toEqual([
      [1, SMOKE_SIZES.shards.quota, 0, 0, 0],
      [8, SMOKE_SIZES.shards.quota, 0, 0, 0],
    ]);
  });

  it('admits exactly the quota in DynamoDB mode with the bare counter, the two writes and the transaction', () => {
    const variants = report.dynamodbAdmission?.variants ?? [];
    expect(variants.map((v) => [v.variant, v.admitted, v.counted, v.errors, v.correct])).toEqual(
      ['bare', 'before', 'after'].map((id) => [
        id,
        SMOKE_SIZES.dynamodbAdmission.quota,
        SMOKE_SIZES.dynamodbAdmission.quota,
        0,
        true,
      ]),
    );
    for (const v of variants.filter((v) => v.variant !== 'bare')) {
      expect([v.usersTwice, v.ledger]).toEqual([0, SMOKE_SIZES.dynamodbAdmission.quota]);
    }
    for (const v of variants) expect(v.wcuPerAdmission).toBeGreaterThan(0);
  });

  it('runs the burst end to end in both modes, drains it, answers the late load from memory, and bursts again warm', () => {
    const { users, quota } = SMOKE_SIZES.endToEnd;
    expect(report.endToEnd?.bareServer.byStatus).toEqual({ '202': users });
    for (const mode of report.endToEnd?.modes ?? []) {
      expect(mode.burst.byStatus).toEqual({ '202': quota, '409': users - quota });
      expect(mode.burst.errors).toBe(0);
      expect(mode.drainMs).toBeGreaterThan(0);
      expect(mode.afterSoldOut.byStatus).toEqual({ '409': users });
      expect(mode.warmBurst.byStatus).toEqual({ '202': quota, '409': users - quota });
      expect(mode.warmDrainMs).toBeGreaterThan(0);
    }
    expect(report.endToEnd?.modes.map((m) => m.mode)).toEqual(['redis', 'dynamodb']);
  });

  it('answers "why a queue": both paths at each DB latency, the direct one writing inside the request, nothing lost', () => {
    const { users, quota, dbLatenciesMs } = SMOKE_SIZES.whyQueue;
    const runs = report.whyQueue?.runs ?? [];
    expect(runs.map((r) => [r.path, r.dbLatencyMs])).toEqual([
      ...dbLatenciesMs.map((ms) => ['queued', ms]),
      ...dbLatenciesMs.map((ms) => ['direct', ms]),
    ]);
    for (const run of runs) {
      expect(run.burst.byStatus).toEqual({ '202': quota, '409': users - quota });
      expect(run.burst.errors).toBe(0);
      expect([run.admitted, run.persisted]).toEqual([quota, quota]);
      expect(run.drainMs).toBeGreaterThan(0);
    }
    // The queued path sends each admission to SQS (the SDK may resend one it timed out on); the direct variant
    // sends none, and each of its admitted requests (a quarter of the burst) waits for its coupon write, slowed
    // by 100 ms: a lower bound, whatever the machine's load.
    for (const run of runs) {
      if (run.path === 'queued') expect(run.queueSends).toBeGreaterThanOrEqual(quota);
      else expect(run.queueSends).toBe(0);
    }
    const slowDirect = runs.find((r) => r.path === 'direct' && r.dbLatencyMs === 100);
    expect(slowDirect?.burst.latencyMs.p95).toBeGreaterThanOrEqual(100);
  });

  it("opens a drop cold and pre-warmed by the product's applier: the warm run starts no environment", () => {
    const { requests, quota } = SMOKE_SIZES.openingSecond;
    const opening = report.openingSecond;
    expect(opening?.cold.coldStarts).toBeGreaterThan(0);
    expect(opening?.prewarmed.coldStarts).toBe(0);
    expect(opening?.provisionedReady).toBe(opening?.prewarmConcurrency);
    for (const run of [opening?.cold, opening?.prewarmed]) {
      expect(run?.burst.byStatus).toEqual({ '202': quota, '409': requests - quota });
      expect(run?.burst.errors).toBe(0);
      const ms = run?.quantilesMs.map((q) => q.ms) ?? [];
      expect(ms).toHaveLength(103);
      expect(ms).toEqual([...ms].sort((a, b) => a - b));
      expect(ms.at(-1)).toBe(run?.burst.latencyMs.max);
    }
  });

  it('fills each big day to its quota through both stores and reconciles exactly the admissions left unclaimed', () => {
    const { redisQuotas, dynamodbQuotas, lostShare } = SMOKE_SIZES.bigDays;
    const days = report.bigDays?.days ?? [];
    expect(days.map((d) => `${d.mode} ${d.quota}`)).toEqual([
      ...redisQuotas.map((q) => `redis ${q}`),
      ...dynamodbQuotas.map((q) => `dynamodb ${q}`),
    ]);
    for (const day of days) {
      expect(day.reconcile.reconciled).toBe(Math.floor(day.quota * lostShare));
      expect(day.perAdmission.admitCalls).toBeGreaterThanOrEqual(1);
      expect(day.perAdmission.claimCalls).toBeGreaterThan(0);
      if (day.mode === 'redis') expect(day.perAdmission.redisBytes).toBeGreaterThan(0);
      else expect(day.perAdmission.wcu).toBeGreaterThan(0);
    }
  });

  it('draws the charts of "why a queue" and "the opening second"', async () => {
    const charts = pipelineCharts(report);
    expect(Object.keys(charts).sort()).toEqual(['opening-second', 'why-a-queue']);
    for (const spec of Object.values(charts)) expect(await renderSvg(spec)).toMatch(/^<svg /);
  });

  it('reports every table and the goals, by question', () => {
    const text = formatReport(report);
    for (const heading of [
      '## Q4. Admission strategies',
      '### (d) against the others',
      '## Q3. What one admission costs the issue function',
      '## End to end, for context',
      '## Q5. Cold start and bundle sizes',
      '## DynamoDB counter shards',
      '## Q4. DynamoDB admission: two writes vs one transaction',
      '## Q1. Why a queue',
      '## Q2. The opening second',
      '## Goals',
    ]) {
      expect(text).toContain(heading);
    }
    expect(report.goals.length).toBeGreaterThan(0);
    expect(report.goals.map((g) => g.goal)).toEqual(
      expect.arrayContaining([
        'why a queue, DB +100 ms: queued issue p99 <= 0.2x direct',
        "why a queue: the queued path's drain keeps every coupon (persisted == admitted)",
        `opening second (first ${SMOKE_SIZES.openingSecond.requests} requests): pre-warmed p99 <= 0.3x cold`,
      ]),
    );
  });
});
