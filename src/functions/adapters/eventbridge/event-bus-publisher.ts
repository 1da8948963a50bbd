import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DomainEvent, EVENT_SOURCE } from '../../../contract/events';
import type { EventPublisher } from '../../domain/events/ports';

/** Entries per PutEvents call: EventBridge's limit (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * Publishes domain events to one EventBridge bus with PutEvents, {@link PUT_EVENTS_MAX_ENTRIES} per call: `source`
 * EVENT_SOURCE, `detail-type` the event's, `time` its `occurredAt` (src/contract/events.ts). An entry the bus
 * refuses (`ErrorCode` in the answer, for example throttling) is reported back by index, not retried here: the
 * stream retries its record.
 */
export class EventBusPublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<number[]> {
    const refused: number[] = [];
    for (let start = 0; start < events.length; start += PUT_EVENTS_MAX_ENTRIES) {
      const chunk = events.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
      const { Entries = [] } = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((event) => ({
            EventBusName: this.eventBusName,
            Source: EVENT_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Time: new Date(event.detail.occurredAt),
          })),
        }),
      );
      chunk.forEach((_, i) => {
        if (Entries[i]?.ErrorCode !== undefined || Entries[i]?.EventId === undefined) refused.push(start + i);
      });
    }
    return refused;
  }
}
