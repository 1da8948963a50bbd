import * as z from 'zod/mini';
import '../functions/domain/kernel/zod-messages';
import { idSchema, localDateSchema } from './rules';

// The failed-event routes' HTTP formats (`/v1/admin/failed-events`): queries, bodies and responses. The use cases
// are src/functions/domain/failed-events/redrive.ts; the record's shape is FailedEventView (failed-event.ts).

/** Statuses of a failed-event record: RETRYING and PARKED (set by the replay), REDRIVEN (set by a redrive). */
export const failedEventStatusSchema = z.enum(['RETRYING', 'PARKED', 'REDRIVEN']);

/**
 * Query of `GET /v1/admin/failed-events`: optional filters (`issueDate` needs `campaignId`), and the page
 * (`limit` 1-100, default 20; `cursor` a previous `nextCursor`; both read by runtime/http.ts parsePageQuery).
 */
export const failedEventsQuerySchema = z
  .object({
    campaignId: z.optional(idSchema),
    issueDate: z.optional(localDateSchema('issueDate')),
    status: z.optional(failedEventStatusSchema),
    limit: z.optional(z.string()),
    cursor: z.optional(z.string()),
  })
  .check(
    z.refine((q) => q.issueDate === undefined || q.campaignId !== undefined, {
      message: 'issueDate needs campaignId',
      path: ['issueDate'],
    }),
  );

/** One failed-event record as the admin API shows it. Instants are ISO-8601 UTC. */
export const failedEventSchema = z.strictObject({
  failedEventId: z.string(),
  status: failedEventStatusSchema,
  /** `POISON` (can never succeed) or `ERROR` (may be transient). */
  reason: z.enum(['POISON', 'ERROR']),
  /** The admission's campaign and issue day; absent when the body is not an admission. */
  campaignId: z.optional(z.string()),
  issueDate: z.optional(z.string()),
  /** The original message body, unchanged. */
  body: z.string(),
  /** The dead letter's SQS system attributes when it was parked (ApproximateReceiveCount, SentTimestamp, ...). */
  attributes: z.optional(z.record(z.string(), z.string())),
  lastError: z.string(),
  attempts: z.number(),
  firstFailedAt: z.string(),
  updatedAt: z.string(),
  parkedAt: z.optional(z.string()),
  /** Last redrive: when and by whom (the IAM principal's ARN); `redriveCount` counts them all. */
  redrivenAt: z.optional(z.string()),
  redrivenBy: z.optional(z.string()),
  redriveCount: z.optional(z.number()),
});

/** Response of `GET /v1/admin/failed-events`: one page of records, `nextCursor` absent on the last page. */
export const failedEventsResponseSchema = z.strictObject({
  items: z.array(failedEventSchema),
  nextCursor: z.optional(z.string()),
});

/** Response of `POST /v1/admin/failed-events/{failedEventId}/redrive`: the record after the redrive. */
export const redriveResponseSchema = failedEventSchema;

/** Body of `POST /v1/admin/failed-events/redrive`: redrive every PARKED record of one campaign day. */
export const campaignDayRedriveSchema = z.strictObject({
  campaignId: idSchema,
  issueDate: localDateSchema('issueDate'),
});

/**
 * Why a record was not redriven: the code a redrive of that record alone answers 409 with (src/functions/domain/kernel/errors.ts),
 * `NOT_REDRIVABLE` (not an admission, or of no campaign), `ADMISSION_EXPIRED` or `ADMISSION_RELEASED` (see
 * src/functions/domain/failed-events/redrive.ts).
 */
export const redriveRefusalCodeSchema = z.enum(['NOT_REDRIVABLE', 'ADMISSION_EXPIRED', 'ADMISSION_RELEASED']);

/**
 * Response of `POST /v1/admin/failed-events/redrive`: ids re-enqueued, and those skipped with the code and reason
 * a redrive of that record alone would be refused with.
 */
export const campaignDayRedriveResponseSchema = z.strictObject({
  campaignId: z.string(),
  issueDate: z.string(),
  redriven: z.array(z.string()),
  skipped: z.array(z.strictObject({ failedEventId: z.string(), code: redriveRefusalCodeSchema, reason: z.string() })),
});
