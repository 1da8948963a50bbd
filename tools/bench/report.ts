import { CAPACITY } from '../../src/functions/domain/drop-plan/capacity';
import {
  type AdmissionCpuOptions,
  type AdmissionCpuResult,
  billedFloorGbSecondsPer100k,
  gbSecondsPer100k,
} from './admission-cpu';
import type { BenchReport } from './bench-report';
import { formatBigDays } from './big-days';
import { formatDynamoDbAdmission } from './dynamodb-admission';
import { formatPipeline } from './pipeline-report';
import { markdownTable, type RoundsSummary } from './stats';

/** µs as read: whole above 100, one decimal below. */
const us = (v: number) => (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10);

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);

/** The report as Markdown tables (what BENCHMARKS.md quotes). */
export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const out = [
    `# npm run bench, ${report.date}`,
    '',
    `${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`,
    ...formatPipeline(report),
  ];
  if (report.admission) {
    const a = report.sizes.admission;
    out.push(
      '',
      `## Q4. Admission strategies (${a.requests} requests, ${a.users} users, quota ${a.quota})`,
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
  if (report.admissionRatios?.length) {
    out.push(
      '',
      `### (d) against the others at c=${report.sizes.admission.goalConcurrency}: the ratio of ops/s within each round`,
      '',
      'Median over the rounds; the 95% interval of the median (order statistics); *clear*: the interval lies on one',
      "side of the goal's threshold, so the verdict is not this machine's noise.",
      '',
      markdownTable(report.admissionRatios, {
        transport: (r) => r.transport,
        ratio: (r) => `(d) / (${r.versus})`,
        goal: (r) => `>= ${r.atLeast}`,
        median: (r) => r.ratio.median,
        '95% CI': (r) => `${r.ratio.low}-${r.ratio.high} (${Math.round(r.ratio.confidence * 100)}%)`,
        range: (r) => `${r.ratio.min}-${r.ratio.max}`,
        rounds: (r) => r.ratio.rounds.length,
        verdict: (r) => `${r.ratio.median >= r.atLeast ? 'met' : 'not met'}, ${r.clear ? 'clear' : 'within noise'}`,
      }),
    );
  }
  if (report.admissionCpu) {
    out.push('', ...formatAdmissionCpu(report.admissionCpu, report.sizes.admissionCpu));
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
      `## End to end, for context (${s.users} users, quota ${s.quota}, ${s.connections} connections, autocannon)`,
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
      `## Q5. Cold start and bundle sizes (median of ${report.sizes.coldStartRuns} fresh Node processes)`,
      '',
      markdownTable(report.coldStart, {
        function: (r) => r.function,
        'bundle KB': (r) => (r.bundleBytes / 1000).toFixed(1),
        'init ms': (r) => r.initMs,
        'init CPU ms': (r) => r.initCpuMs,
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
  if (report.dynamodbAdmission) {
    out.push('', ...formatDynamoDbAdmission(report.dynamodbAdmission, report.sizes.dynamodbAdmission));
  }
  out.push(
    '',
    '## Goals',
    '',
    // By question (Q1 first; the correctness checks without a question last), each question's goals in run order.
    markdownTable(
      [...report.goals].sort((a, b) => (a.question ?? 'Z').localeCompare(b.question ?? 'Z')),
      {
        question: (g) => g.question ?? '',
        goal: (g) => g.goal,
        measured: (g) => g.measured,
        met: (g) => (g.met ? 'yes' : 'NO'),
        'clear of noise': (g) => (g.clear === undefined ? '' : g.clear ? 'yes' : 'NO: within noise'),
      },
    ),
  );
  if (report.bigDays) out.push(...formatBigDays(report.bigDays));
  return out.join('\n');
}

/** Q3's section: CPU per request of each kind, with GB-s per 100,000 beside the cost model's. */
function formatAdmissionCpu(cpu: AdmissionCpuResult, sizes: AdmissionCpuOptions): string[] {
  const gb = cpu.memoryMb / 1024;
  const modelSeconds = CAPACITY.issueSecondsPerRequest.value;
  const rows: { what: string; us?: RoundsSummary; model?: number }[] = [
    { what: 'minimal handler: EVALSHA + SendMessage, nothing else', us: cpu.minimalUs },
    { what: 'issue function: admitted', us: cpu.admissionUs },
    ...(cpu.proofOfWorkUs
      ? [{ what: 'issue function: admitted, a proof of work verified (x-proof-of-work)', us: cpu.proofOfWorkUs }]
      : []),
    { what: "issue function: sold out, from the instance's copy of the winners (no backend call)", us: cpu.soldOutUs },
    {
      what: "issue function: sold out, marking the cache (EVALSHA + the day's winners)",
      us: cpu.refreshUs,
    },
    { what: `cost model: ${modelSeconds * 1000} ms billed per request`, model: modelSeconds * 1e6 },
  ];
  const calls = [
    ...new Set(
      cpu.rounds.map(
        (r) =>
          `${r.minimalCalls.redisRequests} Upstash requests and ${r.minimalCalls.sendMessages} SendMessage for ${r.minimalCalls.requests} requests`,
      ),
    ),
  ];
  const callsLine =
    calls.length === 1
      ? `The minimal handler's calls (warm-up included): ${calls[0]}, in each of the ${cpu.rounds.length} rounds.`
      : `The minimal handler's calls (warm-up included), by round: ${calls.join('; ')}.`;
  return [
    `## Q3. What one admission costs the issue function (CPU per request, ${cpu.rounds.length} rounds of ${sizes.admissions} admissions and ${sizes.soldOut} sold-out answers)`,
    '',
    `Process CPU (user + system) of a fresh worker per variant and round, after ${sizes.warmUp} warm-up admissions; median over the rounds, the 95% interval of the median, the range. GB-s at the function's ${cpu.memoryMb} MB; *billed floor*: the CPU stretched by the function's share of a vCPU (${cpu.memoryMb}/1769), the least Lambda bills for it.`,
    '',
    markdownTable(rows, {
      request: (r) => r.what,
      'CPU µs': (r) => (r.us ? us(r.us.median) : ''),
      '95% CI': (r) => (r.us ? `${us(r.us.low)}-${us(r.us.high)}` : ''),
      range: (r) => (r.us ? `${us(r.us.min)}-${us(r.us.max)}` : ''),
      'x minimal (of medians)': (r) => (r.us ? ratio(r.us.median, cpu.minimalUs.median) : ''),
      'CPU GB-s per 100k': (r) => gbSecondsPer100k(r.us?.median ?? r.model ?? 0, cpu.memoryMb),
      'billed floor GB-s per 100k': (r) =>
        r.us
          ? billedFloorGbSecondsPer100k(r.us.median, cpu.memoryMb)
          : `${Math.round(modelSeconds * gb * 100_000)} (billed)`,
    }),
    '',
    callsLine,
  ];
}
