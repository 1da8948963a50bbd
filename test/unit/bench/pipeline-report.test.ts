import type { HttpRun } from '../../../tools/bench/end-to-end';
import type { OpeningRun, OpeningSecondResult } from '../../../tools/bench/opening-second';
import { formatPipeline, pipelineCharts, pipelineGoals } from '../../../tools/bench/pipeline-report';
import { renderSvg } from '../../../tools/bench/plot';
import { FULL_SIZES } from '../../../tools/bench/run';
import type { WhyQueueResult, WhyQueueRun } from '../../../tools/bench/why-a-queue';

const run = (p50: number, p99: number): HttpRun => ({
  requests: 3000,
  requestsPerSecond: 500,
  latencyMs: { p50, p95: p99 - 1, p99, max: p99 + 1 },
  byStatus: { '202': 1000, '409': 2000 },
  non2xx: 2000,
  errors: 0,
  elapsedMs: 6000,
});

const whyRun = (path: 'queued' | 'direct', dbLatencyMs: number, p99: number, persisted = 1000): WhyQueueRun => ({
  path,
  dbLatencyMs,
  burst: run(p99 / 4, p99),
  admitted: 1000,
  queueSends: path === 'queued' ? 1000 : 0,
  persisted,
  drainMs: 4000,
});

const why = (queuedP99At100: number, persistedAt100 = 1000): WhyQueueResult => ({
  runs: [
    whyRun('queued', 0, 40),
    whyRun('queued', 100, queuedP99At100, persistedAt100),
    whyRun('direct', 0, 50),
    whyRun('direct', 100, 1000),
  ],
  functionConcurrency: 4,
});

const openingRun = (p99: number, coldStarts: number): OpeningRun => ({
  burst: { ...run(p99 / 5, p99), requests: 2000 },
  quantilesMs: [
    { p: 0, ms: 1 },
    { p: 50, ms: p99 / 5 },
    { p: 99, ms: p99 },
    { p: 100, ms: p99 + 1 },
  ],
  coldStarts,
});

const opening = (warmP99: number): OpeningSecondResult => ({
  cold: openingRun(1000, 32),
  prewarmed: openingRun(warmP99, 0),
  prewarmConcurrency: 16,
  provisionedReady: 16,
  trigger: 'schedule',
});

const report = (whyQueue?: WhyQueueResult, openingSecond?: OpeningSecondResult) => ({
  date: '2026-11-30T00:00:00.000Z',
  machine: { cpus: 2, cpuModel: 'test', memoryGiB: 1, node: 'v22', platform: 'linux-x64' },
  sizes: {
    ...FULL_SIZES,
    whyQueue: { users: 3000, quota: 1000, connections: 4, dbLatenciesMs: [0, 100], drainTimeoutMs: 1000 },
    openingSecond: { requests: 2000, quota: 1000, connections: 32, environments: 16, trigger: 'schedule' as const },
  },
  whyQueue,
  openingSecond,
});

describe('bench: Q1 and Q2 in the report', () => {
  it('meets the goals when queued p99 is at most 0.2x direct at +100 ms, every coupon is kept, and warm p99 <= 0.3x cold', () => {
    expect(pipelineGoals(report(why(200), opening(300))).map((g) => [g.goal, g.measured, g.met])).toEqual([
      ['why a queue, DB +100 ms: queued issue p99 <= 0.2x direct', '0.2x (200 vs 1000 ms)', true],
      [
        "why a queue: the queued path's drain keeps every coupon (persisted == admitted)",
        '+0 ms: 1000/1000, +100 ms: 1000/1000',
        true,
      ],
      ['opening second (first 2000 requests): pre-warmed p99 <= 0.3x cold', '0.3x (300 vs 1000 ms)', true],
    ]);
  });

  it('says NO when a ratio is missed or a coupon is missing after the drain', () => {
    const goals = pipelineGoals(report(why(201, 999), opening(301)));
    expect(goals.map((g) => g.met)).toEqual([false, false, false]);
    expect(goals[1]?.measured).toBe('+0 ms: 1000/1000, +100 ms: 999/1000');
  });

  it('has no goal, section or chart for a question that did not run', () => {
    expect(pipelineGoals(report())).toEqual([]);
    expect(formatPipeline({ ...report(), goals: [] })).toEqual([]);
    expect(pipelineCharts({ ...report(), goals: [] })).toEqual({});
  });

  it('prints each run with its ratio to the direct path and to the cold run', () => {
    const text = formatPipeline({ ...report(why(200), opening(300)), goals: [] }).join('\n');
    expect(text).toContain('## Q1. Why a queue (3000 users, quota 1000, 4 connections, 4 environments per function;');
    expect(text).toMatch(/\| queued +\| 100 +\| 500 +\| 50 +\| 199 +\| 200 +\| 0\.2 /);
    expect(text).toContain(
      '## Q2. The opening second (first 2000 requests, quota 1000, 32 connections to 16 environments;',
    );
    expect(text).toMatch(/\| pre-warmed \(16 environments\) +\| 60 +\| 299 +\| 300 +\| 301 +\| 0\.3 +\| 0 /);
  });

  it('draws latency against DB latency per path, and each run as a percentile curve', async () => {
    const charts = pipelineCharts({ ...report(why(200), opening(300)), goals: [] });
    const whySvg = await renderSvg(charts['why-a-queue'] as never);
    expect(whySvg).toContain('Why a queue: issue latency as DynamoDB slows');
    for (const label of ['queued', 'direct', 'p50', 'p99']) expect(whySvg).toContain(label);
    const openingSvg = await renderSvg(charts['opening-second'] as never);
    expect(openingSvg).toContain('first 2000 requests, cold vs pre-warmed');
    for (const label of ['cold', 'pre-warmed']) expect(openingSvg).toContain(label);
  });
});
