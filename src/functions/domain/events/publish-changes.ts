import type { DomainEvent } from '../../../contract/events';
import type { DataChange } from './data-change';
import { eventsOfChange } from './events-of-change';
import type { DailyQuotaLookup, EventPublisher } from './ports';

/** A change with the id of the stream record that reported it (its sequence number). */
export interface RecordedChange {
  readonly recordId: string;
  readonly change: DataChange;
}

/** What {@link publishChanges} did: the events the bus took, and the first record to retry from, if any. */
export interface PublishOutcome {
  readonly published: number;
  /**
   * The first record whose events are not all published (its events could not be built, or the bus refused or
   * lost one): the stream is retried from it (a partial batch response), so it and every later record of the
   * batch come again. Undefined when the whole batch is published.
   */
  readonly retryFrom?: string;
}

/**
 * Publishes the events of a batch of changes, in the stream's order (src/functions/domain/events/events-of-change.ts
 * says which change states which fact). A change whose events cannot be built (its campaign could not be read)
 * stops the batch there: only the records before it are published. At least once: a retried record publishes its
 * events again, with the same ids.
 */
export async function publishChanges(
  deps: { readonly publisher: EventPublisher; readonly quotaOf: DailyQuotaLookup; readonly instance?: string },
  changes: readonly RecordedChange[],
): Promise<PublishOutcome> {
  const events: DomainEvent[] = [];
  /** The record index of each event. */
  const sources: number[] = [];
  let firstUnbuilt: number | undefined;
  for (const [index, { change }] of changes.entries()) {
    try {
      for (const event of await eventsOfChange(change, deps.quotaOf, deps.instance)) {
        events.push(event);
        sources.push(index);
      }
    } catch {
      firstUnbuilt = index;
      break;
    }
  }
  let firstFailed = firstUnbuilt;
  let published = 0;
  if (events.length > 0) {
    try {
      const refused = await deps.publisher.publish(events);
      published = events.length - refused.length;
      if (refused.length > 0) {
        const firstRefused = Math.min(...refused.map((i) => sources[i] as number));
        firstFailed = Math.min(firstFailed ?? firstRefused, firstRefused);
      }
    } catch {
      firstFailed = sources[0];
    }
  }
  const retryFrom = firstFailed === undefined ? undefined : changes[firstFailed]?.recordId;
  return retryFrom === undefined ? { published } : { published, retryFrom };
}
