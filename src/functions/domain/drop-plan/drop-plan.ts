import {
  PROOF_OF_WORK_MAX_COUNTER,
  PROOF_OF_WORK_SOLVE_MS,
  type ProofOfWorkDifficulty,
} from '../../../contract/proof-of-work';
import { type CampaignDefinition, couponExpiresAt, datesBetween } from '../campaign/campaign';
import { type DstEffect, windowOf } from '../campaign/issue-calendar';
import { usersForPeak } from './arrival-curve';
import {
  type CapacityWarning,
  capacityWarnings,
  concurrencyFor,
  type DeployedCapacity,
  issueConcurrencyLimit,
} from './capacity';
import { type DropSimulationSummary, simulateDrop } from './drop-summary';
import { type PeriodWarning, periodWarnings } from './period';

/** One issue day of a dry run. Instants are ISO-8601 UTC. */
interface DryRunDay {
  /** The local date in the campaign's time zone. */
  readonly issueDate: string;
  /** First instant the window is open; absent when a DST change skips it. */
  readonly opensAt?: string;
  /** Instant the window closes (exclusive); absent when skipped. */
  readonly closesAt?: string;
  /** Minutes open that day. */
  readonly openMinutes: number;
  /** The day's quota; 0 when the window is skipped (nobody can claim it). */
  readonly quota: number;
  /** Set when a DST change shortens, skips or lengthens the window; `message` says how. */
  readonly dst?: { readonly effect: DstEffect; readonly message: string };
  /** The open stretches when a fall-back splits the window in two. */
  readonly intervals?: { readonly opensAt: string; readonly closesAt: string }[];
}

/**
 * What a campaign definition will do (the dry run), nothing stored; its HTTP body is dryRunResponseSchema
 * (src/contract/dry-run.ts). Instants are ISO-8601 UTC.
 */
export interface DryRun {
  readonly dryRun: true;
  /** The definition as it would be stored (defaults applied; for an update, merged with the stored campaign). */
  readonly campaign: CampaignDefinition;
  readonly days: DryRunDay[];
  /** Sum of the days' quotas: the most coupons the campaign can issue. */
  readonly totalQuota: number;
  /** The instant coupons stop being valid (exclusive). */
  readonly validUntil: string;
  /** The pre-warm schedule: provisioned concurrency held `[raiseAt, lowerAt)` each day; absent without `prewarm`. */
  readonly prewarm?: {
    /** Provisioned concurrency per window (execution environments). */
    readonly concurrency: number;
    /** Where `concurrency` came from: the campaign's `prewarm.concurrency` or its `expectedPeakRps`. */
    readonly concurrencyFrom: 'prewarm.concurrency' | 'expectedPeakRps';
    readonly leadMinutes: number;
    readonly days: { readonly issueDate: string; readonly raiseAt: string; readonly lowerAt: string }[];
  };
  /**
   * What the proof of work costs each visitor (src/contract/proof-of-work.ts): the most scrypt derivations a solve
   * takes and the mean solve time, ms, in Node.js and Chromium (BENCHMARKS.md, "Proof of work"); absent without
   * `proofOfWork`.
   */
  readonly proofOfWork?: {
    readonly difficulty: ProofOfWorkDifficulty;
    readonly maxAttempts: number;
    readonly meanSolveMs: { readonly node: number; readonly chromium: number };
  };
  /** The deployed settings the warnings were computed from. */
  readonly deployed: {
    readonly admissionMode: DeployedCapacity['admissionMode'];
    readonly stageThrottleRateLimit: number;
    readonly stageThrottleBurstLimit: number;
    readonly issueConcurrencyLimit: number;
  };
  /**
   * The first 60 s of a drop whose opening second brings `expectedPeakRps` (src/functions/domain/drop-plan/
   * drop-summary.ts): the crowd that peak implies on the default arrival curve, against `deployed`, the pre-warm and
   * one day's quota; absent without `expectedPeakRps`.
   */
  readonly simulation?: DropSimulationSummary;
  /** Capacity warnings, then period ones (src/functions/domain/drop-plan/period.ts). */
  readonly warnings: (CapacityWarning | PeriodWarning)[];
}

const iso = (ms: number) => new Date(ms).toISOString();

const DST_MESSAGES = {
  SKIPPED: 'the window lies in the spring-forward gap: local clocks never show it; no issuance',
  SHORTENED: 'a spring-forward gap shortens the window',
  LENGTHENED: 'a fall-back overlap repeats local time, so the window lasts longer',
} as const;

