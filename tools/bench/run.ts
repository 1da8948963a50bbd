import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ADMISSION_CPU_DEFAULTS, ADMISSION_CPU_GOALS, benchAdmissionCpu } from './admission-cpu';
import { ADMISSION_DEFAULTS, benchAdmissionStrategies } from './admission-strategies';
import type { BenchReport, BenchSizes, Goal } from './bench-report';
import { BIG_DAYS_DEFAULTS, BIG_DAYS_GOALS, benchBigDays, costRatios } from './big-days';
import { writeCharts } from './charts';
import { benchColdStart, COLD_START_GOALS } from './cold-start';
import { benchCounterShards, COUNTER_SHARD_DEFAULTS } from './counter-shards';
import { benchDynamoDbAdmission, DYNAMODB_ADMISSION_DEFAULTS } from './dynamodb-admission';
import { benchEndToEnd, END_TO_END_DEFAULTS } from './end-to-end';
import { benchOpeningSecond, OPENING_SECOND_DEFAULTS } from './opening-second';
import { pipelineGoals } from './pipeline-report';
import { formatReport } from './report';
import { clearOfNoise, formatRounds } from './stats';
import { benchWhyQueue, WHY_QUEUE_DEFAULTS } from './why-a-queue';

export type { BenchReport, BenchSizes, Goal } from './bench-report';
export { formatReport } from './report';

/** The benchmarks `npm run bench` knows, in the order they run. */
export const BENCHMARKS = [
  'why-a-queue',
  'opening-second',
  'admission-cpu',
  'admission',
  'cold-start',
  'shards',
  'dynamodb-admission',
  'end-to-end',
  'big-days',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** The full run's sizes (`npm run bench`, BENCHMARKS.md). */
export const FULL_SIZES: BenchSizes = {
  admission: ADMISSION_DEFAULTS,
  admissionCpu: ADMISSION_CPU_DEFAULTS,
  coldStartRuns: 10,
  shards: COUNTER_SHARD_DEFAULTS,
  dynamodbAdmission: DYNAMODB_ADMISSION_DEFAULTS,
  endToEnd: END_TO_END_DEFAULTS,
  whyQueue: WHY_QUEUE_DEFAULTS,
  openingSecond: OPENING_SECOND_DEFAULTS,
  bigDays: BIG_DAYS_DEFAULTS,
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
    goalConcurrency: 8,
    // Enough for the added rounds' path to run; far too few for a 95% interval (stats.ts summarizeRounds).
    goalRounds: { resp: { min: 2, max: 3 }, rest: { min: 1, max: 2 } },
  },
  admissionCpu: {
    rounds: 1,
    maxRounds: 1,
    warmUp: 50,
    admissions: 100,
    soldOut: 200,
    refreshes: 1,
    soldOutQuota: 100,
  },
  coldStartRuns: 2,
  shards: { requests: 200, users: 150, quota: 20, concurrency: 8, shardCounts: [1, 8] },
  dynamodbAdmission: { requests: 200, users: 150, quota: 20, concurrency: 8, slices: 2 },
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
  // Above Redis's 128-entry listpack encoding at both sizes, so bytes per admission compare like for like.
  bigDays: { redisQuotas: [200, 1_000], dynamodbQuotas: [100, 300], concurrency: 20, sample: 100, lostShare: 0.01 },
};

