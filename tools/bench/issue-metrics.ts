import { startAwsStub } from './aws-stub';
import {
  benchCampaign,
  issueEvent,
  issueFunctionEnv,
  lambdaContext,
  reportResult,
  runWorker,
  statusOf,
} from './issue-harness';
import { median } from './stats';

// `tsx tools/bench/issue-metrics.ts [rounds] [requests]`: the CPU cost of the issue function's outcome metrics (EMF
// through Powertools Metrics, one count per request, src/functions/handlers/issue-coupon.ts). The real handler module,
// its whole middleware stack and Powertools, runs in a child process, stdout (the EMF sink, as in Lambda) to
// /dev/null; `without` replaces `metrics.addMetric` by a no-op, so the difference is exactly what the outcome
// metrics add: the metric, its EMF serialization and write. Two settings of the adapters: `in-memory` (no I/O at
// all: the worst case for the ratio) and `sqs` (the admission in memory, the SendMessage through the product's own
// SQS client, the SDK's serialization, SigV4 signing, HTTP and MD5 check, to a stub in the parent process: closer
// to a deployed request's CPU, still without the Redis or DynamoDB call). Each round runs every variant, in
// alternating order, in fresh processes; the figure is the median of rounds of CPU µs per request.

/** Sizes of the benchmark. */
export interface IssueMetricsOptions {
  /** Rounds; each runs both variants in fresh processes. */
  readonly rounds: number;
  /** Measured requests per process (after `requests / 5` warm-up requests). */
  readonly requests: number;
}

/** The figure BENCHMARKS.md reports. */
export const ISSUE_METRICS_DEFAULTS: IssueMetricsOptions = { rounds: 7, requests: 20_000 };

/** The adapters' settings of a worker (see the file comment). */
export const ISSUE_METRICS_IO = ['in-memory', 'sqs'] as const;
/** One setting of the adapters. */
export type IssueMetricsIo = (typeof ISSUE_METRICS_IO)[number];

/** CPU per request (user + system), µs, of one adapter setting: the median of rounds of each variant, and with / without. */
export interface IssueMetricsFigure {
  readonly withMetricsUs: number;
  readonly withoutMetricsUs: number;
  readonly ratio: number;
  readonly rounds: { withMetricsUs: number; withoutMetricsUs: number }[];
}

/** The figures of every adapter setting. */
export type IssueMetricsResult = Record<IssueMetricsIo, IssueMetricsFigure>;

/**
 * Runs the benchmark (see the file comment).
 * @throws Error when a worker fails.
 */
export async function benchIssueMetrics(
  options: IssueMetricsOptions = ISSUE_METRICS_DEFAULTS,
): Promise<IssueMetricsResult> {
  const stub = await startAwsStub();
  try {
    const rounds: Record<IssueMetricsIo, IssueMetricsFigure['rounds']> = { 'in-memory': [], sqs: [] };
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const io of ISSUE_METRICS_IO) {
        const measured: Record<string, number> = {};
        for (const variant of order) measured[variant] = await measure(variant, io, options.requests, stub.url);
        rounds[io].push({ withMetricsUs: measured.with as number, withoutMetricsUs: measured.without as number });
      }
    }
    const figure = (r: IssueMetricsFigure['rounds']): IssueMetricsFigure => {
      const withMetricsUs = median(r.map((x) => x.withMetricsUs));
      const withoutMetricsUs = median(r.map((x) => x.withoutMetricsUs));
      return { withMetricsUs, withoutMetricsUs, ratio: withMetricsUs / withoutMetricsUs, rounds: r };
    };
    return { 'in-memory': figure(rounds['in-memory']), sqs: figure(rounds.sqs) };
  } finally {
    await stub.stop();
  }
}

function measure(variant: 'with' | 'without', io: IssueMetricsIo, requests: number, sqsUrl: string): Promise<number> {
  return runWorker<{ cpuUsPerRequest: number }>(__filename, ['--worker', variant, io, String(requests), sqsUrl]).then(
    (r) => r.cpuUsPerRequest,
  );
}

