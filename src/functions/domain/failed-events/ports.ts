import type { Page, PageRequest } from '../kernel/page';
import type { FailedEventFilter, FailedEventRecord, FailedEventStatus, FailedEventView } from './failed-event';

// The ports of failed events: the issue queue's dead-letter queue (src/functions/adapters/sqs/dead-letter-source.ts)
// and the failed-event table (src/functions/adapters/dynamodb/failed-event-store.ts).
// Unless a method says otherwise, it throws the backend's error as is on failure (the HTTP edge answers it with
// 503 UNAVAILABLE).

/** A message received from the dead-letter queue. */
export interface DeadLetter {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
}

/** The dead-letter queue of the issue queue. */
export interface DeadLetterSource {
  /** Up to 10 messages, hidden from other receivers for a while; [] when the queue is empty. */
  receive(): Promise<DeadLetter[]>;
  delete(message: DeadLetter): Promise<void>;
  /** Approximate number of messages in the queue, visible or being worked on. */
  depth(): Promise<number>;
}

/**
 * The failed-event table: one {@link FailedEventRecord} per admission (or body) that replay could not apply, as
 * replay keeps it and as an operator sees it (src/functions/domain/failed-events/redrive.ts). Each use case takes the methods it needs.
 */
export interface FailedEventStore {
  /**
   * Records one failed replay attempt at `now` and returns the attempts so far (1 on the first failure).
   * `park` true marks the record PARKED (replay gives up on it), false RETRYING.
   */
  recordFailure(failure: FailedEventRecord, park: boolean, now: Date): Promise<number>;
  /** Marks a record PARKED at `now` (after {@link recordFailure} reached the attempt limit). */
  park(failedEventId: string, now: Date): Promise<void>;
  /** Removes the record of a message that a later replay applied. */
  resolve(failedEventId: string): Promise<void>;
  /** Status of each existing record among `failedEventIds`. */
  statuses(failedEventIds: readonly string[]): Promise<Map<string, FailedEventStatus>>;
  /**
   * One page of records matching every filter given, in no particular order; a page may hold fewer than `limit`
   * items while `nextCursor` is present. @throws InvalidRequestError for a cursor this listing did not issue.
   */
  page(filter: FailedEventFilter, page: PageRequest): Promise<Page<FailedEventView>>;
  /** The record (strongly consistent read), or undefined. */
  get(failedEventId: string): Promise<FailedEventView | undefined>;
  /**
   * Marks the record REDRIVEN at `now` by `principal` (`redrivenAt`, `redrivenBy`, `redriveCount` + 1), keeping
   * the rest of its history, and returns it as stored after.
   */
  markRedriven(failedEventId: string, principal: string, now: Date): Promise<FailedEventView>;
}
