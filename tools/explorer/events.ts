import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import type { DomainEvent } from '../../src/contract/events';
import type { DynamoDbCouponStore } from '../../src/functions/adapters/dynamodb/coupon-store';
import type { DynamoDbFailedEventStore } from '../../src/functions/adapters/dynamodb/failed-event-store';
import { changeOfRecord, type StreamTables } from '../../src/functions/adapters/dynamodb/stream-changes';
import { EventBusPublisher } from '../../src/functions/adapters/eventbridge/event-bus-publisher';
import { type CampaignDay, couponIdOf } from '../../src/functions/domain/admission/admission';
import type { DataChange } from '../../src/functions/domain/events/data-change';
import { publishChanges } from '../../src/functions/domain/events/publish-changes';
import type { Answers } from './checks';
import type { StreamTail, TailRecord } from './stream-tail';
import { bodyText, ModelRequestHandler, respond } from './transport';

// The events of a run (guarantee E of RELIABILITY.md): once the run settled, the publisher reads what the run wrote
// from the tables' streams and puts it on a model of the bus, as the stream event source mapping drives it (batches
// per shard, in order, retried from the record a partial batch response names, the whole batch again when the
// invocation dies), while the bus fails calls, loses answers after taking the events, refuses entries, and campaign
// reads fail. Then: one distinct CouponIssued per stored coupon and none other, DaySoldOut once for a day whose
// coupons reached the quota and never for another, AdmissionParked for each parked record, and every delivery of an
// id carrying the same detail.

/** What one bus call or invocation suffers. */
type EventFault = 'error' | 'lostAnswer' | 'errorAfter' | 'refuseSome' | 'crashAfter' | 'quotaReadFails';
const EVENT_FAULTS: readonly EventFault[] = [
  'error',
  'lostAnswer',
  'errorAfter',
  'refuseSome',
  'crashAfter',
  'quotaReadFails',
];

/** Invocations one shard may take before the check says it never advanced. */
const MAX_INVOCATIONS = 500;

/** An AWS JSON 1.1 answer of `status` with `body` (the protocol EventBridge speaks). */
function answer(status: number, body: unknown): { response: HttpResponse } {
  return respond(status, { 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify(body));
}

/** A model of one EventBridge bus behind the SDK: PutEvents only, faulted by `fault()`. */
class BusModel extends ModelRequestHandler {
  readonly delivered: DomainEvent[] = [];
  private sequence = 0;

  constructor(private readonly fault: () => EventFault | undefined) {
    super();
  }

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const kind = this.fault();
    if (kind === 'error') return answer(500, { __type: 'InternalException', message: 'explorer' });
    const { Entries = [] } = JSON.parse(bodyText(request)) as {
      Entries?: { DetailType: string; Detail: string }[];
    };
    const answers = Entries.map((entry, i) => {
      if (kind === 'refuseSome' && i % 2 === 0) return { ErrorCode: 'ThrottlingException', ErrorMessage: 'explorer' };
      this.delivered.push({ detailType: entry.DetailType, detail: JSON.parse(entry.Detail) } as DomainEvent);
      return { EventId: `e-${++this.sequence}` };
    });
    if (kind === 'lostAnswer') throw Object.assign(new Error('socket hang up (explorer)'), { code: 'ECONNRESET' });
    if (kind === 'errorAfter') return answer(500, { __type: 'InternalException', message: 'explorer' });
    const failed = answers.filter((a) => 'ErrorCode' in a).length;
    return answer(200, { FailedEntryCount: failed, Entries: answers });
  }
}

/** The campaign a change belongs to, if any. */
function campaignOf(change: DataChange): string | undefined {
  switch (change.entity) {
    case 'coupon':
      return (change.after ?? change.before)?.campaignId;
    case 'redemption':
      return (change.after ?? change.before)?.campaignId;
    case 'dayStats':
      return change.day.campaignId;
    case 'failedEvent':
      return (change.after ?? change.before)?.campaignId;
    default:
      return undefined;
  }
}

/** What {@link publishAndCheckEvents} needs from the run. */
export interface EventsInput {
  readonly tail: StreamTail;
  readonly tables: StreamTables;
  readonly campaignId: string;
  readonly quota: number;
  readonly answers: Answers;
  readonly coupons: DynamoDbCouponStore;
  readonly failures: DynamoDbFailedEventStore;
  /** The run's seeded generator (faults and batch sizes replay with the run). */
  readonly random: () => number;
}

/**
 * Publishes the run's changes with faults and checks guarantee E. Returns the violations (empty when none), the
 * events delivered (duplicates included) and the faults injected, by kind.
 */