/** In the worker: the real issue handler over in-memory adapters, timed. Reports on stderr. */
async function worker(
  variant: 'with' | 'without',
  io: IssueMetricsIo,
  requests: number,
  sqsUrl: string,
): Promise<void> {
  Object.assign(
    process.env,
    issueFunctionEnv({ mode: 'dynamodb', endpoint: sqsUrl, queueUrl: 'https://sqs.local/issue' }),
  );
  // For the `sqs` setting: the product's SQS client (src/functions/runtime/adapters.ts sqsClient) reaches the stub.
  if (io === 'sqs') process.env.ISSUE_QUEUE_URL = `${sqsUrl}/000000000000/issue`;
  const warmUp = Math.ceil(requests / 5);
  const total = warmUp + requests;
  // Half the users are admitted, half hear SOLD_OUT: both outcomes the issue function counts most.
  const campaign = benchCampaign('bench', Math.floor(total / 2));
  const ranks = new Map<string, number>();
  const store = {
    admit: async (request: { userId: string; quota: number; admittedAt: string }) => {
      const rank = ranks.get(request.userId);
      if (rank !== undefined) return { kind: 'ALREADY_ADMITTED', rank };
      if (ranks.size >= request.quota) return { kind: 'SOLD_OUT' };
      ranks.set(request.userId, ranks.size + 1);
      return { kind: 'ADMITTED', rank: ranks.size, admittedAt: request.admittedAt };
    },
    // Read once, at the first SOLD_OUT: the instance then answers the rest from its sold-out cache.
    admittedUsers: async () => new Map(ranks),
  };
  const real = require('../../src/functions/runtime/adapters') as typeof import('../../src/functions/runtime/adapters');
  const fakeAdapters = {
    cachedCampaignRepository: () => ({ get: async () => campaign }),
    admissionStoreFactory: () => async () => store,
    issueQueue: io === 'sqs' ? real.issueQueue : () => ({ send: async () => undefined }),
  };
  const adaptersPath = require.resolve('../../src/functions/runtime/adapters');
  require.cache[adaptersPath] = {
    id: adaptersPath,
    filename: adaptersPath,
    loaded: true,
    exports: fakeAdapters,
  } as never;
  const powertools =
    require('../../src/functions/runtime/powertools') as typeof import('../../src/functions/runtime/powertools');
  if (variant === 'without') powertools.metrics.addMetric = () => powertools.metrics;
  const { handler } =
    require('../../src/functions/handlers/issue-coupon') as typeof import('../../src/functions/handlers/issue-coupon');

  const invoke = (i: number) => handler(issueEvent('bench', `user-${i}`), lambdaContext(`req-${i}`));
  const statuses = new Map<number, number>();
  const count = (response: unknown) => {
    const status = statusOf(response);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };
  for (let i = 0; i < warmUp; i++) count(await invoke(i));
  const start = process.cpuUsage();
  for (let i = warmUp; i < total; i++) count(await invoke(i));
  const used = process.cpuUsage(start);
  // Half admitted (202), half sold out (409), nothing else: otherwise the figure measures something else.
  if (statuses.size !== 2 || !statuses.get(202) || !statuses.get(409)) {
    throw new Error(`unexpected answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
  }
  reportResult({ cpuUsPerRequest: (used.user + used.system) / requests });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--worker') {
    worker(args[1] as 'with' | 'without', args[2] as IssueMetricsIo, Number(args[3]), String(args[4])).catch(
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
        process.exit(1);
      },
    );
  } else {
    const rounds = Number(args[0] ?? ISSUE_METRICS_DEFAULTS.rounds);
    const requests = Number(args[1] ?? ISSUE_METRICS_DEFAULTS.requests);
    benchIssueMetrics({ rounds, requests }).then((result) => {
      console.log(`issue function CPU per request, median of ${rounds} rounds of ${requests} requests:`);
      for (const io of ISSUE_METRICS_IO) {
        const f = result[io];
        console.log(
          `  ${io}: with outcome metrics ${f.withMetricsUs.toFixed(1)} µs, without ${f.withoutMetricsUs.toFixed(1)} µs, ` +
            `ratio ${f.ratio.toFixed(3)} (+${(f.withMetricsUs - f.withoutMetricsUs).toFixed(1)} µs)`,
        );
        for (const r of f.rounds)
          console.log(`    round: with ${r.withMetricsUs.toFixed(1)} µs, without ${r.withoutMetricsUs.toFixed(1)} µs`);
      }
    });
  }
}