/**
 * What a valid campaign definition will do (the dry run; README.md, "Preparing a drop"): per issue day of the
 * period the window's opening and closing instants (DST-aware, src/functions/domain/campaign/issue-calendar.ts) and quota, the
 * total quota, the instant validity ends, the pre-warm schedule (`raiseAt` = `leadMinutes` before the window opens,
 * `lowerAt` = when it closes), the simulated first minute at `expectedPeakRps`
 * (src/functions/domain/drop-plan/drop-summary.ts), the capacity warnings against `deployed` (src/functions/domain/drop-plan/capacity.ts)
 * and the warnings of a period or validity already past at `now` (src/functions/domain/drop-plan/period.ts).
 * Pure: stores nothing, reads no clock (`now` is the caller's).
 */
export function planDrop(definition: CampaignDefinition, deployed: DeployedCapacity, now: Date): DryRun {
  const prewarmConcurrency =
    definition.prewarm === undefined
      ? undefined
      : (definition.prewarm.concurrency ?? concurrencyFor(definition.expectedPeakRps ?? 1));
  const days: DryRunDay[] = [];
  const prewarmDays: NonNullable<DryRun['prewarm']>['days'] = [];
  let totalQuota = 0;
  for (const issueDate of datesBetween(definition.startDate, definition.endDate)) {
    const window = windowOf(definition, issueDate);
    const first = window.intervals[0];
    const last = window.intervals[window.intervals.length - 1];
    const quota = first === undefined ? 0 : definition.dailyQuota;
    totalQuota += quota;
    days.push({
      issueDate,
      ...(first && last ? { opensAt: iso(first.opensAt), closesAt: iso(last.closesAt) } : {}),
      openMinutes: window.openMinutes,
      quota,
      ...(window.dstEffect
        ? {
            dst: {
              effect: window.dstEffect,
              message: `${DST_MESSAGES[window.dstEffect]}: ${window.openMinutes} of ${window.nominalMinutes} minutes`,
            },
          }
        : {}),
      ...(window.intervals.length > 1
        ? { intervals: window.intervals.map((i) => ({ opensAt: iso(i.opensAt), closesAt: iso(i.closesAt) })) }
        : {}),
    });
    if (definition.prewarm !== undefined && first && last) {
      prewarmDays.push({
        issueDate,
        raiseAt: iso(first.opensAt - definition.prewarm.leadMinutes * 60_000),
        lowerAt: iso(last.closesAt),
      });
    }
  }
  const validUntil = couponExpiresAt(definition);
  const simulation =
    definition.expectedPeakRps === undefined
      ? undefined
      : simulateDrop(
          { users: usersForPeak(definition.expectedPeakRps) },
          {
            deployed,
            quota: definition.dailyQuota,
            counterShards: definition.counterShards,
            provisionedConcurrency: prewarmConcurrency ?? 0,
            edge: deployed.edge ?? false,
          },
        ).summary;
  const warnings: DryRun['warnings'] = [
    ...capacityWarnings(deployed, {
      expectedPeakRps: definition.expectedPeakRps,
      counterShards: definition.counterShards,
      dailyQuota: definition.dailyQuota,
      prewarmConcurrency,
    }),
    ...periodWarnings(definition, days, validUntil, now),
  ];
  return {
    dryRun: true,
    campaign: definition,
    days,
    totalQuota,
    validUntil: validUntil.toISOString(),
    ...(definition.prewarm !== undefined && prewarmConcurrency !== undefined
      ? {
          prewarm: {
            concurrency: prewarmConcurrency,
            concurrencyFrom: definition.prewarm.concurrency === undefined ? 'expectedPeakRps' : 'prewarm.concurrency',
            leadMinutes: definition.prewarm.leadMinutes,
            days: prewarmDays,
          },
        }
      : {}),
    ...(simulation ? { simulation } : {}),
    ...(definition.proofOfWork
      ? {
          proofOfWork: {
            difficulty: definition.proofOfWork.difficulty,
            maxAttempts: PROOF_OF_WORK_MAX_COUNTER[definition.proofOfWork.difficulty] + 1,
            meanSolveMs: { ...PROOF_OF_WORK_SOLVE_MS[definition.proofOfWork.difficulty] },
          },
        }
      : {}),
    deployed: {
      admissionMode: deployed.admissionMode,
      stageThrottleRateLimit: deployed.stageThrottleRateLimit,
      stageThrottleBurstLimit: deployed.stageThrottleBurstLimit,
      issueConcurrencyLimit: issueConcurrencyLimit(deployed),
    },
    warnings,
  };
}
