import * as z from 'zod/mini';
import './zod-messages';
import type { CampaignDay } from './admission';
import { PoisonMessageError, parseAdmissionMessage } from './coupon';
import { FailedEventNotFoundError, NotRedrivableError } from './errors';
import type { AdmissionQueue, Clock, FailedEventRegistry, Page, PageRequest } from './ports';

// Redrive of parked admissions by an operator: the failed-event table's PARKED records are re-enqueued to the
// issue queue as they were first sent. The coupon write is idempotent (its id is the admission's couponId), so a
// redrive of something already written, or two redrives of one record, change nothing.

const localDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD'));
const identifier = z.string().check(z.minLength(1), z.maxLength(128));

/** Statuses of a failed-event record: RETRYING and PARKED (set by the replay), REDRIVEN (set by a redrive). */
export const failedEventStatusSchema = z.enum(['RETRYING', 'PARKED', 'REDRIVEN']);

/**
 * Query of `GET /v1/admin/failed-events`: optional filters (`issueDate` needs `campaignId`), and the page
 * (`limit` 1-100, default 20; `cursor` a previous `nextCursor`; both read by runtime/http.ts parsePageQuery).
 */
export const failedEventsQuerySchema = z
  .object({
    campaignId: z.optional(identifier),
    issueDate: z.optional(localDate),
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
/** Parsed filters of {@link failedEventsQuerySchema}. */
export type FailedEventFilter = Pick<z.infer<typeof failedEventsQuerySchema>, 'campaignId' | 'issueDate' | 'status'>;

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

/** One failed-event record as the admin API shows it. */
export type FailedEventView = z.infer<typeof failedEventSchema>;

/** Response of `GET /v1/admin/failed-events`: one page of records, `nextCursor` absent on the last page. */
export const failedEventsResponseSchema = z.strictObject({
  items: z.array(failedEventSchema),
  nextCursor: z.optional(z.string()),
});

/** Response of `POST /v1/admin/failed-events/{failedEventId}/redrive`: the record after the redrive. */
export const redriveResponseSchema = failedEventSchema;

/** Body of `POST /v1/admin/failed-events/redrive`: redrive every PARKED record of one campaign day. */
export const campaignDayRedriveSchema = z.strictObject({ campaignId: identifier, issueDate: localDate });

/** Response of `POST /v1/admin/failed-events/redrive`: ids re-enqueued, and those skipped (not admissions). */
export const campaignDayRedriveResponseSchema = z.strictObject({
  campaignId: z.string(),
  issueDate: z.string(),
  redriven: z.array(z.string()),
  skipped: z.array(z.strictObject({ failedEventId: z.string(), reason: z.string() })),
});

/** Dependencies of the redrive use cases. */
export interface RedriveDeps {
  readonly failedEvents: FailedEventRegistry;
  readonly queue: AdmissionQueue;
  readonly clock: Clock;
}

/** The campaign day of an admission message body, or undefined when the body is not an admission. */
export function admissionDayOf(body: string): CampaignDay | undefined {
  try {
    const { campaignId, issueDate } = parseAdmissionMessage(body);
    return { campaignId, issueDate };
  } catch (error) {
    if (error instanceof PoisonMessageError) return undefined;
    throw error;
  }
}

/** One page of failed-event records matching `filter`. @throws InvalidRequestError for a foreign cursor. */
export function listFailedEvents(
  deps: Pick<RedriveDeps, 'failedEvents'>,
  filter: FailedEventFilter,
  page: PageRequest,
): Promise<Page<FailedEventView>> {
  return deps.failedEvents.page(filter, page);
}

/**
 * Re-enqueues a PARKED record's admission to the issue queue as first sent, then marks it REDRIVEN with
 * `redrivenAt` (now) and `redrivenBy` (`principal`). Sending first and marking after means a crash between the
 * two leaves it PARKED, and a second redrive sends a copy the idempotent coupon write absorbs.
 * A REDRIVEN record may be redriven again (its coupon may still be missing).
 * @throws FailedEventNotFoundError; NotRedrivableError when RETRYING or not an admission; the queue's error.
 */
export async function redriveFailedEvent(
  deps: RedriveDeps,
  failedEventId: string,
  principal: string,
): Promise<FailedEventView> {
  const record = await deps.failedEvents.get(failedEventId);
  if (!record) throw new FailedEventNotFoundError(`no failed event '${failedEventId}'`);
  const admission = redrivableAdmission(record);
  if ('refusal' in admission) throw new NotRedrivableError(`failed event '${failedEventId}' ${admission.refusal}`);
  return resend(deps, record, admission.message, principal);
}

/** The admission a record would re-enqueue, or why it cannot be redriven (RETRYING, or not an admission). */
function redrivableAdmission(
  record: FailedEventView,
): { readonly message: ReturnType<typeof parseAdmissionMessage> } | { readonly refusal: string } {
  if (record.status === 'RETRYING') return { refusal: 'is still being replayed; wait until PARKED' };
  try {
    return { message: parseAdmissionMessage(record.body) };
  } catch (error) {
    return { refusal: `is not an admission: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Sends the admission, then marks its record REDRIVEN (see {@link redriveFailedEvent} for the order). */
async function resend(
  deps: RedriveDeps,
  record: FailedEventView,
  message: ReturnType<typeof parseAdmissionMessage>,
  principal: string,
): Promise<FailedEventView> {
  await deps.queue.send(message);
  return deps.failedEvents.markRedriven(record.failedEventId, principal, deps.clock());
}

/**
 * Redrives every PARKED record of a campaign day (see {@link redriveFailedEvent}); records whose body is not an
 * admission are skipped with their reason. Idempotent: a second call finds nothing PARKED.
 * @throws the registry's or the queue's error (records redriven before it stay REDRIVEN).
 */
export async function redriveCampaignDay(
  deps: RedriveDeps,
  day: CampaignDay,
  principal: string,
): Promise<z.infer<typeof campaignDayRedriveResponseSchema>> {
  const redriven: string[] = [];
  const skipped: { failedEventId: string; reason: string }[] = [];
  const filter: FailedEventFilter = { ...day, status: 'PARKED' };
  // The cursor is a table key, so marking records REDRIVEN does not move the pages after it.
  let cursor: string | undefined;
  do {
    const page = await deps.failedEvents.page(filter, cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
    for (const record of page.items) {
      const admission = redrivableAdmission(record);
      if ('refusal' in admission) {
        skipped.push({
          failedEventId: record.failedEventId,
          reason: `failed event '${record.failedEventId}' ${admission.refusal}`,
        });
        continue;
      }
      await resend(deps, record, admission.message, principal);
      redriven.push(record.failedEventId);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { ...day, redriven, skipped };
}
