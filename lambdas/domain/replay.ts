import { type ApplyAdmissionDeps, applyAdmission, PoisonMessageError, parseAdmissionMessage } from './coupon';
import type { Clock, DeadLetter, DeadLetterSource, FailureLog, FailureRecord } from './ports';

/** Dependencies of {@link replayDeadLetters}. */
export interface ReplayDeps extends ApplyAdmissionDeps {
  readonly deadLetters: Pick<DeadLetterSource, 'receive' | 'delete'>;
  readonly failures: Pick<FailureLog, 'recordFailure' | 'park' | 'resolve'>;
  readonly clock: Clock;
  /** Replay attempts of one message before it is parked (a poison message is parked at once). */
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
  /**
   * Further copies of an admission handled earlier in the run (redelivery, re-enqueue), deleted once that first
   * copy was applied, parked or retained: one admission is one failure record and one attempt per run.
   */
  duplicates: number;
}

/**
 * Drains the dead-letter queue: re-applies each message with the same idempotent coupon write, deletes what
 * succeeded, and parks what keeps failing. A message is deleted only after it was applied or its PARKED record
 * was written, so nothing is ever dropped; if parking itself fails the message stays in the queue. Copies of one
 * admission count as one: the first is handled, the others deleted after it (see ReplaySummary.duplicates).
 */
export async function replayDeadLetters(deps: ReplayDeps): Promise<ReplaySummary> {
  const summary: ReplaySummary = { replayed: 0, parked: 0, retained: 0, duplicates: 0 };
  const seen = new Set<string>();
  const handled = new Map<string, Promise<void>>();
  while (deps.hasTime()) {
    const batch = (await deps.deadLetters.receive()).filter((m) => !seen.has(m.messageId));
    if (batch.length === 0) break;
    await Promise.all(
      batch.map(async (message) => {
        seen.add(message.messageId);
        const failedEventId = failedEventIdOf(message);
        const first = handled.get(failedEventId);
        if (first) {
          await first.catch(() => undefined);
          await deps.deadLetters.delete(message);
          summary.duplicates++;
          return;
        }
        const done = replayOne(message, failedEventId);
        handled.set(failedEventId, done);
        await done;
      }),
    );
  }
  return summary;

  async function replayOne(message: DeadLetter, failedEventId: string): Promise<void> {
    try {
      await applyAdmission(deps, parseAdmissionMessage(message.body));
    } catch (error) {
      const poison = error instanceof PoisonMessageError;
      const now = deps.clock();
      const failure: FailureRecord = {
        failedEventId,
        body: message.body,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        reason: poison ? 'POISON' : 'ERROR',
        attributes: message.attributes,
      };
      const attempts = await deps.failures.recordFailure(failure, poison, now);
      const park = poison || attempts >= deps.maxReplayAttempts;
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
    summary.replayed++;
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
