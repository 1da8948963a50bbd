import { cpus, totalmem } from 'node:os';
import * as path from 'node:path';
import {
  ADMISSION_DEFAULTS,
  type AdmissionBenchOptions,
  benchAdmissionStrategies,
  type StrategyResult,
} from './admission-strategies';
import { benchColdStart, COLD_START_GOALS, type ColdStartResult } from './cold-start';
import {
  benchCounterShards,
  COUNTER_SHARD_DEFAULTS,
  type CounterShardOptions,
  type ShardRunResult,
} from './counter-shards';
import { benchEndToEnd, END_TO_END_DEFAULTS, type EndToEndOptions, type EndToEndResult } from './end-to-end';
import {
  benchOpeningSecond,
  OPENING_SECOND_DEFAULTS,
  type OpeningSecondOptions,
  type OpeningSecondResult,
} from './opening-second';
import { formatPipeline, pipelineCharts, pipelineGoals } from './pipeline-report';
import { writeSvg } from './plot';
import { markdownTable } from './stats';
import { benchWhyQueue, WHY_QUEUE_DEFAULTS, type WhyQueueOptions, type WhyQueueResult } from './why-a-queue';

/** The benchmarks `npm run bench` knows, in the order they run. */
export const BENCHMARKS = ['admission', 'cold-start', 'shards', 'end-to-end', 'why-a-queue', 'opening-second'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Sizes of every benchmark. */
export interface BenchSizes {
  readonly admission: AdmissionBenchOptions;
  readonly coldStartRuns: number;
  readonly shards: CounterShardOptions;
  readonly endToEnd: EndToEndOptions;
  readonly whyQueue: WhyQueueOptions;
  readonly openingSecond: OpeningSecondOptions;
}

/** The issue's sizes. */
export const FULL_SIZES: BenchSizes = {
  admission: ADMISSION_DEFAULTS,
  coldStartRuns: 10,
  shards: COUNTER_SHARD_DEFAULTS,
  endToEnd: END_TO_END_DEFAULTS,
  whyQueue: WHY_QUEUE_DEFAULTS,
  openingSecond: OPENING_SECOND_DEFAULTS,
};

/** Tiny sizes for `--smoke` (and the smoke test in `npm test`): every code path, in about a minute. */
export const SMOKE_SIZES: BenchSizes = {
  admission: {
    requests: 300,
    users: 200,
    quota: 20,
    concurrencies: [1, 8],
    transports: ['resp', 'rest'],
    budgetMs: 10_000,
    rounds: { resp: 1, rest: 1 },
  },
  coldStartRuns: 2,
  shards: { requests: 200, users: 150, quota: 20, concurrency: 8, shardCounts: [1, 8] },
  endToEnd: { users: 300, quota: 30, connections: 8, modes: ['redis', 'dynamodb'] },
  whyQueue: {
    users: 200,
    quota: 50,
    connections: 4,
    dbLatenciesMs: [100],
    drainTimeoutMs: 120_000,
    functionConcurrency: 4,
  },
  openingSecond: { requests: 300, quota: 100, connections: 8, environments: 4, trigger: 'applier' },
};

/** A goal of the issue and whether this run met it. */
export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

/** Everything one `npm run bench` measured. */
export interface BenchReport {
  readonly date: string;
  readonly machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  readonly sizes: BenchSizes;
  readonly admission?: StrategyResult[];
  readonly coldStart?: ColdStartResult[];
  readonly shards?: ShardRunResult[];
  readonly endToEnd?: EndToEndResult;
  readonly whyQueue?: WhyQueueResult;
  readonly openingSecond?: OpeningSecondResult;
  readonly goals: Goal[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);

/** The issue's goals, checked against what was measured (only for the benchmarks that ran). */
export function checkGoals(report: Omit<BenchReport, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  for (const transport of ['resp', 'rest'] as const) {
    const at50 = (id: string) =>
      report.admission?.find((r) => r.transport === transport && r.concurrency === 50 && r.strategy === id);
    const [b, c, d, e] = ['b', 'c', 'd', 'e'].map(at50);
    if (!b || !c || !d || !e) continue;
    goals.push(
      {
        goal: `${transport}, c=50: (d) >= 5x (b)`,
        measured: `${ratio(d.opsPerSecond, b.opsPerSecond)}x`,
        met: d.opsPerSecond >= 5 * b.opsPerSecond,
      },
      {
        goal: `${transport}, c=50: (d) >= 1.3x (c)`,
        measured: `${ratio(d.opsPerSecond, c.opsPerSecond)}x`,
        met: d.opsPerSecond >= 1.3 * c.opsPerSecond,
      },
      {
        goal: `${transport}, c=50: (d) >= 0.6x (e)`,
        measured: `${ratio(d.opsPerSecond, e.opsPerSecond)}x`,
        met: d.opsPerSecond >= 0.6 * e.opsPerSecond,
      },
      {
        goal: `${transport}, c=50: zero oversold and stranded for (b) and (d)`,
        measured: `(b) ${b.oversold}/${b.stranded}, (d) ${d.oversold}/${d.stranded}`,
        met: b.oversold + b.stranded + d.oversold + d.stranded === 0,
      },
    );
  }
  const redis = report.endToEnd?.modes.find((m) => m.mode === 'redis');
  if (redis) {
    goals.push(
      {
        goal: 'Redis mode burst >= 2,000 req/s with p99 <= 100 ms',
        measured: `${redis.burst.requestsPerSecond} req/s, p99 ${redis.burst.latencyMs.p99} ms`,
        met: redis.burst.requestsPerSecond >= 2_000 && redis.burst.latencyMs.p99 <= 100,
      },
      {
        goal: 'after SOLD_OUT >= 2x the burst',
        measured: `${ratio(redis.afterSoldOut.requestsPerSecond, redis.burst.requestsPerSecond)}x`,
        met: redis.afterSoldOut.requestsPerSecond >= 2 * redis.burst.requestsPerSecond,
      },
      { goal: 'drain of the quota <= 5 s', measured: `${redis.drainMs} ms`, met: redis.drainMs <= 5_000 },
      {
        goal: 'warm cloud: burst >= 2,000 req/s with p99 <= 100 ms',
        measured: `${redis.warmBurst.requestsPerSecond} req/s, p99 ${redis.warmBurst.latencyMs.p99} ms`,
        met: redis.warmBurst.requestsPerSecond >= 2_000 && redis.warmBurst.latencyMs.p99 <= 100,
      },
      { goal: 'warm cloud: drain <= 5 s', measured: `${redis.warmDrainMs} ms`, met: redis.warmDrainMs <= 5_000 },
    );
  }
  for (const fn of report.coldStart ?? []) {
    goals.push({
      goal: `${fn.function}: bundle <= 500 KiB`,
      measured: `${(fn.bundleBytes / 1024).toFixed(1)} KiB`,
      met: fn.bundleBytes <= COLD_START_GOALS.bundleBytes,
    });
    if (fn.function.includes('IssueCouponFunction')) {
      goals.push({
        goal: 'issue function init <= 100 ms',
        measured: `${fn.initMs} ms`,
        met: fn.initMs <= COLD_START_GOALS.issueInitMs,
      });
    }
  }
  goals.push(...pipelineGoals(report));
  for (const run of report.shards ?? []) {
    goals.push({
      goal: `K=${run.shards}: never above the quota, every unit used`,
      measured: `oversold ${run.oversold}, unused ${run.unusedQuota}`,
      met: run.oversold === 0 && run.unusedQuota === 0,
    });
  }
  return goals;
}

/**
 * Runs the chosen benchmarks at the given sizes and checks the goals.
 * @throws Error when an emulator or the local cloud cannot start.
 */
export async function runBenchmarks(
  only: readonly BenchmarkName[] = BENCHMARKS,
  sizes: BenchSizes = FULL_SIZES,
  log: (line: string) => void = () => undefined,
): Promise<BenchReport> {
  const cpu = cpus();
  const base = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    sizes,
  };
  const admission = only.includes('admission') ? await benchAdmissionStrategies(sizes.admission, log) : undefined;
  const coldStart = only.includes('cold-start') ? await benchColdStart({ runs: sizes.coldStartRuns }) : undefined;
  const shards = only.includes('shards') ? await benchCounterShards(sizes.shards, log) : undefined;
  const endToEnd = only.includes('end-to-end') ? await benchEndToEnd(sizes.endToEnd, log) : undefined;
  const whyQueue = only.includes('why-a-queue') ? await benchWhyQueue(sizes.whyQueue, log) : undefined;
  const openingSecond = only.includes('opening-second')
    ? await benchOpeningSecond(sizes.openingSecond, log)
    : undefined;
  const partial = { ...base, admission, coldStart, shards, endToEnd, whyQueue, openingSecond };
  return { ...partial, goals: checkGoals(partial) };
}

/** The report as Markdown tables (what BENCHMARKS.md quotes). */
export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const out = [
    `# npm run bench, ${report.date}`,
    '',
    `${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`,
  ];
  if (report.admission) {
    const a = report.sizes.admission;
    out.push(
      '',
      `## Admission strategies (${a.requests} requests, ${a.users} users, quota ${a.quota})`,
      '',
      markdownTable(report.admission, {
        transport: (r) => r.transport,
        c: (r) => r.concurrency,
        strategy: (r) => `(${r.strategy}) ${r.name}`,
        'ops/s': (r) => r.opsPerSecond,
        'p50 ms': (r) => r.latencyMs.p50,
        'p99 ms': (r) => r.latencyMs.p99,
        requests: (r) => r.requests,
        admitted: (r) => r.admitted,
        oversold: (r) => r.oversold,
        stranded: (r) => r.stranded,
        'wrongly rejected': (r) => r.wronglyRejected,
        errors: (r) => r.errors,
      }),
    );
  }
  if (report.endToEnd) {
    const e = report.endToEnd;
    const rows = [
      { what: 'bare Node server', run: e.bareServer, drain: '', calls: '' },
      ...e.modes.flatMap((mode) => [
        { what: `${mode.mode} mode: burst`, run: mode.burst, drain: `${mode.drainMs}`, calls: '' },
        {
          what: `${mode.mode} mode: after SOLD_OUT`,
          run: mode.afterSoldOut,
          drain: '',
          calls: JSON.stringify(mode.backendCallsAfterSoldOut),
        },
        { what: `${mode.mode} mode: burst, warm cloud`, run: mode.warmBurst, drain: `${mode.warmDrainMs}`, calls: '' },
      ]),
    ];
    const s = report.sizes.endToEnd;
    out.push(
      '',
      `## End to end (${s.users} users, quota ${s.quota}, ${s.connections} connections, autocannon)`,
      '',
      markdownTable(rows, {
        what: (r) => r.what,
        'req/s': (r) => r.run.requestsPerSecond,
        'x bare': (r) => ratio(r.run.requestsPerSecond, e.bareServer.requestsPerSecond),
        'p50 ms': (r) => r.run.latencyMs.p50,
        'p95 ms': (r) => r.run.latencyMs.p95,
        'p99 ms': (r) => r.run.latencyMs.p99,
        'by status': (r) => JSON.stringify(r.run.byStatus),
        errors: (r) => r.run.errors,
        'drain ms': (r) => r.drain,
        'backend calls': (r) => r.calls,
      }),
    );
  }
  if (report.coldStart) {
    out.push(
      '',
      `## Cold start (median of ${report.sizes.coldStartRuns} fresh Node processes)`,
      '',
      markdownTable(report.coldStart, {
        function: (r) => r.function,
        'bundle KiB': (r) => (r.bundleBytes / 1024).toFixed(1),
        'init ms': (r) => r.initMs,
      }),
    );
  }
  if (report.shards) {
    const s = report.sizes.shards;
    const single = report.shards.find((r) => r.shards === 1);
    out.push(
      '',
      `## DynamoDB counter shards (${s.requests} requests, ${s.users} users, quota ${s.quota}, concurrency ${s.concurrency})`,
      '',
      markdownTable(report.shards, {
        K: (r) => r.shards,
        'req/s': (r) => r.admissionsPerSecond,
        'x K=1': (r) => (single ? ratio(r.admissionsPerSecond, single.admissionsPerSecond) : ''),
        'p50 ms': (r) => r.latencyMs.p50,
        'p99 ms': (r) => r.latencyMs.p99,
        admitted: (r) => r.admitted,
        oversold: (r) => r.oversold,
        'unused quota': (r) => r.unusedQuota,
        errors: (r) => r.errors,
      }),
    );
  }
  out.push(...formatPipeline(report));
  out.push(
    '',
    '## Goals',
    '',
    markdownTable(report.goals, {
      goal: (g) => g.goal,
      measured: (g) => g.measured,
      met: (g) => (g.met ? 'yes' : 'NO'),
    }),
  );
  return out.join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const smoke = args.includes('--smoke');
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const only = onlyArg ? (onlyArg.split(',') as BenchmarkName[]) : BENCHMARKS;
  const unknown = only.filter((name) => !BENCHMARKS.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}\n`);
    process.exit(2);
  }
  const report = await runBenchmarks(only, smoke ? SMOKE_SIZES : FULL_SIZES, (line) =>
    process.stderr.write(`${line}\n`),
  );
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  if (!smoke) {
    for (const [name, spec] of Object.entries(pipelineCharts(report))) {
      process.stderr.write(
        `chart: ${await writeSvg(path.join(__dirname, '..', 'docs', 'bench', `${name}.svg`), spec)}\n`,
      );
    }
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
