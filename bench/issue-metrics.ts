import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { median } from './stats';

// `tsx bench/issue-metrics.ts [rounds] [requests]`: the CPU cost of the issue function's outcome metrics (EMF
// through Powertools Metrics, one count per request, lambdas/handlers/issue-coupon.ts). The real handler module,
// its whole middleware stack and Powertools, runs in a child process with in-memory adapters (no network), stdout
// (the EMF sink, as in Lambda) to /dev/null; `without` replaces `metrics.addMetric` by a no-op, so the difference
// is exactly what the outcome metrics add: the metric, its EMF serialization and write. Each round runs both
// variants, in alternating order, in fresh processes; the figure is the median of rounds of CPU µs per request.

/** Sizes of the benchmark. */
export interface IssueMetricsOptions {
  /** Rounds; each runs both variants in fresh processes. */
  readonly rounds: number;
  /** Measured requests per process (after `requests / 5` warm-up requests). */
  readonly requests: number;
}

/** The figure BENCHMARKS.md reports. */
export const ISSUE_METRICS_DEFAULTS: IssueMetricsOptions = { rounds: 7, requests: 20_000 };

/** CPU per request (user + system), µs: the median of rounds of each variant, and with / without. */
export interface IssueMetricsResult {
  readonly withMetricsUs: number;
  readonly withoutMetricsUs: number;
  readonly ratio: number;
  readonly rounds: { withMetricsUs: number; withoutMetricsUs: number }[];
}

/** Runs the benchmark (see the file comment). @throws Error when a worker fails. */
export function benchIssueMetrics(options: IssueMetricsOptions = ISSUE_METRICS_DEFAULTS): IssueMetricsResult {
  const rounds: IssueMetricsResult['rounds'] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
    const measured: Record<string, number> = {};
    for (const variant of order) measured[variant] = runWorker(variant, options.requests);
    rounds.push({ withMetricsUs: measured.with as number, withoutMetricsUs: measured.without as number });
  }
  const withMetricsUs = median(rounds.map((r) => r.withMetricsUs));
  const withoutMetricsUs = median(rounds.map((r) => r.withoutMetricsUs));
  return { withMetricsUs, withoutMetricsUs, ratio: withMetricsUs / withoutMetricsUs, rounds };
}

function runWorker(variant: 'with' | 'without', requests: number): number {
  const tsx = path.join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const run = spawnSync(process.execPath, [tsx, __filename, '--worker', variant, String(requests)], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  const line = run.stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"cpuUsPerRequest"'));
  if (run.status !== 0 || !line) {
    throw new Error(`issue-metrics worker (${variant}) failed: ${run.stderr.slice(-2000)}`);
  }
  return (JSON.parse(line) as { cpuUsPerRequest: number }).cpuUsPerRequest;
}

/** In the worker: the real issue handler over in-memory adapters, timed. Reports on stderr. */
async function worker(variant: 'with' | 'without', requests: number): Promise<void> {
  Object.assign(process.env, {
    ADMISSION_MODE: 'dynamodb',
    CAMPAIGN_TABLE_NAME: 'campaigns',
    ADMISSION_TABLE_NAME: 'admissions',
    ISSUE_QUEUE_URL: 'https://sqs.local/issue',
    AUTH_MODE: 'none',
    POWERTOOLS_SERVICE_NAME: 'issue-coupon',
    METRICS_INSTANCE: 'Bench/Coupons',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  const today = new Date().toISOString().slice(0, 10);
  const warmUp = Math.ceil(requests / 5);
  const total = warmUp + requests;
  const campaign = {
    campaignId: 'bench',
    vendorId: 'bench',
    name: 'Bench',
    timezone: 'UTC',
    startDate: today,
    endDate: today,
    dailyWindow: { open: '00:00', close: '24:00' },
    // Half the users are admitted, half hear SOLD_OUT: both outcomes the issue function counts most.
    dailyQuota: Math.floor(total / 2),
    perUserDailyLimit: 1,
    couponValidityDays: 1,
    counterShards: 1,
    discount: { type: 'PERCENT', value: 10 },
    createdAt: new Date().toISOString(),
    version: 1,
  };
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
  const fakeAdapters = {
    cachedCampaignRepository: () => ({ get: async () => campaign }),
    admissionStoreFactory: () => async () => store,
    issueQueue: () => ({ send: async () => undefined }),
  };
  const adaptersPath = require.resolve('../lambdas/runtime/adapters');
  require.cache[adaptersPath] = {
    id: adaptersPath,
    filename: adaptersPath,
    loaded: true,
    exports: fakeAdapters,
  } as never;
  const powertools = require('../lambdas/runtime/powertools') as typeof import('../lambdas/runtime/powertools');
  if (variant === 'without') powertools.metrics.addMetric = () => powertools.metrics;
  const { handler } = require('../lambdas/handlers/issue-coupon') as typeof import('../lambdas/handlers/issue-coupon');

  const context = {
    functionName: 'IssueCouponFunction',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:IssueCouponFunction',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/IssueCouponFunction',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  const invoke = (i: number) =>
    handler(
      {
        version: '2.0',
        routeKey: 'POST /v1/campaigns/{campaignId}/issue',
        rawPath: '/v1/campaigns/bench/issue',
        headers: { 'content-type': 'application/json' },
        pathParameters: { campaignId: 'bench' },
        body: JSON.stringify({ userId: `user-${i}` }),
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST', path: '/v1/campaigns/bench/issue' } },
      } as unknown as APIGatewayProxyEventV2,
      { ...context, awsRequestId: `req-${i}` } as Context,
    );
  for (let i = 0; i < warmUp; i++) await invoke(i);
  const start = process.cpuUsage();
  for (let i = warmUp; i < total; i++) await invoke(i);
  const used = process.cpuUsage(start);
  process.stderr.write(`${JSON.stringify({ cpuUsPerRequest: (used.user + used.system) / requests })}\n`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--worker') {
    worker(args[1] as 'with' | 'without', Number(args[2])).catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
  } else {
    const rounds = Number(args[0] ?? ISSUE_METRICS_DEFAULTS.rounds);
    const requests = Number(args[1] ?? ISSUE_METRICS_DEFAULTS.requests);
    const result = benchIssueMetrics({ rounds, requests });
    console.log(
      `issue function CPU per request, median of ${rounds} rounds of ${requests} requests: ` +
        `with outcome metrics ${result.withMetricsUs.toFixed(1)} µs, without ${result.withoutMetricsUs.toFixed(1)} µs, ` +
        `ratio ${result.ratio.toFixed(3)} (+${((result.ratio - 1) * 100).toFixed(1)}%)`,
    );
    for (const r of result.rounds)
      console.log(`  round: with ${r.withMetricsUs.toFixed(1)} µs, without ${r.withoutMetricsUs.toFixed(1)} µs`);
  }
}
