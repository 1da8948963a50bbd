import fc from 'fast-check';
import type { DomainEvent } from '../../../../src/contract/events';
import type { Coupon } from '../../../../src/functions/domain/coupon/coupon';
import type { DataChange } from '../../../../src/functions/domain/events/data-change';
import { eventsOfChange } from '../../../../src/functions/domain/events/events-of-change';
import type { EventPublisher } from '../../../../src/functions/domain/events/ports';
import { publishChanges, type RecordedChange } from '../../../../src/functions/domain/events/publish-changes';
import type { CheckoutRedemption } from '../../../../src/functions/domain/vendor/checkout';

// The publisher's guarantee (src/contract/events.ts, RELIABILITY.md "Events"): over a stream of changes retried as
// Lambda retries a DynamoDB stream batch (from the record a partial batch response names), while the bus refuses
// entries, fails calls, or takes a call and loses its answer, and campaign reads fail, every fact's event is
// published at least once, with its one eventId, and no event is published for a change that states no fact.

const QUOTA = 3;

const coupon = (n: number): Coupon => ({
  couponId: `cpn-${n}`,
  campaignId: 'c1',
  vendorId: 'v1',
  issueDate: '2026-05-01',
  userId: `u${n}`,
  rank: n,
  admittedAt: '2026-05-01T04:00:00.000Z',
  issuedAt: '2026-05-01T04:00:01.000Z',
  expiresAt: '2026-06-01T00:00:00.000Z',
  status: 'ISSUED',
  discount: { type: 'PERCENT', value: 10 },
});

const redemption = (n: number, status: 'REDEEMED' | 'REFUNDED'): CheckoutRedemption => ({
  redemptionId: `r-${n}`,
  vendorId: 'v1',
  orderId: `o-${n}`,
  couponId: `cpn-${n}`,
  userId: `u${n}`,
  campaignId: 'c1',
  issueDate: '2026-05-01',
  orderAmount: 5000,
  currency: 'EUR',
  discountAmount: 500,
  status,
  redeemedAt: '2026-05-02T10:00:00.000Z',
  ...(status === 'REFUNDED' ? { refundedAt: '2026-05-03T10:00:00.000Z', refundReason: 'returned' } : {}),
});

/**
 * A generated stream of changes: coupons written (and some redeemed, a change that states nothing), redemptions
 * and their refunds, the day's persisted count growing past the quota, a failed event retried then parked, and
 * changes of other items.
 */
const changesArbitrary = fc
  .array(fc.constantFrom('coupon', 'couponRedeemed', 'redemption', 'refund', 'stats', 'failed', 'other'), {
    minLength: 1,
    maxLength: 40,
  })
  .map((kinds) => {
    const changes: DataChange[] = [];
    let persisted = 0;
    let attempts = 0;
    kinds.forEach((kind, n) => {
      switch (kind) {
        case 'coupon':
          changes.push({ entity: 'coupon', after: coupon(n) });
          break;
        case 'couponRedeemed':
          changes.push({ entity: 'coupon', before: coupon(n), after: { ...coupon(n), status: 'REDEEMED' } });
          break;
        case 'redemption':
          changes.push({ entity: 'redemption', after: redemption(n, 'REDEEMED') });
          break;
        case 'refund':
          changes.push({ entity: 'redemption', before: redemption(n, 'REDEEMED'), after: redemption(n, 'REFUNDED') });
          break;
        case 'stats': {
          const before = persisted;
          persisted += 1 + (n % 2);
          changes.push({
            entity: 'dayStats',
            day: { campaignId: 'c1', issueDate: '2026-05-01' },
            persistedBefore: before,
            persistedAfter: persisted,
            changedAt: `2026-05-01T04:00:${String(n).padStart(2, '0')}.000Z`,
          });
          break;
        }
        case 'failed': {
          attempts += 1;
          const state = {
            failedEventId: `f-${n % 3}`,
            reason: 'ERROR' as const,
            lastError: 'Error: boom',
            attempts,
            updatedAt: `2026-05-01T05:00:${String(n).padStart(2, '0')}.000Z`,
          };
          changes.push({
            entity: 'failedEvent',
            before: { ...state, status: 'RETRYING' },
            after: { ...state, status: 'PARKED' },
          });
          break;
        }
        default:
          changes.push({ entity: 'other' });
      }
    });
    return changes;
  });

/** What a fault plan may do to one bus call or campaign read. */
type Fault = 'none' | 'refuseSome' | 'fail' | 'loseAnswer';

