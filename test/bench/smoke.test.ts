import { COLD_START_GOALS } from '../../bench/cold-start';
import { BENCHMARKS, type BenchReport, formatReport, runBenchmarks, SMOKE_SIZES } from '../../bench/run';
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

  it('measures every function bundle and its init time', () => {
    const functions = report.coldStart ?? [];
    expect(functions.map((f) => localId(f.function).replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'AdminCampaignsFunction',
      'AdminFailedEventsFunction',
      'AdminVendorsFunction',
      'ApplyPrewarmFunction',
      'ConsumeAdmissionsFunction',
      'IssueCouponFunction',
      'QueryIssuanceFunction',
      'ReplayDeadLettersFunction',
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

  it('reports every table and the goals', () => {
    const text = formatReport(report);
    for (const heading of [
      '## Admission strategies',
      '## End to end',
      '## Cold start',
      '## DynamoDB counter shards',
      '## Goals',
    ]) {
      expect(text).toContain(heading);
    }
    expect(report.goals.length).toBeGreaterThan(0);
  });
});