/** The goals of Q1 to Q5, checked against what was measured (only for the benchmarks that ran). */
export function checkGoals(report: Omit<BenchReport, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  for (const r of report.admissionRatios ?? []) {
    goals.push({
      question: 'Q4',
      goal: `${r.transport}, c=${r.concurrency}: (d) >= ${r.atLeast}x (${r.versus})`,
      measured: formatRounds(r.ratio),
      met: r.ratio.median >= r.atLeast,
      clear: r.clear,
    });
  }
  const goalC = report.sizes.admission.goalConcurrency;
  for (const transport of ['resp', 'rest'] as const) {
    const atGoal = (id: string) =>
      report.admission?.find((r) => r.transport === transport && r.concurrency === goalC && r.strategy === id);
    const [b, d] = ['b', 'd'].map(atGoal);
    if (!b || !d) continue;
    goals.push({
      question: 'Q4',
      goal: `${transport}, c=${goalC}: zero oversold and stranded for (b) and (d)`,
      measured: `(b) ${b.oversold}/${b.stranded}, (d) ${d.oversold}/${d.stranded}`,
      met: b.oversold + b.stranded + d.oversold + d.stranded === 0,
    });
  }
  const cpu = report.admissionCpu;
  if (cpu) {
    goals.push(
      {
        question: 'Q3',
        goal: `issue function CPU per admission <= ${ADMISSION_CPU_GOALS.admissionVsMinimal}x the minimal handler (EVALSHA + SendMessage)`,
        measured: formatRounds(cpu.admissionRatio),
        met: cpu.admissionRatio.median <= ADMISSION_CPU_GOALS.admissionVsMinimal,
        clear: clearOfNoise(cpu.admissionRatio, ADMISSION_CPU_GOALS.admissionVsMinimal),
      },
      {
        question: 'Q3',
        goal: `CPU per sold-out answer (from the instance's copy of the day's winners) <= ${ADMISSION_CPU_GOALS.soldOutVsAdmission}x an admission`,
        measured: formatRounds(cpu.soldOutRatio),
        met: cpu.soldOutRatio.median <= ADMISSION_CPU_GOALS.soldOutVsAdmission,
        clear: clearOfNoise(cpu.soldOutRatio, ADMISSION_CPU_GOALS.soldOutVsAdmission),
      },
    );
    if (cpu.proofOfWorkRatio) {
      goals.push({
        question: 'Q3',
        goal: `CPU per admission with a proof of work verified <= ${ADMISSION_CPU_GOALS.proofOfWorkVsAdmission}x an admission without (issue 29)`,
        measured: formatRounds(cpu.proofOfWorkRatio),
        met: cpu.proofOfWorkRatio.median <= ADMISSION_CPU_GOALS.proofOfWorkVsAdmission,
        clear: clearOfNoise(cpu.proofOfWorkRatio, ADMISSION_CPU_GOALS.proofOfWorkVsAdmission),
      });
    }
  }
  for (const fn of report.coldStart ?? []) {
    goals.push({
      question: 'Q5',
      goal: `${fn.function}: bundle <= ${COLD_START_GOALS.bundleBytes / 1000} KB`,
      measured: `${(fn.bundleBytes / 1000).toFixed(1)} KB`,
      met: fn.bundleBytes <= COLD_START_GOALS.bundleBytes,
    });
    if (fn.function.includes('IssueCouponFunction')) {
      goals.push({
        question: 'Q5',
        goal: `issue function init <= ${COLD_START_GOALS.issueInitMs} ms (CPU time; wall clock beside)`,
        measured: `CPU ${fn.initCpuMs} ms (wall ${fn.initMs} ms)`,
        met: fn.initCpuMs <= COLD_START_GOALS.issueInitMs,
      });
    }
  }
  goals.push(...pipelineGoals(report));
  for (const { mode, from, to, ratios } of costRatios(report.bigDays ?? { days: [] })) {
    goals.push({
      question: 'Q6',
      goal: `${mode}: cost per admission at quota ${to.toLocaleString('en-US')} <= ${BIG_DAYS_GOALS.costRatio}x quota ${from.toLocaleString('en-US')}'s`,
      measured: Object.entries(ratios)
        .map(([what, r]) => `${what} ${r}x`)
        .join(', '),
      met: Object.values(ratios).every((r) => r <= BIG_DAYS_GOALS.costRatio),
    });
  }
  for (const day of report.bigDays?.days ?? []) {
    goals.push({
      question: 'Q6',
      goal: `${day.mode}, quota ${day.quota.toLocaleString('en-US')}: a reconciliation run <= ${BIG_DAYS_GOALS.reconcileMs} ms and ${BIG_DAYS_GOALS.reconcileBytes / 2 ** 20} MiB`,
      measured: `${day.reconcile.ms} ms, ${(day.reconcile.peakBytes / 2 ** 20).toFixed(1)} MiB (peak heap)`,
      met: day.reconcile.ms <= BIG_DAYS_GOALS.reconcileMs && day.reconcile.peakBytes <= BIG_DAYS_GOALS.reconcileBytes,
    });
  }
  for (const run of report.shards ?? []) {
    goals.push({
      goal: `K=${run.shards}: never above the quota, every unit used`,
      measured: `oversold ${run.oversold}, unused ${run.unusedQuota}`,
      met: run.oversold === 0 && run.unusedQuota === 0,
    });
  }
  for (const v of report.dynamodbAdmission?.variants ?? []) {
    goals.push({
      question: 'Q4',
      goal: `DynamoDB, ${v.name}: admitted == quota${v.variant === 'bare' ? '' : ', no user twice'}, no errors`,
      measured: `admitted ${v.admitted} (counted ${v.counted}), users twice ${v.usersTwice}, errors ${v.errors}`,
      met: v.correct,
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
  // Progress on `log`: each benchmark a step, every line with the time since the start.
  const started = performance.now();
  const progress = (line: string) => {
    const s = Math.round((performance.now() - started) / 1000);
    log(`[${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}] ${line}`);
  };
  const steps = BENCHMARKS.filter((name) => only.includes(name));
  const step = async <T>(name: BenchmarkName, run: () => Promise<T>): Promise<T | undefined> => {
    if (!only.includes(name)) return undefined;
    progress(`step ${steps.indexOf(name) + 1} of ${steps.length}: ${name}`);
    return run();
  };
  const whyQueue = await step('why-a-queue', () => benchWhyQueue(sizes.whyQueue, progress));
  const openingSecond = await step('opening-second', () => benchOpeningSecond(sizes.openingSecond, progress));
  const admissionCpu = await step('admission-cpu', () => benchAdmissionCpu(sizes.admissionCpu, progress));
  const admissionRun = await step('admission', () => benchAdmissionStrategies(sizes.admission, progress));
  const coldStart = await step('cold-start', () => benchColdStart({ runs: sizes.coldStartRuns }));
  const shards = await step('shards', () => benchCounterShards(sizes.shards, progress));
  const dynamodbAdmission = await step('dynamodb-admission', () =>
    benchDynamoDbAdmission(sizes.dynamodbAdmission, progress),
  );
  const endToEnd = await step('end-to-end', () => benchEndToEnd(sizes.endToEnd, progress));
  const bigDays = await step('big-days', () => benchBigDays(sizes.bigDays, progress));
  const partial = {
    ...base,
    admission: admissionRun?.runs,
    admissionRatios: admissionRun?.ratios,
    admissionCpu,
    coldStart,
    shards,
    dynamodbAdmission,
    endToEnd,
    whyQueue,
    openingSecond,
    bigDays,
  };
  progress('done');
  return { ...partial, goals: checkGoals(partial) };
}

/** Where a run's JSON and charts go unless `--out=` says: docs/bench for a full run of every benchmark. */
const DOCS_DIR = join(__dirname, '..', '..', 'docs', 'bench');
const SCRATCH_DIR = join(__dirname, '..', '..', '.local', 'bench', 'run');

/**
 * `npm run bench [-- options]`: runs the benchmarks, prints the report (Markdown, or JSON with `--json`), saves
 * the run as `run.json` and its charts as SVG beside it. `--smoke`: tiny sizes. `--only=a,b`: some benchmarks.
 * `--out=<dir>`: where the JSON and charts go (default docs/bench for a full run of all, else .local/bench/run).
 * `--big-days-redis=1000,10000` and `--big-days-dynamodb=1000`: the big-days benchmark's quotas per mode (an empty
 * list skips the mode).
 * `--charts-from=<run.json>`: runs nothing; re-renders the charts of a saved run (into its folder, or `--out`)
 * and prints its report.
 */
async function main() {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const arg = args[i] as string;
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  };
  const json = args.includes('--json');
  const print = (report: BenchReport) =>
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  const chartsFrom = option('charts-from');
  if (chartsFrom) {
    const report = JSON.parse(await readFile(chartsFrom, 'utf8')) as BenchReport;
    const written = await writeCharts(report, option('out') ?? dirname(chartsFrom));
    process.stderr.write(`charts: ${written.join(', ') || 'none (no chartable results)'}\n`);
    print(report);
    return;
  }
  const smoke = args.includes('--smoke');
  const onlyArg = option('only');
  const only = onlyArg ? (onlyArg.split(',') as BenchmarkName[]) : BENCHMARKS;
  const unknown = only.filter((name) => !BENCHMARKS.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}\n`);
    process.exit(2);
  }
  const out = option('out') ?? (smoke || onlyArg ? SCRATCH_DIR : DOCS_DIR);
  const sizes = smoke ? SMOKE_SIZES : FULL_SIZES;
  const quotas = (name: string, fallback: readonly number[]) => {
    const list = option(name);
    return list === undefined ? fallback : list.split(',').filter(Boolean).map(Number);
  };
  const bigDays = {
    ...sizes.bigDays,
    redisQuotas: quotas('big-days-redis', sizes.bigDays.redisQuotas),
    dynamodbQuotas: quotas('big-days-dynamodb', sizes.bigDays.dynamodbQuotas),
  };
  const report = await runBenchmarks(only, { ...sizes, bigDays }, (line) => process.stderr.write(`${line}\n`));
  await mkdir(out, { recursive: true });
  const written = await writeCharts(report, out);
  await writeFile(join(out, 'run.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`saved ${join(out, 'run.json')}; charts: ${written.join(', ') || 'none'}\n`);
  print(report);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
