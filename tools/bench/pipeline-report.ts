import type { BenchReport, Goal } from './bench-report';
import { openingSecondChart } from './opening-second';
import type { ChartSpec } from './plot';
import { markdownTable } from './stats';
import { runOf, whyQueueChart } from './why-a-queue';

// The goals, report sections and charts of Q1 and Q2 (tools/bench/why-a-queue.ts,
// tools/bench/opening-second.ts), which tools/bench/run.ts adds to its own.

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);

/** The goals of Q1 and Q2 (tools/bench/why-a-queue.ts, tools/bench/opening-second.ts), for those that ran. */
export function pipelineGoals(report: Omit<BenchReport, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  const why = report.whyQueue;
  const queued = why && runOf(why, 'queued', 100);
  const direct = why && runOf(why, 'direct', 100);
  if (queued && direct) {
    goals.push({
      question: 'Q1',
      goal: 'why a queue, DB +100 ms: queued issue p99 <= 0.2x direct',
      measured: `${ratio(queued.burst.latencyMs.p99, direct.burst.latencyMs.p99)}x (${queued.burst.latencyMs.p99} vs ${direct.burst.latencyMs.p99} ms)`,
      met: queued.burst.latencyMs.p99 <= 0.2 * direct.burst.latencyMs.p99,
    });
  }
  const drained = why?.runs.filter((r) => r.path === 'queued') ?? [];
  if (drained.length > 0) {
    goals.push({
      question: 'Q1',
      goal: "why a queue: the queued path's drain keeps every coupon (persisted == admitted)",
      measured: drained.map((r) => `+${r.dbLatencyMs} ms: ${r.persisted}/${r.admitted}`).join(', '),
      met: drained.every((r) => r.admitted > 0 && r.persisted === r.admitted),
    });
  }
  const opening = report.openingSecond;
  if (opening) {
    const [warm, cold] = [opening.prewarmed.burst.latencyMs.p99, opening.cold.burst.latencyMs.p99];
    goals.push({
      question: 'Q2',
      goal: `opening second (first ${opening.cold.burst.requests} requests): pre-warmed p99 <= 0.3x cold`,
      measured: `${ratio(warm, cold)}x (${warm} vs ${cold} ms)`,
      met: warm <= 0.3 * cold,
    });
  }
  return goals;
}

/** The sections of Q1 and Q2, for those that ran (lines of Markdown). */
export function formatPipeline(report: BenchReport): string[] {
  const out: string[] = [];
  const why = report.whyQueue;
  if (why) {
    const s = report.sizes.whyQueue;
    out.push(
      '',
      `## Q1. Why a queue (${s.users} users, quota ${s.quota}, ${s.connections} connections, ${why.functionConcurrency} environments per function; DynamoDB coupon writes slowed by chaos)`,
      '',
      markdownTable(why.runs, {
        path: (r) => r.path,
        'DB +ms': (r) => r.dbLatencyMs,
        'req/s': (r) => r.burst.requestsPerSecond,
        'p50 ms': (r) => r.burst.latencyMs.p50,
        'p95 ms': (r) => r.burst.latencyMs.p95,
        'p99 ms': (r) => r.burst.latencyMs.p99,
        'p99 x direct': (r) => {
          const direct = runOf(why, 'direct', r.dbLatencyMs);
          return direct ? ratio(r.burst.latencyMs.p99, direct.burst.latencyMs.p99) : '';
        },
        'by status': (r) => JSON.stringify(r.burst.byStatus),
        errors: (r) => r.burst.errors,
        'SQS sends': (r) => r.queueSends,
        'persisted/admitted': (r) => `${r.persisted}/${r.admitted}`,
        'drain ms': (r) => r.drainMs ?? 'timed out',
      }),
    );
  }
  const opening = report.openingSecond;
  if (opening) {
    const s = report.sizes.openingSecond;
    const rows = [
      { run: 'cold', r: opening.cold },
      { run: `pre-warmed (${opening.prewarmConcurrency} environments)`, r: opening.prewarmed },
    ];
    out.push(
      '',
      `## Q2. The opening second (first ${s.requests} requests, quota ${s.quota}, ${s.connections} connections to ${s.environments} environments; applier run by ${opening.trigger === 'schedule' ? "the campaign's pre-warm schedule" : 'a direct invocation'})`,
      '',
      markdownTable(rows, {
        'issue function': (x) => x.run,
        'p50 ms': (x) => x.r.burst.latencyMs.p50,
        'p95 ms': (x) => x.r.burst.latencyMs.p95,
        'p99 ms': (x) => x.r.burst.latencyMs.p99,
        'max ms': (x) => x.r.burst.latencyMs.max,
        'p99 x cold': (x) => ratio(x.r.burst.latencyMs.p99, opening.cold.burst.latencyMs.p99),
        'cold starts': (x) => x.r.coldStarts,
        'by status': (x) => JSON.stringify(x.r.burst.byStatus),
        errors: (x) => x.r.burst.errors,
      }),
    );
  }
  return out;
}

/** The charts of Q1 and Q2 by file name (without `.svg`), for those that ran. */
export function pipelineCharts(report: BenchReport): Record<string, ChartSpec> {
  return {
    ...(report.whyQueue ? { 'why-a-queue': whyQueueChart(report.whyQueue) } : {}),
    ...(report.openingSecond ? { 'opening-second': openingSecondChart(report.openingSecond) } : {}),
  };
}
