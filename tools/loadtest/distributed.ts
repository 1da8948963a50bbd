// The load test on Artillery's distributed engine (README.md, "Load test"): tools/loadtest/flash-sale.yml's scenario,
// its `distributed` environment's phases, run by `artillery run-fargate` (artillery 2.0.21, the version in
// package.json: lib/cmds/run-fargate.js; https://www.artillery.io/docs/reference/cli/run-fargate) on `workers` Fargate
// tasks against a deployed stack. tools/loadtest/run.ts creates the campaign and calls it.

/** What a distributed run needs. */
export interface FargateRun {
  /** Load generator tasks (`--count`): every one runs the phases, so the load is the phases times this. */
  readonly workers: number;
  /** The region the tasks run in (`--region`; one of Artillery's supported regions, us-east-1 by default). */
  readonly region: string;
  /** The API's base URL (`--target`). */
  readonly apiUrl: string;
  /** The dotenv file whose variables every worker gets (`--dotenv`): {@link workerEnvironment}. */
  readonly dotenvPath: string;
  /** The scenario file: tools/loadtest/flash-sale.yml. */
  readonly script: string;
  /** Fargate Spot (`--spot`), about 70% cheaper, interruptible. @default false */
  readonly spot?: boolean;
}

/** Artillery's arguments for {@link FargateRun}, in the order `artillery run-fargate` documents them. */
export function fargateArgs(run: FargateRun): string[] {
  if (!Number.isInteger(run.workers) || run.workers < 1) {
    throw new RangeError(`workers must be an integer >= 1, got ${run.workers}`);
  }
  return [
    'run-fargate',
    '--count',
    String(run.workers),
    '--region',
    run.region,
    ...(run.spot ? ['--spot'] : []),
    '--environment',
    'distributed',
    '--target',
    run.apiUrl,
    '--dotenv',
    run.dotenvPath,
    run.script,
  ];
}

/**
 * The variables every worker's processor (tools/loadtest/user-ids.js) reads, as a dotenv file's text: the campaign,
 * how users sign in, the user pool's size and a random start in it per worker (so workers do not repeat each other's
 * users). Tokens come from tools/loadtest/tokens.json, which flash-sale.yml's `includeFiles` ships to each worker.
 */
export function workerEnvironment(options: {
  readonly campaignId: string;
  readonly auth: 'file' | 'none';
  /** Distinct users: with `file`, the tokens' count. */
  readonly users: number;
}): string {
  return [
    `LOADTEST_CAMPAIGN_ID=${options.campaignId}`,
    `LOADTEST_AUTH=${options.auth}`,
    'LOADTEST_TOKENS_FILE=tokens.json',
    `LOADTEST_USERS=${options.users}`,
    'LOADTEST_OFFSET=random',
    'ARTILLERY_DISABLE_TELEMETRY=true',
    '',
  ].join('\n');
}

/**
 * Fargate's on-demand prices, us-east-1, Linux/x86 (https://aws.amazon.com/fargate/pricing/): per vCPU-hour and
 * per GB-hour, billed per second with a one-minute minimum.
 */
const FARGATE_USD = { vcpuHour: 0.04048, gbHour: 0.004445 } as const;

/**
 * What the load generators of a distributed run cost, USD: `workers` tasks of Artillery's default size (4 vCPU,
 * 8 GB: lib/cmds/run-fargate.js, `--cpu` and `--memory`) for `minutes` each (the phases plus the tasks' start-up,
 * a minute or two), at {@link FARGATE_USD}. The stack's own cost is BENCHMARKS.md's capacity model.
 */
export function fargateCostUsd(workers: number, minutes: number, vcpu = 4, memoryGb = 8): number {
  const hours = Math.max(1, minutes) / 60;
  return workers * hours * (vcpu * FARGATE_USD.vcpuHour + memoryGb * FARGATE_USD.gbHour);
}