export async function publishAndCheckEvents(
  input: EventsInput,
): Promise<{ violations: string[]; delivered: number; injected: Record<string, number> }> {
  const { random } = input;
  const faultRate = 0.1 + random() * 0.5;
  const injected: Record<string, number> = {};
  const draw = (allowed: (k: EventFault) => boolean): EventFault | undefined => {
    if (random() >= faultRate) return undefined;
    const kinds = EVENT_FAULTS.filter(allowed);
    const kind = kinds[Math.floor(random() * kinds.length)] as EventFault;
    injected[`events ${kind}`] = (injected[`events ${kind}`] ?? 0) + 1;
    return kind;
  };
  const bus = new BusModel(() => draw((k) => k !== 'crashAfter' && k !== 'quotaReadFails'));
  const client = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: 'http://events.model',
    credentials: { accessKeyId: 'explorer', secretAccessKey: 'explorer' },
    retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
    requestHandler: bus,
  });
  const deps = {
    publisher: new EventBusPublisher(client, 'explorer-bus'),
    quotaOf: async () => {
      if (draw((k) => k === 'quotaReadFails')) throw new Error('ProvisionedThroughputExceededException (explorer)');
      return input.quota;
    },
  };
  const violations: string[] = [];
  const shards = new Map<string, TailRecord[]>();
  for (const record of await input.tail.read()) {
    if (campaignOf(changeOfRecord(record.record, input.tables)) !== input.campaignId) continue;
    shards.set(record.shardId, [...(shards.get(record.shardId) ?? []), record]);
  }
  for (const [shardId, records] of shards) {
    let position = 0;
    for (let invocation = 0; position < records.length; invocation++) {
      if (invocation === MAX_INVOCATIONS) {
        violations.push(`E. shard ${shardId} never advanced past record ${position} of ${records.length}`);
        break;
      }
      const batch = records.slice(position, position + 1 + Math.floor(random() * 10));
      const changes = batch.map(({ record }, i) => ({
        recordId: record.dynamodb?.SequenceNumber ?? String(i),
        change: changeOfRecord(record, input.tables),
      }));
      const { retryFrom } = await publishChanges(deps, changes);
      // The invocation dies after publishing, before answering: Lambda retries the whole batch.
      if (draw((k) => k === 'crashAfter')) continue;
      position =
        retryFrom === undefined
          ? position + batch.length
          : records.findIndex((r) => r.record.dynamodb?.SequenceNumber === retryFrom);
    }
  }
  client.destroy();
  violations.push(...(await checkEvents(input, bus.delivered)));
  return { violations, delivered: bus.delivered.length, injected };
}

/** Guarantee E on what the bus received. */
async function checkEvents(input: EventsInput, delivered: readonly DomainEvent[]): Promise<string[]> {
  const violations: string[] = [];
  const first = new Map<string, DomainEvent>();
  for (const event of delivered) {
    const seen = first.get(event.detail.eventId);
    if (seen === undefined) first.set(event.detail.eventId, event);
    else if (JSON.stringify(seen) !== JSON.stringify(event)) {
      violations.push(`E. ${event.detail.eventId} delivered with two different details`);
    }
  }
  const ids = (type: string) =>
    new Set([...first.values()].filter((e) => e.detailType === type).map((e) => e.detail.eventId));
  const expectedIssued = new Set<string>();
  const expectedSoldOut = new Set<string>();
  const expectedParked = new Set<string>();
  for (const [issueDate, users] of Object.entries(input.answers)) {
    const day: CampaignDay = { campaignId: input.campaignId, issueDate };
    for (const userId of Object.keys(users)) {
      const couponId = couponIdOf(day.campaignId, issueDate, userId);
      const coupon = await input.coupons.get(couponId);
      if (coupon) {
        expectedIssued.add(`CouponIssued:${couponId}`);
        const issued = first.get(`CouponIssued:${couponId}`);
        if (
          issued?.detailType === 'CouponIssued' &&
          (issued.detail.userId !== userId || issued.detail.rank !== coupon.rank)
        ) {
          violations.push(
            `E. CouponIssued:${couponId} says ${issued.detail.userId} rank ${issued.detail.rank}, the coupon ${userId} rank ${coupon.rank}`,
          );
        }
      }
      const failed = await input.failures.get(couponId);
      if (failed?.status === 'PARKED') expectedParked.add(`AdmissionParked:${couponId}#${failed.attempts}`);
    }
    if ((await input.coupons.persistedCount(day)) >= input.quota) {
      expectedSoldOut.add(`DaySoldOut:${day.campaignId}#${issueDate}`);
    }
  }
  const compare = (type: string, expected: Set<string>, exact: boolean) => {
    const got = ids(type);
    const missing = [...expected].filter((id) => !got.has(id));
    const extra = [...got].filter((id) => !expected.has(id));
    if (missing.length > 0)
      violations.push(`E. ${missing.length} ${type} never published: ${missing.slice(0, 3).join(', ')}`);
    if (exact && extra.length > 0)
      violations.push(`E. ${extra.length} ${type} for no such fact: ${extra.slice(0, 3).join(', ')}`);
  };
  compare('CouponIssued', expectedIssued, true);
  compare('DaySoldOut', expectedSoldOut, true);
  // A record parked, then parked again (replay's later attempt), has an event per parking; the last must be there.
  compare('AdmissionParked', expectedParked, false);
  return violations;
}
