import { call, openCampaign, type RunningCloud, startCloudProcess } from '../local/child-cloud';
import type { LocalFiring } from '../local/scheduler';
import { fire, type HttpRun } from './end-to-end';
import {
  countsOf,
  createCampaign,
  functionId,
  functionStats,
  poll,
  type RequestPart,
  updateCode,
  usersOf,
} from './local-bench';
import { CHART_SIZE, type ChartSpec } from './plot';
import { percentile } from './stats';

/**
 * Q2 (BENCHMARKS.md), "the opening second": the first requests of a drop against a cold issue function and
 * against one pre-warmed by the drop-day schedule, on one local cloud (Redis mode).
 *
 * Both runs meet warm emulators: a warm-up burst at a throwaway campaign goes first (DynamoDB Local's JVM,
 * fauxqs and the Upstash bridge are always warm on AWS), and then every issue function environment is retired
 * (`POST /_local/functions/<id>/code` with no change: the next invocations start cold). The cold run fires at a
 * campaign without `prewarm`. Its environments are retired again, and a campaign with `prewarm` is created:
 * being open already, its create puts the product's one-time `now` schedule (src/functions/domain/drop-plan/prewarm.ts,
 * prewarmSchedules) a minute later into the local Scheduler, which invokes the pre-warm applier, which sets the
 * issue alias's provisioned concurrency through the local Lambda API, which starts and initializes that many
 * environments (tools/local/lambda-runtime.ts setProvisioned), each running the issue function's warm-up at INIT
 * (`AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency`, src/functions/domain/admission/warm-up.ts). With `trigger: 'applier'` (smoke sizes) the benchmark
 * invokes the same applier function itself instead of waiting up to a minute for the Scheduler; either way the
 * warm environments come from the product's applier, never from the benchmark. The warm run fires once they have
 * all finished INIT (on a real drop the raise comes `leadMinutes` before the opening).
 *
 * The environments: on Lambda every concurrent request gets an environment of its own, so a drop's opening
 * burst starts about as many cold environments as it has requests in flight. The local cloud's default (two per
 * core) would queue a burst of many connections behind a few environments, and the p99 would measure that queue
 * on this machine rather than cold starts; one environment per connection would put more processes than this
 * machine's cores can start without invocations timing out (the local runtime counts a cold start's INIT in
 * the function's timeout, and many starting at once on 2 busy cores ran past it). So the cloud runs every function with `environments` environments, the
 * burst has more connections (the first `connections` requests wait for a cold start, directly or for an
 * environment held by one), and the campaign pre-warms `environments`: both runs have the same environments and
 * differ only in whether they were initialized before the first request. With `connections` above 1% of
 * `requests`, the cold starts reach the p99.
 */

/** Sizes of the benchmark. */
export interface OpeningSecondOptions {
  /** Requests of each run (distinct users, one each). */
  readonly requests: number;
  /** Daily quota of each run's campaign. */
  readonly quota: number;
  /** autocannon connections. */
  readonly connections: number;
  /** Execution environments of each function, and the campaign's `prewarm.concurrency`. */
  readonly environments: number;
  /** What makes the applier run: the product's `now` schedule firing (up to a minute), or a direct invocation. */
  readonly trigger: 'schedule' | 'applier';
}

/**
 * The full run's values: the first 2,000 requests of a drop (quota 1,000) over 32 connections to 8 environments,
 * pre-warmed by the schedule.
 */
export const OPENING_SECOND_DEFAULTS: OpeningSecondOptions = {
  requests: 2_000,
  quota: 1_000,
  connections: 32,
  environments: 8,
  trigger: 'schedule',
};

/** One run: the burst (without raw samples), its latency quantiles, and the issue function's starts during it. */
export interface OpeningRun {
  readonly burst: Omit<HttpRun, 'samplesMs'>;
  /** Latency at percentiles 0, 1, ..., 100 and 99.5, 99.9, ms (the chart's points). */
  readonly quantilesMs: { readonly p: number; readonly ms: number }[];
  /** Environments started on demand (cold starts) during the run. */
  readonly coldStarts: number;
}

/** Both runs and how the warm environments came to be. */
export interface OpeningSecondResult {
  readonly cold: OpeningRun;
  readonly prewarmed: OpeningRun;
  readonly prewarmConcurrency: number;
  /** Initialized provisioned environments when the pre-warmed run started. */
  readonly provisionedReady: number;
  /** The applier's trigger; with `schedule`, the firing that invoked it. */
  readonly trigger: 'schedule' | 'applier';
  readonly firing?: LocalFiring;
}

const QUANTILES = [...Array.from({ length: 101 }, (_, i) => i), 99.5, 99.9].sort((a, b) => a - b);

