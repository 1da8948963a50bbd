import type { DeployedCapacity } from '../../src/functions/domain/drop-plan/capacity';
import type { DropSecond, DropSimulationInput } from '../../src/functions/domain/drop-plan/drop-simulation';
import { simulateDrop } from '../../src/functions/domain/drop-plan/drop-summary';

// `npx tsx tools/bench/drop-simulation.ts`: prints BENCHMARKS.md's "A drop of N users, simulated" tables, the
// simulated first minute (src/functions/domain/drop-plan/drop-summary.ts) of 100,000, 1,000,000 and 10,000,000
// users for a few deployments. On paper: nothing runs against AWS.

/** Users of the tables. */
const CROWDS = [100_000, 1_000_000, 10_000_000];
/** The day's quota of every scenario. */
const QUOTA = 100_000;

const stackDefaults: DeployedCapacity = {
  admissionMode: 'redis',
  stageThrottleRateLimit: 5_000,
  stageThrottleBurstLimit: 5_000,
};

/** Each scenario: a name and the deployment it simulates (quota {@link QUOTA}). */
const SCENARIOS: readonly { readonly name: string; readonly deployment: Omit<DropSimulationInput, 'arrivals'> }[] = [
  {
    name: 'Redis mode, the stack as deployed by default (stage 5,000/5,000, no pre-warm, no edge)',
    deployment: { deployed: stackDefaults, quota: QUOTA },
  },
  {
    name: 'Redis mode, prepared: stage 10,000/5,000, 200 provisioned environments, the edge',
    deployment: {
      deployed: { ...stackDefaults, stageThrottleRateLimit: 10_000 },
      quota: QUOTA,
      provisionedConcurrency: 200,
      edge: true,
    },
  },
  {
    name: 'DynamoDB mode, prepared likewise, counterShards 4',
    deployment: {
      deployed: { ...stackDefaults, admissionMode: 'dynamodb', stageThrottleRateLimit: 10_000 },
      quota: QUOTA,
      counterShards: 4,
      provisionedConcurrency: 300,
      edge: true,
    },
  },
];

const n = (x: number) => x.toLocaleString('en-US');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function summaryTable(deployment: Omit<DropSimulationInput, 'arrivals'>): string[] {
  const lines = [
    row([
      'users',
      'admitted',
      'sold out (409)',
      'shed at edge',
      '429 (gateway)',
      'shed by Lambda',
      '503 (backend)',
      'first shed s',
      'first SOLD_OUT s',
      'bottleneck',
      'count polls answered',
      'cost',
    ]),
    row(Array(12).fill('---')),
  ];
  for (const users of CROWDS) {
    const { summary: s } = simulateDrop({ users }, deployment);
    lines.push(
      row([
        n(users),
        n(s.totals.admitted),
        n(s.totals.soldOut),
        n(s.totals.shedAtEdge),
        n(s.totals.shedByGateway),
        n(s.totals.shedByLambda),
        n(s.totals.shedByBackend),
        s.firstShedSecond ?? '-',
        s.soldOutSecond ?? '-',
        s.bottleneck,
        `${n(s.totals.countAnswered)} of ${n(s.totals.countPolls)}`,
        `$${s.costUsd.toFixed(2)}`,
      ]),
    );
  }
  return lines;
}

function timeline(seconds: DropSecond[], at: number[]): string[] {
  const lines = [
    row([
      's',
      'arrivals',
      'shed at edge',
      '429',
      'shed by Lambda',
      '503',
      'admitted',
      'sold out',
      'environments',
      'queued',
      'cost',
    ]),
    row(Array(11).fill('---')),
  ];
  for (const s of seconds.filter((x) => at.includes(x.second))) {
    lines.push(
      row([
        s.second,
        n(s.arrivals),
        n(s.shedAtEdge),
        n(s.shedByGateway),
        n(s.shedByLambda),
        n(s.shedByBackend),
        n(s.admitted),
        n(s.soldOut),
        n(s.environments),
        n(s.queued),
        `$${s.costUsd.toFixed(3)}`,
      ]),
    );
  }
  return lines;
}

const out: string[] = [];
for (const scenario of SCENARIOS) {
  out.push(`**${scenario.name}**, quota ${n(QUOTA)}:`, '', ...summaryTable(scenario.deployment), '');
}
const prepared = SCENARIOS[1];
if (prepared) {
  const { seconds } = simulateDrop({ users: 1_000_000 }, prepared.deployment);
  out.push(
    `Second by second, 1,000,000 users, ${prepared.name.charAt(0).toLowerCase()}${prepared.name.slice(1)}:`,
    '',
    ...timeline(seconds, [0, 1, 2, 3, 5, 9, 10, 11, 20, 30, 59]),
  );
}
console.log(out.join('\n'));
