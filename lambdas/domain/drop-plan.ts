import * as z from 'zod/mini';
import { type CampaignDefinition, couponExpiresAt, datesBetween } from './campaign';
import {
  type CapacityWarning,
  capacityWarnings,
  concurrencyFor,
  type DeployedCapacity,
  issueConcurrencyLimit,
} from './capacity';
import { windowOf } from './issue-calendar';

const instant = () => z.iso.datetime();

const capacityWarningSchema = z.object({
  code: z.string(),
  setting: z.string(),
  limit: z.number(),
  needed: z.number(),
  unit: z.string(),
  message: z.string(),
  source: z.optional(z.string()),
});

/** One issue day of a dry run. Instants are ISO-8601 UTC. */
const dryRunDaySchema = z.object({
  /** The local date in the campaign's time zone. */
  issueDate: z.string(),
  /** First instant the window is open; absent when a DST change skips it. */
  opensAt: z.optional(instant()),
  /** Instant the window closes (exclusive); absent when skipped. */
  closesAt: z.optional(instant()),
  /** Minutes open that day. */
  openMinutes: z.number(),
  /** The day's quota; 0 when the window is skipped (nobody can claim it). */
  quota: z.number(),
  /** Set when a DST change shortens, skips or lengthens the window; `message` says how. */
  dst: z.optional(z.object({ effect: z.enum(['SHORTENED', 'SKIPPED', 'LENGTHENED']), message: z.string() })),
  /** The open stretches when a fall-back splits the window in two. */
  intervals: z.optional(z.array(z.object({ opensAt: instant(), closesAt: instant() }))),
});

/** One pre-warm of the issue function: provisioned concurrency held `[raiseAt, lowerAt)`. */
const prewarmDaySchema = z.object({ issueDate: z.string(), raiseAt: instant(), lowerAt: instant() });

/**
 * Response body of `POST /v1/admin/campaigns?dryRun=true` and `PATCH /v1/admin/campaigns/{id}?dryRun=true`
 * (200): what the definition will do, nothing stored.
 */
export const dryRunResponseSchema = z.object({
  dryRun: z.literal(true),
  /** The definition as it would be stored (defaults applied; for PATCH, merged with the stored campaign). */
  campaign: z.record(z.string(), z.unknown()),
  days: z.array(dryRunDaySchema),
  /** Sum of the days' quotas: the most coupons the campaign can issue. */
  totalQuota: z.number(),
  /** The instant coupons stop being valid (exclusive). */
  validUntil: instant(),
  /** The pre-warm schedule; absent without `prewarm`. */
  prewarm: z.optional(
    z.object({
      /** Provisioned concurrency per window (execution environments). */
      concurrency: z.number(),
      /** Where `concurrency` came from: the campaign's `prewarm.concurrency` or its `expectedPeakRps`. */
      concurrencyFrom: z.enum(['prewarm.concurrency', 'expectedPeakRps']),
      leadMinutes: z.number(),
      days: z.array(prewarmDaySchema),
    }),
  ),
  /** The deployed settings the warnings were computed from. */
  deployed: z.object({
    admissionMode: z.enum(['redis', 'dynamodb']),
    stageThrottleRateLimit: z.number(),
    stageThrottleBurstLimit: z.number(),
    issueConcurrencyLimit: z.number(),
  }),
  warnings: z.array(capacityWarningSchema),
});

/** The dry run's answer, see {@link dryRunResponseSchema}. */
export type DryRun = z.infer<typeof dryRunResponseSchema>;

const iso = (ms: number) => new Date(ms).toISOString();

const DST_MESSAGES = {
  SKIPPED: 'the window lies in the spring-forward gap: local clocks never show it; no issuance',
  SHORTENED: 'a spring-forward gap shortens the window',
  LENGTHENED: 'a fall-back overlap repeats local time, so the window lasts longer',
} as const;

/**
 * What a valid campaign definition will do (the dry run; README.md, "Preparing a drop"): per issue day of the
 * period the window's opening and closing instants (DST-aware, lambdas/domain/issue-calendar.ts) and quota, the
 * total quota, the instant validity ends, the pre-warm schedule (`raiseAt` = `leadMinutes` before the window opens,
 * `lowerAt` = when it closes) and the capacity warnings against `deployed` (lambdas/domain/capacity.ts).
 * Pure: stores nothing, reads no clock.
 */
export function planDrop(definition: CampaignDefinition, deployed: DeployedCapacity): DryRun {
  const prewarmConcurrency =
    definition.prewarm === undefined
      ? undefined
      : (definition.prewarm.concurrency ?? concurrencyFor(definition.expectedPeakRps ?? 1));
  const days: DryRun['days'] = [];
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
  const warnings: CapacityWarning[] = capacityWarnings(deployed, {
    expectedPeakRps: definition.expectedPeakRps,
    counterShards: definition.counterShards,
    prewarmConcurrency,
  });
  return {
    dryRun: true,
    campaign: definition,
    days,
    totalQuota,
    validUntil: couponExpiresAt(definition).toISOString(),
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
    deployed: {
      admissionMode: deployed.admissionMode,
      stageThrottleRateLimit: deployed.stageThrottleRateLimit,
      stageThrottleBurstLimit: deployed.stageThrottleBurstLimit,
      issueConcurrencyLimit: issueConcurrencyLimit(deployed),
    },
    warnings,
  };
}