async function measure(
  cloud: RunningCloud,
  issueId: string,
  campaignId: string,
  options: OpeningSecondOptions,
  users: (i: number) => RequestPart,
): Promise<OpeningRun> {
  const before = await functionStats(cloud, issueId);
  const { samplesMs, ...burst } = await fire(
    `${cloud.endpoints.apiUrl}/v1/campaigns/${campaignId}/issue`,
    options.requests,
    options.connections,
    users,
    true,
  );
  const after = await functionStats(cloud, issueId);
  // Let the consumer finish this run's coupons before the next run, so they do not share the CPU.
  await poll(async () => {
    const counts = await countsOf(cloud, campaignId);
    return counts.persisted >= counts.admitted ? true : undefined;
  }, 120_000);
  const sorted = [...(samplesMs ?? [])].sort((a, b) => a - b);
  return {
    burst,
    quantilesMs: QUANTILES.map((p) => ({ p, ms: Math.round(percentile(sorted, p) * 100) / 100 })),
    coldStarts: after.coldStarts - before.coldStarts,
  };
}

/** Makes the applier run as `trigger` says; resolves with the Scheduler's firing when it was the schedule. */
async function applyPrewarm(
  cloud: RunningCloud,
  campaignId: string,
  trigger: OpeningSecondOptions['trigger'],
): Promise<LocalFiring | undefined> {
  const api = cloud.endpoints.apiUrl;
  if (trigger === 'applier') {
    const { body } = await call(`${api}/_local/invoke/${functionId(cloud, 'ApplyPrewarmFunction')}`, {
      body: { campaignId, action: 'now' },
    });
    if (body.errorType) throw new Error(`the pre-warm applier failed: ${body.errorType} ${body.errorMessage}`);
    return undefined;
  }
  const firing = await poll(
    async () => {
      const { body } = await call(`${api}/_local/prewarm`);
      return (body.firings as LocalFiring[]).find((f) => f.name === `${campaignId}.now`);
    },
    150_000,
    500,
  );
  if (!firing) throw new Error(`the pre-warm schedule ${campaignId}.now did not fire within 150 s`);
  if (firing.outcome !== 'invoked') throw new Error(`the pre-warm firing failed: ${JSON.stringify(firing)}`);
  return firing;
}

/**
 * Runs the cold and the pre-warmed opening (see the module's comment) on a fresh local cloud.
 * @throws Error when the cloud does not start, the applier fails, or the provisioned environments are not ready
 *   within a minute of its run.
 */
export async function benchOpeningSecond(
  options: OpeningSecondOptions = OPENING_SECOND_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<OpeningSecondResult> {
  const concurrency = options.environments;
  const cloud = await startCloudProcess('redis', {
    tag: 'bench-opening',
    checkResponses: false,
    functionConcurrency: concurrency,
  });
  try {
    const issueId = functionId(cloud, 'IssueCouponFunction');
    const users = await usersOf(cloud, 'u', options.requests);
    const stamp = Date.now().toString(36);
    const open = async (campaignId: string, prewarm?: { concurrency: number; leadMinutes: number }) => {
      await createCampaign(cloud, { ...openCampaign(campaignId, options.quota), ...(prewarm ? { prewarm } : {}) });
      return campaignId;
    };

    await measure(cloud, issueId, await open(`opening-warm-up-${stamp}`), options, users);
    await updateCode(cloud, issueId);
    const cold = await measure(cloud, issueId, await open(`opening-cold-${stamp}`), options, users);
    log(`opening second: cold p50 ${cold.burst.latencyMs.p50} ms, p99 ${cold.burst.latencyMs.p99} ms`);

    await updateCode(cloud, issueId);
    const ready = (await functionStats(cloud, issueId)).provisionedReady;
    const warmId = await open(`opening-prewarmed-${stamp}`, { concurrency, leadMinutes: 1 });
    const firing = await applyPrewarm(cloud, warmId, options.trigger);
    const provisioned = await poll(async () => {
      const now = (await functionStats(cloud, issueId)).provisionedReady - ready;
      return now >= concurrency ? now : undefined;
    }, 60_000);
    if (provisioned === undefined) throw new Error(`${concurrency} provisioned environments not ready within 60 s`);
    const prewarmed = await measure(cloud, issueId, warmId, options, users);
    log(`opening second: pre-warmed p50 ${prewarmed.burst.latencyMs.p50} ms, p99 ${prewarmed.burst.latencyMs.p99} ms`);
    return {
      cold,
      prewarmed,
      prewarmConcurrency: concurrency,
      provisionedReady: provisioned,
      trigger: options.trigger,
      ...(firing ? { firing } : {}),
    };
  } finally {
    await cloud.stop();
  }
}

/** The chart of Q2: the latency distribution (ms, log scale) of each run's requests, as percentile curves. */
export function openingSecondChart(result: OpeningSecondResult): ChartSpec {
  const values = (['cold', 'prewarmed'] as const).flatMap((run) =>
    result[run].quantilesMs.map(({ p, ms }) => ({
      run: run === 'cold' ? 'cold' : 'pre-warmed',
      p,
      ms: Math.max(0.1, ms),
    })),
  );
  return {
    ...CHART_SIZE,
    title: `The opening second: first ${result.cold.burst.requests} requests, cold vs pre-warmed`,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log)' },
      y: { field: 'p', type: 'quantitative', title: 'share of requests answered (%)' },
      color: { field: 'run', type: 'nominal', title: 'issue function' },
    },
  };
}