/** A bus that publishes what it takes into `delivered`, its n-th call faulted by `faults[n]` (then none: faults clear). */
function faultyBus(faults: readonly Fault[], delivered: DomainEvent[]): EventPublisher {
  let call = 0;
  return {
    async publish(events) {
      const fault = faults[call++] ?? 'none';
      if (fault === 'fail') throw new Error('ServiceUnavailable');
      if (fault === 'loseAnswer') {
        delivered.push(...events);
        throw new Error('socket hang up');
      }
      const refused = fault === 'refuseSome' ? events.map((_, i) => i).filter((i) => i % 2 === call % 2) : [];
      delivered.push(...events.filter((_, i) => !refused.includes(i)));
      return refused;
    },
  };
}

describe('domain: publishChanges', () => {
  it('publishes every fact at least once with its one eventId, and nothing else, whatever the bus does', async () => {
    await fc.assert(
      fc.asyncProperty(
        changesArbitrary,
        fc.array(fc.constantFrom<Fault>('none', 'refuseSome', 'fail', 'loseAnswer'), { maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        fc.integer({ min: 1, max: 10 }),
        async (changes, busFaults, quotaFailures, batchSize) => {
          // Prepare
          const delivered: DomainEvent[] = [];
          const publisher = faultyBus(busFaults, delivered);
          let reads = 0;
          const quotaOf = async () => {
            if (quotaFailures[reads++] === true) throw new Error('throttled');
            return QUOTA;
          };
          const recorded: RecordedChange[] = changes.map((change, i) => ({ recordId: `seq-${i}`, change }));
          const expected = new Map<string, DomainEvent>();
          for (const change of changes) {
            for (const event of await eventsOfChange(change, async () => QUOTA, 'Shop/Coupons')) {
              expected.set(event.detail.eventId, event);
            }
          }
          // Act: the event source mapping's loop over one shard, retrying from the record it is told.
          let position = 0;
          let invocations = 0;
          while (position < recorded.length) {
            invocations += 1;
            if (invocations > 1_000) throw new Error('the stream never advanced');
            const batch = recorded.slice(position, position + batchSize);
            const { retryFrom } = await publishChanges({ publisher, quotaOf, instance: 'Shop/Coupons' }, batch);
            position =
              retryFrom === undefined ? position + batch.length : recorded.findIndex((r) => r.recordId === retryFrom);
            expect(position).toBeGreaterThanOrEqual(0);
          }
          // Assess
          const ids = new Set(delivered.map((e) => e.detail.eventId));
          expect([...ids].sort()).toEqual([...expected.keys()].sort());
          for (const event of delivered) expect(event).toEqual(expected.get(event.detail.eventId));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('states one DaySoldOut when the persisted count crosses the quota, and none for a campaign gone', async () => {
    // Prepare
    const day = { campaignId: 'c1', issueDate: '2026-05-01' };
    const stats = (before: number, after: number): DataChange => ({
      entity: 'dayStats',
      day,
      persistedBefore: before,
      persistedAfter: after,
      changedAt: '2026-05-01T04:00:05.000Z',
    });
    const quota = async () => 3;
    // Act
    const crossing = await eventsOfChange(stats(2, 4), quota);
    const below = await eventsOfChange(stats(1, 2), quota);
    const after = await eventsOfChange(stats(3, 4), quota);
    const gone = await eventsOfChange(stats(2, 3), async () => undefined);
    // Assess
    expect(crossing).toEqual([
      {
        detailType: 'DaySoldOut',
        detail: {
          eventId: 'DaySoldOut:c1#2026-05-01',
          occurredAt: '2026-05-01T04:00:05.000Z',
          campaignId: 'c1',
          issueDate: '2026-05-01',
          quota: 3,
        },
      },
    ]);
    expect([...below, ...after, ...gone]).toEqual([]);
  });

  it('gives a parked record a new AdmissionParked id each time it is parked again after a redrive', async () => {
    // Prepare
    const state = { failedEventId: 'f1', reason: 'POISON' as const, lastError: 'PoisonMessageError: bad body' };
    const parked = (attempts: number): DataChange => ({
      entity: 'failedEvent',
      before: { ...state, status: 'REDRIVEN', attempts: attempts - 1, updatedAt: 't0' },
      after: { ...state, status: 'PARKED', attempts, updatedAt: `t${attempts}` },
    });
    // Act
    const [first] = await eventsOfChange(parked(3), async () => 1);
    const [again] = await eventsOfChange(parked(4), async () => 1);
    const stillParked = await eventsOfChange(
      {
        entity: 'failedEvent',
        before: { ...state, status: 'PARKED', attempts: 4, updatedAt: 't4' },
        after: { ...state, status: 'PARKED', attempts: 4, updatedAt: 't5', parkedAt: 't5' },
      },
      async () => 1,
    );
    // Assess
    expect(first?.detail.eventId).toBe('AdmissionParked:f1#3');
    expect(again?.detail.eventId).toBe('AdmissionParked:f1#4');
    expect(stillParked).toEqual([]);
  });
});
