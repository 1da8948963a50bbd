import { join } from 'node:path';
import type { BenchReport } from './bench-report';
import { bigDaysCharts } from './big-days';
import { pipelineCharts } from './pipeline-report';
import { type ChartSpec, writeSvg } from './plot';

// The charts BENCHMARKS.md shows, one or more per question (Q1 to Q5), drawn from a run's report (so a saved
// run.json re-renders them: `npm run bench -- --charts-from docs/bench/run.json`). Each is a Vega-Lite spec whose
// data are the report's own rows; `chartSpecs` returns only those whose benchmark ran.

const STRATEGY_LABELS: Record<string, string> = {
  a: '(a) naive',
  b: '(b) lock',
  c: '(c) two calls',
  d: '(d) Lua',
  e: '(e) bare INCR',
};

/** Q4: each strategy's median ops/s per transport at the goals' concurrency, with the rounds' range. */
function strategiesChart(report: BenchReport): ChartSpec | undefined {
  const runs = report.admission ?? [];
  if (runs.length === 0) return undefined;
  const c = report.sizes.admission.goalConcurrency;
  const values = runs
    .filter((r) => r.concurrency === c)
    .map((r) => ({
      strategy: STRATEGY_LABELS[r.strategy] ?? r.strategy,
      transport: r.transport === 'rest' ? 'REST (@upstash/redis)' : 'RESP (ioredis)',
      opsPerSecond: r.opsPerSecond,
      low: Math.min(...(r.roundsOpsPerSecond ?? [r.opsPerSecond])),
      high: Math.max(...(r.roundsOpsPerSecond ?? [r.opsPerSecond])),
    }));
  const x = { field: 'strategy', type: 'nominal', title: null, sort: Object.values(STRATEGY_LABELS) } as const;
  // Dots, not bars: the rates span three decades, so the axis is logarithmic, where a bar's length means nothing.
  const y = { type: 'quantitative', title: 'ops/s', scale: { type: 'log' } } as const;
  return {
    title: `Admission strategies at concurrency ${c}: ops/s (dot: median run; line: range of the rounds)`,
    data: { values },
    encoding: {
      x: { ...x, axis: { labelAngle: 0 } },
      xOffset: { field: 'transport' },
      color: { field: 'transport', title: null, legend: { orient: 'bottom', labelLimit: 300 } },
    },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y: { ...y, field: 'low' }, y2: { field: 'high' } } },
      { mark: { type: 'point', filled: true, size: 90 }, encoding: { y: { ...y, field: 'opsPerSecond' } } },
    ],
  };
}

/** Q4: every round's ratio of (d) to each other strategy, the median's 95% interval, and the goal. */
function ratiosChart(report: BenchReport): ChartSpec | undefined {
  const ratios = report.admissionRatios ?? [];
  if (ratios.length === 0) return undefined;
  const label = (r: (typeof ratios)[number]) => `${r.transport}: (d) / (${r.versus})`;
  const y = { field: 'comparison', type: 'nominal', title: null, axis: { labelLimit: 200 } } as const;
  const x = {
    type: 'quantitative',
    title: '(d) ops/s over the other strategy, same round',
    scale: { type: 'log' },
  } as const;
  return {
    title: 'Admission: (d) against the others per round (dots), 95% CI of the median (bar), goal (red)',
    layer: [
      {
        data: {
          values: ratios.flatMap((r) => r.ratio.rounds.map((value) => ({ comparison: label(r), value }))),
        },
        mark: { type: 'point', opacity: 0.5 },
        encoding: { y, x: { ...x, field: 'value' } },
      },
      {
        data: {
          values: ratios.map((r) => ({
            comparison: label(r),
            low: r.ratio.low,
            high: r.ratio.high,
            median: r.ratio.median,
          })),
        },
        layer: [
          { mark: { type: 'rule', size: 3 }, encoding: { y, x: { ...x, field: 'low' }, x2: { field: 'high' } } },
          { mark: { type: 'tick', thickness: 3 }, encoding: { y, x: { ...x, field: 'median' } } },
        ],
      },
      {
        data: { values: ratios.map((r) => ({ comparison: label(r), goal: r.atLeast })) },
        mark: { type: 'tick', color: 'red', thickness: 2 },
        encoding: { y, x: { ...x, field: 'goal' } },
      },
    ],
  };
}

/**
 * Q3: CPU per request of the minimal handler, an admission (without and, when measured, with a proof of work) and a
 * sold-out answer, with every round.
 */
function cpuChart(report: BenchReport): ChartSpec | undefined {
  const cpu = report.admissionCpu;
  if (!cpu) return undefined;
  const kinds = [
    { kind: 'minimal handler (EVALSHA + SendMessage)', summary: cpu.minimalUs },
    { kind: 'issue function: admitted', summary: cpu.admissionUs },
    ...(cpu.proofOfWorkUs
      ? [{ kind: 'issue function: admitted, proof of work verified', summary: cpu.proofOfWorkUs }]
      : []),
    { kind: 'issue function: sold out (cached)', summary: cpu.soldOutUs },
  ];
  const y = {
    field: 'kind',
    type: 'nominal',
    title: null,
    sort: kinds.map((k) => k.kind),
    axis: { labelLimit: 320 },
  } as const;
  const x = { type: 'quantitative', title: 'CPU per request, µs' } as const;
  return {
    title: `CPU per request in the issue function's process (bar: median of ${cpu.rounds.length} round(s); dots: each round)`,
    layer: [
      {
        data: { values: kinds.map((k) => ({ kind: k.kind, us: k.summary.median })) },
        mark: 'bar',
        encoding: { y, x: { ...x, field: 'us' }, color: { field: 'kind', legend: null } },
      },
      {
        data: { values: kinds.flatMap((k) => k.summary.rounds.map((us) => ({ kind: k.kind, us }))) },
        mark: { type: 'point', color: 'black', opacity: 0.6 },
        encoding: { y, x: { ...x, field: 'us' } },
      },
    ],
  };
}

/** The charts of `report`, by file name (without `.svg`); only those whose benchmark ran. */
export function chartSpecs(report: BenchReport): Record<string, ChartSpec> {
  const specs: Record<string, ChartSpec | undefined> = {
    'admission-strategies': strategiesChart(report),
    'admission-ratios': ratiosChart(report),
    'admission-cpu': cpuChart(report),
    ...pipelineCharts(report),
    ...(report.bigDays ? bigDaysCharts(report.bigDays) : {}),
  };
  return Object.fromEntries(Object.entries(specs).filter((e): e is [string, ChartSpec] => e[1] !== undefined));
}

/**
 * Renders every chart of `report` to `<dir>/<name>.svg`.
 * @returns the paths written.
 * @throws Error when a chart does not render (tools/bench/plot.ts renderSvg).
 */
export async function writeCharts(report: BenchReport, dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [name, spec] of Object.entries(chartSpecs(report))) {
    written.push(await writeSvg(join(dir, `${name}.svg`), spec));
  }
  return written;
}
