import { type ArrivalCurve, arrivalsOf, DEFAULT_DECAY_SECONDS, DROP_HORIZON_SECONDS } from './arrival-curve';
import { type DropLimit, type DropSecond, type DropSimulationInput, simulateDropSeconds } from './drop-simulation';

/** The counts of {@link DropSecond} a drop's totals sum. */
const TOTALS = [
  'arrivals',
  'shedAtEdge',
  'shedByGateway',
  'shedByLambda',
  'shedByBackend',
  'admitted',
  'soldOut',
  'countPolls',
  'countAnswered',
  'persisted',
] as const satisfies readonly (keyof DropSecond)[];

/**
 * Totals of a simulated drop over its horizon: each of {@link DropSecond}'s counts in {@link TOTALS} summed over the
 * seconds (issue requests: `arrivals` = the four `shed…` + `admitted` + `soldOut`; `persisted`, the coupons the
 * consumer wrote).
 */
export type DropTotals = Pick<DropSecond, (typeof TOTALS)[number]>;

/** A simulated drop in short: what the dry run reports (dryRunResponseSchema's `simulation`, src/contract/dry-run.ts). */
export interface DropSimulationSummary {
  /** Users, one issue request each. */
  readonly users: number;
  /** The arrival curve's decay constant, s (src/functions/domain/drop-plan/arrival-curve.ts). */
  readonly decaySeconds: number;
  /** Seconds simulated from the opening second. */
  readonly seconds: number;
  readonly totals: DropTotals;
  /** Issue requests shed per limit over the horizon (only the limits that shed). */
  readonly shedBy: Partial<Record<DropLimit, number>>;
  /** The limit that shed the most issue requests; `none` when nothing was shed. */
  readonly bottleneck: DropLimit | 'none';
  /** First second (0 = the opening second) in which an issue request was shed; absent when none was. */
  readonly firstShedSecond?: number;
  /** First second in which a request was answered SOLD_OUT (the quota ran out); absent when it lasted the horizon. */
  readonly soldOutSecond?: number;
  /** Most execution environments of the issue function available in a second. */
  readonly peakEnvironments: number;
  /** Admissions still in the issue queue at the end of the horizon. */
  readonly queuedAtEnd: number;
  /** The horizon's cost, USD (src/functions/domain/drop-plan/prices.ts). */
  readonly costUsd: number;
}

const shedIn = (s: DropSecond) => s.shedAtEdge + s.shedByGateway + s.shedByLambda + s.shedByBackend;

/** Sums simulated seconds into a {@link DropSimulationSummary} of `users` arriving with `decaySeconds`. */
export function summarizeDrop(
  seconds: readonly DropSecond[],
  users: number,
  decaySeconds: number,
): DropSimulationSummary {
  const totals = Object.fromEntries(
    TOTALS.map((key) => [key, seconds.reduce((sum, s) => sum + s[key], 0)]),
  ) as unknown as DropTotals;
  const shedBy: Partial<Record<DropLimit, number>> = {};
  for (const s of seconds) {
    for (const [limit, n] of Object.entries(s.shedBy) as [DropLimit, number][]) {
      shedBy[limit] = (shedBy[limit] ?? 0) + n;
    }
  }
  const ranked = (Object.entries(shedBy) as [DropLimit, number][]).sort((a, b) => b[1] - a[1]);
  const firstShed = seconds.find((s) => shedIn(s) > 0);
  const soldOutSecond = seconds.find((s) => s.soldOut > 0)?.second;
  return {
    users,
    decaySeconds,
    seconds: seconds.length,
    totals,
    shedBy,
    bottleneck: ranked[0]?.[0] ?? 'none',
    ...(firstShed ? { firstShedSecond: firstShed.second } : {}),
    ...(soldOutSecond === undefined ? {} : { soldOutSecond }),
    peakEnvironments: Math.max(0, ...seconds.map((s) => s.environments)),
    queuedAtEnd: seconds[seconds.length - 1]?.queued ?? 0,
    costUsd: Math.round(seconds.reduce((sum, s) => sum + s.costUsd, 0) * 10_000) / 10_000,
  };
}

/**
 * Simulates a drop of `curve.users` arriving on the curve (arrivalsOf) against `deployment` for the horizon
 * (60 s by default) and summarizes it. Pure and deterministic.
 * @throws RangeError as arrivalsOf and simulateDropSeconds.
 */
export function simulateDrop(
  curve: ArrivalCurve,
  deployment: Omit<DropSimulationInput, 'arrivals'>,
): { readonly seconds: DropSecond[]; readonly summary: DropSimulationSummary } {
  const decaySeconds = curve.decaySeconds ?? DEFAULT_DECAY_SECONDS;
  const arrivals = arrivalsOf({ ...curve, decaySeconds, seconds: curve.seconds ?? DROP_HORIZON_SECONDS });
  const seconds = simulateDropSeconds({ ...deployment, arrivals });
  return { seconds, summary: summarizeDrop(seconds, curve.users, decaySeconds) };
}
