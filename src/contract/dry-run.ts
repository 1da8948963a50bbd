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

/** Issue requests shed per limit (src/functions/domain/drop-plan/drop-simulation.ts, `DropLimit`). */
const dropLimits = [
  'cloudFront',
  'stageThrottle',
  'accountThrottle',
  'lambdaScaling',
  'lambdaConcurrency',
  'upstash',
  'dynamoDbWrites',
  'dynamoDbReads',
] as const;
const count = () => z.number();

/**
 * The simulated first 60 s of the drop at the campaign's `expectedPeakRps` (DropSimulationSummary,
 * src/functions/domain/drop-plan/drop-summary.ts). Issue requests: `arrivals` = the four `shed…` + `admitted` +
 * `soldOut`.
 */
const dropSimulationSchema = z.strictObject({
  /** Users, one issue request each: the crowd whose opening second brings `expectedPeakRps`. */
  users: count(),
  /** The arrival curve's decay constant, s. */
  decaySeconds: z.number(),
  /** Seconds simulated. */
  seconds: count(),
  totals: z.strictObject({
    arrivals: count(),
    /** Refused by CloudFront's request rate per distribution. */
    shedAtEdge: count(),
    /** 429 from API Gateway (stage or account throttle). */
    shedByGateway: count(),
    /** Over the issue function's execution environments. */
    shedByLambda: count(),
    /** 503: Upstash's or a DynamoDB item's rate. */
    shedByBackend: count(),
    /** 202, sent to the issue queue. */
    admitted: count(),
    /** 409 SOLD_OUT. */
    soldOut: count(),
    countPolls: count(),
    countAnswered: count(),
    /** Coupons written by the consumer within the horizon. */
    persisted: count(),
  }),
  /** Issue requests shed per limit (only the limits that shed). */
  shedBy: z.partialRecord(z.enum(dropLimits), count()),
  /** The limit that shed the most; `none` when nothing was shed. */
  bottleneck: z.enum([...dropLimits, 'none']),
  /** First second (0 = opening) an issue request was shed. */
  firstShedSecond: z.optional(count()),
  /** First second a request was answered SOLD_OUT. */
  soldOutSecond: z.optional(count()),
  peakEnvironments: count(),
  /** Admissions still in the issue queue at the end. */
  queuedAtEnd: count(),
  /** USD, us-east-1 list prices (src/functions/domain/drop-plan/prices.ts). */
  costUsd: z.number(),
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
  /** The simulated first 60 s at `expectedPeakRps`; absent without it. */
  simulation: z.optional(dropSimulationSchema),
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
