import * as z from 'zod/mini';
import type { dryRunResponseSchema } from '../../../contract/dry-run';
import { type CampaignDefinition, couponExpiresAt, datesBetween } from '../campaign/campaign';
import { windowOf } from '../campaign/issue-calendar';
import {
  type CapacityWarning,
  capacityWarnings,
  concurrencyFor,
  type DeployedCapacity,
  issueConcurrencyLimit,
} from './capacity';

/** The dry run's answer; its schema (for the API description) is dryRunResponseSchema in ./drop-plan-schema. */
export type DryRun = z.infer<typeof dryRunResponseSchema>;

/**
 * Query of `POST /v1/admin/campaigns` and `PATCH /v1/admin/campaigns/{campaignId}`: `dryRun=true` validates and
 * answers what the definition will do (src/functions/domain/drop-plan.ts, dryRunResponseSchema) without storing it.
 */
export const dryRunQuerySchema = z.object({
  dryRun: z.optional(z.enum(['true', 'false'], 'dryRun must be true or false')),
});
const iso = (ms: number) => new Date(ms).toISOString();

const DST_MESSAGES = {
  SKIPPED: 'the window lies in the spring-forward gap: local clocks never show it; no issuance',
  SHORTENED: 'a spring-forward gap shortens the window',
  LENGTHENED: 'a fall-back overlap repeats local time, so the window lasts longer',
} as const;

/**
 * What a valid campaign definition will do (the dry run; README.md, "Preparing a drop"): per issue day of the
 * period the window's opening and closing instants (DST-aware, src/functions/domain/issue-calendar.ts) and quota, the
 * total quota, the instant validity ends, the pre-warm schedule (`raiseAt` = `leadMinutes` before the window opens,
 * `lowerAt` = when it closes) and the capacity warnings against `deployed` (src/functions/domain/capacity.ts).
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
