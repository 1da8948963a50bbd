import { admissionKeyOf } from '../admission/admission';
import { PoisonMessageError, parseAdmissionMessage } from '../coupon/admission-message';
import { type ApplyAdmissionDeps, type ApplyOutcome, applyAdmission } from '../coupon/apply-admission';
import type { Clock } from '../kernel/clock';
import type { FailedEventRecord } from './failed-event';
import type { DeadLetter, DeadLetterSource, FailedEventStore } from './ports';

/** Dependencies of {@link replayDeadLetters}. */
export interface ReplayDeps extends ApplyAdmissionDeps {
  readonly deadLetters: Pick<DeadLetterSource, 'receive' | 'delete'>;
  readonly failures: Pick<FailedEventStore, 'recordFailure' | 'park' | 'resolve'>;
  readonly clock: Clock;
  /**
   * Replay attempts of a message failing with a non-retryable error before it is parked (a poison message is
   * parked at once; a retryable failure never is, see isRetryable).
   */
  readonly maxReplayAttempts: number;
  /** Whether there is time for another receive (the Lambda's remaining time). */
  readonly hasTime: () => boolean;
}

/** What one replay run did. */
export interface ReplaySummary {
  /** Applied (or found already applied) and deleted from the dead-letter queue. */
  replayed: number;
  /** Given up on: recorded PARKED in the failed-events table, then deleted from the dead-letter queue. */
  parked: number;
  /** Failed again and left in the dead-letter queue for the next run. */
  retained: number;
  /** Admissions the ledger no longer holds (released, or never admitted): deleted without a coupon. */
  dropped: number;
  /**
   * Further copies of an admission handled earlier in the run (redelivery, re-enqueue), deleted once that first
   * copy was applied, parked or retained: one admission is one failure record and one attempt per run.
   */
  duplicates: number;
}

/**
 * Whether a failed attempt may succeed later: throttling, a 5xx, a timeout or a network error (anything that is
 * not an SDK client fault, `$fault: 'client'`, other than throttling), a DynamoDB write that met an ongoing
 * transaction (`TransactionConflictException`, `TransactionInProgressException`), and a cancelled transaction
 * unless one of its items can never succeed (see {@link isRetryableCancellation}). Not retryable: a poison message,
 * a validation error, `ItemCollectionSizeLimitExceededException`, and `IdempotentParameterMismatchException` (a
 * client request token reused with other parameters: a bug of the caller, since the SDK draws a fresh token for
 * each command). Shapes from the AWS SDK for JavaScript v3 (ServiceException `$fault` and `$retryable`; the
 * DynamoDB API reference, TransactWriteItems errors), matched by name so the domain needs no SDK.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof PoisonMessageError) return false;
  const e = error as { $fault?: string; $retryable?: unknown; name?: string } | null | undefined;
  const name = e?.name ?? '';
  if (name === 'TransactionCanceledException') return isRetryableCancellation(error);
  if (name === 'TransactionConflictException' || name === 'TransactionInProgressException') return true;
  if (name === 'ItemCollectionSizeLimitExceededException') return false;
  return e?.$fault !== 'client' || !!e.$retryable || /Throttl|TooManyRequests|LimitExceeded/.test(name);
}

/**
 * Cancellation reason codes of a TransactWriteItems that a later attempt of the same writes meets again
 * (DynamoDB API reference, TransactWriteItems, TransactionCanceledException): an item the request itself gets
 * wrong, or an item collection over its 10 GB limit.
 */
const PERMANENT_CANCELLATIONS: ReadonlySet<string> = new Set(['ValidationError', 'ItemCollectionSizeLimitExceeded']);

/**
 * Whether a cancelled transaction (`TransactionCanceledException`, one `CancellationReasons` entry per item,
 * `Code` `None` for an item that did not fail) may succeed later: unless one of its items failed for a
 * {@link PERMANENT_CANCELLATIONS} code. `TransactionConflict` (another transaction held the day's STATS item, which
 * every coupon write of the day updates), `ThrottlingError`, `ProvisionedThroughputExceeded`,
 * `RequestLimitExceeded`, `InternalServerError`, any other or unknown code, and no reasons at all, are retried.
 * So is `ConditionalCheckFailed`: the coupon store settles its coupon put's failed condition as EXISTS
 * (adapters/dynamodb/coupon-store.ts) before anything reaches the replay, so one that does is on another item,
 * whose condition is on state other writers move (the day's STATS item); parking it would leave a user who was
 * told 202 without a coupon, while retrying it costs one attempt a run, in sight of the DeadLetterQueue alarm.
 */
