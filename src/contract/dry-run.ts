import * as z from 'zod/mini';
import { PROOF_OF_WORK_DIFFICULTIES } from './proof-of-work';

// The dry run's response body (an HTTP format, so the contract's), apart from src/functions/domain/drop-plan/drop-plan.ts so the admin function's bundle
// does not carry it (BENCHMARKS.md, "Bundle sizes"): the OpenAPI document and the tests read it.

const instant = () => z.iso.datetime();

const capacityWarningSchema = z.strictObject({
  code: z.string(),
  setting: z.string(),
  limit: z.number(),
  needed: z.number(),
  unit: z.string(),
  message: z.string(),
  source: z.optional(z.string()),
});

/** One issue day of a dry run. Instants are ISO-8601 UTC. */
const dryRunDaySchema = z.strictObject({
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
  dst: z.optional(z.strictObject({ effect: z.enum(['SHORTENED', 'SKIPPED', 'LENGTHENED']), message: z.string() })),
  /** The open stretches when a fall-back splits the window in two. */
  intervals: z.optional(z.array(z.strictObject({ opensAt: instant(), closesAt: instant() }))),
});

/** One pre-warm of the issue function: provisioned concurrency held `[raiseAt, lowerAt)`. */
const prewarmDaySchema = z.strictObject({ issueDate: z.string(), raiseAt: instant(), lowerAt: instant() });

/**
 * Response body of `POST /v1/admin/campaigns?dryRun=true` and `PATCH /v1/admin/campaigns/{id}?dryRun=true`
 * (200): what the definition will do, nothing stored.
 */
export const dryRunResponseSchema = z.strictObject({
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
    z.strictObject({
      /** Provisioned concurrency per window (execution environments). */
      concurrency: z.number(),
      /** Where `concurrency` came from: the campaign's `prewarm.concurrency` or its `expectedPeakRps`. */
      concurrencyFrom: z.enum(['prewarm.concurrency', 'expectedPeakRps']),
      leadMinutes: z.number(),
      days: z.array(prewarmDaySchema),
    }),
  ),
  /**
   * What the proof of work costs each visitor: the most scrypt derivations a solve takes and the mean solve time,
   * ms, in Node.js and Chromium (BENCHMARKS.md, "Proof of work"); absent without `proofOfWork`.
   */
  proofOfWork: z.optional(
    z.strictObject({
      difficulty: z.enum(PROOF_OF_WORK_DIFFICULTIES),
      maxAttempts: z.number(),
      meanSolveMs: z.strictObject({ node: z.number(), chromium: z.number() }),
    }),
  ),
  /** The deployed settings the warnings were computed from. */
  deployed: z.strictObject({
    admissionMode: z.enum(['redis', 'dynamodb']),
    stageThrottleRateLimit: z.number(),
    stageThrottleBurstLimit: z.number(),
    issueConcurrencyLimit: z.number(),
  }),
  warnings: z.array(capacityWarningSchema),
});
