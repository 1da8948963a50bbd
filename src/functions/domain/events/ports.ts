import type { DomainEvent } from '../../../contract/events';

// The port of the events aggregate: the bus the construct's events go to
// (src/functions/adapters/eventbridge/event-bus-publisher.ts).

/** Publishes domain events (EventBridge PutEvents). */
export interface EventPublisher {
  /**
   * Publishes `events`, in as few calls as the bus allows, and returns the indexes (into `events`) of those the bus
   * did not accept; an empty array when it took them all.
   * @throws the backend's error when a call failed as a whole (none of that call's events is known to be published).
   */
  publish(events: readonly DomainEvent[]): Promise<number[]>;
}

/** The daily quota of a campaign, or undefined when the campaign does not exist. */
export type DailyQuotaLookup = (campaignId: string) => Promise<number | undefined>;