function isRetryableCancellation(error: unknown): boolean {
  const reasons = (error as { CancellationReasons?: readonly ({ Code?: string } | undefined)[] }).CancellationReasons;
  return !(reasons ?? []).some((reason) => PERMANENT_CANCELLATIONS.has(reason?.Code ?? ''));
}

/**
 * Drains the dead-letter queue: re-applies each message with the same ledger check and idempotent coupon write,
 * deletes what succeeded (or what the ledger no longer holds: dropped, never written), keeps what failed with a
 * retryable error for the next run for as long as the outage lasts (the queue's retention is the only bound), and
 * parks only what can never succeed: a poison message at once, a non-retryable error after `maxReplayAttempts`. A message is deleted only after it was applied or its PARKED record
 * was written, so nothing is ever dropped; if parking itself fails the message stays in the queue. Copies of one
 * admission (same coupon id and rank) count as one: the first is handled, the others deleted after it (see
 * ReplaySummary.duplicates).
 */
export async function replayDeadLetters(deps: ReplayDeps): Promise<ReplaySummary> {
  const summary: ReplaySummary = { replayed: 0, parked: 0, retained: 0, dropped: 0, duplicates: 0 };
  const seen = new Set<string>();
  const handled = new Map<string, Promise<void>>();
  while (deps.hasTime()) {
    const batch = (await deps.deadLetters.receive()).filter((m) => !seen.has(m.messageId));
    if (batch.length === 0) break;
    await Promise.all(
      batch.map(async (message) => {
        seen.add(message.messageId);
        const failedEventId = failedEventIdOf(message);
        // Copies of one admission (coupon id and rank): a released admission's stale copy is not a copy of the
        // same user's later admission, though both share the coupon id and its failure record.
        const copyKey = copyKeyOf(message, failedEventId);
        const first = handled.get(copyKey);
        if (first) {
          await first.catch(() => undefined);
          await deps.deadLetters.delete(message);
          summary.duplicates++;
          return;
        }
        const done = replayOne(message, failedEventId);
        handled.set(copyKey, done);
        await done;
      }),
    );
  }
  return summary;

  async function replayOne(message: DeadLetter, failedEventId: string): Promise<void> {
    let outcome: ApplyOutcome;
    try {
      outcome = await applyAdmission(deps, parseAdmissionMessage(message.body));
    } catch (error) {
      const poison = error instanceof PoisonMessageError;
      const now = deps.clock();
      const failure: FailedEventRecord = {
        failedEventId,
        body: message.body,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        reason: poison ? 'POISON' : 'ERROR',
        attributes: message.attributes,
      };
      const attempts = await deps.failures.recordFailure(failure, poison, now);
      const park = poison || (!isRetryable(error) && attempts >= deps.maxReplayAttempts);
      if (!park) {
        summary.retained++;
        return;
      }
      if (!poison) await deps.failures.park(failedEventId, now);
      await deps.deadLetters.delete(message);
      summary.parked++;
      return;
    }
    await deps.deadLetters.delete(message);
    await deps.failures.resolve(failedEventId);
    if (outcome === 'RELEASED') summary.dropped++;
    else summary.replayed++;
  }
}

/**
 * The failure record id of a dead letter: the coupon id of the admission it carries, so every copy of one
 * admission shares a record and reconciliation can find it; `message#<messageId>` when the body is no admission.
 */
export function failedEventIdOf(message: Pick<DeadLetter, 'messageId' | 'body'>): string {
  try {
    return parseAdmissionMessage(message.body).couponId;
  } catch {
    return `message#${message.messageId}`;
  }
}

/** What makes two dead letters copies of one another: the admission they carry, or the failure record id. */
function copyKeyOf(message: Pick<DeadLetter, 'body'>, failedEventId: string): string {
  try {
    return admissionKeyOf(parseAdmissionMessage(message.body));
  } catch {
    return failedEventId;
  }
}
